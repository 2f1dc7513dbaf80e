/**
 * Real peer processes on loopback: {@link io.pincluster.testing.process.ProcessCluster} starts N
 * {@code cluster-service daemon} JVMs from the unpacked distribution, each with a fake Kubo
 * process, and kills, stops and restarts them one by one (benchmarks, crash and network-fault
 * runs).
 */
package io.pincluster.testing.process;

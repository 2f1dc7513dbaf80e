/**
 * Network faults between peer processes on one host: {@link io.pincluster.faults.net.FaultProxy}
 * (each peer's egress proxy, with per-link cut, silent drop and delay), {@link
 * io.pincluster.faults.net.LoopbackNetwork} (per-link loopback addresses and per-peer hosts files
 * that route every peer-to-peer connection through the source peer's proxy) and {@link
 * io.pincluster.faults.net.Partitions} ("isolate X", "2|1", "1|1|1", heal). Loopback only.
 */
package io.pincluster.faults.net;

/**
 * The crash/restart runner (issue 9): a pin/unpin workload on a real {@link
 * io.pincluster.testing.process.ProcessCluster} while peers are killed and restarted, then a check
 * of the recorded history against every peer's local state. {@link
 * io.pincluster.faults.crash.CrashRunner} is the entry point ({@code faults/run.sh}).
 */
package io.pincluster.faults.crash;

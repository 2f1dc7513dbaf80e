package io.pincluster.testing.process;

/**
 * Finds the peer that leads the Raft group. Pluggable so a cluster whose Raft port needs
 * credentials can use another way of asking.
 */
@FunctionalInterface
public interface LeaderProbe {
  /** The index of the live peer that says it leads, or -1 when none does (or none answers). */
  int leader(ProcessCluster cluster);
}

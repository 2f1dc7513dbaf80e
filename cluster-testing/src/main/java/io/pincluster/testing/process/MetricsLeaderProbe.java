package io.pincluster.testing.process;

/**
 * Reads each live peer's Prometheus gauge {@code pincluster_raft_leader} (1 when that peer's Raft
 * server leads) through {@link ProcessCluster#metric}. Needs {@code
 * observations.metrics.enable_stats}, which {@link ProcessCluster} always sets (on a random
 * loopback port). Works whatever protects the Raft port. When two peers say they lead (an old
 * leader not yet told), the first one found wins; callers that need certainty retry.
 */
public final class MetricsLeaderProbe implements LeaderProbe {
  /** The gauge that is 1 on the peer whose Raft server leads, 0 on the others. */
  public static final String GAUGE = "pincluster_raft_leader";

  @Override
  public int leader(ProcessCluster cluster) {
    for (int n = 0; n < cluster.size(); n++) {
      if (cluster.isAlive(n) && cluster.metric(n, GAUGE).orElse(0) == 1.0) {
        return n;
      }
    }
    return -1;
  }
}

package io.pincluster.consensus.raft;

import java.util.Arrays;

/** Cluster secrets and their Raft transport trust for tests (deriving one takes milliseconds). */
final class TestTls {
  /** The trust of test clusters, from {@code secret(1)}. */
  static final ClusterTls CLUSTER = ClusterTls.fromSecret(secret(1));

  /** The trust of another cluster, from {@code secret(2)}. */
  static final ClusterTls OTHER = ClusterTls.fromSecret(secret(2));

  private TestTls() {}

  /** A valid 32-byte secret, every byte {@code seed}. */
  static byte[] secret(int seed) {
    byte[] b = new byte[ClusterTls.SECRET_BYTES];
    Arrays.fill(b, (byte) seed);
    return b;
  }
}

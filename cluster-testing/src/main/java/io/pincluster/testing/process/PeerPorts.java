package io.pincluster.testing.process;

/**
 * The loopback ports of one peer and its fake Kubo, chosen free when the peer is created and kept
 * across restarts.
 */
public record PeerPorts(int rest, int proxy, int raft, int rpc, int kubo, int metrics) {
  public PeerPorts {
    for (int p : new int[] {rest, proxy, raft, rpc, kubo, metrics}) {
      if (p <= 0 || p > 65535) {
        throw new IllegalArgumentException("port out of range: " + p);
      }
    }
  }

  /** Six distinct free ports. */
  static PeerPorts free() {
    int[] p = ProcessCluster.freePorts(6);
    return new PeerPorts(p[0], p[1], p[2], p[3], p[4], p[5]);
  }
}

package io.pincluster.testing.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * The loopback ports of one peer and its fake Kubo, chosen free when the peer is created (or given
 * by {@link ProcessClusterConfig#ports()}) and kept across restarts.
 */
public record PeerPorts(int rest, int proxy, int raft, int rpc, int kubo, int metrics) {
  public PeerPorts {
    for (int p : new int[] {rest, proxy, raft, rpc, kubo, metrics}) {
      if (p <= 0 || p > 65535) {
        throw new IllegalArgumentException("port out of range: " + p);
      }
    }
  }

  /** Six distinct ports that were free a moment ago. */
  public static PeerPorts free() {
    return free(1).get(0);
  }

  /**
   * The ports of {@code peers} peers, all distinct (chosen together: ports chosen one peer at a
   * time may repeat, since each is released before the next is chosen).
   */
  public static List<PeerPorts> free(int peers) {
    int[] p = freePorts(6 * peers);
    List<PeerPorts> out = new ArrayList<>(peers);
    for (int i = 0; i < p.length; i += 6) {
      out.add(new PeerPorts(p[i], p[i + 1], p[i + 2], p[i + 3], p[i + 4], p[i + 5]));
    }
    return out;
  }

  /** Every port of this peer: rest, proxy, raft, rpc, kubo, metrics. */
  public List<Integer> all() {
    return List.of(rest, proxy, raft, rpc, kubo, metrics);
  }

  /** {@code count} distinct ports that were free a moment ago. */
  public static int[] freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    int[] out = new int[count];
    try {
      for (int i = 0; i < count; i++) {
        ServerSocket s = new ServerSocket(0);
        sockets.add(s);
        out[i] = s.getLocalPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find free ports", e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException e) {
          // closing a listening socket that accepted nothing: nothing to lose
        }
      }
    }
    return out;
  }
}

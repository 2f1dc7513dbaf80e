package io.pincluster.testing.process;

import java.util.Map;
import java.util.Optional;

/**
 * Per-peer extras: JVM options and environment for one peer's daemon, asked at every start of that
 * daemon (so they can depend on the ports the cluster chose, e.g. to route Raft traffic through a
 * proxy), and the address the peer announces to the others.
 */
@FunctionalInterface
public interface PeerCustomizer {
  /** No extras. */
  PeerCustomizer NONE = (peer, cluster) -> Launch.NONE;

  /** Extras for peer {@code peer} (0-based) of {@code cluster}. */
  Launch launch(int peer, ProcessCluster cluster);

  /**
   * The address other peers reach peer {@code peer}'s Raft port at, without {@code /p2p} (e.g.
   * {@code /dns4/peer1.example/tcp/4001}); empty (the default): its listen address, {@code
   * /ip4/127.0.0.1/tcp/<raft port>}. Asked before the peer's {@code init} runs, once its ports are
   * known. A given address becomes the peer's {@code CLUSTER_ANNOUNCEMULTIADDRESS} (for {@code
   * init} and every daemon start) and is what the other peers get in {@code init --peers} and
   * {@code --bootstrap} (see {@link ProcessCluster#raftMultiaddr}).
   */
  default Optional<String> announce(int peer, ProcessCluster cluster) {
    return Optional.empty();
  }

  /**
   * @param javaOpts appended to the cluster's {@code PINCLUSTER_JAVA_OPTS} (e.g. {@code -Dx=y})
   * @param env added to (and overriding) the cluster's environment for this daemon
   */
  record Launch(String javaOpts, Map<String, String> env) {
    public static final Launch NONE = new Launch("", Map.of());

    public Launch {
      javaOpts = javaOpts == null ? "" : javaOpts.trim();
      env = env == null ? Map.of() : Map.copyOf(env);
    }
  }
}

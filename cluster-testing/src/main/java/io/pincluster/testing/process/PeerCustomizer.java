package io.pincluster.testing.process;

import java.util.Map;

/**
 * Extra JVM options and environment for one peer's daemon, asked at every start of that daemon (so
 * it can depend on the ports the cluster chose, e.g. to route Raft traffic through a proxy).
 */
@FunctionalInterface
public interface PeerCustomizer {
  /** No extras. */
  PeerCustomizer NONE = (peer, cluster) -> Launch.NONE;

  /** Extras for peer {@code peer} (0-based) of {@code cluster}. */
  Launch launch(int peer, ProcessCluster cluster);

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

package io.pincluster.testing.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How {@link ProcessCluster} starts its peers. Immutable; {@code with*} return copies.
 *
 * @param dist the unpacked distribution (holds {@code bin/cluster-service})
 * @param work an empty or absent folder for configs, state and logs
 * @param classpath a class path holding {@code io.pincluster.testing.FakeKubo} (run as a process)
 * @param peers how many peers form the cluster at start (1 to 9)
 * @param peerJavaOpts {@code PINCLUSTER_JAVA_OPTS} of every daemon and {@code init}
 * @param env {@code CLUSTER_*} overrides (see docs/configuration.md) given to every {@code init}
 *     and daemon, after the ones the cluster sets itself (ports, secret, name), so they win
 * @param customizer per-peer extras, asked at every daemon start
 * @param leaderProbe how {@link ProcessCluster#leader()} finds the leader
 * @param ports the ports of peers 0 to {@code peers - 1}, in order, when they must be known before
 *     the cluster starts (e.g. to set up a network in front of them; see {@link PeerPorts#free()});
 *     empty: free ones are chosen at start. Peers added later always get free ones.
 * @param kuboJavaOpts the JVM options of every fake Kubo process
 */
public record ProcessClusterConfig(
    Path dist,
    Path work,
    String classpath,
    int peers,
    String peerJavaOpts,
    Map<String, String> env,
    PeerCustomizer customizer,
    LeaderProbe leaderProbe,
    List<PeerPorts> ports,
    String kuboJavaOpts) {
  /** The JVM options of a peer unless told otherwise: small heap, fast start. */
  public static final String DEFAULT_JAVA_OPTS =
      "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

  /** The JVM options of a fake Kubo unless told otherwise: small heap, fast start. */
  public static final String DEFAULT_KUBO_JAVA_OPTS = DEFAULT_JAVA_OPTS;

  /**
   * Timeouts shrunk for tests on loopback: failures are noticed in seconds, pins of a peer down for
   * 3 s move, trackers resync every 5 s. Use with {@link #withEnv}.
   */
  public static final Map<String, String> SHRUNK_TIMEOUTS =
      Map.of(
          "CLUSTER_MONITORPINGINTERVAL", "1s",
          "CLUSTER_MONBASIC_CHECKINTERVAL", "1s",
          "CLUSTER_REPINGRACEPERIOD", "3s",
          "CLUSTER_STATESYNCINTERVAL", "5s",
          "CLUSTER_PEERWATCHINTERVAL", "1s",
          "CLUSTER_IPFSHTTP_CONNECTSWARMSDELAY", "1s",
          "CLUSTER_DISK_METRICTTL", "2s",
          "CLUSTER_TAGS_METRICTTL", "2s");

  public ProcessClusterConfig {
    Objects.requireNonNull(dist, "dist");
    Objects.requireNonNull(work, "work");
    Objects.requireNonNull(classpath, "classpath");
    if (peers < 1 || peers > 9) {
      throw new IllegalArgumentException("peers must be 1 to 9, not " + peers);
    }
    peerJavaOpts = peerJavaOpts == null ? DEFAULT_JAVA_OPTS : peerJavaOpts;
    env = env == null ? Map.of() : Map.copyOf(env);
    for (String key : env.keySet()) {
      if (!key.startsWith("CLUSTER_") && !key.startsWith("PINCLUSTER_")) {
        throw new IllegalArgumentException(
            "env key " + key + " is neither a CLUSTER_* nor a PINCLUSTER_* variable");
      }
    }
    customizer = customizer == null ? PeerCustomizer.NONE : customizer;
    leaderProbe = leaderProbe == null ? new MetricsLeaderProbe() : leaderProbe;
    ports = ports == null ? List.of() : List.copyOf(ports);
    checkPorts(ports, peers);
    kuboJavaOpts = kuboJavaOpts == null ? DEFAULT_KUBO_JAVA_OPTS : kuboJavaOpts.trim();
  }

  private static void checkPorts(List<PeerPorts> ports, int peers) {
    if (!ports.isEmpty() && ports.size() != peers) {
      throw new IllegalArgumentException(
          "ports are given for " + ports.size() + " peers, but the cluster has " + peers);
    }
    Set<Integer> seen = new HashSet<>();
    for (PeerPorts p : ports) {
      for (int port : p.all()) {
        if (!seen.add(port)) {
          throw new IllegalArgumentException("port " + port + " is given twice in " + ports);
        }
      }
    }
  }

  /** {@code peers} peers with the default options and no overrides. */
  public static ProcessClusterConfig of(Path dist, Path work, String classpath, int peers) {
    if (!Files.isExecutable(dist.resolve("bin/cluster-service"))) {
      throw new IllegalArgumentException(
          "no cluster-service in " + dist + "/bin: build the distribution first");
    }
    return new ProcessClusterConfig(
        dist, work, classpath, peers, DEFAULT_JAVA_OPTS, Map.of(), null, null, List.of(), null);
  }

  public ProcessClusterConfig withPeerJavaOpts(String opts) {
    return new ProcessClusterConfig(
        dist, work, classpath, peers, opts, env, customizer, leaderProbe, ports, kuboJavaOpts);
  }

  /** These overrides added to (replacing equal keys of) the current ones. */
  public ProcessClusterConfig withEnv(Map<String, String> more) {
    Map<String, String> merged = new LinkedHashMap<>(env);
    merged.putAll(more);
    return withEnvAndPorts(merged, ports);
  }

  public ProcessClusterConfig withCustomizer(PeerCustomizer c) {
    return new ProcessClusterConfig(
        dist, work, classpath, peers, peerJavaOpts, env, c, leaderProbe, ports, kuboJavaOpts);
  }

  public ProcessClusterConfig withLeaderProbe(LeaderProbe p) {
    return new ProcessClusterConfig(
        dist, work, classpath, peers, peerJavaOpts, env, customizer, p, ports, kuboJavaOpts);
  }

  /** The first peers' ports fixed in advance (one {@link PeerPorts} a peer, in order). */
  public ProcessClusterConfig withPorts(List<PeerPorts> fixed) {
    return withEnvAndPorts(env, fixed);
  }

  /** The JVM options of every fake Kubo process (e.g. a larger heap for long load runs). */
  public ProcessClusterConfig withKuboJavaOpts(String opts) {
    return new ProcessClusterConfig(
        dist, work, classpath, peers, peerJavaOpts, env, customizer, leaderProbe, ports, opts);
  }

  private ProcessClusterConfig withEnvAndPorts(Map<String, String> e, List<PeerPorts> p) {
    return new ProcessClusterConfig(
        dist, work, classpath, peers, peerJavaOpts, e, customizer, leaderProbe, p, kuboJavaOpts);
  }
}

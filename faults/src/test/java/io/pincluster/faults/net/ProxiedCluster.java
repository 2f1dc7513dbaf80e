package io.pincluster.faults.net;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Three real peers (the distribution's {@code cluster-service daemon}) and three fake Kubo
 * processes on loopback, with every peer-to-peer connection (Raft and peer RPC) going through the
 * source peer's {@link FaultProxy} of a {@link LoopbackNetwork}. Set up like bench's {@code
 * LocalCluster} (two rounds of {@code init}, {@code CLUSTER_*} overrides, random free ports), plus:
 * each peer announces {@code /dns4/peerN.pincluster.test/tcp/<raft port>}, resolves names through
 * its own hosts file, and serves Prometheus metrics (to tell who leads). Kept small on purpose, to
 * be swapped for the shared process cluster later. Not thread-safe; {@link #close()} stops
 * everything in reverse order.
 */
final class ProxiedCluster implements AutoCloseable {
  static final int PEERS = 3;
  // per peer: rest, ipfs proxy, raft, rpc, kubo, prometheus
  private static final int REST = 0;
  private static final int RAFT = 2;
  private static final int RPC = 3;
  private static final int KUBO = 4;
  private static final int PROM = 5;
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

  private final Path dist;
  private final Path work;
  private final Map<String, String> raftOverrides;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<ChildProcess> kubos = new ArrayList<>();
  private final ChildProcess[] daemons = new ChildProcess[PEERS];
  private final int[][] ports = new int[PEERS][];
  private final String[] ids = new String[PEERS];
  private LoopbackNetwork net;

  /**
   * @param raftOverrides {@code CLUSTER_RAFT_*} environment overrides (shrunk timeouts)
   */
  ProxiedCluster(Path dist, Path work, Map<String, String> raftOverrides) {
    if (!Files.isExecutable(dist.resolve("bin/cluster-service"))) {
      throw new IllegalArgumentException(
          "no cluster-service in " + dist + "/bin: build the distribution first");
    }
    this.dist = dist;
    this.work = work;
    this.raftOverrides = Map.copyOf(raftOverrides);
  }

  static String name(int n) {
    return "peer" + (n + 1);
  }

  /** Starts proxies, fakes and peers; returns once every peer answers and a pin commits. */
  ProxiedCluster start(Duration timeout) throws IOException {
    Files.createDirectories(work);
    List<LoopbackNetwork.Peer> peers = new ArrayList<>();
    for (int n = 0; n < PEERS; n++) {
      ports[n] = freePorts(6);
      peers.add(new LoopbackNetwork.Peer(name(n), List.of(ports[n][RAFT], ports[n][RPC])));
    }
    net = LoopbackNetwork.start(peers, work.resolve("net"), FaultProxyConfig.DEFAULT);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (int n = 0; n < PEERS; n++) {
      kubos.add(
          ChildProcess.start(
              "fakekubo" + (n + 1),
              List.of(
                  java,
                  "-Xmx128m",
                  "-XX:+UseSerialGC",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "io.pincluster.testing.FakeKubo",
                  Integer.toString(ports[n][KUBO])),
              Map.of(),
              work.resolve("fakekubo" + (n + 1) + ".log")));
    }
    String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
    for (int n = 0; n < PEERS; n++) {
      init(n, secret, null);
      ids[n] = readId(n);
    }
    for (int n = 0; n < PEERS; n++) {
      List<String> others = new ArrayList<>();
      for (int m = 0; m < PEERS; m++) {
        if (m != n) {
          others.add(announced(m) + "/p2p/" + ids[m]);
        }
      }
      init(n, secret, String.join(",", others));
    }
    for (int n = 0; n < PEERS; n++) {
      startPeer(n);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int n = 0; n < PEERS; n++) {
      awaitAnswer(n, deadline);
    }
    return this;
  }

  Partitions partitions() {
    return net.partitions();
  }

  LoopbackNetwork network() {
    return net;
  }

  String restUrl(int n) {
    return "http://127.0.0.1:" + ports[n][REST];
  }

  String peerId(int n) {
    return ids[n];
  }

  Path log(int n) {
    return work.resolve(name(n) + ".log");
  }

  /** A Prometheus gauge of peer {@code n}; empty when it does not answer in 2 s. */
  OptionalDouble metric(int n, String name) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[n][PROM] + "/metrics"))
            .timeout(Duration.ofSeconds(2))
            .build();
    try {
      String body = http.send(req, HttpResponse.BodyHandlers.ofString()).body();
      Matcher m =
          Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? (\\S+)$").matcher(body);
      return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    } catch (IOException e) {
      return OptionalDouble.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalDouble.empty();
    }
  }

  private String announced(int n) {
    return "/dns4/" + net.hostname(name(n)) + "/tcp/" + ports[n][RAFT];
  }

  private void startPeer(int n) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(
        "PINCLUSTER_JAVA_OPTS",
        "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 " + net.javaOptions(name(n)));
    daemons[n] =
        ChildProcess.start(
            name(n),
            List.of(
                dist.resolve("bin/cluster-service").toString(),
                "--config",
                work.resolve(name(n)).toString(),
                "daemon"),
            env,
            log(n));
  }

  private void init(int n, String secret, String peers) {
    Map<String, String> env = new LinkedHashMap<>(raftOverrides);
    int[] p = ports[n];
    env.put("CLUSTER_PEERNAME", name(n));
    env.put("CLUSTER_SECRET", secret);
    env.put("CLUSTER_LISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p[RAFT]);
    env.put("CLUSTER_ANNOUNCEMULTIADDRESS", announced(n));
    env.put("CLUSTER_RPCLISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p[RPC]);
    env.put("CLUSTER_RESTAPI_HTTPLISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p[REST]);
    env.put("CLUSTER_IPFSPROXY_LISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p[1]);
    env.put("CLUSTER_IPFSPROXY_NODEMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p[KUBO]);
    env.put("CLUSTER_IPFSHTTP_NODEMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p[KUBO]);
    env.put("CLUSTER_IPFSHTTP_CONNECTSWARMSDELAY", "5s");
    env.put("CLUSTER_METRICS_ENABLESTATS", "true");
    env.put("CLUSTER_METRICS_PROMETHEUSENDPOINT", "/ip4/127.0.0.1/tcp/" + p[PROM]);
    env.put("PINCLUSTER_JAVA_OPTS", "-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    List<String> cmd = new ArrayList<>();
    cmd.add(dist.resolve("bin/cluster-service").toString());
    cmd.add("--config");
    cmd.add(work.resolve(name(n)).toString());
    cmd.add("init");
    cmd.add("--force");
    if (peers != null) {
      cmd.add("--peers");
      cmd.add(peers);
    }
    ChildProcess.run("init " + name(n), cmd, env, work.resolve("init.log"), 120);
  }

  private String readId(int n) {
    try {
      String json = Files.readString(work.resolve(name(n)).resolve("identity.json"));
      Matcher m = ID.matcher(json);
      if (!m.find()) {
        throw new IllegalStateException("no \"id\" in " + name(n) + "/identity.json");
      }
      return m.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitAnswer(int n, long deadlineNanos) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(restUrl(n) + "/id"))
            .timeout(Duration.ofSeconds(2))
            .build();
    await("peer " + name(n) + " answers on " + restUrl(n) + "/id")
        .atMost(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())))
        .pollInterval(Duration.ofMillis(200))
        .failFast(name(n) + " exited; see " + log(n), () -> !daemons[n].isAlive())
        .until(
            () -> {
              try {
                return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
              } catch (IOException e) {
                return false; // not listening yet
              }
            });
  }

  @Override
  public void close() {
    for (int n = PEERS - 1; n >= 0; n--) {
      if (daemons[n] != null) {
        daemons[n].close();
      }
    }
    for (int i = kubos.size() - 1; i >= 0; i--) {
      kubos.get(i).close();
    }
    if (net != null) {
      net.close();
    }
  }

  static int[] freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    int[] out = new int[count];
    try {
      for (int i = 0; i < count; i++) {
        ServerSocket s = new ServerSocket(0);
        sockets.add(s);
        out[i] = s.getLocalPort();
      }
      for (ServerSocket s : sockets) {
        s.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find free ports", e);
    }
    return out;
  }
}

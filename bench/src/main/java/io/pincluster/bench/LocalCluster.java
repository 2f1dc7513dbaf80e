package io.pincluster.bench;

import io.pincluster.consensus.raft.ClusterTls;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real 3-peer cluster on loopback: three fake Kubo processes ({@code FakeKubo} main) and three
 * {@code cluster-service daemon} JVMs started from the distribution, set up like {@code
 * deploy/local/cluster.sh} (two rounds of {@code init}, {@code CLUSTER_*} overrides, random free
 * ports). Not thread-safe; {@link #close()} stops everything it started, in reverse order.
 */
final class LocalCluster implements AutoCloseable {
  static final int PEERS = 3;
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

  private final Path dist;
  private final Path work;
  private final String classpath;
  private final String peerJavaOpts;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<ChildProcess> kubos = new ArrayList<>();
  private final ChildProcess[] daemons = new ChildProcess[PEERS];
  private final int[][] ports = new int[PEERS][];
  private final String[] ids = new String[PEERS];
  private ClusterTls.Credentials raftTls; // for RaftRole, from the peers' secret

  /**
   * @param dist the unpacked distribution ({@code bin/cluster-service})
   * @param work an empty folder for configs, state and logs
   * @param classpath the class path holding {@code io.pincluster.testing.FakeKubo}
   * @param peerJavaOpts {@code PINCLUSTER_JAVA_OPTS} of each peer
   */
  LocalCluster(Path dist, Path work, String classpath, String peerJavaOpts) {
    if (!Files.isExecutable(dist.resolve("bin/cluster-service"))) {
      throw new IllegalArgumentException(
          "no cluster-service in " + dist + "/bin: build the distribution first");
    }
    this.dist = dist;
    this.work = work;
    this.classpath = classpath;
    this.peerJavaOpts = peerJavaOpts;
  }

  /** Starts the fakes and peers and returns once a pin commits. */
  LocalCluster start(Duration timeout) throws InterruptedException {
    try {
      Files.createDirectories(work);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // rest, proxy, raft, rpc, kubo
    for (int n = 0; n < PEERS; n++) {
      ports[n] = freePorts(5);
    }
    for (int n = 0; n < PEERS; n++) {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      kubos.add(
          ChildProcess.start(
              "fakekubo" + (n + 1),
              List.of(
                  java,
                  "-Xmx512m",
                  "-XX:+UseSerialGC",
                  "-cp",
                  classpath,
                  "io.pincluster.testing.FakeKubo",
                  Integer.toString(ports[n][4])),
              Map.of(),
              work.resolve("fakekubo" + (n + 1) + ".log")));
    }
    String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
    raftTls = ClusterTls.fromSecret(HexFormat.of().parseHex(secret)).issue("bench");
    for (int n = 0; n < PEERS; n++) {
      init(n, secret, null);
      ids[n] = readId(n);
    }
    for (int n = 0; n < PEERS; n++) {
      List<String> others = new ArrayList<>();
      for (int m = 0; m < PEERS; m++) {
        if (m != n) {
          others.add("/ip4/127.0.0.1/tcp/" + ports[m][2] + "/p2p/" + ids[m]);
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
    awaitWritable(0, deadline);
    return this;
  }

  String restUrl(int n) {
    return "http://127.0.0.1:" + ports[n][0];
  }

  List<String> restUrls() {
    List<String> urls = new ArrayList<>();
    for (int n = 0; n < PEERS; n++) {
      urls.add(restUrl(n));
    }
    return urls;
  }

  Path peerFolder(int n) {
    return work.resolve("peer" + (n + 1));
  }

  long pid(int n) {
    return daemons[n].pid();
  }

  String peerId(int n) {
    return ids[n];
  }

  /**
   * The peer whose Raft server says it leads, asked over Ratis' group-management API on each live
   * peer's Raft port (the daemon does not expose the role otherwise); -1 when none does.
   */
  int leader() {
    for (int n = 0; n < PEERS; n++) {
      if (daemons[n].isAlive() && RaftRole.isLeader(raftTls, ids[n], "127.0.0.1:" + ports[n][2])) {
        return n;
      }
    }
    return -1;
  }

  /** kill -9 of peer {@code n}'s daemon. */
  void kill9(int n) {
    daemons[n].kill();
  }

  /** Starts peer {@code n} again (after {@link #kill9} or {@link #stopPeer}), waits for /id. */
  void restart(int n, Duration timeout) throws InterruptedException {
    startPeer(n);
    awaitAnswer(n, System.nanoTime() + timeout.toNanos());
  }

  void stopPeer(int n) {
    daemons[n].close();
  }

  private void startPeer(int n) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PINCLUSTER_JAVA_OPTS", peerJavaOpts);
    daemons[n] =
        ChildProcess.start(
            "peer" + (n + 1),
            List.of(
                dist.resolve("bin/cluster-service").toString(),
                "--config",
                peerFolder(n).toString(),
                "daemon"),
            env,
            work.resolve("peer" + (n + 1) + ".log"));
  }

  private void init(int n, String secret, String peers) {
    Map<String, String> env = new LinkedHashMap<>();
    int[] p = ports[n];
    env.put("CLUSTER_PEERNAME", "peer" + (n + 1));
    env.put("CLUSTER_SECRET", secret);
    env.put("CLUSTER_LISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p[2]);
    env.put("CLUSTER_RPCLISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p[3]);
    env.put("CLUSTER_RESTAPI_HTTPLISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p[0]);
    env.put("CLUSTER_IPFSPROXY_LISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p[1]);
    env.put("CLUSTER_IPFSPROXY_NODEMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p[4]);
    env.put("CLUSTER_IPFSHTTP_NODEMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p[4]);
    env.put("CLUSTER_IPFSHTTP_CONNECTSWARMSDELAY", "5s");
    env.put("PINCLUSTER_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    List<String> cmd = new ArrayList<>();
    cmd.add(dist.resolve("bin/cluster-service").toString());
    cmd.add("--config");
    cmd.add(peerFolder(n).toString());
    cmd.add("init");
    cmd.add("--force");
    if (peers != null) {
      cmd.add("--peers");
      cmd.add(peers);
    }
    ChildProcess.run("init peer" + (n + 1), cmd, env, work.resolve("init.log"), 120);
  }

  private String readId(int n) {
    try {
      String json = Files.readString(peerFolder(n).resolve("identity.json"));
      Matcher m = ID.matcher(json);
      if (!m.find()) {
        throw new IllegalStateException("no \"id\" in " + peerFolder(n) + "/identity.json");
      }
      return m.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitAnswer(int n, long deadlineNanos) throws InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(restUrl(n) + "/id"))
            .timeout(Duration.ofSeconds(2))
            .build();
    while (true) {
      if (!daemons[n].isAlive()) {
        throw new IllegalStateException(
            "peer" + (n + 1) + " exited; last log lines:\n" + daemons[n].tail());
      }
      try {
        if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadlineNanos) {
        throw new IllegalStateException(
            "peer"
                + (n + 1)
                + " does not answer on "
                + restUrl(n)
                + "/id; log:\n"
                + daemons[n].tail());
      }
      Thread.sleep(100);
    }
  }

  /** Waits until a pin commits through peer {@code n} (there is a leader). */
  void awaitWritable(int n, long deadlineNanos) throws InterruptedException {
    String cid = CidSource.probe().next();
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(restUrl(n) + "/pins/" + cid))
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    String last = "";
    while (System.nanoTime() < deadlineNanos) {
      try {
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        last = r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("no pin committed through peer" + (n + 1) + ": " + last);
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

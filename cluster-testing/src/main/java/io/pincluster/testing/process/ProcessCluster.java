package io.pincluster.testing.process;

import io.pincluster.testing.Cids;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real cluster on loopback: per peer a fake Kubo process ({@code FakeKubo} main) and a {@code
 * cluster-service daemon} JVM started from the distribution, set up like {@code
 * deploy/local/cluster.sh} (two rounds of {@code init}, {@code CLUSTER_*} overrides, random free
 * ports). Peers are numbered from 0 and named {@code peer1…}; each keeps its folder, ports and
 * identity across {@link #kill9}, {@link #stopPeer} and {@link #restart}. {@link #addPeer} adds a
 * fresh peer that joins with {@code --bootstrap} ({@link #preparePeer} without starting it, e.g. to
 * time its start). {@link #create} sets the peers up without starting them (e.g. to {@code state
 * import} into one first). A peer's daemon starts only once its fake Kubo accepts connections.
 * Every peer serves Prometheus metrics on its own port (the default {@link LeaderProbe} reads them;
 * so does {@link #metric}). A {@link PeerCustomizer} adds JVM options and environment per daemon
 * start and may make a peer announce another address than its listen address (e.g. a host name that
 * routes through a proxy).
 *
 * <p>Not thread-safe: drive it from one thread (reading URLs, ids and folders from others is fine
 * once the peers exist). {@link #close()} stops everything it started, in reverse order.
 */
public final class ProcessCluster implements AutoCloseable {
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
  private static final long INIT_TIMEOUT_SECONDS = 120;

  /** How long {@link #addPeer} waits for the new peer's fake Kubo to accept connections. */
  private static final Duration ADD_PEER_KUBO_TIMEOUT = Duration.ofMinutes(10);

  private final ProcessClusterConfig config;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Peer> peers = new ArrayList<>();
  private final String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
  private boolean created;
  private boolean started;

  /** One peer: its ports, identity, fake Kubo and (when started) daemon. */
  private static final class Peer {
    final String name;
    final PeerPorts ports;
    final String bootstrap;
    Optional<String> announce = Optional.empty();
    String id;
    ChildProcess kubo;
    ChildProcess daemon;

    Peer(String name, PeerPorts ports, String bootstrap) {
      this.name = name;
      this.ports = ports;
      this.bootstrap = bootstrap;
    }
  }

  public ProcessCluster(ProcessClusterConfig config) {
    this.config = config;
  }

  /** The bench-compatible form: 3 peers, {@code peerJavaOpts}, no overrides. */
  public ProcessCluster(Path dist, Path work, String classpath, String peerJavaOpts) {
    this(ProcessClusterConfig.of(dist, work, classpath, 3).withPeerJavaOpts(peerJavaOpts));
  }

  public ProcessClusterConfig config() {
    return config;
  }

  /**
   * Creates, inits and starts {@code config.peers()} peers and returns once each answers {@code
   * /id} and a pin commits through peer 0 (there is a leader). After {@link #create} it only starts
   * them.
   */
  public ProcessCluster start(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!created) {
      create(timeout);
    } else if (started) {
      throw new IllegalStateException("already started");
    }
    started = true;
    for (int n = 0; n < config.peers(); n++) {
      startPeer(n);
    }
    for (int n = 0; n < config.peers(); n++) {
      awaitAnswer(n, deadline);
    }
    awaitWritable(0, deadline);
    return this;
  }

  /**
   * Creates and inits {@code config.peers()} peers (folders, identities, each peer's {@code
   * --peers} naming the others) and starts their fake Kubo processes, waiting (at most {@code
   * timeout}) until each accepts connections; starts no daemon. Then {@link #runCommand} can
   * prepare a peer (e.g. {@code state import}) before {@link #start} or {@link #startPeer}.
   */
  public ProcessCluster create(Duration timeout) throws InterruptedException {
    if (created) {
      throw new IllegalStateException("already created");
    }
    created = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    mkdirs(config.work());
    List<PeerPorts> ports =
        config.ports().isEmpty() ? PeerPorts.free(config.peers()) : config.ports();
    for (int n = 0; n < config.peers(); n++) {
      createPeer(ports.get(n), null);
      startKubo(n);
    }
    for (int n = 0; n < config.peers(); n++) {
      init(n, null);
      peers.get(n).id = readId(n);
    }
    for (int n = 0; n < config.peers() && config.peers() > 1; n++) {
      List<String> others = new ArrayList<>();
      for (int m = 0; m < config.peers(); m++) {
        if (m != n) {
          others.add(raftMultiaddr(m));
        }
      }
      init(n, String.join(",", others));
    }
    for (int n = 0; n < config.peers(); n++) {
      awaitKubo(n, deadline);
    }
    return this;
  }

  /**
   * Creates a fresh peer (folder, fake Kubo, identity) and starts its daemon with {@code
   * --bootstrap} to peer {@code via}; returns its index at once (it answers {@code /id} once it has
   * joined and caught up: see {@link #awaitAnswer}). Later restarts pass {@code --bootstrap} again,
   * which a peer that already holds cluster state ignores.
   */
  public int addPeer(int via) {
    int n;
    try {
      n = preparePeer(via, ADD_PEER_KUBO_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while adding a peer", e);
    }
    startPeer(n);
    return n;
  }

  /**
   * Like {@link #addPeer} without starting the daemon: creates the peer (folder, identity), starts
   * its fake Kubo and waits (at most {@code kuboTimeout}) until it accepts connections; returns its
   * index. {@link #startPeer} then starts it with {@code --bootstrap} to peer {@code via}.
   */
  public int preparePeer(int via, Duration kuboTimeout) throws InterruptedException {
    int n = createPeer(PeerPorts.free(), raftMultiaddr(via));
    startKubo(n);
    init(n, null);
    peers.get(n).id = readId(n);
    awaitKubo(n, System.nanoTime() + kuboTimeout.toNanos());
    return n;
  }

  /** The pid of peer {@code n}'s fake Kubo process. */
  public long kuboPid(int n) {
    return peer(n).kubo.pid();
  }

  /**
   * Waits until peer {@code n}'s fake Kubo accepts connections (a preloading one opens its port
   * once loaded), or fails with its log when it exits or the deadline passes.
   */
  private void awaitKubo(int n, long deadlineNanos) throws InterruptedException {
    Peer p = peer(n);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", p.ports.kubo()), 1000);
        return;
      } catch (IOException e) {
        // not listening yet
      }
      if (!p.kubo.isAlive()) {
        throw new IllegalStateException(
            "the fake Kubo of " + p.name + " exited; log:\n" + ChildProcess.tail(kuboLog(n), 40));
      }
      if (System.nanoTime() > deadlineNanos) {
        throw new IllegalStateException(
            "the fake Kubo of "
                + p.name
                + " does not accept connections on port "
                + p.ports.kubo()
                + "; log:\n"
                + ChildProcess.tail(kuboLog(n), 40));
      }
      Thread.sleep(50);
    }
  }

  private Path kuboLog(int n) {
    return config.work().resolve("fakekubo" + (n + 1) + ".log");
  }

  /** How many peers this cluster created (started ones and added ones, running or not). */
  public int size() {
    return peers.size();
  }

  public String restUrl(int n) {
    return "http://127.0.0.1:" + peer(n).ports.rest();
  }

  public List<String> restUrls() {
    List<String> urls = new ArrayList<>();
    for (int n = 0; n < peers.size(); n++) {
      urls.add(restUrl(n));
    }
    return urls;
  }

  /** The Prometheus endpoint of peer {@code n}. */
  public String metricsUrl(int n) {
    return "http://127.0.0.1:" + peer(n).ports.metrics() + "/metrics";
  }

  /** The fake Kubo API of peer {@code n} ({@code http://127.0.0.1:port}). */
  public String kuboUrl(int n) {
    return "http://127.0.0.1:" + peer(n).ports.kubo();
  }

  public PeerPorts ports(int n) {
    return peer(n).ports;
  }

  /**
   * {@code <announced address>/p2p/<id>}, as peerstores list it: by default {@code
   * /ip4/127.0.0.1/tcp/<raft port>/p2p/<id>} (see {@link PeerCustomizer#announce}).
   */
  public String raftMultiaddr(int n) {
    Peer p = peer(n);
    return p.announce.orElse("/ip4/127.0.0.1/tcp/" + p.ports.raft()) + "/p2p/" + p.id;
  }

  /** The config folder of peer {@code n} (holds {@code service.json} and {@code raft/}). */
  public Path peerFolder(int n) {
    return config.work().resolve(peer(n).name);
  }

  /** The daemon log of peer {@code n} (appended across restarts). */
  public Path log(int n) {
    return config.work().resolve(peer(n).name + ".log");
  }

  /** The last lines of peer {@code n}'s daemon log. */
  public String tail(int n) {
    return ChildProcess.tail(log(n), 40);
  }

  public String peerName(int n) {
    return peer(n).name;
  }

  /** The name peer {@code n} gets (0-based): {@code peer<n + 1>}; known before the peer exists. */
  public static String nameOf(int n) {
    return "peer" + (n + 1);
  }

  public String peerId(int n) {
    return peer(n).id;
  }

  /** The index of the peer with this ID, or -1. */
  public int indexOf(String peerId) {
    for (int n = 0; n < peers.size(); n++) {
      if (peerId.equals(peers.get(n).id)) {
        return n;
      }
    }
    return -1;
  }

  public long pid(int n) {
    return daemon(n).pid();
  }

  public boolean isAlive(int n) {
    ChildProcess d = peer(n).daemon;
    return d != null && d.isAlive();
  }

  /** The exit status of peer {@code n}'s last daemon; throws while it runs. */
  public int exitValue(int n) {
    return daemon(n).exitValue();
  }

  /** The peer that leads (see {@link ProcessClusterConfig#leaderProbe()}); -1 when none does. */
  public int leader() {
    return config.leaderProbe().leader(this);
  }

  /**
   * The value of the Prometheus sample {@code name} (any labels) on peer {@code n}; empty when the
   * peer does not answer within 3 s or does not have it.
   */
  public OptionalDouble metric(int n, String name) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(metricsUrl(n))).timeout(Duration.ofSeconds(3)).build();
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? PrometheusText.value(r.body(), name) : OptionalDouble.empty();
    } catch (IOException e) {
      return OptionalDouble.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalDouble.empty();
    }
  }

  /** kill -9 of peer {@code n}'s daemon; waits until it is gone. */
  public void kill9(int n) {
    daemon(n).kill();
  }

  /** SIGTERM to peer {@code n}'s daemon; waits until it exits (SIGKILL after 30 s). */
  public void stopPeer(int n) {
    daemon(n).close();
  }

  /**
   * Starts peer {@code n}'s daemon again (after {@link #kill9} or {@link #stopPeer}), waits for
   * /id.
   */
  public void restart(int n, Duration timeout) throws InterruptedException {
    startPeer(n);
    awaitAnswer(n, System.nanoTime() + timeout.toNanos());
  }

  /** Starts peer {@code n}'s daemon without waiting; fails if it runs. */
  public void startPeer(int n) {
    Peer p = peer(n);
    if (p.daemon != null && p.daemon.isAlive()) {
      throw new IllegalStateException(p.name + " is running (pid " + p.daemon.pid() + ")");
    }
    PeerCustomizer.Launch extra = config.customizer().launch(n, this);
    Map<String, String> env = env(n);
    env.put("PINCLUSTER_JAVA_OPTS", (config.peerJavaOpts() + " " + extra.javaOpts()).trim());
    env.putAll(extra.env());
    List<String> cmd = new ArrayList<>();
    cmd.add(config.dist().resolve("bin/cluster-service").toString());
    cmd.add("--config");
    cmd.add(peerFolder(n).toString());
    cmd.add("daemon");
    if (p.bootstrap != null) {
      cmd.add("--bootstrap");
      cmd.add(p.bootstrap);
    }
    p.daemon = ChildProcess.start(p.name, cmd, env, log(n));
  }

  /** Runs {@code cluster-service --config <peer n> <args>} (the daemon must be stopped). */
  public void runCommand(int n, Duration timeout, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(config.dist().resolve("bin/cluster-service").toString());
    cmd.add("--config");
    cmd.add(peerFolder(n).toString());
    cmd.addAll(List.of(args));
    ChildProcess.run(
        peer(n).name + " " + String.join(" ", args),
        cmd,
        env(n),
        config.work().resolve(peer(n).name + "-commands.log"),
        Math.max(1, timeout.toSeconds()));
  }

  /** Waits until peer {@code n} answers {@code GET /id} with 200, or fails with its log. */
  public void awaitAnswer(int n, long deadlineNanos) throws InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(restUrl(n) + "/id"))
            .timeout(Duration.ofSeconds(2))
            .build();
    while (true) {
      if (!isAlive(n)) {
        throw new IllegalStateException(peerName(n) + " exited; last log lines:\n" + tail(n));
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
            peerName(n) + " does not answer on " + restUrl(n) + "/id; log:\n" + tail(n));
      }
      Thread.sleep(100);
    }
  }

  /** Waits until a pin of a fresh probe CID commits through peer {@code n} (there is a leader). */
  public void awaitWritable(int n, long deadlineNanos) throws InterruptedException {
    String cid =
        Cids.rawOf(("process-cluster-probe-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8))
            .toString();
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
    throw new IllegalStateException("no pin committed through " + peerName(n) + ": " + last);
  }

  /** Stops every daemon (SIGTERM, in reverse order), then every fake Kubo. */
  @Override
  public void close() {
    for (int n = peers.size() - 1; n >= 0; n--) {
      if (peers.get(n).daemon != null) {
        peers.get(n).daemon.close();
      }
    }
    for (int n = peers.size() - 1; n >= 0; n--) {
      if (peers.get(n).kubo != null) {
        peers.get(n).kubo.close();
      }
    }
  }

  private Peer peer(int n) {
    if (n < 0 || n >= peers.size()) {
      throw new IllegalArgumentException("no peer " + n + " (peers: " + peers.size() + ")");
    }
    return peers.get(n);
  }

  /** Adds a peer with these ports and asks the customizer what it announces; its index. */
  private int createPeer(PeerPorts ports, String bootstrap) {
    int n = peers.size();
    Peer p = new Peer(nameOf(n), ports, bootstrap);
    peers.add(p);
    p.announce = config.customizer().announce(n, this);
    p.announce.ifPresent(
        a -> {
          if (!a.startsWith("/") || a.contains("/p2p/")) {
            throw new IllegalArgumentException(
                "the announced address of "
                    + p.name
                    + " must be a multiaddr without /p2p (e.g. /dns4/host/tcp/port), not: "
                    + a);
          }
        });
    return n;
  }

  private ChildProcess daemon(int n) {
    ChildProcess d = peer(n).daemon;
    if (d == null) {
      throw new IllegalStateException(peerName(n) + " was never started");
    }
    return d;
  }

  private void startKubo(int n) {
    Peer p = peer(n);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (!config.kuboJavaOpts().isEmpty()) {
      cmd.addAll(List.of(config.kuboJavaOpts().split("\\s+")));
    }
    cmd.addAll(
        List.of("-cp", config.classpath(), "io.pincluster.testing.FakeKubo", "" + p.ports.kubo()));
    p.kubo = ChildProcess.start("fakekubo" + (n + 1), cmd, Map.of(), kuboLog(n));
  }

  /** The environment of peer {@code n}'s commands: its ports and name, then the overrides. */
  private Map<String, String> env(int n) {
    Peer peer = peer(n);
    PeerPorts p = peer.ports;
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CLUSTER_PEERNAME", peer.name);
    env.put("CLUSTER_SECRET", secret);
    env.put("CLUSTER_LISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p.raft());
    peer.announce.ifPresent(a -> env.put("CLUSTER_ANNOUNCEMULTIADDRESS", a));
    env.put("CLUSTER_RPCLISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p.rpc());
    env.put("CLUSTER_RESTAPI_HTTPLISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p.rest());
    env.put("CLUSTER_IPFSPROXY_LISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p.proxy());
    env.put("CLUSTER_IPFSPROXY_NODEMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p.kubo());
    env.put("CLUSTER_IPFSHTTP_NODEMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p.kubo());
    env.put("CLUSTER_IPFSHTTP_CONNECTSWARMSDELAY", "5s");
    env.put("CLUSTER_METRICS_ENABLESTATS", "true");
    env.put("CLUSTER_METRICS_PROMETHEUSENDPOINT", "/ip4/127.0.0.1/tcp/" + p.metrics());
    env.put("PINCLUSTER_JAVA_OPTS", config.peerJavaOpts());
    env.putAll(config.env());
    return env;
  }

  private void init(int n, String others) {
    List<String> cmd = new ArrayList<>();
    cmd.add(config.dist().resolve("bin/cluster-service").toString());
    cmd.add("--config");
    cmd.add(peerFolder(n).toString());
    cmd.add("init");
    cmd.add("--force");
    if (others != null) {
      cmd.add("--peers");
      cmd.add(others);
    }
    ChildProcess.run(
        "init " + peerName(n),
        cmd,
        env(n),
        config.work().resolve("init.log"),
        INIT_TIMEOUT_SECONDS);
  }

  private String readId(int n) {
    Path identity = peerFolder(n).resolve("identity.json");
    try {
      Matcher m = ID.matcher(Files.readString(identity));
      if (!m.find()) {
        throw new IllegalStateException("no \"id\" in " + identity);
      }
      return m.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

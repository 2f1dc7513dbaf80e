package io.pincluster.bench;

import io.pincluster.core.cid.Cid;
import io.pincluster.testing.process.ChildProcess;
import io.pincluster.testing.process.PeerPorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Figure 7, the tracker's overhead against a real IPFS node: one js-ipfs node and a one-peer
 * cluster from the distribution driving it (default configuration). Each measurement gets fresh,
 * unpinned blocks that are already in the node, so pinning fetches nothing: what remains is the
 * cost of getting a pin there. {@link #throughCluster} times REST {@code POST /pins/{cid}} with
 * replication 1 for every block, then polls this peer's statuses until all are {@code pinned};
 * {@link #direct} times the same number of {@code pin/add} calls straight to the node. Both send
 * with {@link #concurrency()} clients, the peer's {@code concurrent_pins}.
 */
final class TrackerOverheadRun implements AutoCloseable {
  private static final Pattern CONCURRENT_PINS =
      Pattern.compile("\"concurrent_pins\"\\s*:\\s*(\\d+)");
  private static final Pattern CID = Pattern.compile("\"cid\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([^\"]+)\"");
  private static final Duration POLL = Duration.ofMillis(20);
  private static final Duration STALL = Duration.ofSeconds(120);

  private final Path dist;
  private final String peerJavaOpts;
  private final Path folder;
  private final JsIpfsNode node;
  private final int[] ports = PeerPorts.freePorts(4); // rest, proxy, raft, rpc
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final Map<String, String> extraEnv = new LinkedHashMap<>();
  private ChildProcess daemon;
  private int concurrency;

  /**
   * @param dist the unpacked distribution
   * @param work an empty folder for the node, the peer and their logs
   * @param recipe the {@code testing/ipfs-node} folder
   * @param peerJavaOpts {@code PINCLUSTER_JAVA_OPTS} of the peer's daemon
   */
  TrackerOverheadRun(Path dist, Path work, Path recipe, String peerJavaOpts) {
    this.dist = dist;
    this.peerJavaOpts = peerJavaOpts;
    this.folder = work.resolve("peer");
    this.node = new JsIpfsNode(recipe, work.resolve("ipfs"), "fig7");
  }

  /** A {@code CLUSTER_*} override for the peer's {@code init}; before {@link #start()}. */
  TrackerOverheadRun withPeerSetting(String name, String value) {
    extraEnv.put(name, value);
    return this;
  }

  /** Starts the node and the peer; returns once a pin of a block in the node is pinned. */
  TrackerOverheadRun start() throws InterruptedException {
    node.start();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CLUSTER_PEERNAME", "fig7");
    env.put("CLUSTER_LISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + ports[2]);
    env.put("CLUSTER_RPCLISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + ports[3]);
    env.put("CLUSTER_RESTAPI_HTTPLISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + ports[0]);
    env.put("CLUSTER_IPFSPROXY_LISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + ports[1]);
    env.put("CLUSTER_IPFSPROXY_NODEMULTIADDRESS", node.apiMultiaddr());
    env.put("CLUSTER_IPFSHTTP_NODEMULTIADDRESS", node.apiMultiaddr());
    // js-ipfs answers repo/stat by reading every block (about 2.5 s per 1000 blocks when idle, over
    // 15 s for a few thousand while pinning). The disk informer keeps its last valid reading alive
    // while such a call is in flight (before that fix the metric expired mid-run and allocations
    // failed); the long TTL is kept so those scans (every TTL/2) do not load the node during the
    // measurements.
    env.put("CLUSTER_DISK_METRICTTL", "10m");
    env.putAll(extraEnv);
    env.put("PINCLUSTER_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    String bin = dist.resolve("bin/cluster-service").toString();
    ChildProcess.run(
        "init fig7 peer",
        List.of(bin, "--config", folder.toString(), "init", "--force"),
        env,
        folder.resolveSibling("init.log"),
        120);
    concurrency = readConcurrentPins();
    daemon =
        ChildProcess.start(
            "fig7 peer",
            List.of(bin, "--config", folder.toString(), "daemon"),
            Map.of("PINCLUSTER_JAVA_OPTS", peerJavaOpts),
            folder.resolveSibling("peer.log"));
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    Cid first = node.putRandomBlock();
    while (true) {
      if (!daemon.isAlive()) {
        throw new IllegalStateException("the fig7 peer exited; log:\n" + daemon.tail());
      }
      String failed = tryPost(first);
      if (failed == null) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the fig7 peer took no pin in 3 min: " + failed + "\n" + daemon.tail());
      }
      Thread.sleep(100);
    }
    awaitPinned(Set.of(first), deadline);
    return this;
  }

  /** The client concurrency of both measurements: the peer's {@code concurrent_pins}. */
  int concurrency() {
    return concurrency;
  }

  /** One run through the cluster: ms until every POST was answered, and until all were pinned. */
  record ClusterTimes(double committedMillis, double pinnedMillis) {}

  /**
   * Puts {@code n} fresh blocks into the node, then times from the first {@code POST
   * /pins/{cid}?replication-min=1&replication-max=1} until every one of them is {@code pinned} on
   * this peer.
   */
  ClusterTimes throughCluster(int n) throws InterruptedException {
    List<Cid> cids = node.putRandomBlocks(n, concurrency);
    long t0 = System.nanoTime();
    Parallel.run(
        n,
        concurrency,
        "bench-fig7-rest-",
        i -> {
          String failed = tryPost(cids.get(i));
          if (failed != null) {
            throw new IllegalStateException(failed);
          }
        });
    double committed = (System.nanoTime() - t0) / 1e6;
    awaitPinned(new HashSet<>(cids), System.nanoTime() + Duration.ofMinutes(30).toNanos());
    return new ClusterTimes(committed, (System.nanoTime() - t0) / 1e6);
  }

  /**
   * Puts {@code n} fresh blocks into the node, then returns the ms from the first {@code pin/add}
   * sent straight to it until all are answered.
   */
  double direct(int n) throws InterruptedException {
    List<Cid> cids = node.putRandomBlocks(n, concurrency);
    long t0 = System.nanoTime();
    Parallel.run(n, concurrency, "bench-fig7-ipfs-", i -> node.pinAdd(cids.get(i)));
    return (System.nanoTime() - t0) / 1e6;
  }

  /** Null when the pin committed, else what went wrong. */
  private String tryPost(Cid cid) {
    HttpRequest req =
        HttpRequest.newBuilder(
                URI.create(restUrl() + "/pins/" + cid + "?replication-min=1&replication-max=1"))
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200
          ? null
          : "POST " + req.uri() + " → " + r.statusCode() + " " + r.body();
    } catch (IOException e) {
      return "POST " + req.uri() + " failed: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /**
   * Polls {@code GET /pins?local=true} every {@link #POLL} until every CID of {@code wanted} is
   * {@code pinned}. Fails on an error status, when nothing progresses for {@link #STALL}, or at
   * {@code deadlineNanos}.
   */
  private void awaitPinned(Set<Cid> wanted, long deadlineNanos) throws InterruptedException {
    Set<Cid> left = new HashSet<>(wanted);
    long progressAt = System.nanoTime();
    while (true) {
      Map<String, Integer> seen = new LinkedHashMap<>();
      int before = left.size();
      poll(left, seen);
      long now = System.nanoTime();
      if (left.isEmpty()) {
        return;
      }
      if (left.size() < before) {
        progressAt = now;
      }
      if (now - progressAt > STALL.toNanos() || now > deadlineNanos) {
        throw new IllegalStateException(
            left.size()
                + " of "
                + wanted.size()
                + " pins not pinned; statuses of ours: "
                + seen
                + "; peer log:\n"
                + daemon.tail());
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** One status listing: removes the pinned ones from {@code left}, counts statuses of ours. */
  private void poll(Set<Cid> left, Map<String, Integer> seen) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(restUrl() + "/pins?local=true"))
            .timeout(Duration.ofSeconds(60))
            .build();
    try {
      HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        if (r.statusCode() != 200) {
          throw new IllegalStateException(
              "GET /pins?local=true → " + r.statusCode() + " " + in.readLine());
        }
        String line;
        while ((line = in.readLine()) != null) {
          Matcher c = CID.matcher(line);
          Matcher s = STATUS.matcher(line);
          if (!c.find() || !s.find()) {
            continue;
          }
          Cid cid = Cid.parse(c.group(1));
          if (!left.contains(cid)) {
            continue;
          }
          String status = s.group(1);
          seen.merge(status, 1, Integer::sum);
          if (status.equals("pinned")) {
            left.remove(cid);
          } else if (status.contains("error") || status.equals("unexpectedly_unpinned")) {
            throw new IllegalStateException(cid + " is " + status + ": " + line);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("GET /pins?local=true", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while polling statuses", e);
    }
  }

  private String restUrl() {
    return "http://127.0.0.1:" + ports[0];
  }

  private int readConcurrentPins() {
    try {
      Matcher m = CONCURRENT_PINS.matcher(Files.readString(folder.resolve("service.json")));
      if (!m.find()) {
        throw new IllegalStateException("no concurrent_pins in " + folder + "/service.json");
      }
      return Integer.parseInt(m.group(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      if (daemon != null) {
        daemon.close();
      }
    } finally {
      node.close();
    }
  }
}

package io.pincluster.bench;

import io.pincluster.core.cid.Cid;
import io.pincluster.testing.process.ChildProcess;
import io.pincluster.testing.process.PeerPorts;
import io.pincluster.testing.process.PrometheusText;
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
 * replication 1 for every block, then waits until all are {@code pinned} on this peer (see {@link
 * #awaitPinned}); {@link #direct} times the same number of {@code pin/add} calls straight to the
 * node. Both send with {@link #concurrency()} clients, the peer's {@code concurrent_pins}.
 */
final class TrackerOverheadRun implements AutoCloseable {
  private static final Pattern CONCURRENT_PINS =
      Pattern.compile("\"concurrent_pins\"\\s*:\\s*(\\d+)");
  private static final Pattern CID = Pattern.compile("\"cid\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([^\"]+)\"");
  private static final Duration POLL = Duration.ofMillis(10);
  private static final Duration STALL = Duration.ofSeconds(120);

  private final Path dist;
  private final String peerJavaOpts;
  private final Path folder;
  private final JsIpfsNode node;
  private int[] ports; // rest, proxy, raft, rpc, metrics; chosen by start()
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final Map<String, String> extraEnv = new LinkedHashMap<>();
  private ChildProcess daemon;
  private int concurrency;
  private boolean bulk;

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

  /**
   * Whether {@link #throughCluster} sends its pins in one bulk {@code POST /pins} (NDJSON) instead
   * of one {@code POST /pins/{cid}} each: the same tracker work, with the submission's cost (one
   * request and commit per pin) taken out, to tell the two apart.
   */
  TrackerOverheadRun submitInOneBulkRequest(boolean bulk) {
    this.bulk = bulk;
    return this;
  }

  /** Starts the node and the peer; returns once a pin of a block in the node is pinned. */
  TrackerOverheadRun start() throws InterruptedException {
    node.start();
    for (int attempt = 1; ; attempt++) {
      try {
        startPeer();
        return this;
      } catch (PortTaken e) {
        // A port found free was taken before the peer bound it (this JVM's own connections to
        // the node use ephemeral ports from the same range): new ports, a new peer.
        if (attempt == 3) {
          throw new IllegalStateException(e.getMessage());
        }
        daemon.close();
      }
    }
  }

  /** The peer exited because one of its ports was in use. */
  private static final class PortTaken extends Exception {
    PortTaken(String message) {
      super(message);
    }
  }

  private void startPeer() throws InterruptedException, PortTaken {
    ports = PeerPorts.freePorts(5);
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
    env.put("CLUSTER_METRICS_ENABLESTATS", "true");
    env.put("CLUSTER_METRICS_PROMETHEUSENDPOINT", "/ip4/127.0.0.1/tcp/" + ports[4]);
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
        String tail = daemon.tail();
        if (tail.contains("Address already in use")) {
          throw new PortTaken("the fig7 peer could not listen; log:\n" + tail);
        }
        throw new IllegalStateException("the fig7 peer exited; log:\n" + tail);
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
    awaitPinned(Set.of(first), 0, deadline);
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
    long callsBefore = (long) tracker().pinCalls;
    long t0 = System.nanoTime();
    if (bulk) {
      RestLoad.postBulk(
          http, URI.create(restUrl() + "/pins?replication-min=1&replication-max=1"), cids);
    } else {
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
    }
    double committed = (System.nanoTime() - t0) / 1e6;
    long pinned =
        awaitPinned(
            new HashSet<>(cids),
            callsBefore + n,
            System.nanoTime() + Duration.ofMinutes(30).toNanos());
    return new ClusterTimes(committed, (pinned - t0) / 1e6);
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

  /** What the peer's tracker reports on {@code /metrics}; NaN when a sample is missing. */
  private record TrackerGauges(double pinCalls, double queued, double pinning, double errors) {
    boolean idleAfter(long calls) {
      return pinCalls >= calls && queued == 0 && pinning == 0;
    }
  }

  private TrackerGauges tracker() {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[4] + "/metrics"))
            .timeout(Duration.ofSeconds(10))
            .build();
    try {
      String text = http.send(req, HttpResponse.BodyHandlers.ofString()).body();
      return new TrackerGauges(
          PrometheusText.value(text, "ipfscluster_pins_pin_add").orElse(Double.NaN),
          PrometheusText.value(text, "ipfscluster_pins_pin_queued").orElse(Double.NaN),
          PrometheusText.value(text, "ipfscluster_pins_pinning").orElse(Double.NaN),
          PrometheusText.value(text, "ipfscluster_pins_pin_error").orElse(Double.NaN));
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + req.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the peer's metrics", e);
    }
  }

  /**
   * Waits until every CID of {@code wanted} is {@code pinned} on this peer and returns that time
   * ({@link System#nanoTime}). Every {@link #POLL} it reads the tracker's counters on {@code
   * /metrics} (a few hundred bytes): once at least {@code calls} pin operations have been made and
   * none is queued or running, one {@code GET /pins?local=true} listing must show every CID {@code
   * pinned}, and the time of that metrics read is returned; else it goes on. Listing the whole
   * pinset 50 times a second instead took more of the peer's CPU than the pins measured, and asking
   * for the CIDs one by one sends each to IPFS ({@code pin/ls}). Fails on an error status, when no
   * pin operation starts for {@link #STALL}, or at {@code deadlineNanos}.
   */
  private long awaitPinned(Set<Cid> wanted, long calls, long deadlineNanos)
      throws InterruptedException {
    Set<Cid> left = new HashSet<>(wanted);
    long progressAt = System.nanoTime();
    double lastCalls = -1;
    while (true) {
      TrackerGauges g = tracker();
      long now = System.nanoTime();
      Map<String, Integer> seen = new LinkedHashMap<>();
      if (g.idleAfter(calls) || g.errors > 0) {
        poll(left, seen);
        if (left.isEmpty()) {
          return now;
        }
      }
      if (g.pinCalls != lastCalls) {
        lastCalls = g.pinCalls;
        progressAt = now;
      }
      if (now - progressAt > STALL.toNanos() || now > deadlineNanos) {
        throw new IllegalStateException(
            left.size()
                + " of "
                + wanted.size()
                + " pins not pinned; tracker "
                + g
                + ", statuses of ours: "
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

package io.pincluster.bench;

import io.pincluster.testing.FakeKubo;
import io.pincluster.testing.process.ProcessCluster;
import io.pincluster.testing.process.ProcessClusterConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Figures 3–5 on a real 3-peer cluster holding a large state: {@code state import} of the pins into
 * peer 1 (a one-peer cluster), peer 1 started (restart to serving), peers 2 and 3 joining it with
 * {@code --bootstrap} (new-peer catch-up: the state arrives by Raft snapshot install), streams from
 * peer 1 with heap sampled by {@code jcmd GC.heap_info} and measured after forced full GCs, disk
 * per peer folder, and a restart of the whole cluster.
 *
 * <p>Every fake Kubo preloads the imported pins ({@link FakeKubo#PRELOAD_PROPERTY}, packed: about
 * 50 bytes a pin), so each tracker finds them pinned at its first IPFS sync instead of pinning them
 * all before the streams can be timed. Waits scale with the number of pins ({@link #scaled}). Drive
 * from one thread.
 */
final class LargeStateRun implements AutoCloseable {
  /** Disk a pin takes per peer (Raft log, snapshot and RocksDB), with margin; see bench/run.sh. */
  static final long DISK_BYTES_PER_PIN_PER_PEER = 1536;

  /** Bytes of one line of the import file (a CIDv1 raw and empty allocations), rounded up. */
  static final long IMPORT_BYTES_PER_PIN = 100;

  /**
   * What docs/production.md advises for millions of pins (the default 2m10s would have every peer
   * re-list its whole IPFS pinset, 17–60 s at 1M pins on this machine, during the measurements).
   */
  static final String IPFS_SYNC_INTERVAL = "30m";

  /**
   * Also what docs/production.md advises for millions of pins: with the default 10m, every peer
   * turned over its whole pinset and tracked pins again during the 10M streams (minutes of a third
   * of a CPU per peer). The first turn, at start, is waited out ({@link #awaitTrackerIdle}).
   */
  static final String STATE_SYNC_INTERVAL = "1h";

  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  private final int pins;
  private final Path importFile;
  private final ProcessCluster cluster;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /**
   * @param work an empty or absent folder for this size's cluster
   * @param importFile the pins, one {@code state import} line each ({@link StateImportRun})
   */
  LargeStateRun(BenchOptions o, Path work, Path importFile, int pins) {
    this.pins = pins;
    this.importFile = importFile;
    ProcessClusterConfig config =
        ProcessClusterConfig.of(o.dist(), work, o.classpath(), 1)
            .withPeerJavaOpts(o.peerJavaOpts())
            .withEnv(
                Map.of(
                    "CLUSTER_IPFSSYNCINTERVAL",
                    IPFS_SYNC_INTERVAL,
                    "CLUSTER_STATESYNCINTERVAL",
                    STATE_SYNC_INTERVAL))
            .withKuboJavaOpts(
                kuboJavaOpts(pins)
                    + " -D"
                    + FakeKubo.PRELOAD_PROPERTY
                    + "="
                    + importFile.toAbsolutePath());
    this.cluster = new ProcessCluster(config);
  }

  /** A fake Kubo's heap: the packed pins (about 50 bytes each) plus room to stream them. */
  static String kuboJavaOpts(int pins) {
    long mb = Math.max(512, 256 + pins / 10_000);
    return "-Xmx" + mb + "m -XX:+UseSerialGC";
  }

  /** Disk a size needs: each of 3 peers' folders plus the import file. */
  static long diskNeeded(int pins) {
    return pins * (3 * DISK_BYTES_PER_PIN_PER_PEER + IMPORT_BYTES_PER_PIN);
  }

  /** {@code base} plus {@code perMillion} for each million pins. */
  Duration scaled(Duration base, Duration perMillion) {
    return base.plus(perMillion.multipliedBy(pins).dividedBy(1_000_000));
  }

  /**
   * Creates peer 1 and its fake Kubo (which preloads the pins: it opens its port only once they are
   * loaded) and imports the pins into it; no daemon runs yet.
   */
  void prepare() throws InterruptedException {
    cluster.create(scaled(Duration.ofMinutes(2), Duration.ofMinutes(1)));
    cluster.runCommand(
        0,
        scaled(Duration.ofMinutes(10), Duration.ofMinutes(5)),
        "state",
        "import",
        "--force",
        importFile.toAbsolutePath().toString());
  }

  /** Starts peer 1; returns ms until its {@code GET /allocations} gives a first line. */
  double startFirstPeer() throws InterruptedException {
    long t0 = System.nanoTime();
    cluster.startPeer(0);
    awaitServing(0, t0 + scaled(Duration.ofMinutes(5), Duration.ofMinutes(1)).toNanos());
    return (System.nanoTime() - t0) / 1e6;
  }

  /**
   * Adds a peer joining peer 1 (its fake Kubo preloaded before its daemon starts); returns ms from
   * its daemon's start until it holds the whole state: its {@code ipfscluster_pins} gauge (a kept
   * count of the pinset as applied on that peer) reaches the imported count. {@link #checkHoldsAll}
   * confirms it by listing.
   */
  double joinPeer() throws InterruptedException {
    int n = cluster.preparePeer(0, scaled(Duration.ofMinutes(2), Duration.ofMinutes(1)));
    long t0 = System.nanoTime();
    cluster.startPeer(n);
    long deadline = t0 + scaled(Duration.ofMinutes(5), Duration.ofMinutes(3)).toNanos();
    String last = "no answer";
    while (true) {
      checkAlive(n);
      OptionalDouble v = cluster.metric(n, "ipfscluster_pins");
      if (v.isPresent()) {
        if (v.getAsDouble() == pins) {
          return (System.nanoTime() - t0) / 1e6;
        }
        if (v.getAsDouble() > pins) {
          throw new IllegalStateException(
              cluster.peerName(n) + " holds " + v.getAsDouble() + " pins, more than " + pins);
        }
        last = v.getAsDouble() + " pins";
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            cluster.peerName(n) + " did not catch up (" + last + "):\n" + cluster.tail(n));
      }
      Thread.sleep(100);
    }
  }

  int peers() {
    return cluster.size();
  }

  /** Streams peer {@code n}'s {@code GET /allocations}; fails unless it lists every pin. */
  void checkHoldsAll(int n) throws InterruptedException {
    long lines = count(n, "/allocations");
    if (lines != pins) {
      throw new IllegalStateException(
          cluster.peerName(n) + " lists " + lines + " allocations, expected " + pins);
    }
  }

  /**
   * Waits until peer {@code n}'s tracker is idle: its first IPFS sync is done ({@code
   * ipfscluster_pins_ipfs_pins} present), its state sync is not running and nothing is queued or in
   * progress (the O(1) tracker gauges), then confirms with {@code GET
   * /pins?local=true&filter=queued,pinning,unpinning} listing nothing. Returns ms waited.
   */
  double awaitTrackerIdle(int n) throws InterruptedException {
    long t0 = System.nanoTime();
    long deadline = t0 + scaled(Duration.ofMinutes(10), Duration.ofMinutes(5)).toNanos();
    String busy = "/pins?local=true&filter=queued,pinning,unpinning";
    while (true) {
      checkAlive(n);
      if (gaugesIdle(n) && count(n, busy) == 0) {
        return (System.nanoTime() - t0) / 1e6;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the tracker of " + cluster.peerName(n) + " was still busy; log:\n" + cluster.tail(n));
      }
      Thread.sleep(500);
    }
  }

  private boolean gaugesIdle(int n) {
    if (cluster.metric(n, "ipfscluster_pins_ipfs_pins").isEmpty()) {
      return false;
    }
    double errors = cluster.metric(n, "ipfscluster_pins_pin_error").orElse(0);
    if (errors > 0) {
      throw new IllegalStateException(
          cluster.peerName(n) + " has " + errors + " pins in pin_error:\n" + cluster.tail(n));
    }
    for (String g :
        List.of(
            "ipfscluster_pins_pin_queued",
            "ipfscluster_pins_pinning",
            "pincluster_pins_unpin_queued",
            "pincluster_pins_unpinning",
            "pincluster_tracker_state_sync_running")) {
      if (cluster.metric(n, g).orElse(1) != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Stops every peer (SIGTERM), then starts them all at once; returns ms until every one serves a
   * first line of {@code GET /allocations} and one of them leads.
   */
  double restartAll(Runnable whileStopped) throws InterruptedException {
    for (int n = cluster.size() - 1; n >= 0; n--) {
      cluster.stopPeer(n);
    }
    whileStopped.run();
    long t0 = System.nanoTime();
    for (int n = 0; n < cluster.size(); n++) {
      cluster.startPeer(n);
    }
    long deadline = t0 + scaled(Duration.ofMinutes(5), Duration.ofMinutes(1)).toNanos();
    for (int n = 0; n < cluster.size(); n++) {
      awaitServing(n, deadline);
    }
    while (cluster.leader() < 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no leader after the restart of every peer");
      }
      Thread.sleep(50);
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  private void awaitServing(int n, long deadlineNanos) throws InterruptedException {
    while (true) {
      checkAlive(n);
      try {
        HttpResponse<InputStream> r =
            http.send(get(n, "/allocations"), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
          if (r.statusCode() == 200 && in.read() >= 0) {
            return;
          }
        }
      } catch (IOException e) {
        // not serving yet
      }
      if (System.nanoTime() > deadlineNanos) {
        throw new IllegalStateException(
            cluster.peerName(n) + " did not serve /allocations:\n" + cluster.tail(n));
      }
      Thread.sleep(50);
    }
  }

  private void checkAlive(int n) {
    if (!cluster.isAlive(n)) {
      throw new IllegalStateException(
          cluster.peerName(n) + " exited; " + firstErrors(n) + "; last lines:\n" + cluster.tail(n));
    }
  }

  /** The first ERROR lines of peer {@code n}'s log (the cause is often above the last lines). */
  private String firstErrors(int n) {
    try (Stream<String> lines = Files.lines(cluster.log(n), StandardCharsets.UTF_8)) {
      List<String> errors = lines.filter(l -> l.contains(" ERROR ")).limit(3).toList();
      return errors.isEmpty()
          ? "no ERROR line"
          : "first ERROR lines:\n" + String.join("\n", errors);
    } catch (IOException | UncheckedIOException e) {
      return "log unreadable: " + e;
    }
  }

  /**
   * One timed stream of {@code path} from peer 1: pins/s, the peak of the sampled heap in use
   * (garbage included) over the heap before, and the heap after a full GC before and after.
   */
  record Streamed(RunResult run, long sampledGrowthBytes, long gcBeforeBytes, long gcAfterBytes) {
    long retainedGrowthBytes() {
      return gcAfterBytes - gcBeforeBytes;
    }
  }

  /** Streams {@code path} from peer 1, counting lines; fails unless it lists every pin. */
  Streamed stream(String path) throws InterruptedException {
    long gcBefore = heapAfterGc(0);
    long base = heapUsedBytes(0);
    AtomicLong peak = new AtomicLong(base);
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(heapUsedBytes(0), Math::max);
                try {
                  Thread.sleep(1000); // each jcmd costs CPU: sample sparingly
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "bench-heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    long t0 = System.nanoTime();
    long lines;
    try {
      lines = count(0, path);
    } finally {
      sampler.interrupt();
      sampler.join();
    }
    long elapsed = System.nanoTime() - t0;
    if (lines != pins) {
      throw new IllegalStateException("GET " + path + " listed " + lines + ", expected " + pins);
    }
    return new Streamed(
        new RunResult(lines, elapsed, new long[0]), peak.get() - base, gcBefore, heapAfterGc(0));
  }

  /** Lines of {@code GET path} on peer {@code n} (204: none), every one. */
  private long count(int n, String path) throws InterruptedException {
    return count(n, path, Long.MAX_VALUE);
  }

  /**
   * Lines of {@code GET path} on peer {@code n} (204: none), counted as newline bytes so the client
   * costs the machine little; stops reading (closing the stream) once {@code limit} are counted.
   */
  private long count(int n, String path, long limit) throws InterruptedException {
    try {
      HttpResponse<InputStream> r =
          http.send(get(n, path), HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() == 204) {
        r.body().close();
        return 0;
      }
      if (r.statusCode() != 200) {
        r.body().close();
        throw new IllegalStateException(
            "GET " + path + " on " + cluster.peerName(n) + " → " + r.statusCode());
      }
      long lines = 0;
      try (InputStream in = r.body()) {
        byte[] buffer = new byte[1 << 16];
        while (lines < limit) {
          int got = in.read(buffer);
          if (got < 0) {
            break;
          }
          for (int i = 0; i < got && lines < limit; i++) {
            if (buffer[i] == '\n') {
              lines++;
            }
          }
        }
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + path + " on " + cluster.peerName(n), e);
    }
  }

  /**
   * Reads the first {@code lines} lines of {@code path} from peer 1 and closes the stream, untimed:
   * the peers' JIT compiles the stream's code before the timed runs, as in a daemon that has run a
   * while.
   */
  void warmUp(String path, long lines) throws InterruptedException {
    count(0, path, lines);
  }

  /** Heap in use of peer {@code n} right after a full GC ({@code jcmd GC.run}); -1 unreadable. */
  long heapAfterGc(int n) {
    jcmd(n, "GC.run");
    return heapUsedBytes(n);
  }

  /** Heap in use of peer {@code n} now (garbage included); -1 when unreadable. */
  long heapUsedBytes(int n) {
    String out = jcmd(n, "GC.heap_info");
    long sum = 0;
    Matcher m = USED.matcher(out);
    // serial GC: "def new generation total …K, used …K" and "tenured generation … used …K"
    while (m.find()) {
      sum += Long.parseLong(m.group(1)) * 1024;
    }
    return sum == 0 ? -1 : sum;
  }

  private String jcmd(int n, String command) {
    try {
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                  Long.toString(cluster.pid(n)),
                  command)
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /**
   * Bytes of the files under peer {@code n}'s folder, each file once: a Raft snapshot is a RocksDB
   * checkpoint whose table files are hard links to the live database's, so summing every path would
   * count those bytes once per snapshot kept.
   */
  long diskBytes(int n) {
    Set<Object> seen = new HashSet<>();
    try (Stream<Path> s = Files.walk(cluster.peerFolder(n))) {
      return s.mapToLong(
              f -> {
                try {
                  BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                  Object key = a.fileKey() != null ? a.fileKey() : f;
                  return a.isRegularFile() && seen.add(key) ? a.size() : 0;
                } catch (IOException e) {
                  return 0; // removed while walking (e.g. a compaction)
                }
              })
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpRequest get(int n, String path) {
    return HttpRequest.newBuilder(URI.create(cluster.restUrl(n) + path))
        .timeout(scaled(Duration.ofMinutes(5), Duration.ofMinutes(1)))
        .build();
  }

  @Override
  public void close() {
    cluster.close();
  }
}

package io.pincluster.bench;

import io.pincluster.testing.process.ProcessCluster;
import io.pincluster.testing.process.ProcessClusterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The benchmark harness (issue 8): {@code java -cp … io.pincluster.bench.BenchMain --key=value…}.
 * Runs the chosen figures, prints one table row per case as it goes, and writes the Markdown report
 * when {@code --report=FILE} is given. Exit 0 when every run succeeded, 2 on bad arguments, 1 when
 * a run failed.
 */
public final class BenchMain {
  /** The peers of the cluster of figures 1, 2 and 6. */
  static final int PEERS = 3;

  /**
   * The JVM options of that cluster's fake Kubo processes. They keep every pin in memory (some 250
   * bytes a pin): with 512 MB, the million pins that figure 2's warm-up leaves made each fake run
   * full collections back to back, 10% of the machine's CPU in figure 2's timed window.
   */
  static final String FAKE_KUBO_JAVA_OPTS = "-Xmx2g -XX:+UseSerialGC";

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    BenchOptions o;
    try {
      o = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      run(o);
    } catch (RuntimeException e) {
      System.err.println("bench: failed: " + e.getMessage());
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  /** Runs {@code o}'s figures; the report is also written when {@code o.report()} is set. */
  public static Report run(BenchOptions o) throws IOException, InterruptedException {
    Report report = new Report();
    System.out.println("bench: " + Machine.describe());
    System.out.println(Report.header());
    if (o.figures().contains("floor")) {
      floor(o, report);
    }
    if (o.figures().contains("1") || o.figures().contains("2") || o.figures().contains("6")) {
      try (ProcessCluster cluster = new ProcessCluster(clusterConfig(o))) {
        cluster.start(Duration.ofMinutes(3));
        if (o.figures().contains("1")) {
          figure1(o, cluster, report);
        }
        if (o.figures().contains("2")) {
          bulk(o, cluster, report);
        }
        if (o.figures().contains("6")) {
          failover(o, cluster, report);
        }
      }
    }
    if (o.figures().contains("2")) {
      stateImport(o, report);
    }
    if (o.figures().contains("3")) {
      largeState(o, report);
    }
    if (o.figures().contains("7")) {
      trackerOverhead(o, report);
    }
    if (o.report() != null) {
      report.write(o.report(), o.command(), Preamble.TEXT);
      System.out.println("bench: wrote " + o.report());
    }
    return report;
  }

  /**
   * The 3-peer cluster of figures 1, 2 and 6 on fake Kubo processes. Its leader probe is the
   * default {@link io.pincluster.testing.process.MetricsLeaderProbe}: each peer's {@code
   * pincluster_raft_leader} gauge is read from its Raft division at every scrape (no caching), so
   * it shows a new leader as soon as that peer's Raft server has become one.
   */
  static ProcessClusterConfig clusterConfig(BenchOptions o) {
    return ProcessClusterConfig.of(o.dist(), o.work().resolve("cluster"), o.classpath(), PEERS)
        .withPeerJavaOpts(o.peerJavaOpts())
        .withKuboJavaOpts(FAKE_KUBO_JAVA_OPTS);
  }

  static void floor(BenchOptions o, Report report) throws IOException, InterruptedException {
    try (RatisFloor floor = new RatisFloor(o.work().resolve("floor"))) {
      floor.awaitLeader();
      floor.run(Math.min(o.floorPins(), 1000), 1, 64); // warm-up
      int[][] cases = {
        {1, o.floorPins(), 64},
        {10, 10 * o.floorPins(), 24}, // about what figure 1 makes at 64 clients (see its note)
        {100, o.floorBatchedPins(), 16},
        {1000, o.floorBatchedPins(), 4}
      };
      for (int[] c : cases) {
        List<RunResult> runs = new ArrayList<>();
        for (int r = 0; r < o.reps(); r++) {
          runs.add(floor.run(c[1], c[0], c[2]));
        }
        report.add(
            "floor",
            "bare Ratis, " + c[0] + " pin/entry, " + c[2] + " entries in flight",
            runs,
            "–");
      }
      if (o.figures().contains("6")) {
        double[] ms = new double[o.failoverReps()];
        for (int r = 0; r < ms.length; r++) {
          ms[r] = floor.failoverOnce(o.failoverWriters());
        }
        report.addDurations(
            "6",
            "bare Ratis: close the leader under " + o.failoverWriters() + " writers → next commit",
            ms,
            "(reference)");
      }
    }
  }

  static void failover(BenchOptions o, ProcessCluster cluster, Report report)
      throws InterruptedException {
    double[] ms = new double[o.failoverReps()];
    for (int r = 0; r < ms.length; r++) {
      ms[r] = failoverOnce(cluster, o.failoverWriters());
    }
    report.addDurations(
        "6",
        "kill -9 the leader under " + o.failoverWriters() + " REST writers → next committed write",
        ms,
        "≤3,000 ms median");
  }

  private static double failoverOnce(ProcessCluster cluster, int writers)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    int leader = awaitLeader(cluster, deadline);
    int target = (leader + 1) % cluster.size();
    RestLoad load = new RestLoad();
    CidSource cids = CidSource.fresh();
    String url = cluster.restUrl(target);
    FailoverProbe probe =
        new FailoverProbe(writers, () -> load.pinOnce(url, cids.next()), "bench-failover-");
    double ms;
    try {
      probe.awaitSuccesses(20, deadline);
      probe.markKill();
      java.time.Instant killedAt = java.time.Instant.now();
      cluster.kill9(leader);
      ms = probe.awaitFirstAfterKill(System.nanoTime() + Duration.ofSeconds(60).toNanos());
      System.out.printf(
          "bench: figure 6: kill -9 peer %d at %s; next commit after %.0f ms%n",
          leader, killedAt, ms);
    } finally {
      probe.close();
    }
    cluster.restart(leader, Duration.ofMinutes(2));
    cluster.awaitWritable(leader, System.nanoTime() + Duration.ofMinutes(2).toNanos());
    return ms;
  }

  static void figure1(BenchOptions o, ProcessCluster cluster, Report report)
      throws InterruptedException {
    RestLoad load = new RestLoad();
    int warmClients =
        Math.min(64, o.clients().stream().mapToInt(Integer::intValue).max().orElse(1));
    report.note(
        WarmUp.run(
            "figure 1",
            o.warmUpSeconds(),
            () ->
                load.pinOneByOne(
                    cluster.restUrls(), warmClients, Math.min(o.pins(), 1000), CidSource.fresh()),
            IPFS_SYNCED,
            () -> everyPeerSyncedIpfs(cluster)));
    for (int c : o.clients()) {
      String goal =
          c == 64
              ? "≥5,000 pins/s; ≥5× floor 1 pin/entry"
              : c == 1 ? "p50 ≤15 ms, p99 ≤60 ms" : "–";
      figure1Case(o, cluster, report, load, c, false, goal);
    }
    for (int c : o.leaderClients()) {
      figure1Case(o, cluster, report, load, c, true, "– (the goal is for clients on every peer)");
    }
  }

  /**
   * One row of figure 1: {@code clients} one-pin clients, spread over the peers' REST APIs or, when
   * {@code onLeader}, all on the leader's (which then forwards no write to another peer).
   */
  private static void figure1Case(
      BenchOptions o,
      ProcessCluster cluster,
      Report report,
      RestLoad load,
      int clients,
      boolean onLeader,
      String goal)
      throws InterruptedException {
    List<RunResult> runs = new ArrayList<>();
    CpuMeter.Sample cpu = CpuMeter.sample();
    OptionalDouble index = commitIndex(cluster);
    for (int r = 0; r < o.reps(); r++) {
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      List<String> urls =
          onLeader ? List.of(cluster.restUrl(awaitLeader(cluster, deadline))) : cluster.restUrls();
      runs.add(load.pinOneByOne(urls, clients, o.pins(), CidSource.fresh()));
    }
    long pins = (long) o.reps() * o.pins();
    String name = clients + " clients" + (onLeader ? ", all on the leader" : "");
    report.note(
        "figure 1, "
            + name
            + ": "
            + CpuMeter.perPin(cpu, CpuMeter.sample(), pins)
            + pinsPerEntry(index, commitIndex(cluster), pins));
    report.add("1", "REST POST /pins/{cid}, " + name, runs, goal);
  }

  /**
   * The index of the peer that reports itself Raft leader; waits until {@code deadline} for one.
   */
  private static int awaitLeader(ProcessCluster cluster, long deadline)
      throws InterruptedException {
    int leader;
    while ((leader = cluster.leader()) < 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no peer reports pincluster_raft_leader 1");
      }
      Thread.sleep(50);
    }
    return leader;
  }

  private static final String IPFS_SYNCED = "every peer had run an IPFS sync of its pins";

  /**
   * Whether every peer has run an IPFS sync that listed pins ({@code ipfscluster_pins_ipfs_pins} at
   * least 1; the sync at start-up lists none). A daemon that serves for weeks runs one every {@code
   * ipfs_sync_interval}; the first one compiles the sync's code and, with the default interval
   * (2m10s), it used to fall in the timed window of figures 1 and 2, where the JIT compilers then
   * took 12% of the machine's CPU.
   */
  static boolean everyPeerSyncedIpfs(ProcessCluster cluster) {
    for (int i = 0; i < cluster.size(); i++) {
      OptionalDouble listed = cluster.metric(i, "ipfscluster_pins_ipfs_pins");
      if (listed.isEmpty() || listed.getAsDouble() < 1) {
        return false;
      }
    }
    return true;
  }

  /** Peer 1's Raft commit index ({@code pincluster_raft_commit_index}); empty if unread. */
  private static OptionalDouble commitIndex(ProcessCluster cluster) {
    return cluster.metric(0, "pincluster_raft_commit_index");
  }

  /**
   * "; N Raft log entries, P pins an entry" for the entries committed between two readings of the
   * commit index (Ratis' metadata entries, about one a commit, and the cluster's few configuration
   * and leader entries included), or "" if either is missing.
   */
  static String pinsPerEntry(OptionalDouble before, OptionalDouble after, long pins) {
    if (before.isEmpty() || after.isEmpty() || after.getAsDouble() <= before.getAsDouble()) {
      return "";
    }
    double entries = after.getAsDouble() - before.getAsDouble();
    return String.format(
        Locale.ROOT, "; %.0f Raft log entries, %.1f pins an entry", entries, pins / entries);
  }

  static void bulk(BenchOptions o, ProcessCluster cluster, Report report)
      throws InterruptedException {
    RestLoad load = new RestLoad();
    report.note(
        WarmUp.run(
            "figure 2, bulk",
            o.warmUpSeconds(),
            () -> load.pinBulk(cluster.restUrl(0), o.bulkBatch(), o.bulkBatch(), CidSource.fresh()),
            IPFS_SYNCED,
            () -> everyPeerSyncedIpfs(cluster)));
    List<RunResult> runs = new ArrayList<>();
    CpuMeter.Sample cpu = CpuMeter.sample();
    OptionalDouble index = commitIndex(cluster);
    for (int r = 0; r < o.reps(); r++) {
      runs.add(load.pinBulk(cluster.restUrl(0), o.bulkPins(), o.bulkBatch(), CidSource.fresh()));
    }
    long pins = (long) o.reps() * o.bulkPins();
    report.note(
        "figure 2, bulk: "
            + CpuMeter.perPin(cpu, CpuMeter.sample(), pins)
            + pinsPerEntry(index, commitIndex(cluster), pins));
    report.add(
        "2",
        "bulk POST /pins NDJSON, " + o.bulkBatch() + " lines/request",
        runs,
        "≥30,000 pins/s; ≥0.6× floor 1000 pins/entry");
  }

  /** Figures 3–5: see {@link LargeStateFigures}. */
  static void largeState(BenchOptions o, Report report) throws IOException, InterruptedException {
    LargeStateFigures.run(o, report);
  }

  /** Figure 2's offline import, once for each of {@code --import-pins}. */
  static void stateImport(BenchOptions o, Report report) throws IOException {
    StateImportRun imp = new StateImportRun(o.dist(), o.work().resolve("import"));
    for (int pins : o.importPins()) {
      Path file = imp.writeFile(pins);
      List<RunResult> runs = new ArrayList<>();
      for (int r = 0; r < o.reps(); r++) {
        runs.add(imp.importOnce(file, pins, r));
      }
      Files.delete(file);
      report.add(
          "2",
          "offline state import of " + pins + " pins (whole command, JVM start included)",
          runs,
          "≥200,000 pins/s");
    }
  }

  /**
   * Figure 7. One peer, not the 3-peer cluster: with replication 1 on the js-ipfs peer the other
   * two would only add Raft replication (measured by figure 1) and take CPU from the node on a
   * small machine, so the figure would no longer isolate the tracker's path (REST, commit, tracker,
   * connector) against the node it drives. Measured with the default configuration ({@code
   * pin_method: refs}: {@code refs -r}, then {@code pin/add}), then, unless {@code
   * --fig7-peer-settings} names the peer's settings, with {@code pin_method: pin} (one {@code
   * pin/add} per pin, as the direct run sends).
   */
  static void trackerOverhead(BenchOptions o, Report report) throws InterruptedException {
    trackerOverhead(o, report, o.fig7PeerSettings());
    if (o.fig7PeerSettings().isEmpty()) {
      trackerOverhead(o, report, Map.of("CLUSTER_IPFSHTTP_PINMETHOD", "pin"));
    }
  }

  private static void trackerOverhead(BenchOptions o, Report report, Map<String, String> settings)
      throws InterruptedException {
    int n = o.fig7Blocks();
    double[] cluster = new double[o.fig7Reps()];
    double[] committed = new double[o.fig7Reps()];
    double[] direct = new double[o.fig7Reps()];
    double[] ratio = new double[o.fig7Reps()];
    int concurrency;
    String name = settings.isEmpty() ? "fig7" : "fig7-configured";
    TrackerOverheadRun setup =
        new TrackerOverheadRun(o.dist(), o.work().resolve(name), o.ipfsRecipe(), o.peerJavaOpts());
    settings.forEach(setup::withPeerSetting);
    setup.submitInOneBulkRequest(o.fig7Bulk());
    try (TrackerOverheadRun run = setup.start()) {
      concurrency = run.concurrency();
      // Warm-up of both paths: a daemon serves for weeks, so the figure is its steady state, not
      // the JIT compiling the path (after ten passes of 500 pins the JIT compilers still took 40%
      // of the peer's CPU in the timed ones): untimed passes until they are done, as figures 1, 2.
      report.note(
          WarmUp.run(
              "figure 7, " + (settings.isEmpty() ? "default configuration" : "peer: " + settings),
              o.warmUpSeconds(),
              () -> {
                run.direct(n);
                run.throughCluster(n);
              }));
      for (int r = 0; r < ratio.length; r++) {
        // alternate which goes first, so neither always finds the node busier after the other
        TrackerOverheadRun.ClusterTimes times;
        if (r % 2 == 0) {
          times = run.throughCluster(n);
          direct[r] = run.direct(n);
        } else {
          direct[r] = run.direct(n);
          times = run.throughCluster(n);
        }
        cluster[r] = times.pinnedMillis();
        committed[r] = times.committedMillis();
        ratio[r] = cluster[r] / direct[r];
      }
    }
    String c =
        concurrency
            + " clients (concurrent_pins); "
            + (settings.isEmpty() ? "default configuration" : "peer: " + settings);
    report.addDurations(
        "7",
        n
            + " blocks in a js-ipfs node → all `pinned` through a one-peer cluster ("
            + (o.fig7Bulk() ? "one bulk NDJSON request" : "REST, one POST a pin")
            + ", replication 1, "
            + c
            + ")",
        cluster,
        "–");
    report.addDurations(
        "7", "of which until every pin was committed (POSTs answered)", committed, "–");
    report.addDurations(
        "7", "the same: " + n + " `pin/add` straight to the node, " + c, direct, "–");
    report.addValues(
        "7",
        "tracker overhead: cluster time / direct time ("
            + (settings.isEmpty() ? "default configuration" : "peer: " + settings)
            + ")",
        ratio,
        "×",
        "≤1.2×");
  }
}

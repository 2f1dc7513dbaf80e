package io.pincluster.faults.crash;

import io.pincluster.testing.Cids;
import io.pincluster.testing.process.ProcessCluster;
import io.pincluster.testing.process.ProcessClusterConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Crash/restart runs against a real {@link ProcessCluster} (issue 9). Each run plays one {@link
 * Scenario} under a pin/unpin {@link Workload}, waits until every member is back and accepts a new
 * pin (the recovery time), lets the workload go on, then checks: the history against every member's
 * local pinset ({@link HistoryChecker}), replication min while peers are down (re-pinning), and
 * leaked temp folders. One cluster serves consecutive runs; it is replaced after a run that could
 * not finish.
 *
 * <p>{@link #main} is {@code faults/run.sh}: runs are appended to the state file, and a new
 * invocation with the same file continues after the last one.
 */
public final class CrashRunner {
  /** How long a peer may take to come back and answer (JVM start on a loaded machine). */
  static final Duration PEER_START = Duration.ofSeconds(120);

  /** How long the members may take to agree, and a new pin to commit, once all are up. */
  static final Duration SETTLE = Duration.ofSeconds(60);

  /** The HTTP timeout of one workload request (above the shrunk wait_for_leader_timeout). */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(12);

  /** Pins put in the state before a snapshot-install run so the install takes a while. */
  static final int SNAPSHOT_FILLER_PINS = 5000;

  /** How long a temp file must stay to count as leaked (see {@link #leakedTempFiles}). */
  private static final Duration TEMP_SETTLE = Duration.ofSeconds(10);

  /** Overrides every peer of the runner's clusters gets, on top of the shrunk timeouts. */
  static final Map<String, String> RAFT_OVERRIDES =
      Map.of(
          "CLUSTER_RAFT_WAITFORLEADERTIMEOUT", "5s",
          "CLUSTER_RAFT_SNAPSHOTTHRESHOLD", "200",
          "CLUSTER_RAFT_SNAPSHOTINTERVAL", "5s");

  private final CrashOptions options;
  private final PrintStream out;
  private final InstantSource clock;
  private final String classpath;
  private final Rest rest = new Rest(REQUEST_TIMEOUT);
  private ProcessCluster cluster;
  private final List<Integer> members = new ArrayList<>();
  private int clusters;
  private boolean fillerLoaded;

  /** When the current run began to bring its peers back (System.nanoTime). */
  private long restartAt;

  /**
   * @param classpath a class path holding {@code io.pincluster.testing.FakeKubo}
   */
  public CrashRunner(CrashOptions options, String classpath, PrintStream out, InstantSource clock) {
    this.options = options;
    this.classpath = classpath;
    this.out = out;
    this.clock = clock;
  }

  public static void main(String[] args) {
    CrashOptions options;
    try {
      options = CrashOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("crash runner: " + e.getMessage());
      System.exit(2);
      return;
    }
    CrashRunner runner =
        new CrashRunner(
            options, System.getProperty("java.class.path"), System.out, InstantSource.system());
    try {
      Invocation inv = runner.runAll();
      System.exit(inv.allOk() ? 0 : 1);
    } catch (IllegalArgumentException | IllegalStateException | IOException e) {
      System.err.println("crash runner: " + e.getMessage());
      System.exit(2);
    } catch (InterruptedException e) {
      System.err.println("crash runner: interrupted");
      System.exit(130);
    }
  }

  /**
   * What one invocation did.
   *
   * @param all every run in the state file (earlier invocations' too), in order
   * @param mine the runs of this invocation
   * @param finished true when the state file now holds all {@code runs}
   */
  public record Invocation(List<RunResult> all, List<RunResult> mine, boolean finished) {
    public boolean allOk() {
      return all.stream().allMatch(RunResult::ok);
    }
  }

  /**
   * Runs until the state file holds {@code runs} runs or the next run could end after {@code
   * max-minutes}; prints (and, with a report file, writes) the summary of every run so far.
   */
  public Invocation runAll() throws IOException, InterruptedException {
    long start = System.nanoTime();
    List<RunResult> all = new ArrayList<>(readState());
    List<RunResult> mine = new ArrayList<>();
    long longest = Duration.ofMinutes(3).toMillis();
    try {
      while (all.size() < options.runs()) {
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        if (elapsed + longest > Duration.ofMinutes(options.maxMinutes()).toMillis()) {
          out.printf(
              "crash: stopping after %d of %d runs to stay within %d minutes; run the same"
                  + " command again to continue%n",
              all.size(), options.runs(), options.maxMinutes());
          break;
        }
        int run = all.size();
        Scenario s = options.scenarios().get(run % options.scenarios().size());
        RunResult r = runOne(run, s, options.seed() + run);
        longest = Math.max(longest, r.durationMillis() + Duration.ofSeconds(60).toMillis());
        all.add(r);
        mine.add(r);
        appendState(r);
      }
    } finally {
      closeCluster();
    }
    Summary summary = new Summary(all);
    out.println();
    out.print(summary.table());
    summary.failures().forEach(f -> out.println("FAILED " + f));
    if (options.report() != null) {
      summary.write(
          options.report(),
          options.command(),
          clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
      out.println("crash: summary written to " + options.report());
    }
    return new Invocation(all, mine, all.size() >= options.runs());
  }

  /** Plays run {@code run} (scenario {@code s}) on the current cluster, starting one if needed. */
  public RunResult runOne(int run, Scenario s, long seed) throws InterruptedException {
    long t0 = System.nanoTime();
    out.printf("crash: run %d: %s (seed %d, %d peers)%n", run, s.id(), seed, options.peers());
    List<String> violations = new ArrayList<>();
    History history = new History();
    long recover = -1;
    String note = "";
    Workload workload = null;
    try {
      ensureCluster();
      Random random = new Random(seed);
      AtomicReference<List<Workload.Target>> live = new AtomicReference<>(targets(members));
      workload =
          new Workload(
              rest,
              history,
              live::get,
              () -> (System.nanoTime() - t0) / 1_000_000,
              options.clients(),
              seed,
              options.replicationMin(),
              options.replicationMax(),
              options.pause());
      if (s == Scenario.SNAPSHOT_INSTALL) {
        loadFiller();
      }
      workload.start();
      Thread.sleep(options.phase().toMillis());
      restartAt = System.nanoTime();
      note = play(s, random, live, violations);
      live.set(targets(members));
      recover = awaitRecovered(history, t0, restartAt, violations);
      Thread.sleep(options.phase().toMillis());
      workload.stop(REQUEST_TIMEOUT.plusSeconds(5));
      workload = null;
      probeEveryMember(history, t0, violations);
      List<PeerView> views = awaitAgreement(violations);
      Set<String> ids = new HashSet<>();
      members.forEach(n -> ids.add(cluster.peerId(n)));
      CheckResult check = HistoryChecker.check(history, views, ids);
      violations.addAll(check.violations());
      violations.addAll(leakedTempFiles());
      if (s == Scenario.SNAPSHOT_INSTALL) {
        removeJoinedPeer(violations);
      }
      return result(run, s, seed, history, check, violations, recover, t0, note);
    } catch (RuntimeException | IOException e) {
      violations.add("run aborted: " + e);
      if (workload != null) {
        workload.stop(REQUEST_TIMEOUT.plusSeconds(5));
      }
      closeCluster();
      return result(run, s, seed, history, null, violations, recover, t0, note);
    }
  }

  private RunResult result(
      int run,
      Scenario s,
      long seed,
      History history,
      CheckResult check,
      List<String> violations,
      long recover,
      long t0,
      String note) {
    writeHistory(run, history);
    RunResult r =
        new RunResult(
            run,
            s,
            seed,
            options.peers(),
            history.count(Op.Outcome.ACKNOWLEDGED),
            history.count(Op.Outcome.FAILED),
            history.count(Op.Outcome.UNKNOWN),
            check == null ? 0 : check.checkedCids(),
            check == null ? 0 : check.skippedCids(),
            violations.size(),
            recover,
            (System.nanoTime() - t0) / 1_000_000,
            note,
            violations.isEmpty() ? "" : violations.get(0));
    out.printf(
        "crash: run %d: %s: %d acked, %d failed, %d unknown, %d CIDs checked, %d skipped,"
            + " recovered in %s, %d violation(s)%s%n",
        run,
        s.id(),
        r.acknowledged(),
        r.failed(),
        r.unknown(),
        r.checkedCids(),
        r.skippedCids(),
        recover < 0 ? "never" : recover + " ms",
        r.violations(),
        note.isEmpty() ? "" : " [" + note + "]");
    for (String v : violations) {
      out.println("VIOLATION run " + run + " (" + s.id() + ", seed " + seed + "): " + v);
    }
    if (!violations.isEmpty() && cluster != null) {
      out.println("crash: peer logs are in " + cluster.config().work());
    } else if (!violations.isEmpty()) {
      out.println("crash: peer logs are in " + clusterWork(clusters));
    }
    return r;
  }

  /** Writes every request of the run to {@code <work>/run-<n>-history.tsv}, for diagnosis. */
  private void writeHistory(int run, History history) {
    StringBuilder b =
        new StringBuilder("# client\tkind\tcid\tpeer\tsent_ms\tdone_ms\toutcome\tdetail\n");
    for (Op op : history.ops()) {
      b.append(op.client())
          .append('\t')
          .append(op.kind())
          .append('\t')
          .append(op.cid())
          .append('\t')
          .append(op.peer())
          .append('\t')
          .append(op.sentMillis())
          .append('\t')
          .append(op.doneMillis())
          .append('\t')
          .append(op.outcome())
          .append('\t')
          .append(op.detail().replace('\t', ' '))
          .append('\n');
    }
    Path f = options.work().resolve("run-" + run + "-history.tsv");
    try {
      Files.createDirectories(options.work());
      Files.writeString(f, b.toString());
    } catch (IOException e) {
      out.println("crash: cannot write " + f + ": " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------- scenarios

  /** Injects the fault of {@code s} and brings the peers back; returns a note ("" if none). */
  private String play(
      Scenario s,
      Random random,
      AtomicReference<List<Workload.Target>> live,
      List<String> violations)
      throws InterruptedException, IOException {
    Duration outage = options.phase().plusSeconds(4);
    switch (s) {
      case KILL_FOLLOWER -> {
        int leader = awaitLeader();
        List<Integer> followers = new ArrayList<>(members);
        followers.remove(Integer.valueOf(leader));
        int victim = followers.get(random.nextInt(followers.size()));
        killAndRestart(List.of(victim), outage, live, violations);
        return "killed " + cluster.peerName(victim);
      }
      case KILL_LEADER -> {
        int leader = awaitLeader();
        killAndRestart(List.of(leader), outage, live, violations);
        return "";
      }
      case KILL_MINORITY -> {
        List<Integer> shuffled = new ArrayList<>(members);
        java.util.Collections.shuffle(shuffled, random);
        killAndRestart(shuffled.subList(0, (members.size() - 1) / 2), outage, live, violations);
        return "";
      }
      case ROLLING_RESTART -> {
        for (int n : List.copyOf(members)) {
          live.set(targets(without(members, List.of(n))));
          cluster.stopPeer(n);
          if (cluster.exitValue(n) != 0) {
            violations.add(
                cluster.peerName(n)
                    + " exited with "
                    + cluster.exitValue(n)
                    + " on SIGTERM (expected 0); log:\n"
                    + cluster.tail(n));
          }
          cluster.restart(n, PEER_START);
          live.set(targets(members));
          cluster.awaitWritable(n, System.nanoTime() + SETTLE.toNanos());
        }
        return "";
      }
      case KILL_ALL -> {
        live.set(List.of());
        killAll(members);
        restartAt = System.nanoTime();
        for (int n : members) {
          cluster.startPeer(n);
        }
        awaitAnswer(members);
        return "";
      }
      case SNAPSHOT_INSTALL -> {
        return killDuringInstall();
      }
    }
    throw new IllegalStateException("unhandled scenario " + s);
  }

  /**
   * kill -9 of {@code victims} at once; while they are down, checks that re-pinning gives every pin
   * its replication min on the survivors; then restarts them.
   */
  private void killAndRestart(
      List<Integer> victims,
      Duration outage,
      AtomicReference<List<Workload.Target>> live,
      List<String> violations)
      throws InterruptedException, IOException {
    List<Integer> survivors = without(members, victims);
    live.set(targets(survivors));
    killAll(victims);
    long until = System.nanoTime() + outage.toNanos();
    violations.addAll(awaitRepinned(survivors, until + SETTLE.toNanos()));
    long rest = until - System.nanoTime();
    if (rest > 0) {
      Thread.sleep(rest / 1_000_000);
    }
    restartAt = System.nanoTime();
    for (int n : victims) {
      cluster.startPeer(n);
    }
    awaitAnswer(victims);
  }

  /**
   * Adds a fresh peer, kills it -9 as soon as a Ratis {@code tmp/snapshot-*} folder appears in it
   * (or once it answers, when the install was too quick to see), restarts it and waits until it
   * answers. It stays a member for the checks.
   */
  private String killDuringInstall() throws InterruptedException, IOException {
    int via = awaitLeader();
    int n = cluster.addPeer(via);
    Path folder = cluster.peerFolder(n);
    long deadline = System.nanoTime() + PEER_START.toNanos();
    boolean caught = false;
    int polls = 0;
    while (System.nanoTime() < deadline && cluster.isAlive(n)) {
      if (snapshotInstallUnderWay(folder)) {
        cluster.kill9(n);
        caught = true;
        break;
      }
      if (++polls % 200 == 0 && rest.answers(cluster.restUrl(n))) {
        cluster.kill9(n);
        break;
      }
      Thread.onSpinWait();
    }
    if (!caught && cluster.isAlive(n)) {
      throw new IllegalStateException(
          cluster.peerName(n)
              + " neither installed a snapshot nor answered; log:\n"
              + cluster.tail(n));
    }
    if (!caught && !cluster.isAlive(n) && cluster.exitValue(n) != 137) {
      throw new IllegalStateException(
          cluster.peerName(n) + " exited while joining; log:\n" + cluster.tail(n));
    }
    members.add(n);
    restartAt = System.nanoTime();
    cluster.startPeer(n);
    awaitAnswer(List.of(n));
    return caught ? "killed mid-install" : "install finished before the kill";
  }

  /** True when a Ratis {@code tmp/snapshot-*} folder exists under {@code peerFolder/raft}. */
  static boolean snapshotInstallUnderWay(Path peerFolder) {
    Path raft = peerFolder.resolve("raft");
    if (!Files.isDirectory(raft)) {
      return false;
    }
    try (Stream<Path> s = Files.walk(raft, 5)) {
      return s.anyMatch(CrashRunner::isSnapshotTemp);
    } catch (IOException | UncheckedIOException e) {
      return false; // folders come and go while we walk
    }
  }

  private static boolean isSnapshotTemp(Path p) {
    Path parent = p.getParent();
    return parent != null
        && parent.getFileName().toString().equals("tmp")
        && p.getFileName().toString().startsWith("snapshot-");
  }

  /**
   * Removes the peer the snapshot-install run added ({@code DELETE /peers}) and waits for it to
   * stop.
   */
  private void removeJoinedPeer(List<String> violations) throws InterruptedException {
    int joined = members.get(members.size() - 1);
    members.remove(members.size() - 1);
    String id = cluster.peerId(joined);
    String answer = "";
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (System.nanoTime() < deadline) {
      answer = rest.delete(cluster.restUrl(members.get(0)) + "/peers/" + id);
      if (answer.startsWith("2")) {
        break;
      }
      Thread.sleep(500);
    }
    if (!answer.startsWith("2")) {
      violations.add("cannot remove the joined peer " + cluster.peerName(joined) + ": " + answer);
      cluster.kill9(joined);
      closeCluster();
      return;
    }
    long exitBy = System.nanoTime() + SETTLE.toNanos();
    while (cluster.isAlive(joined) && System.nanoTime() < exitBy) {
      Thread.sleep(100);
    }
    if (cluster.isAlive(joined)) {
      violations.add(
          "removed peer "
              + cluster.peerName(joined)
              + " still runs "
              + SETTLE.toSeconds()
              + " s after its removal; log:\n"
              + cluster.tail(joined));
      cluster.kill9(joined);
    }
  }

  // ---------------------------------------------------------------- checks

  /**
   * Waits until every member answers and accepts a new pin (recorded as probes); the time from
   * {@code faultAt}, or -1 when some peer never did (a violation).
   */
  private long awaitRecovered(History history, long t0, long faultAt, List<String> violations)
      throws InterruptedException {
    awaitAnswer(members);
    if (!probeEveryMember(history, t0, violations)) {
      return -1;
    }
    return (System.nanoTime() - faultAt) / 1_000_000;
  }

  /**
   * Pins a fresh CID through every member, retrying up to {@link #SETTLE}; false if one never took
   * it.
   */
  private boolean probeEveryMember(History history, long t0, List<String> violations)
      throws InterruptedException {
    boolean all = true;
    for (int n : members) {
      String cid =
          Cids.rawOf(
                  ("crash-probe-" + System.nanoTime() + "-" + n).getBytes(StandardCharsets.UTF_8))
              .toString();
      long deadline = System.nanoTime() + SETTLE.toNanos();
      Rest.Answer a;
      do {
        long sent = (System.nanoTime() - t0) / 1_000_000;
        a =
            rest.write(
                cluster.restUrl(n),
                Op.Kind.PIN,
                cid,
                options.replicationMin(),
                options.replicationMax());
        history.add(
            new Op(
                Op.PROBE_CLIENT,
                Op.Kind.PIN,
                cid,
                cluster.peerName(n),
                sent,
                (System.nanoTime() - t0) / 1_000_000,
                a.outcome(),
                a.detail()));
        if (a.outcome() != Op.Outcome.ACKNOWLEDGED) {
          Thread.sleep(200);
        }
      } while (a.outcome() != Op.Outcome.ACKNOWLEDGED && System.nanoTime() < deadline);
      if (a.outcome() != Op.Outcome.ACKNOWLEDGED) {
        all = false;
        violations.add(
            "peer stuck: "
                + cluster.peerName(n)
                + " acknowledged no new pin in "
                + SETTLE.toSeconds()
                + " s; last answer: "
                + a.outcome()
                + " "
                + a.detail());
      }
    }
    return all;
  }

  /**
   * Reads every member's local pinset until all digests are equal or {@link #SETTLE} passed; the
   * last views either way (the checker reports a difference).
   */
  private List<PeerView> awaitAgreement(List<String> violations)
      throws InterruptedException, IOException {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    List<Integer> readable = new ArrayList<>(members);
    while (true) {
      List<PeerView> views = new ArrayList<>();
      for (int n : List.copyOf(readable)) {
        try {
          views.add(rest.allocations(cluster.peerName(n), cluster.restUrl(n)));
        } catch (IOException e) {
          violations.add(
              "peer stuck: "
                  + cluster.peerName(n)
                  + " does not serve its local pinset ("
                  + e
                  + ")"
                  + (cluster.isAlive(n) ? "" : "; it exited; log:\n" + cluster.tail(n)));
          readable.remove(Integer.valueOf(n));
        }
      }
      if (views.isEmpty()) {
        throw new IOException("no member serves its local pinset");
      }
      if (views.stream().map(PeerView::digest).distinct().count() == 1
          || System.nanoTime() > deadline) {
        return views;
      }
      Thread.sleep(250);
    }
  }

  /**
   * Waits until every pin with a positive replication min has that many allocations among {@code
   * survivors} (as the first survivor sees it); the violations left at {@code deadlineNanos}.
   */
  private List<String> awaitRepinned(List<Integer> survivors, long deadlineNanos)
      throws InterruptedException, IOException {
    Set<String> ids = new HashSet<>();
    survivors.forEach(n -> ids.add(cluster.peerId(n)));
    int min = Math.min(options.replicationMin(), survivors.size());
    while (true) {
      PeerView v =
          rest.allocations(cluster.peerName(survivors.get(0)), cluster.restUrl(survivors.get(0)));
      List<String> below = new ArrayList<>();
      v.pins()
          .forEach(
              (cid, p) -> {
                if (p.replicationMin() > 0
                    && p.allocations().stream().filter(ids::contains).count() < min) {
                  below.add(cid + " allocations=" + p.allocations());
                }
              });
      if (below.isEmpty()) {
        return List.of();
      }
      if (System.nanoTime() > deadlineNanos) {
        return List.of(
            "re-pinning left "
                + below.size()
                + " pins below replication min "
                + min
                + " on the survivors "
                + ids
                + " (as "
                + v.peer()
                + " sees it), e.g. "
                + below.subList(0, Math.min(5, below.size())));
      }
      Thread.sleep(500);
    }
  }

  /**
   * Ratis {@code tmp/snapshot-*} folders, {@code *.tmp} files and import spools left in members:
   * those found in every scan over {@link #TEMP_SETTLE}. The peers are live, so a scan can catch a
   * snapshot being written (RocksDB builds a checkpoint in {@code <name>.tmp} and renames it); such
   * a file is gone by the next scan, a leaked one stays.
   */
  private List<String> leakedTempFiles() throws IOException, InterruptedException {
    return foundInEveryScan(this::tempFiles, TEMP_SETTLE, Duration.ofMillis(500));
  }

  /** One scan of the peers' folders. */
  interface Scan {
    List<String> run() throws IOException;
  }

  /**
   * What {@code scan} finds every time it is run, every {@code pause} for {@code settle} (or until
   * it finds nothing).
   */
  static List<String> foundInEveryScan(Scan scan, Duration settle, Duration pause)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + settle.toNanos();
    List<String> found = new ArrayList<>(scan.run());
    while (!found.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(pause.toMillis());
      found.retainAll(scan.run());
    }
    return found;
  }

  private List<String> tempFiles() throws IOException {
    try {
      return tempFilesOnce();
    } catch (UncheckedIOException e) {
      return tempFilesOnce(); // a folder went away while we walked: a live snapshot, scan again
    }
  }

  private List<String> tempFilesOnce() throws IOException {
    List<String> leaks = new ArrayList<>();
    for (int n : members) {
      Path folder = cluster.peerFolder(n);
      try (Stream<Path> s = Files.walk(folder)) {
        s.filter(
                p ->
                    isSnapshotTemp(p)
                        || p.getFileName().toString().endsWith(".tmp")
                        || (p.getParent().equals(folder)
                            && p.getFileName().toString().matches("import.*\\.ndjson")))
            .forEach(p -> leaks.add("leaked temp file in " + cluster.peerName(n) + ": " + p));
      }
    }
    return leaks;
  }

  // ---------------------------------------------------------------- cluster

  private void ensureCluster() throws InterruptedException {
    if (cluster != null) {
      return;
    }
    clusters++;
    ProcessClusterConfig config =
        ProcessClusterConfig.of(options.dist(), clusterWork(clusters), classpath, options.peers())
            .withEnv(ProcessClusterConfig.SHRUNK_TIMEOUTS)
            .withEnv(RAFT_OVERRIDES);
    out.printf("crash: starting %d peers in %s%n", options.peers(), config.work());
    ProcessCluster c = new ProcessCluster(config);
    try {
      c.start(PEER_START);
    } catch (RuntimeException | InterruptedException e) {
      c.close();
      throw e;
    }
    cluster = c;
    members.clear();
    for (int n = 0; n < options.peers(); n++) {
      members.add(n);
    }
    fillerLoaded = false;
  }

  private Path clusterWork(int k) {
    return options.work().resolve("cluster-" + k);
  }

  private void closeCluster() {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  /**
   * Bulk-pins {@link #SNAPSHOT_FILLER_PINS} CIDs once per cluster (so snapshots have some size).
   */
  private void loadFiller() throws IOException, InterruptedException {
    if (fillerLoaded) {
      return;
    }
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < SNAPSHOT_FILLER_PINS; i++) {
      body.append(
              Cids.rawOf(("crash-filler-" + clusters + "-" + i).getBytes(StandardCharsets.UTF_8)))
          .append('\n');
    }
    // pinned everywhere: fillers only give the snapshot some size, and need no allocation (so
    // no fresh free-space metrics, which a loaded machine with shrunk TTLs may lack)
    String answer = rest.bulkPin(cluster.restUrl(members.get(0)), body.toString(), -1, -1);
    if (!answer.isEmpty()) {
      throw new IllegalStateException("filler pins failed: " + answer);
    }
    fillerLoaded = true;
  }

  private int awaitLeader() throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (System.nanoTime() < deadline) {
      int l = cluster.leader();
      if (l >= 0 && members.contains(l)) {
        return l;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("no member says it leads after " + SETTLE.toSeconds() + " s");
  }

  /** kill -9 of all of {@code peers} at (nearly) the same moment. */
  private void killAll(List<Integer> peers) {
    List<ProcessHandle> handles = new ArrayList<>();
    for (int n : peers) {
      ProcessHandle.of(cluster.pid(n)).ifPresent(handles::add);
    }
    handles.forEach(ProcessHandle::destroyForcibly);
    for (int n : peers) {
      cluster.kill9(n); // waits until it is gone
    }
  }

  private void awaitAnswer(List<Integer> peers) throws InterruptedException {
    long deadline = System.nanoTime() + PEER_START.toNanos();
    for (int n : peers) {
      cluster.awaitAnswer(n, deadline);
    }
  }

  private List<Workload.Target> targets(List<Integer> peers) {
    return peers.stream()
        .map(n -> new Workload.Target(cluster.peerName(n), cluster.restUrl(n)))
        .toList();
  }

  private static List<Integer> without(List<Integer> all, List<Integer> gone) {
    List<Integer> out = new ArrayList<>(all);
    out.removeAll(gone);
    return out;
  }

  // ---------------------------------------------------------------- state file

  private String stateHeader() {
    return "# crash runs: seed="
        + options.seed()
        + " peers="
        + options.peers()
        + " scenarios="
        + String.join(",", Scenario.ids(options.scenarios()));
  }

  /** The runs already in the state file; fails when it was written with other options. */
  List<RunResult> readState() throws IOException {
    Path f = options.stateFile();
    if (f == null || !Files.exists(f)) {
      return List.of();
    }
    List<String> lines = Files.readAllLines(f);
    if (lines.isEmpty()) {
      return List.of();
    }
    if (!lines.get(0).equals(stateHeader())) {
      throw new IllegalArgumentException(
          "state file "
              + f
              + " was written with other options ('"
              + lines.get(0)
              + "', now '"
              + stateHeader()
              + "'): use the same --seed, --peers and --scenarios, or another --state");
    }
    List<RunResult> out = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      try {
        RunResult r = RunResult.parse(line);
        if (r.run() != out.size()) {
          throw new IllegalArgumentException(
              "run " + r.run() + " where run " + out.size() + " was expected");
        }
        out.add(r);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "state file " + f + " line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    out.sort(java.util.Comparator.comparingInt(RunResult::run));
    return out;
  }

  private void appendState(RunResult r) throws IOException {
    Path f = options.stateFile();
    if (f == null) {
      return;
    }
    if (!Files.exists(f) || Files.size(f) == 0) {
      if (f.toAbsolutePath().getParent() != null) {
        Files.createDirectories(f.toAbsolutePath().getParent());
      }
      Files.writeString(f, stateHeader() + "\n" + RunResult.HEADER + "\n");
    }
    Files.writeString(f, r.toLine() + "\n", StandardOpenOption.APPEND);
  }

  /** Used by tests: the started cluster (null before the first run). */
  ProcessCluster cluster() {
    return cluster;
  }
}

package io.pincluster.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Figures 3–5 of the harness ({@code --figures=3}): for each size of {@code --large-pins}, a fresh
 * 3-peer cluster holding that many imported pins ({@link LargeStateRun}), its report rows, and the
 * disk check before it. Not thread-safe.
 */
final class LargeStateFigures {
  private LargeStateFigures() {}

  /** Figures 3–5 once per size of {@code --large-pins}, each on a fresh 3-peer cluster. */
  static void run(BenchOptions o, Report report) throws IOException, InterruptedException {
    for (int n : o.largePins()) {
      Path work = o.work().resolve("large-" + n);
      checkFreeDisk(o.work(), n);
      largeState(o, report, work, n);
      // at 10M pins the three peers hold tens of GB (kept after a failure, or when asked: the
      // peers' logs are in its cluster folder)
      if (!o.keepLargeState()) {
        BenchFiles.deleteRecursively(work);
      }
    }
  }

  /**
   * Refuses a size when the work folder's file system has less free space than the 3 peers and the
   * import file need ({@link LargeStateRun#diskNeeded}).
   */
  static void checkFreeDisk(Path work, int pins) throws IOException {
    Files.createDirectories(work);
    long free = Files.getFileStore(work).getUsableSpace();
    long need = LargeStateRun.diskNeeded(pins);
    String gib = String.format(java.util.Locale.ROOT, "%.1f GiB", need / (double) (1L << 30));
    System.out.printf(
        java.util.Locale.ROOT,
        "bench: figure 3 at %d pins needs about %s of disk under %s (%.1f GiB free)%n",
        pins,
        gib,
        work,
        free / (double) (1L << 30));
    if (free < need) {
      throw new IllegalStateException(
          "not enough disk for figure 3 at "
              + pins
              + " pins: about "
              + gib
              + " needed under "
              + work
              + " (3 peers × 1.5 KB a pin, plus the import file), "
              + String.format(java.util.Locale.ROOT, "%.1f GiB", free / (double) (1L << 30))
              + " free");
    }
  }

  private static void largeState(BenchOptions o, Report report, Path work, int n)
      throws IOException, InterruptedException {
    Path file = new StateImportRun(o.dist(), work).writeFile(n);
    int reps = o.reps();
    double[] firstStart = new double[1];
    double[] catchUp = new double[2];
    double[] restartAll = new double[reps];
    String[] paths = {"/allocations", "/pins?local=true", "/pins"};
    List<List<RunResult>> runs = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    double[][] sampled = new double[paths.length][reps];
    double[][] retained = new double[paths.length][reps];
    double[] heapInState;
    double[] disk;
    Progress progress = new Progress("figure 3 at " + n + " pins");
    try (LargeStateRun run = new LargeStateRun(o, work.resolve("cluster"), file, n)) {
      run.prepare();
      progress.say("import file written, peer 1 and its fake Kubo set up, state imported");
      firstStart[0] = run.startFirstPeer();
      run.awaitTrackerIdle(0);
      progress.say("peer 1 started and idle");
      // each join is timed into a cluster at rest, as an operator adds a peer: not beside the
      // first IPFS sync of millions of pins that a peer just started from an import runs
      for (int j = 0; j < catchUp.length; j++) {
        catchUp[j] = run.joinPeer();
        run.awaitTrackerIdle(j + 1);
      }
      progress.say("peers 2 and 3 joined and caught up, one at a time");
      for (int p = 1; p < run.peers(); p++) {
        run.checkHoldsAll(p);
      }
      progress.say("peers 2 and 3 list every pin");
      for (int p = 0; p < run.peers(); p++) {
        run.awaitTrackerIdle(p);
      }
      progress.say("every tracker idle");
      heapInState = new double[run.peers()];
      for (int p = 0; p < run.peers(); p++) {
        heapInState[p] = run.heapAfterGc(p) / MB;
      }
      for (String path : paths) {
        run.warmUp(path, Math.min(n, WARM_UP_LINES));
      }
      progress.say("streams warmed up");
      for (int r = 0; r < reps; r++) {
        for (int k = 0; k < paths.length; k++) {
          LargeStateRun.Streamed s = run.stream(paths[k]);
          runs.get(k).add(s.run());
          sampled[k][r] = s.sampledGrowthBytes() / MB;
          retained[k][r] = s.retainedGrowthBytes() / MB;
        }
      }
      progress.say("streams done");
      disk = new double[run.peers()];
      Runnable measureDisk =
          () -> {
            for (int p = 0; p < disk.length; p++) {
              disk[p] = run.diskBytes(p) / MB;
            }
          };
      for (int r = 0; r < reps; r++) {
        restartAll[r] = run.restartAll(r == 0 ? measureDisk : () -> {}); // peers stopped
      }
    }
    progress.say("cluster restarted " + reps + " times");
    String on = " (3 peers, from peer 1, trackers idle)";
    String[] cases = {
      "stream GET /allocations (pin ls)",
      "stream GET /pins?local=true (status --local)",
      "stream GET /pins (cluster-wide status)"
    };
    String[] goals = {"≥200,000 pins/s", "≥200,000 pins/s", "≥50,000 pins/s"};
    for (int k = 0; k < paths.length; k++) {
      report.add("3", cases[k] + on, runs.get(k), goals[k]);
    }
    for (int k = 0; k < paths.length; k++) {
      report.addValues(
          "3",
          "heap growth of peer 1 during GET "
              + paths[k]
              + ", "
              + n
              + " pins: sampled peak of used"
              + " (garbage included)",
          sampled[k],
          "MB",
          "≤64 MB");
      report.addValues(
          "3",
          "heap growth of peer 1 across GET "
              + paths[k]
              + ", "
              + n
              + " pins: retained (after a"
              + " full GC, after − before)",
          retained[k],
          "MB",
          "≤64 MB");
    }
    report.addValues(
        "4",
        "heap in use after a full GC with " + n + " pins in state, each peer (trackers idle)",
        heapInState,
        "MB",
        "independent of size; ≤512 MB at 10M");
    report.addValues(
        "4", "disk of each peer folder, " + n + " pins (peers stopped)", disk, "MB", "–");
    report.addDurations(
        "5",
        "restart to serving /allocations, " + n + " pins (peer 1 alone, state imported)",
        firstStart,
        "≤30,000 ms at 10M");
    report.addDurations(
        "5",
        "new-peer catch-up, " + n + " pins: joining peer's start → holds every pin (peers 2, 3)",
        catchUp,
        "≤30,000 ms at 10M");
    report.addDurations(
        "5",
        "restart of the whole 3-peer cluster, " + n + " pins: start all → all serve, a leader",
        restartAll,
        "≤30,000 ms at 10M");
  }

  private static final double MB = 1048576.0;

  /** Lines of each stream read once, untimed, before the timed runs (the peers' JIT warm-up). */
  private static final long WARM_UP_LINES = 300_000;

  /** Prints how long each phase of a long setup took, so a slow one shows while it runs. */
  private static final class Progress {
    private final String what;
    private long last = System.nanoTime();

    Progress(String what) {
      this.what = what;
    }

    void say(String phase) {
      long now = System.nanoTime();
      System.out.printf(
          java.util.Locale.ROOT, "bench: %s: %s (%.1f s)%n", what, phase, (now - last) / 1e9);
      last = now;
    }
  }
}

package io.pincluster.bench;

import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Runs untimed passes of a case until the processes it measures have compiled its code: a daemon
 * serves for weeks, so the figures are its steady state, not its JIT compilers (which took a
 * quarter of the peers' CPU for the first minute of figure 1 on two CPUs). A pass counts as warm
 * when the JIT compiler threads of the peers, the fake Kubos and this JVM used at most {@link
 * #WARM_JIT_SHARE} of those processes' CPU during it and, for the cluster's figures, every peer had
 * run an IPFS sync of a pinset that is not empty (see {@link BenchMain#everyPeerSyncedIpfs}); the
 * warm-up ends after the first warm pass, or once {@code --warm-up-seconds} have passed (0: one
 * pass), whichever comes first.
 */
final class WarmUp {
  static final double WARM_JIT_SHARE = 0.05;

  /** One untimed pass of the case. */
  @FunctionalInterface
  interface Pass {
    void run() throws InterruptedException;
  }

  private WarmUp() {}

  /** Runs passes as described above, with no condition but the JIT's. */
  static String run(String what, int limitSeconds, Pass pass) throws InterruptedException {
    return run(what, limitSeconds, pass, null, () -> true);
  }

  /**
   * Runs passes as described above until the JIT is quiet and {@code settled} holds (checked after
   * each pass); returns a one-line account for the report's notes.
   *
   * @param settledName what {@code settled} checks, for the note (null: not named)
   */
  static String run(
      String what, int limitSeconds, Pass pass, String settledName, BooleanSupplier settled)
      throws InterruptedException {
    long start = System.nanoTime();
    long limitNanos = limitSeconds * 1_000_000_000L;
    int passes = 0;
    double share;
    boolean isSettled;
    do {
      CpuMeter.Sample before = CpuMeter.sample();
      pass.run();
      share = CpuMeter.jitShare(before, CpuMeter.sample());
      isSettled = settled.getAsBoolean();
      passes++;
    } while ((share > WARM_JIT_SHARE || !isSettled) && System.nanoTime() - start < limitNanos);
    return String.format(
            Locale.ROOT,
            "%s: warm-up of %d untimed passes over %.0f s; JIT compilers %.0f%% of the CPU in the"
                + " last one",
            what,
            passes,
            (System.nanoTime() - start) / 1e9,
            100 * share)
        + (settledName == null ? "" : "; " + settledName + (isSettled ? "" : ": not yet"));
  }
}

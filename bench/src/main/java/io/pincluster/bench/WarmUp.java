package io.pincluster.bench;

import java.util.Locale;

/**
 * Runs untimed passes of a case until the processes it measures have compiled its code: a daemon
 * serves for weeks, so the figures are its steady state, not its JIT compilers (which took a
 * quarter of the peers' CPU for the first minute of figure 1 on two CPUs). A pass counts as warm
 * when the JIT compiler threads of the peers, the fake Kubos and this JVM used at most {@link
 * #WARM_JIT_SHARE} of those processes' CPU during it; the warm-up ends after the first warm pass,
 * or once {@code --warm-up-seconds} have passed (0: one pass), whichever comes first.
 */
final class WarmUp {
  static final double WARM_JIT_SHARE = 0.05;

  /** One untimed pass of the case. */
  @FunctionalInterface
  interface Pass {
    void run() throws InterruptedException;
  }

  private WarmUp() {}

  /** Runs passes as described above; returns a one-line account for the report's notes. */
  static String run(String what, int limitSeconds, Pass pass) throws InterruptedException {
    long start = System.nanoTime();
    long limitNanos = limitSeconds * 1_000_000_000L;
    int passes = 0;
    double share;
    do {
      CpuMeter.Sample before = CpuMeter.sample();
      pass.run();
      share = CpuMeter.jitShare(before, CpuMeter.sample());
      passes++;
    } while (share > WARM_JIT_SHARE && System.nanoTime() - start < limitNanos);
    return String.format(
        Locale.ROOT,
        "%s: warm-up of %d untimed passes over %.0f s; JIT compilers %.0f%% of the CPU in the last"
            + " one",
        what,
        passes,
        (System.nanoTime() - start) / 1e9,
        100 * share);
  }
}

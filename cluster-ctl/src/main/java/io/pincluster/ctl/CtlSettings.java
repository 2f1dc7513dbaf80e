package io.pincluster.ctl;

import io.pincluster.ctl.internal.Sleeper;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What {@link ClusterCtl#run} takes from its surroundings, injectable so tests are deterministic
 * and never sleep.
 *
 * @param statusDelay the pause between a pin/unpin answer and fetching the status to print (IPFS
 *     Cluster waits 1 s so the peers have started working)
 * @param pollInterval the pause before each poll of {@code --wait}
 * @param sleeper how pauses happen
 * @param nanoTime a monotonic clock for {@code --wait-timeout}
 * @param env environment lookup ({@code CLUSTER_CREDENTIALS}); returns null when unset
 */
record CtlSettings(
    Duration statusDelay,
    Duration pollInterval,
    Sleeper sleeper,
    LongSupplier nanoTime,
    Function<String, String> env) {

  static final Duration DEFAULT_STATUS_DELAY = Duration.ofSeconds(1);
  static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

  CtlSettings {
    Objects.requireNonNull(statusDelay, "statusDelay");
    if (statusDelay.isNegative()) {
      throw new IllegalArgumentException("statusDelay cannot be negative: " + statusDelay);
    }
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval must be > 0: " + pollInterval);
    }
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(nanoTime, "nanoTime");
    Objects.requireNonNull(env, "env");
  }

  /** The real environment, clock and terminal. */
  static CtlSettings system() {
    return new CtlSettings(
        DEFAULT_STATUS_DELAY,
        DEFAULT_POLL_INTERVAL,
        Sleeper.SYSTEM,
        System::nanoTime,
        System::getenv);
  }
}

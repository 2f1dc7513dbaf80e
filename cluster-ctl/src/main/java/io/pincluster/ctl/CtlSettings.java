package io.pincluster.ctl;

import io.pincluster.ctl.internal.Sleeper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What {@link ClusterCtl#run} takes from its surroundings, injectable so tests are deterministic
 * and never sleep.
 *
 * @param statusDelay the pause between a pin/unpin answer and fetching the status to print (IPFS
 *     Cluster waits 1 s so the peers have started working)
 * @param pollInterval the pause before each poll of {@code --wait}
 * @param sleeper how pauses happen
 * @param nanoTime a monotonic clock for {@code --wait-timeout}
 * @param clock the wall clock, for times shown relative to now ({@code health metrics}' "Expires
 *     in")
 * @param env environment lookup ({@code CLUSTER_CREDENTIALS}); returns null when unset
 * @param stdin what {@code pin add --from-file -} reads
 * @param stderrIsTerminal whether stderr is a terminal: the {@code --from-file} progress bar is
 *     drawn only there (unless asked for), and the {@code --wait} progress is one line redrawn in
 *     place there, a line per change elsewhere
 */
record CtlSettings(
    Duration statusDelay,
    Duration pollInterval,
    Sleeper sleeper,
    LongSupplier nanoTime,
    InstantSource clock,
    Function<String, String> env,
    Supplier<InputStream> stdin,
    BooleanSupplier stderrIsTerminal) {

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
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(stderrIsTerminal, "stderrIsTerminal");
  }

  /** The real environment, clock and terminal. */
  static CtlSettings system() {
    return new CtlSettings(
        DEFAULT_STATUS_DELAY,
        DEFAULT_POLL_INTERVAL,
        Sleeper.SYSTEM,
        System::nanoTime,
        InstantSource.system(),
        System::getenv,
        () -> System.in,
        CtlSettings::systemStderrIsTerminal);
  }

  /**
   * Whether file descriptor 2 is a terminal: on Linux, whether it links to a tty device; elsewhere,
   * whether the JVM has a console.
   */
  static boolean systemStderrIsTerminal() {
    Path fd = Path.of("/proc/self/fd/2");
    try {
      if (Files.exists(fd, LinkOption.NOFOLLOW_LINKS)) {
        String target = Files.readSymbolicLink(fd).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      }
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // fall back to the console check
    }
    return System.console() != null;
  }
}

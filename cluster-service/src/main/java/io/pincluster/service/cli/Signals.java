package io.pincluster.service.cli;

import io.pincluster.service.Daemon;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The daemon's signal handling. SIGTERM or SIGINT: a clean, ordered shutdown on thread {@code
 * cluster-shutdown} (APIs first, leadership handed over, state closed; the daemon then exits 0); a
 * second SIGTERM/SIGINT, or a shutdown still running after {@link #SHUTDOWN_LIMIT}, halts the JVM
 * at once (exit 130). SIGHUP is logged and ignored ({@link #ignoreHangup}, from before the start:
 * configuration is read at start only). Uses {@code sun.misc.Signal} (module jdk.unsupported): the
 * JDK has no public API for this.
 */
final class Signals {
  private static final Logger log = LoggerFactory.getLogger(Signals.class);

  /** A clean shutdown taking longer than this is cut short (below systemd's TimeoutStopSec). */
  static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(50);

  static final int EXIT_FORCED = 130;

  private Signals() {}

  static void install(Daemon daemon) {
    AtomicInteger received = new AtomicInteger();
    for (String name : new String[] {"TERM", "INT"}) {
      handle(
          name,
          () -> {
            if (received.incrementAndGet() > 1) {
              log.warn("SIG{} again: forcing exit now", name);
              Runtime.getRuntime().halt(EXIT_FORCED);
            }
            log.info("SIG{}: shutting down (send it again to force)", name);
            Thread stop = new Thread(daemon::close, "cluster-shutdown");
            stop.start();
            Thread watchdog =
                new Thread(
                    () -> {
                      try {
                        stop.join(SHUTDOWN_LIMIT.toMillis());
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      if (stop.isAlive()) {
                        log.error("shutdown still running after {}: forcing exit", SHUTDOWN_LIMIT);
                        Runtime.getRuntime().halt(EXIT_FORCED);
                      }
                    },
                    "cluster-shutdown-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
          });
    }
  }

  /**
   * SIGHUP is logged and ignored from now on. Called before the daemon starts: the JVM's default
   * action for SIGHUP is to exit, and a reload sent while the daemon is still starting (its REST
   * API may already answer) must not stop it.
   */
  static void ignoreHangup() {
    handle(
        "HUP", () -> log.info("SIGHUP ignored: configuration is read at start; restart to apply"));
  }

  private static void handle(String name, Runnable action) {
    try {
      Signal.handle(new Signal(name), s -> action.run());
    } catch (IllegalArgumentException e) {
      log.debug("signal {} cannot be handled here: {}", name, e.getMessage());
    }
  }
}

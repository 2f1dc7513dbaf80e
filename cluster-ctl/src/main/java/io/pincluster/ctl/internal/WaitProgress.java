package io.pincluster.ctl.internal;

import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.GoDuration;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The live progress of {@code --wait} on stderr: how many peers report the target status out of how
 * many are needed, and how long it has waited, e.g. {@code waiting for QmX…: 1/2 peers pinned
 * (3s)}. On a terminal one line is redrawn in place at every poll and erased at the end; otherwise
 * a line is printed whenever the counts change (and at the first poll). A disabled one prints
 * nothing. Not thread-safe: one waiter.
 */
public final class WaitProgress {
  private final PrintStream err;
  private final boolean terminal;
  private final boolean enabled;
  private String lastCounts;
  private int drawnWidth;

  private WaitProgress(PrintStream err, boolean terminal, boolean enabled) {
    this.err = err;
    this.terminal = terminal;
    this.enabled = enabled;
  }

  /**
   * @param terminal whether {@code err} is a terminal (redraw in place) or not (a line per change)
   */
  public static WaitProgress to(PrintStream err, boolean terminal) {
    return new WaitProgress(err, terminal, true);
  }

  /** A progress that prints nothing. */
  public static WaitProgress none() {
    return new WaitProgress(null, false, false);
  }

  /** Shows the counts of the latest poll. */
  public void update(Cid cid, TrackerStatus target, long reached, long needed, Duration elapsed) {
    if (!enabled) {
      return;
    }
    String counts = reached + "/" + needed;
    String line = format(cid, target, reached, needed, elapsed);
    if (terminal) {
      String padded =
          line.length() < drawnWidth ? line + " ".repeat(drawnWidth - line.length()) : line;
      err.print("\r" + padded);
      drawnWidth = line.length();
    } else if (!counts.equals(lastCounts)) {
      err.println(line);
    }
    lastCounts = counts;
    err.flush();
  }

  /** Erases the line on a terminal (before the result or an error is printed). Idempotent. */
  public void clear() {
    if (enabled && terminal && drawnWidth > 0) {
      err.print("\r" + " ".repeat(drawnWidth) + "\r");
      err.flush();
      drawnWidth = 0;
    }
  }

  /** The progress line, without line end. */
  static String format(Cid cid, TrackerStatus target, long reached, long needed, Duration elapsed) {
    Duration seconds = Duration.ofSeconds(elapsed.toSeconds());
    return "waiting for "
        + cid
        + ": "
        + reached
        + "/"
        + needed
        + " peers "
        + target.wire()
        + " ("
        + GoDuration.format(seconds)
        + ")";
  }
}

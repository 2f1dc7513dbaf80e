package io.pincluster.ctl.internal;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on a terminal: items answered, failures, rate and, when the input's size
 * is known, how far through it the upload is and an estimate of the total number of lines. Redrawn
 * in place ({@code \r}) at most every {@link #MIN_REDRAW_NANOS}; a disabled one prints nothing. Not
 * thread-safe: one caller.
 */
public final class Progress {
  /** At most five redraws a second. */
  public static final long MIN_REDRAW_NANOS = 200_000_000L;

  private static final int BAR_WIDTH = 20;

  private final PrintStream err;
  private final LongSupplier nanoTime;
  private final long totalBytes;
  private final boolean enabled;
  private final long start;
  private long lastDraw;
  private int drawnWidth;

  /**
   * @param totalBytes the input's size, or -1 when unknown (stdin, a pipe)
   * @param enabled false for a progress that prints nothing
   */
  public Progress(PrintStream err, LongSupplier nanoTime, long totalBytes, boolean enabled) {
    this.err = err;
    this.nanoTime = nanoTime;
    this.totalBytes = totalBytes;
    this.enabled = enabled;
    this.start = nanoTime.getAsLong();
    this.lastDraw = start - MIN_REDRAW_NANOS;
  }

  /**
   * Redraws, unless the last redraw was less than {@link #MIN_REDRAW_NANOS} ago.
   *
   * @param linesSent lines of the input sent so far
   * @param bytesSent bytes of the input sent so far
   */
  public void update(long answered, long failed, long linesSent, long bytesSent) {
    if (!enabled) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (now - lastDraw < MIN_REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    draw(format(answered, failed, linesSent, bytesSent, now));
  }

  /** Erases the bar (before printing something else to the same terminal). */
  public void clear() {
    if (enabled && drawnWidth > 0) {
      err.print("\r" + " ".repeat(drawnWidth) + "\r");
      err.flush();
      drawnWidth = 0;
      lastDraw = nanoTime.getAsLong() - MIN_REDRAW_NANOS; // redraw at the next update
    }
  }

  /** The line the bar shows (without the carriage return). */
  String format(long answered, long failed, long linesSent, long bytesSent, long now) {
    StringBuilder sb = new StringBuilder();
    if (totalBytes > 0) {
      double done = Math.min(1.0, (double) bytesSent / totalBytes);
      int filled = (int) Math.round(done * BAR_WIDTH);
      sb.append('[')
          .append("#".repeat(filled))
          .append(".".repeat(BAR_WIDTH - filled))
          .append(String.format(Locale.ROOT, "] %3d%% ", Math.round(done * 100)));
    }
    sb.append(String.format(Locale.ROOT, "%,d", answered));
    if (totalBytes > 0 && bytesSent > 0 && linesSent > 0) {
      long estimate = Math.max(linesSent, Math.round((double) linesSent * totalBytes / bytesSent));
      sb.append(String.format(Locale.ROOT, " of ~%,d", estimate));
    }
    sb.append(" answered, ").append(String.format(Locale.ROOT, "%,d", failed)).append(" failed");
    double seconds = (now - start) / 1e9;
    if (seconds > 0) {
      sb.append(String.format(Locale.ROOT, ", %,d/s", Math.round(answered / seconds)));
    }
    return sb.toString();
  }

  private void draw(String line) {
    String padded =
        line.length() < drawnWidth ? line + " ".repeat(drawnWidth - line.length()) : line;
    err.print("\r" + padded);
    err.flush();
    drawnWidth = line.length();
  }
}

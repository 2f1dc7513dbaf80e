package io.pincluster.ipfs.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Limits requests to one per {@code interval} once {@code threshold} requests in a row have failed
 * to reach the node, until one reaches it again (as ipfs-cluster does since v1.0.3). Thread-safe:
 * callers reserve consecutive time slots under this object's lock and wait outside it.
 */
public final class FailureBackoff {
  /** Waits; {@link TimeUnit#sleep} in production, a fake in tests. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  public static final int DEFAULT_THRESHOLD = 10;
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  private final int threshold;
  private final long intervalNanos;
  private final LongSupplier ticker;
  private final Sleeper sleeper;
  private int consecutiveFailures;
  private long nextSlot;
  private boolean slotTaken;

  public FailureBackoff(int threshold, Duration interval, LongSupplier ticker, Sleeper sleeper) {
    if (threshold < 1) {
      throw new IllegalArgumentException("back-off threshold must be >= 1: " + threshold);
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("back-off interval must be > 0: " + interval);
    }
    this.threshold = threshold;
    this.intervalNanos = interval.toNanos();
    this.ticker = ticker;
    this.sleeper = sleeper;
  }

  public static FailureBackoff defaults(LongSupplier ticker) {
    return new FailureBackoff(
        DEFAULT_THRESHOLD, DEFAULT_INTERVAL, ticker, TimeUnit.NANOSECONDS::sleep);
  }

  /**
   * Returns at once while the node is healthy; in back-off, waits for this caller's slot.
   *
   * @throws InterruptedException when interrupted while waiting
   */
  public void awaitTurn() throws InterruptedException {
    long wait;
    synchronized (this) {
      if (consecutiveFailures < threshold) {
        return;
      }
      long now = ticker.getAsLong();
      long slot = slotTaken && nextSlot - now > 0 ? nextSlot : now;
      nextSlot = slot + intervalNanos;
      slotTaken = true;
      wait = slot - now;
    }
    if (wait > 0) {
      sleeper.sleep(wait);
    }
  }

  /** A request reached the node (whatever it answered). */
  public synchronized void success() {
    consecutiveFailures = 0;
    slotTaken = false;
  }

  /** A request could not reach the node or broke off. */
  public synchronized void failure() {
    if (consecutiveFailures < Integer.MAX_VALUE) {
      consecutiveFailures++;
    }
  }

  public synchronized boolean backingOff() {
    return consecutiveFailures >= threshold;
  }

  public synchronized int consecutiveFailures() {
    return consecutiveFailures;
  }
}

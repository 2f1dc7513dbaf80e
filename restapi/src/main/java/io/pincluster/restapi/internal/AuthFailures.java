package io.pincluster.restapi.internal;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Counts failed authentications per client address and tells when an address must wait, so that
 * password and token guessing is bounded.
 *
 * <p>Policy: an address's first failure opens a window of {@link #WINDOW}; failures within it are
 * counted. Once {@link #MAX_FAILURES} are counted the address is blocked until the window ends:
 * every request from it that needs authentication is refused without looking at its credentials, so
 * at most {@code MAX_FAILURES} guesses per window per address are ever checked. Successes reset
 * nothing: not the address's own counter (a valid user behind the same NAT must not reopen the door
 * for a guesser next to them), and certainly not other addresses'. An address with no failures is
 * never blocked, so correct credentials from elsewhere are unaffected.
 *
 * <p>Memory is bounded: at most {@code capacity} addresses are remembered. When a new address fails
 * and the table is full, entries whose window has ended are dropped; if none has, the entry whose
 * window opened first is dropped (an attacker with more addresses than the capacity gets a fresh
 * count for some of them, which is no worse than what those many addresses give anyway).
 *
 * <p>Time comes from an injected monotonic ticker (nanoseconds, as {@link System#nanoTime}).
 * Thread-safe: the table is guarded by this object's monitor, held only for a map operation.
 */
public final class AuthFailures {
  /** Failed attempts an address may make within one {@link #WINDOW}. */
  public static final int MAX_FAILURES = 10;

  /** How long an address's failures count, and how long it stays blocked at most. */
  public static final Duration WINDOW = Duration.ofMinutes(1);

  /** How many client addresses are remembered at most. */
  public static final int CAPACITY = 4096;

  private static final class Entry {
    final long windowStart;
    int failures;

    Entry(long windowStart) {
      this.windowStart = windowStart;
    }
  }

  private final int maxFailures;
  private final long windowNanos;
  private final int capacity;
  private final LongSupplier ticker;
  private final LinkedHashMap<InetAddress, Entry> table = new LinkedHashMap<>();

  /** The default policy on {@link System#nanoTime}. */
  public AuthFailures() {
    this(MAX_FAILURES, WINDOW, CAPACITY, System::nanoTime);
  }

  /**
   * @param ticker a monotonic clock in nanoseconds
   * @throws IllegalArgumentException naming the bad value
   */
  public AuthFailures(int maxFailures, Duration window, int capacity, LongSupplier ticker) {
    if (maxFailures < 1) {
      throw new IllegalArgumentException("maxFailures (" + maxFailures + ") must be >= 1");
    }
    if (window == null || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window (" + window + ") must be > 0");
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity (" + capacity + ") must be >= 1");
    }
    this.maxFailures = maxFailures;
    this.windowNanos = window.toNanos();
    this.capacity = capacity;
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /**
   * When {@code client} is blocked, the whole seconds (at least 1) until it may try again; empty
   * when it may try now.
   */
  public synchronized OptionalLong blockedFor(InetAddress client) {
    Entry e = table.get(client);
    if (e == null) {
      return OptionalLong.empty();
    }
    long left = e.windowStart + windowNanos - ticker.getAsLong();
    if (left <= 0) {
      table.remove(client);
      return OptionalLong.empty();
    }
    if (e.failures < maxFailures) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.max(1, (left + 999_999_999L) / 1_000_000_000L));
  }

  /**
   * Counts a failed authentication of {@code client}.
   *
   * @return true when this failure blocks the address (the {@code MAX_FAILURES}th of its window)
   */
  public synchronized boolean failed(InetAddress client) {
    long now = ticker.getAsLong();
    Entry e = table.get(client);
    if (e == null || now - e.windowStart >= windowNanos) {
      table.remove(client);
      makeRoom(now);
      e = new Entry(now);
      table.put(client, e);
    }
    e.failures++;
    return e.failures == maxFailures;
  }

  /** How many addresses are remembered (for tests and metrics). */
  public synchronized int size() {
    return table.size();
  }

  /** Drops ended windows, then the oldest window, until one more entry fits. */
  private void makeRoom(long now) {
    if (table.size() < capacity) {
      return;
    }
    Iterator<Entry> it = table.values().iterator();
    while (it.hasNext()) {
      if (now - it.next().windowStart >= windowNanos) {
        it.remove();
      }
    }
    Iterator<Map.Entry<InetAddress, Entry>> oldest = table.entrySet().iterator();
    while (table.size() >= capacity && oldest.hasNext()) {
      oldest.next();
      oldest.remove();
    }
  }
}

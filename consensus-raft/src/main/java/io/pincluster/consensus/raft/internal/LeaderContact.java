package io.pincluster.consensus.raft.internal;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When this peer last received state from a leader: a snapshot chunk or a newly applied index. A
 * joining peer uses it to tell a slow transfer (keep waiting) from one that stopped (give up).
 *
 * <p>Thread-safe.
 */
public final class LeaderContact {
  private final LongSupplier nanoTime;
  private volatile long lastNanos;
  private volatile boolean ever;

  public LeaderContact(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Something arrived from the leader now. */
  public void received() {
    lastNanos = nanoTime.getAsLong();
    ever = true;
  }

  /** Whether something arrived from the leader less than {@code window} ago. */
  public boolean within(Duration window) {
    return ever && nanoTime.getAsLong() - lastNanos < window.toNanos();
  }
}

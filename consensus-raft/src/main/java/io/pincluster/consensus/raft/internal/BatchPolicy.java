package io.pincluster.consensus.raft.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * When to cut the queued writes of a peer into a Raft entry (group commit). Pure bookkeeping with
 * the time passed in; not thread-safe (the {@link Batcher} thread owns it).
 *
 * <p>The rule:
 *
 * <ul>
 *   <li>Nothing in flight: send what is queued at once (a lone write is never held back).
 *   <li>Entries in flight: queued writes wait, and go out as one entry when an in-flight entry
 *       completes (a slot frees), or once the oldest has waited {@code linger} (commit_timeout), or
 *       as soon as a full entry's worth is queued, whichever comes first, provided fewer than
 *       {@code maxInFlight} entries are in flight.
 *   <li>An entry holds at most {@code maxOps} writes and {@code maxBytes} of encoded writes (a
 *       single larger write goes alone).
 * </ul>
 *
 * @param <T> a queued write; its encoded size comes from {@link #add}
 */
public final class BatchPolicy<T> {
  private final int maxOps;
  private final long maxBytes;
  private final int maxInFlight;
  private final long lingerNanos;
  private final ArrayDeque<Item<T>> queued = new ArrayDeque<>();
  private long queuedBytes;
  private int inFlight;
  private int freedSlots;

  private record Item<T>(T value, long bytes, long arrivedNanos) {}

  public BatchPolicy(int maxOps, long maxBytes, int maxInFlight, long lingerNanos) {
    if (maxOps < 1 || maxBytes < 1 || maxInFlight < 1 || lingerNanos < 0) {
      throw new IllegalArgumentException(
          "bad batch limits: ops="
              + maxOps
              + " bytes="
              + maxBytes
              + " inFlight="
              + maxInFlight
              + " lingerNanos="
              + lingerNanos);
    }
    this.maxOps = maxOps;
    this.maxBytes = maxBytes;
    this.maxInFlight = maxInFlight;
    this.lingerNanos = lingerNanos;
  }

  /** Queues {@code value} (of {@code bytes} encoded) that arrived at {@code nowNanos}. */
  public void add(T value, long bytes, long nowNanos) {
    queued.addLast(new Item<>(value, bytes, nowNanos));
    queuedBytes += bytes;
  }

  /** An entry sent by {@link #poll} completed (successfully or not): its slot is free. */
  public void completed() {
    if (inFlight <= 0) {
      throw new IllegalStateException("no entry in flight");
    }
    inFlight--;
    freedSlots++;
  }

  /** The next entry to send at {@code nowNanos} (counted in flight from now on), or null. */
  public List<T> poll(long nowNanos) {
    if (queued.isEmpty()) {
      freedSlots = 0; // a freed slot is a reason to send what waits, not a credit for later
      return null;
    }
    if (inFlight >= maxInFlight) {
      return null;
    }
    boolean send =
        inFlight == 0
            || freedSlots > 0
            || queued.size() >= maxOps
            || queuedBytes >= maxBytes
            || nowNanos - queued.peekFirst().arrivedNanos() >= lingerNanos;
    if (!send) {
      return null;
    }
    if (freedSlots > 0) {
      freedSlots--;
    }
    inFlight++;
    return cut();
  }

  private List<T> cut() {
    List<T> batch = new ArrayList<>(Math.min(queued.size(), maxOps));
    long bytes = 0;
    while (!queued.isEmpty() && batch.size() < maxOps) {
      Item<T> next = queued.peekFirst();
      if (!batch.isEmpty() && bytes + next.bytes() > maxBytes) {
        break;
      }
      queued.removeFirst();
      queuedBytes -= next.bytes();
      bytes += next.bytes();
      batch.add(next.value());
    }
    return batch;
  }

  /**
   * When {@link #poll} may next return something without any other event: the oldest write's linger
   * deadline, or {@link Long#MAX_VALUE} when nothing waits or every slot is taken.
   */
  public long nextDeadline() {
    if (queued.isEmpty() || inFlight >= maxInFlight) {
      return Long.MAX_VALUE;
    }
    return queued.peekFirst().arrivedNanos() + lingerNanos;
  }

  public int inFlight() {
    return inFlight;
  }

  public int queued() {
    return queued.size();
  }

  /** Removes and returns every queued write (at close). */
  public List<T> drain() {
    List<T> out = new ArrayList<>(queued.size());
    queued.forEach(i -> out.add(i.value()));
    queued.clear();
    queuedBytes = 0;
    return out;
  }
}

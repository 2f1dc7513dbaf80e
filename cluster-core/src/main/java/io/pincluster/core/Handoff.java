package io.pincluster.core;

import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A bounded queue from one producer thread to one consumer thread, for streams of many small items
 * (a listing of millions of pins split between two threads). Waking a parked thread costs a system
 * call, more than producing an item, so neither side signals the other while both are busy: a
 * consumer that finds nothing naps {@link #NAP_NANOS} and then takes what came meanwhile in one go;
 * a producer that finds the queue full naps the same way (5 ms naps once it has been full for
 * {@link #IDLE_NANOS}: the consumer is slow). Only a consumer that has found nothing for {@link
 * #IDLE_NANOS} (a slow stream: progress lines) sleeps until the producer wakes it, so an idle
 * stream costs no CPU. An item waits at most about a nap before the consumer sees it.
 *
 * <p>Exactly one producer thread and one consumer thread at a time; {@link #clear} from either.
 * Items are never null.
 */
public final class Handoff<T> {
  /** How long a side waits before looking again while the other side is busy. */
  public static final long NAP_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

  /** After this long with nothing to take, the consumer sleeps until woken. */
  public static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private static final long SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long SLOW_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final int capacity;
  private final ConcurrentLinkedQueue<T> items = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private volatile Thread sleepingConsumer;

  public Handoff(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
    }
    this.capacity = capacity;
  }

  /** The most items it holds. */
  public int capacity() {
    return capacity;
  }

  /**
   * On the producer: adds {@code item}, napping while the queue is full.
   *
   * @param stopped checked between naps: when it turns true the item is not added
   * @return false when {@code stopped} turned true first
   * @throws InterruptedException when the producer is interrupted
   */
  public boolean put(T item, Stopped stopped) throws InterruptedException {
    Objects.requireNonNull(item, "item");
    long fullSince = 0;
    while (size.get() >= capacity) {
      if (stopped.now()) {
        return false;
      }
      long now = System.nanoTime();
      if (fullSince == 0) {
        fullSince = now;
      }
      // a queue full for long has a slow consumer (a slow client): look less often
      pause(now - fullSince < IDLE_NANOS ? NAP_NANOS : SLOW_NAP_NANOS);
    }
    items.add(item);
    size.incrementAndGet();
    Thread sleeper = sleepingConsumer;
    if (sleeper != null) {
      LockSupport.unpark(sleeper);
    }
    return true;
  }

  /**
   * On the consumer: moves up to {@code max} items into {@code out}, waiting until there is at
   * least one or {@code stopped} turns true.
   *
   * @return how many were moved (0 only when stopped)
   * @throws InterruptedException when the consumer is interrupted
   */
  public int take(Collection<? super T> out, int max, Stopped stopped) throws InterruptedException {
    long idleSince = 0;
    while (true) {
      int moved = drain(out, max);
      if (moved > 0) {
        return moved;
      }
      if (stopped.now()) {
        return 0;
      }
      long now = System.nanoTime();
      if (idleSince == 0) {
        idleSince = now;
      }
      if (now - idleSince < IDLE_NANOS) {
        pause(NAP_NANOS);
        continue;
      }
      sleepingConsumer = Thread.currentThread();
      try {
        if (items.isEmpty()) {
          LockSupport.parkNanos(this, SLEEP_NANOS);
        }
      } finally {
        sleepingConsumer = null;
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  private int drain(Collection<? super T> out, int max) {
    int moved = 0;
    T item;
    while (moved < max && (item = items.poll()) != null) {
      out.add(item);
      moved++;
    }
    if (moved > 0) {
      size.addAndGet(-moved);
    }
    return moved;
  }

  /** Drops every queued item (a side that gives up), so a waiting producer can see it stopped. */
  public void clear() {
    int dropped = 0;
    while (items.poll() != null) {
      dropped++;
    }
    size.addAndGet(-dropped);
  }

  private static void pause(long nanos) throws InterruptedException {
    LockSupport.parkNanos(nanos);
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
  }

  /** Whether a side should stop waiting. */
  @FunctionalInterface
  public interface Stopped {
    boolean now();
  }
}

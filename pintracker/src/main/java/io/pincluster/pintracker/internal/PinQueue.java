package io.pincluster.pintracker.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A bounded queue with two levels: takers always drain the priority level first. {@link #offer}
 * refuses items beyond the capacity (shared by both levels) instead of blocking, so a producer on a
 * thread that must not block can fall back to something else; {@link #awaitSpace} lets a patient
 * producer wait for room. {@link #force} jumps the queue ignoring the capacity, for the few items a
 * user is waiting on. Thread-safe.
 */
public final class PinQueue<T> {
  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final ArrayDeque<T> priority = new ArrayDeque<>();
  private final ArrayDeque<T> normal = new ArrayDeque<>();

  public PinQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("queue capacity must be >= 1: " + capacity);
    }
    this.capacity = capacity;
  }

  /** Adds {@code item} at the tail of its level; false (and nothing added) when full. */
  public boolean offer(T item, boolean isPriority) {
    return offer(item, isPriority, 0);
  }

  /**
   * As {@link #offer(Object, boolean)}, but also false when fewer than {@code reserve} + 1 slots
   * are free: a bulk producer leaves that much room to producers of urgent items.
   */
  public boolean offer(T item, boolean isPriority, int reserve) {
    lock.lock();
    try {
      if (size() >= capacity - reserve) {
        return false;
      }
      (isPriority ? priority : normal).addLast(item);
      notEmpty.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Adds {@code item} at the head of the priority level, even when full. */
  public void force(T item) {
    lock.lock();
    try {
      priority.addFirst(item);
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /** The next item, priority level first; waits while empty. */
  public T take() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (priority.isEmpty() && normal.isEmpty()) {
        notEmpty.await();
      }
      T item = poll();
      notFull.signalAll();
      return item;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next item as {@link #take}, and when {@code batchable} accepts it, the items right behind
   * it (in take order) while {@code batchable} accepts them, {@code max} in all at most.
   */
  public List<T> takeBatch(int max, Predicate<T> batchable) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (priority.isEmpty() && normal.isEmpty()) {
        notEmpty.await();
      }
      List<T> items = new ArrayList<>();
      T first = poll();
      items.add(first);
      if (batchable.test(first)) {
        T next;
        while (items.size() < max && (next = peek()) != null && batchable.test(next)) {
          items.add(poll());
        }
      }
      notFull.signalAll();
      return items;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Puts {@code item}, just taken, back at the head of its level, even when full: producers may
   * have refilled its slot meanwhile, so the queue may exceed its capacity by what its takers put
   * back (at most what they took in one batch each).
   */
  public void putBack(T item, boolean isPriority) {
    lock.lock();
    try {
      (isPriority ? priority : normal).addFirst(item);
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Lock held. */
  private T poll() {
    return priority.isEmpty() ? normal.pollFirst() : priority.pollFirst();
  }

  /** Lock held. */
  private T peek() {
    return priority.isEmpty() ? normal.peekFirst() : priority.peekFirst();
  }

  /**
   * Waits at most {@code max} for the queue to have more than {@code reserve} free slots; returns
   * whether it has.
   */
  public boolean awaitSpace(Duration max, int reserve) throws InterruptedException {
    long nanos = max.toNanos();
    lock.lockInterruptibly();
    try {
      while (size() >= capacity - reserve) {
        if (nanos <= 0) {
          return false;
        }
        nanos = notFull.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** How many items wait (both levels). */
  public int size() {
    lock.lock();
    try {
      return priority.size() + normal.size();
    } finally {
      lock.unlock();
    }
  }

  public int capacity() {
    return capacity;
  }

  @Override
  public String toString() {
    lock.lock();
    try {
      return "PinQueue[priority=" + priority.size() + ", normal=" + normal.size() + "]";
    } finally {
      lock.unlock();
    }
  }
}

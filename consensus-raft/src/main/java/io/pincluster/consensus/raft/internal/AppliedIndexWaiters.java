package io.pincluster.consensus.raft.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Futures that complete once the local state machine has applied a given log index, so a write's
 * caller can read its own write on this peer.
 *
 * <p>Thread-safety: {@link #advance} is called by the Raft apply thread and never blocks (it only
 * records the index and unparks the waiter thread). {@link #await} may be called from any thread.
 * Futures are completed on one dedicated thread (named by the constructor), never on the apply
 * thread, so callers' continuations cannot stall applying. The number of waiters is bounded by the
 * number of writes in flight (the Raft client caps outstanding requests).
 */
public final class AppliedIndexWaiters implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AppliedIndexWaiters.class);
  private static final long IDLE_PARK_NANOS = Duration.ofMillis(100).toNanos();

  private record Waiter(long index, long deadlineNanos, CompletableFuture<Void> future) {}

  private final AtomicLong applied = new AtomicLong(-1);
  private final TreeMap<Long, List<Waiter>> waiting = new TreeMap<>(); // guarded by itself
  private final LongSupplier nanoTime;
  private final Thread thread;
  private volatile boolean closed;

  /**
   * @param threadName the completer thread's name
   * @param nanoTime a monotonic clock, for the wait deadlines
   */
  public AppliedIndexWaiters(String threadName, LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** The highest index reported applied, -1 before any. */
  public long applied() {
    return applied.get();
  }

  /**
   * Records that every index up to {@code index} is applied. Non-blocking.
   *
   * @return whether this moved the applied index forward
   */
  public boolean advance(long index) {
    if (index > applied.getAndAccumulate(index, Math::max)) {
      LockSupport.unpark(thread);
      return true;
    }
    return false;
  }

  /**
   * A future completed once {@code index} is applied, or failed with {@link TimeoutException} after
   * {@code timeout}, or with {@link IllegalStateException} if this is closed first.
   */
  public CompletableFuture<Void> await(long index, Duration timeout) {
    if (index <= applied.get()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (waiting) {
      if (closed) {
        f.completeExceptionally(new IllegalStateException("closed"));
        return f;
      }
      long deadline = nanoTime.getAsLong() + timeout.toNanos();
      waiting.computeIfAbsent(index, k -> new ArrayList<>(1)).add(new Waiter(index, deadline, f));
    }
    LockSupport.unpark(thread);
    return f;
  }

  private void run() {
    while (!closed) {
      List<Waiter> done = new ArrayList<>();
      List<Waiter> expired = new ArrayList<>();
      long nextDeadline = collect(done, expired);
      done.forEach(w -> w.future().complete(null));
      expired.forEach(
          w ->
              w.future()
                  .completeExceptionally(
                      new TimeoutException(
                          "index " + w.index() + " not applied; applied=" + applied.get())));
      long park = Math.min(IDLE_PARK_NANOS, Math.max(1, nextDeadline - nanoTime.getAsLong()));
      if (done.isEmpty() && expired.isEmpty()) {
        LockSupport.parkNanos(this, park);
      }
    }
  }

  /** Moves completed and expired waiters out; returns the earliest remaining deadline. */
  private long collect(List<Waiter> done, List<Waiter> expired) {
    long now = nanoTime.getAsLong();
    long next = now + IDLE_PARK_NANOS;
    long upTo = applied.get();
    synchronized (waiting) {
      Map<Long, List<Waiter>> ready = waiting.headMap(upTo, true);
      ready.values().forEach(done::addAll);
      ready.clear();
      for (Iterator<List<Waiter>> lists = waiting.values().iterator(); lists.hasNext(); ) {
        List<Waiter> list = lists.next();
        for (Iterator<Waiter> it = list.iterator(); it.hasNext(); ) {
          Waiter w = it.next();
          if (w.deadlineNanos() - now <= 0) {
            expired.add(w);
            it.remove();
          } else {
            next = Math.min(next, w.deadlineNanos());
          }
        }
        if (list.isEmpty()) {
          lists.remove();
        }
      }
    }
    return next;
  }

  /** Fails every pending waiter and stops the thread (bounded wait). Idempotent. */
  @Override
  public void close() {
    List<Waiter> pending = new ArrayList<>();
    synchronized (waiting) {
      if (closed) {
        return;
      }
      closed = true;
      waiting.values().forEach(pending::addAll);
      waiting.clear();
    }
    LockSupport.unpark(thread);
    pending.forEach(w -> w.future().completeExceptionally(new IllegalStateException("closed")));
    try {
      thread.join(Duration.ofSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("{} did not stop within 5s", thread.getName());
    }
  }
}

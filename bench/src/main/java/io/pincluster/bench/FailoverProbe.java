package io.pincluster.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Writers ({@code <prefix>N} threads) calling a blocking write in a loop, to time a failover: the
 * time from {@link #markKill()} to the completion of the first successful write that was sent after
 * it. {@link #close()} stops and joins the writers (each finishes its current write).
 */
final class FailoverProbe implements AutoCloseable {
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong successes = new AtomicLong();
  private final AtomicLong killAt = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong firstAfterKill = new AtomicLong(Long.MAX_VALUE);
  private volatile boolean stop;

  FailoverProbe(int writers, BooleanSupplier write, String prefix) {
    for (int i = 0; i < writers; i++) {
      Thread t =
          new Thread(
              () -> {
                while (!stop) {
                  long t0 = System.nanoTime();
                  boolean ok;
                  try {
                    ok = write.getAsBoolean();
                  } catch (RuntimeException e) {
                    ok = false; // the client library failing mid-failover counts as a failed write
                  }
                  long t1 = System.nanoTime();
                  if (ok) {
                    successes.incrementAndGet();
                    if (t0 >= killAt.get()) {
                      firstAfterKill.accumulateAndGet(t1, Math::min);
                    }
                  }
                }
              },
              prefix + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Waits until {@code n} writes succeeded (the load is running). */
  void awaitSuccesses(long n, long deadlineNanos) throws InterruptedException {
    while (successes.get() < n) {
      if (System.nanoTime() > deadlineNanos) {
        throw new IllegalStateException("only " + successes.get() + " writes before the kill");
      }
      Thread.sleep(10);
    }
  }

  /** Call just before killing the leader. */
  void markKill() {
    killAt.set(System.nanoTime());
  }

  /** Milliseconds from the kill to the first write sent after it that succeeded. */
  double awaitFirstAfterKill(long deadlineNanos) throws InterruptedException {
    while (firstAfterKill.get() == Long.MAX_VALUE) {
      if (System.nanoTime() > deadlineNanos) {
        throw new IllegalStateException("no write committed after the leader was killed");
      }
      Thread.sleep(5);
    }
    return (firstAfterKill.get() - killAt.get()) / 1e6;
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    for (Thread t : threads) {
      t.join(120_000);
    }
  }
}

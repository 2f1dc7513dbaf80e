package io.pincluster.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs tasks {@code 0..count-1} on {@code threads} platform threads ({@code <prefix>N}), each
 * taking the next index as it frees up, like {@code threads} concurrent clients. The first failure
 * stops the others from taking more and is rethrown; blocks until every thread ended.
 */
final class Parallel {
  private Parallel() {}

  /**
   * @return the latency of each task in nanoseconds, by index
   * @throws IllegalStateException naming the first failed task and its error
   */
  static long[] run(int count, int threads, String prefix, IntConsumer task)
      throws InterruptedException {
    if (count < 0 || threads <= 0) {
      throw new IllegalArgumentException(
          "need count >= 0 and threads > 0: " + count + ", " + threads);
    }
    long[] latencies = new long[count];
    AtomicInteger next = new AtomicInteger();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < Math.min(threads, count); t++) {
      Thread thread =
          new Thread(
              () -> {
                int i;
                while (failure.get() == null && (i = next.getAndIncrement()) < count) {
                  long t0 = System.nanoTime();
                  try {
                    task.accept(i);
                  } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                    return;
                  }
                  latencies[i] = System.nanoTime() - t0;
                }
              },
              prefix + t);
      started.add(thread);
      thread.start();
    }
    for (Thread thread : started) {
      thread.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException(failure.get().getMessage(), failure.get());
    }
    return latencies;
  }
}

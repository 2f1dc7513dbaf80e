package io.pincluster.service;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads and bounded pools. */
final class Threads {
  private Threads() {}

  /** Threads named {@code <prefix>-<n>}. */
  static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.getAndIncrement());
      t.setDaemon(true);
      return t;
    };
  }

  /** Up to {@code threads} workers and {@code queue} waiting tasks; beyond that, rejection. */
  static ExecutorService bounded(String prefix, int threads, int queue) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queue),
            named(prefix),
            new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Up to {@code threads} threads, started on demand; a task that finds none free is rejected. */
  static ExecutorService onDemand(String prefix, int threads) {
    return new ThreadPoolExecutor(
        0,
        threads,
        30,
        TimeUnit.SECONDS,
        new SynchronousQueue<>(),
        named(prefix),
        new ThreadPoolExecutor.AbortPolicy());
  }
}

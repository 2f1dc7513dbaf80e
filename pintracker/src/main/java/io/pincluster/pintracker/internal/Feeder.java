package io.pincluster.pintracker.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One named thread that runs passes on request. A pass requested while it is pending runs once; a
 * pass requested while it runs runs again afterwards, so no request is lost and none piles up (at
 * most one pending run per pass name). Passes may block (waiting for queue room) and must return
 * when the thread is interrupted. A pass that throws is logged and does not stop the thread.
 * Thread-safe.
 */
public final class Feeder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Feeder.class);

  private final Thread thread;
  private final Map<String, Runnable> pending = new LinkedHashMap<>(); // guarded by this
  private boolean running; // guarded by this
  private volatile boolean closed;

  public Feeder(String threadName) {
    this.thread = new Thread(this::loop, threadName);
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Asks for {@code pass} to run (again) soon; never blocks. Ignored once closed. */
  public synchronized void request(String name, Runnable pass) {
    if (closed) {
      return;
    }
    pending.put(name, pass);
    notifyAll();
  }

  /** True when no pass is pending or running. */
  public synchronized boolean idle() {
    return pending.isEmpty() && !running;
  }

  private void loop() {
    while (!closed) {
      List<Map.Entry<String, Runnable>> batch;
      synchronized (this) {
        running = false;
        while (pending.isEmpty() && !closed) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        batch = new ArrayList<>(pending.entrySet());
        pending.clear();
        running = true;
      }
      for (Map.Entry<String, Runnable> pass : batch) {
        if (closed) {
          return;
        }
        try {
          pass.getValue().run();
        } catch (RuntimeException e) {
          log.warn("{}: pass {} failed: {}", thread.getName(), pass.getKey(), e.toString());
        }
      }
    }
  }

  /** Stops the thread (interrupting a running pass) and waits up to {@code max} for it. */
  public void close(Duration max) {
    synchronized (this) {
      closed = true;
      pending.clear();
      notifyAll();
    }
    thread.interrupt();
    if (thread.isAlive() && thread != Thread.currentThread()) {
      try {
        thread.join(Math.max(1, max.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (thread.isAlive()) {
      log.warn("{} did not stop within {}", thread.getName(), max);
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  /** The thread, for joins and tests. */
  public Thread thread() {
    return thread;
  }
}

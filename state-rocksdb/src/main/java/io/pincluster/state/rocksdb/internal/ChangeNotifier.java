package io.pincluster.state.rocksdb.internal;

import io.pincluster.core.PinStateView.PinStateListener;
import io.pincluster.core.api.Pin;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands pin changes to listeners on one dedicated thread, in the order they were published.
 *
 * <p>Thread-safe. {@link #publish} is called by the single writer after a batch is durable in the
 * DB. The queue is bounded: when it is full, {@code publish} <em>waits</em> for the listeners to
 * catch up (back-pressure onto the apply thread, so a stuck listener eventually stalls applying
 * rather than growing memory without bound). It stops waiting, and drops the change, once {@link
 * #close} has been called. Listener exceptions are caught and logged.
 */
public final class ChangeNotifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeNotifier.class);
  private static final long OFFER_POLL_MILLIS = 100;

  /** One applied change: {@code removed} or put (with {@code previous}, possibly null). */
  public record Change(Pin pin, Pin previous, boolean removed) {}

  private final List<PinStateListener> listeners = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Change> queue;
  private final Thread thread;
  private final Duration closeTimeout;
  private volatile boolean closed;

  /**
   * Starts the notifier thread, named {@code threadName}.
   *
   * @param capacity the most changes waiting for listeners
   * @param closeTimeout how long {@link #close} waits for the thread to stop
   */
  public ChangeNotifier(String threadName, int capacity, Duration closeTimeout) {
    if (capacity < 1) {
      throw new IllegalArgumentException("notifier capacity (" + capacity + ") must be >= 1");
    }
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.closeTimeout = closeTimeout;
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  public void addListener(PinStateListener listener) {
    listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
  }

  /** True when someone listens; writers may skip building changes otherwise. */
  public boolean hasListeners() {
    return !listeners.isEmpty();
  }

  /**
   * Queues {@code changes} in order; blocks while the queue is full (see class notes).
   *
   * @return false if the notifier was closed (or the caller interrupted) and changes were dropped
   */
  public boolean publish(List<Change> changes) {
    for (Change c : changes) {
      try {
        while (!queue.offer(c, OFFER_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          if (closed) {
            return false;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        LOG.warn("interrupted while queueing pin changes for listeners; dropping them");
        return false;
      }
    }
    return true;
  }

  private void run() {
    while (!closed) {
      Change c;
      try {
        c = queue.poll(OFFER_POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        break;
      }
      if (c != null) {
        dispatch(c);
      }
    }
  }

  private void dispatch(Change c) {
    for (PinStateListener l : listeners) {
      try {
        if (c.removed()) {
          l.unpinned(c.pin());
        } else {
          l.pinned(c.pin(), c.previous());
        }
      } catch (RuntimeException | Error e) {
        if (e instanceof VirtualMachineError) {
          throw e;
        }
        LOG.warn("pin state listener {} failed on {}", l, c.pin().cid(), e);
      }
    }
  }

  /** Stops the thread (bounded by the close timeout); pending changes are dropped. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    thread.interrupt();
    try {
      thread.join(closeTimeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("{} did not stop within {}", thread.getName(), closeTimeout);
    }
    int dropped = queue.size();
    queue.clear();
    if (dropped > 0) {
      LOG.info("{} dropped {} undelivered pin changes at close", thread.getName(), dropped);
    }
  }
}

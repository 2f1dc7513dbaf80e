package io.pincluster.service.cluster;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.Handoff;
import java.util.ArrayDeque;
import java.util.NoSuchElementException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Reads a stream ahead on a thread of its own, so decoding another peer's status lines runs beside
 * the thread that merges them. Holds at most {@link #CAPACITY} items queued and {@link #DRAIN}
 * taken. Failures of the source are thrown by {@link #hasNext} where they happened, after the items
 * read before them.
 *
 * <p>The reader owns the source from {@link #of} on: it closes it when the source ends or fails,
 * or, after {@link #close}, once its read in progress returns (the source's own read timeout bounds
 * that). One consumer thread, as for every {@link CloseableIterator}.
 */
final class PrefetchedStream<T> implements CloseableIterator<T> {
  static final int CAPACITY = 1024;
  static final int DRAIN = 256;

  /** Marks the end of the source, or carries its failure. */
  private record End(RuntimeException failure) {}

  private final CloseableIterator<T> source;
  private final Handoff<Object> queue = new Handoff<>(CAPACITY);
  private final ArrayDeque<Object> taken = new ArrayDeque<>(DRAIN);
  private volatile boolean closed;
  private End end;

  /** How the reader ended; set after its last item was queued (its End may not fit the queue). */
  private volatile End ending;

  private PrefetchedStream(CloseableIterator<T> source) {
    this.source = source;
  }

  /**
   * {@code source} read ahead on a thread of {@code readers}; {@code source} itself when no reader
   * thread is free.
   */
  static <T> CloseableIterator<T> of(CloseableIterator<T> source, Executor readers) {
    PrefetchedStream<T> ahead = new PrefetchedStream<>(source);
    try {
      readers.execute(ahead::read);
      return ahead;
    } catch (RejectedExecutionException busy) {
      return source;
    }
  }

  /** On the reader thread. */
  private void read() {
    End last = new End(null);
    try {
      while (!closed && source.hasNext()) {
        if (!put(source.next())) {
          last = new End(new IllegalStateException("the stream's reader was stopped"));
          break;
        }
      }
    } catch (RuntimeException e) {
      last = new End(e);
    } catch (Error e) {
      last = new End(new IllegalStateException("reading the stream failed: " + e, e));
      throw e;
    } finally {
      try {
        source.close();
      } catch (RuntimeException e) {
        // closing is best effort; the items and the end are what the consumer needs
      }
      ending = last; // after every item is queued: the consumer drains them before this
      put(last);
    }
  }

  private boolean put(Object item) {
    try {
      return !closed && queue.put(item, () -> closed);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      throw new IllegalStateException("the stream is closed");
    }
    if (end != null) {
      return throwIfFailed();
    }
    if (taken.isEmpty()) {
      try {
        if (queue.take(taken, DRAIN, () -> closed || ending != null) == 0) {
          if (closed) {
            throw new IllegalStateException("the stream is closed");
          }
          // the reader ended: every item it queued is there now (it set ending after them)
          if (queue.take(taken, DRAIN, () -> true) == 0) {
            taken.add(ending);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the stream", e);
      }
    }
    if (taken.peekFirst() instanceof End e) {
      end = e;
      taken.clear();
      return throwIfFailed();
    }
    return true;
  }

  private boolean throwIfFailed() {
    if (end.failure() != null) {
      throw end.failure();
    }
    return false;
  }

  @Override
  @SuppressWarnings("unchecked")
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return (T) taken.pollFirst();
  }

  /** Stops the reader (which closes the source) and drops what was read ahead; idempotent. */
  @Override
  public void close() {
    closed = true;
    queue.clear();
    taken.clear();
  }
}

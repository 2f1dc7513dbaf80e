package io.pincluster.ipfs.internal;

import io.pincluster.core.CloseableIterator;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * The items of several closeable iterators, one after the other; each part is opened only when the
 * one before it is exhausted (the first at construction, so that a failure to start shows at once).
 * Not thread-safe (one consumer).
 */
public final class ConcatIterator<T> implements CloseableIterator<T> {
  private final Deque<Supplier<CloseableIterator<T>>> pending;
  private CloseableIterator<T> current;
  private boolean closed;

  public ConcatIterator(List<Supplier<CloseableIterator<T>>> parts) {
    this.pending = new ArrayDeque<>(parts);
    advance();
  }

  @Override
  public boolean hasNext() {
    while (!closed && current != null) {
      if (current.hasNext()) {
        return true;
      }
      current.close();
      advance();
    }
    return false;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return current.next();
  }

  /** Idempotent; closes the part being read and never opens the rest. */
  @Override
  public void close() {
    closed = true;
    pending.clear();
    if (current != null) {
      current.close();
      current = null;
    }
  }

  private void advance() {
    current = null;
    Supplier<CloseableIterator<T>> next = pending.pollFirst();
    if (next != null) {
      current = next.get();
    }
  }
}

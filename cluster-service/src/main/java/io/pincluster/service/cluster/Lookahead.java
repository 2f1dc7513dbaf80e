package io.pincluster.service.cluster;

import io.pincluster.core.CloseableIterator;
import java.util.NoSuchElementException;

/** A closeable iterator written as "compute the next item or null", with one item of lookahead. */
abstract class Lookahead<T> implements CloseableIterator<T> {
  private T next;

  /** The next item, or null at the end. */
  protected abstract T computeNext();

  @Override
  public boolean hasNext() {
    if (next == null) {
      next = computeNext();
    }
    return next != null;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    T item = next;
    next = null;
    return item;
  }
}

package io.pincluster.core;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * An iterator over a resource (a RocksDB snapshot, an HTTP stream) that must be closed. Not
 * thread-safe: one consumer. {@link #close()} is idempotent and never throws.
 */
public interface CloseableIterator<T> extends Iterator<T>, AutoCloseable {
  @Override
  void close();

  static <T> CloseableIterator<T> of(List<T> items) {
    Iterator<T> it = items.iterator();
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public T next() {
        return it.next();
      }

      @Override
      public void close() {}
    };
  }

  /** A view that applies {@code f} to each item; closing it closes this iterator. */
  default <R> CloseableIterator<R> map(Function<? super T, ? extends R> f) {
    CloseableIterator<T> self = this;
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return self.hasNext();
      }

      @Override
      public R next() {
        if (!self.hasNext()) {
          throw new NoSuchElementException();
        }
        return f.apply(self.next());
      }

      @Override
      public void close() {
        self.close();
      }
    };
  }

  /** A view of the items that match {@code keep}; closing it closes this iterator. */
  default CloseableIterator<T> filter(java.util.function.Predicate<? super T> keep) {
    CloseableIterator<T> self = this;
    return new CloseableIterator<>() {
      private T next;

      @Override
      public boolean hasNext() {
        while (next == null && self.hasNext()) {
          T candidate = self.next();
          if (keep.test(candidate)) {
            next = candidate;
          }
        }
        return next != null;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        T out = next;
        next = null;
        return out;
      }

      @Override
      public void close() {
        self.close();
      }
    };
  }
}

package io.pincluster.restapi.internal;

import io.pincluster.core.CloseableIterator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.Predicate;

/** Small lazy adapters over {@link CloseableIterator}. */
final class Iterators {
  private Iterators() {}

  /** The items of {@code source} that match; closing it closes {@code source}. */
  static <T> CloseableIterator<T> filter(CloseableIterator<T> source, Predicate<T> keep) {
    return new CloseableIterator<>() {
      private T next;

      @Override
      public boolean hasNext() {
        while (next == null && source.hasNext()) {
          T candidate = source.next();
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
        source.close();
      }
    };
  }

  /** {@code f} applied to each input when it is reached (not before). */
  static <I, T> CloseableIterator<T> lazyMap(List<I> inputs, Function<I, T> f) {
    Iterator<I> it = inputs.iterator();
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public T next() {
        return f.apply(it.next());
      }

      @Override
      public void close() {}
    };
  }
}

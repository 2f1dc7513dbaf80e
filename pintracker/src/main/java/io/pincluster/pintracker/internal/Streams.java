package io.pincluster.pintracker.internal;

import io.pincluster.core.CloseableIterator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/** Small combinators for {@link CloseableIterator}s. */
public final class Streams {
  private Streams() {}

  /** {@code first}'s items, then {@code second}'s; closing closes both. */
  public static <T> CloseableIterator<T> concat(
      CloseableIterator<T> first, CloseableIterator<T> second) {
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return first.hasNext() || second.hasNext();
      }

      @Override
      public T next() {
        if (first.hasNext()) {
          return first.next();
        }
        return second.next();
      }

      @Override
      public void close() {
        try {
          first.close();
        } finally {
          second.close();
        }
      }
    };
  }

  /**
   * A view of {@code items} that runs {@code whenDone} once: when it is exhausted or closed, and
   * also every {@code every} items (so a long stream gets going before its end).
   */
  public static <T> CloseableIterator<T> onProgress(
      CloseableIterator<T> items, int every, Runnable whenDone) {
    return new CloseableIterator<>() {
      private int count;
      private boolean done;

      @Override
      public boolean hasNext() {
        boolean more = items.hasNext();
        if (!more) {
          finish();
        }
        return more;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        T item = items.next();
        if (++count % every == 0) {
          whenDone.run();
        }
        return item;
      }

      @Override
      public void close() {
        try {
          items.close();
        } finally {
          finish();
        }
      }

      private void finish() {
        if (!done) {
          done = true;
          whenDone.run();
        }
      }
    };
  }

  /**
   * {@code items} read {@code size} at a time and turned into results by {@code convert}, which
   * returns one result per item, in order; streamed, holding at most one batch. A failure of {@code
   * items} is thrown after the results of the items read before it. Closing closes {@code items}.
   */
  public static <T, R> CloseableIterator<R> inBatches(
      CloseableIterator<T> items, int size, Function<List<T>, List<R>> convert) {
    if (size < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, not " + size);
    }
    return new CloseableIterator<>() {
      private Iterator<R> batch = List.<R>of().iterator();
      private RuntimeException failed; // thrown once the items read before it are out

      @Override
      public boolean hasNext() {
        if (!batch.hasNext()) {
          if (failed != null) {
            throw failed;
          }
          List<T> read = new ArrayList<>(size);
          try {
            while (read.size() < size && items.hasNext()) {
              read.add(items.next());
            }
          } catch (RuntimeException e) {
            if (read.isEmpty()) {
              throw e;
            }
            failed = e;
          }
          if (!read.isEmpty()) {
            batch = convert.apply(read).iterator();
          }
        }
        return batch.hasNext();
      }

      @Override
      public R next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return batch.next();
      }

      @Override
      public void close() {
        items.close();
      }
    };
  }
}

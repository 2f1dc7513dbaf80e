package io.pincluster.state.rocksdb.internal;

import io.pincluster.core.CloseableIterator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Streams a key range a chunk at a time, each chunk read by a short-lived RocksDB iterator, so no
 * native resource is held between calls and writes made meanwhile are seen or not but never break
 * the iteration. One consumer thread.
 */
public final class ChunkedIterator<T> implements CloseableIterator<T> {
  /** Reads the next chunk after {@code lastKey} (null = from the start). */
  @FunctionalInterface
  public interface Fetch<T> {
    Chunk<T> after(byte[] lastKey);
  }

  /**
   * @param items what the chunk yields (possibly none, when every entry was skipped)
   * @param lastKey the resume key of the last entry read, null when there was none (the end)
   */
  public record Chunk<T>(List<T> items, byte[] lastKey) {}

  private final Fetch<T> fetch;
  private Iterator<T> buffer = List.<T>of().iterator();
  private byte[] lastKey;
  private boolean ended;

  public ChunkedIterator(Fetch<T> fetch) {
    this.fetch = fetch;
  }

  @Override
  public boolean hasNext() {
    while (!buffer.hasNext() && !ended) {
      Chunk<T> chunk = fetch.after(lastKey);
      if (chunk.lastKey() == null) {
        ended = true;
      } else {
        lastKey = chunk.lastKey();
        buffer = chunk.items().iterator();
      }
    }
    return buffer.hasNext();
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return buffer.next();
  }

  @Override
  public void close() {
    ended = true;
    buffer = List.<T>of().iterator();
  }
}

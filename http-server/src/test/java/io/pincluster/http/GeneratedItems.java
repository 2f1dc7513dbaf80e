package io.pincluster.http;

import io.pincluster.core.CloseableIterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Items made on demand ({@code {"i": n, "pad": "…"}}), counting how many were produced and whether
 * it was closed; optionally failing after some items.
 */
final class GeneratedItems implements CloseableIterator<Map<String, Object>> {
  final AtomicInteger produced = new AtomicInteger();
  final AtomicBoolean closed = new AtomicBoolean();
  private final long count;
  private final int failAfter;
  private final String pad;

  /**
   * @param count items to produce ({@code Long.MAX_VALUE} for endless)
   * @param failAfter throw after this many items, or -1
   * @param padBytes size of each item's padding
   */
  GeneratedItems(long count, int failAfter, int padBytes) {
    this.count = count;
    this.failAfter = failAfter;
    this.pad = "x".repeat(padBytes);
  }

  @Override
  public boolean hasNext() {
    if (failAfter >= 0 && produced.get() >= failAfter) {
      throw new IllegalStateException("boom after " + failAfter);
    }
    return produced.get() < count;
  }

  @Override
  public Map<String, Object> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return Map.of("i", produced.getAndIncrement(), "pad", pad);
  }

  @Override
  public void close() {
    closed.set(true);
  }
}

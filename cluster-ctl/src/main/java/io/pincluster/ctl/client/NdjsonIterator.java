package io.pincluster.ctl.client;

import io.pincluster.core.CloseableIterator;
import java.io.IOException;
import java.util.NoSuchElementException;
import java.util.function.Function;
import okio.BufferedSource;

/**
 * Reads a streamed answer one JSON document per line, decoding each line only when the caller asks
 * for the next item: the answer is never held whole. At the end of the body it calls {@code onEnd}
 * (which checks the {@code X-Stream-Error} trailer). Not thread-safe; one consumer.
 */
final class NdjsonIterator<T> implements CloseableIterator<T> {
  /** Source of lines, and what to do with the response around them. */
  interface Lines extends AutoCloseable {
    BufferedSource source();

    /** Called once the body is exhausted; throws when the stream ended with an error. */
    void onEnd() throws IOException;

    RuntimeException failure(IOException e);

    @Override
    void close();
  }

  private final Lines lines;
  private final Function<String, T> decode;
  private final long maxLineBytes;
  private T next;
  private boolean done;

  NdjsonIterator(Lines lines, Function<String, T> decode, long maxLineBytes) {
    this.lines = lines;
    this.decode = decode;
    this.maxLineBytes = maxLineBytes;
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    if (done) {
      return false;
    }
    try {
      String line;
      while ((line = readLine()) != null) {
        if (!line.isBlank()) {
          next = decode.apply(line);
          return true;
        }
      }
      done = true;
      lines.onEnd();
      close();
      return false;
    } catch (IOException e) {
      close();
      throw lines.failure(e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
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

  @Override
  public void close() {
    done = true;
    lines.close();
  }

  /** The next line without its newline, or null at the end of the body. */
  private String readLine() throws IOException {
    BufferedSource source = lines.source();
    long newline = source.indexOf((byte) '\n', 0, maxLineBytes);
    if (newline >= 0) {
      String line = source.readUtf8(newline);
      source.skip(1);
      return line;
    }
    if (source.exhausted()) {
      return null;
    }
    if (source.getBuffer().size() >= maxLineBytes) {
      throw new IOException("a streamed item is longer than " + maxLineBytes + " bytes");
    }
    // The last line has no newline: it is shorter than the limit and fully buffered.
    return source.readUtf8();
  }
}

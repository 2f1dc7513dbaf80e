package io.pincluster.peerrpc.internal;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.PeerUnreachableException;
import io.pincluster.core.json.Json;
import java.io.EOFException;
import java.io.IOException;
import java.util.NoSuchElementException;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * Reads an NDJSON response one line at a time (never the whole body), decoding each line as {@code
 * type}. At the end of the body it checks the {@code X-Stream-Error} trailer and throws it as a
 * {@link PeerUnreachableException}. Closing it closes the response. Not thread-safe (one consumer).
 */
public final class NdjsonIterator<T> implements CloseableIterator<T> {
  /** Longest line accepted; a longer one fails the stream. */
  static final long MAX_LINE_BYTES = 1 << 20;

  private final Response response;
  private final BufferedSource source;
  private final Class<T> type;
  private final String peer;
  private final String what;
  private T next;
  private boolean done;
  private boolean closed;

  /**
   * @param peer how messages name the peer ({@code peer 12D3… at /ip4/…})
   */
  public NdjsonIterator(Response response, Class<T> type, String peer) {
    this(response, type, peer, "status");
  }

  /**
   * @param what how messages name the stream's operation ({@code status}, {@code recover}, …)
   */
  public NdjsonIterator(Response response, Class<T> type, String peer, String what) {
    this.response = response;
    this.source = response.body().source();
    this.type = type;
    this.peer = peer;
    this.what = what;
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    if (done || closed) {
      return false;
    }
    try {
      byte[] line = readLine();
      if (line == null) {
        done = true;
        String error = trailerError();
        close();
        if (!error.isEmpty()) {
          throw new PeerUnreachableException(peer + ": " + what + " stream failed: " + error);
        }
        return false;
      }
      next = Json.read(line, type);
      return true;
    } catch (IOException e) {
      close();
      throw new PeerUnreachableException(peer + ": " + what + " stream broke: " + e, e);
    } catch (IllegalArgumentException e) {
      close();
      throw new PeerUnreachableException(
          peer + ": sent an invalid " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** The next non-empty line's bytes (without its line end), or null at the end of the body. */
  private byte[] readLine() throws IOException {
    while (!source.exhausted()) {
      long end = source.indexOf((byte) '\n', 0, MAX_LINE_BYTES + 1);
      if (end < 0) {
        if (source.getBuffer().size() > MAX_LINE_BYTES) {
          throw new IOException("a line is longer than " + MAX_LINE_BYTES + " bytes");
        }
        throw new EOFException("the body ended inside a line (truncated)");
      }
      byte[] line = source.readByteArray(end);
      source.skip(1);
      int n = line.length;
      if (n > 0 && line[n - 1] == '\r') {
        line = java.util.Arrays.copyOf(line, n - 1);
      }
      if (line.length > 0) {
        return line;
      }
    }
    return null;
  }

  private String trailerError() throws IOException {
    String e = response.trailers().get(io.pincluster.http.Response.STREAM_ERROR_TRAILER);
    return e == null ? "" : e;
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
    if (!closed) {
      closed = true;
      response.close();
    }
  }
}

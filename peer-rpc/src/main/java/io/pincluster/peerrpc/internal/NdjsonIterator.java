package io.pincluster.peerrpc.internal;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.PeerUnreachableException;
import io.pincluster.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
      String line = readLine();
      if (line == null) {
        done = true;
        String error = trailerError();
        close();
        if (!error.isEmpty()) {
          throw new PeerUnreachableException(peer + ": " + what + " stream failed: " + error);
        }
        return false;
      }
      next = Json.read(line.getBytes(StandardCharsets.UTF_8), type);
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

  private String readLine() throws IOException {
    while (!source.exhausted()) {
      String line = source.readUtf8LineStrict(MAX_LINE_BYTES);
      if (!line.isEmpty()) {
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

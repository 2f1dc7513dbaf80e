package io.pincluster.http;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The body of a {@link Response#raw raw response}: bytes pulled by the server's worker as the
 * client accepts them, so whatever produces them (an upstream HTTP response, a generator) is paced
 * by the client and memory stays bounded. One reader (the worker writing the response); {@link
 * #close()} may also be called from another thread and must then make a blocked {@link #read} fail
 * or return.
 */
public interface BodySource extends Closeable {
  /**
   * Reads at least one byte into {@code buffer}, blocking until some are available.
   *
   * @return how many bytes were read (at least 1 when {@code buffer} is not empty), or -1 at the
   *     end of the body
   * @throws IOException when the body cannot be completed: the server then drops the connection
   *     without ending the response properly, so the client sees a truncated body (as Go's reverse
   *     proxy does)
   */
  int read(byte[] buffer) throws IOException;

  /**
   * Trailer fields to send after the body; asked once, after {@link #read} returned -1, and sent
   * only with chunked responses (HTTP/1.1, no content length). Empty by default.
   */
  default Map<String, List<String>> trailers() {
    return Map.of();
  }

  /** Releases the body (e.g. the upstream connection). Idempotent, never throws. */
  @Override
  void close();

  /** A body read from {@code in} (closed with it), without trailers. */
  static BodySource of(InputStream in) {
    Objects.requireNonNull(in, "in");
    return new BodySource() {
      @Override
      public int read(byte[] buffer) throws IOException {
        if (buffer.length == 0) {
          return 0;
        }
        int n;
        do {
          n = in.read(buffer, 0, buffer.length);
        } while (n == 0);
        return n;
      }

      @Override
      public void close() {
        try {
          in.close();
        } catch (IOException ignored) {
          // nothing to do: the body is abandoned
        }
      }
    };
  }
}

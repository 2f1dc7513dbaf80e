package io.pincluster.ipfsproxy.internal;

import io.pincluster.core.CloseableIterator;
import io.pincluster.http.BodySource;
import io.pincluster.http.Response;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A response body generated piece by piece from an iterator of byte arrays (NDJSON lines, or the
 * parts of one large JSON object), pulled only as fast as the client takes them: nothing is built
 * in memory beyond one piece and one write buffer.
 *
 * <p>With {@code batchBytes} 0 each read returns at most one piece, so each is flushed to the
 * client as soon as it exists (for {@code add} progress); otherwise pieces are gathered until
 * {@code batchBytes} (for long listings that are produced quickly).
 *
 * <p>A failure of the iterator ends the body early; its message is sent as the {@code
 * X-Stream-Error} trailer, as Kubo reports failures that happen after the answer started. The owner
 * closes it (closing the iterator). Single reader.
 */
public final class PiecesBody implements BodySource {
  private static final Logger LOG = LoggerFactory.getLogger(PiecesBody.class);

  private final CloseableIterator<byte[]> pieces;
  private final int batchBytes;
  private byte[] current = new byte[0];
  private int pos;
  private boolean ended;
  private String error = "";

  public PiecesBody(CloseableIterator<byte[]> pieces, int batchBytes) {
    this.pieces = pieces;
    this.batchBytes = batchBytes;
  }

  /**
   * A 200 answer streaming {@code pieces}, with Kubo's headers for streamed output ({@code
   * X-Stream-Output}, {@code X-Chunked-Output}) when {@code stream}, and the {@code X-Stream-Error}
   * trailer announced.
   */
  public static Response answer(CloseableIterator<byte[]> pieces, int batchBytes, boolean stream) {
    Response r =
        Response.raw(200, new PiecesBody(pieces, batchBytes))
            .withHeader("Content-Type", "application/json")
            .withHeader("Trailer", Response.STREAM_ERROR_TRAILER);
    if (stream) {
      r = r.withHeader("X-Chunked-Output", "1").withHeader("X-Stream-Output", "1");
    }
    return r;
  }

  /**
   * {@code items} once its first item (or its end) has been computed, so that a failure at the
   * start becomes an error answer instead of a broken stream; a failure closes it and is thrown.
   */
  public static <T> CloseableIterator<T> started(CloseableIterator<T> items) {
    try {
      items.hasNext();
      return items;
    } catch (RuntimeException e) {
      items.close();
      throw e;
    }
  }

  @Override
  public int read(byte[] buffer) {
    int n = 0;
    while (n < buffer.length) {
      if (pos == current.length) {
        if (n > 0 && (batchBytes == 0 || n >= batchBytes)) {
          break;
        }
        if (!advance()) {
          break;
        }
        continue;
      }
      int take = Math.min(buffer.length - n, current.length - pos);
      System.arraycopy(current, pos, buffer, n, take);
      pos += take;
      n += take;
    }
    return n == 0 ? -1 : n;
  }

  /** Takes the next piece; false at the end (or after a failure, which is recorded). */
  private boolean advance() {
    if (ended) {
      return false;
    }
    try {
      if (pieces.hasNext()) {
        current = pieces.next();
        pos = 0;
        return true;
      }
    } catch (RuntimeException e) {
      error = KuboError.messageOf(e);
      LOG.debug("a streamed answer ended early: {}", error);
    }
    ended = true;
    return false;
  }

  /** The failure that ended the body early, or empty. */
  String error() {
    return error;
  }

  @Override
  public Map<String, List<String>> trailers() {
    return error.isEmpty() ? Map.of() : Map.of(Response.STREAM_ERROR_TRAILER, List.of(error));
  }

  @Override
  public void close() {
    pieces.close();
  }
}

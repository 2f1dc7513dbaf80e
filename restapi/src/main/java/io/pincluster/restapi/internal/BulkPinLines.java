package io.pincluster.restapi.internal;

import io.pincluster.core.api.PinRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The items of a {@code POST /pins} NDJSON body, read one line at a time when asked for (so the
 * body is read only as fast as the items are committed). Blank lines are skipped but counted:
 * {@link PinRequest#line()} is the line's number in the body plus {@code lineOffset}. A line that
 * is not a valid item becomes an invalid {@link PinRequest} (see {@link BulkPinParser}); reading
 * goes on. Failing to read the body (the client went away) throws {@link UncheckedIOException}.
 *
 * <p>Not thread-safe: one consumer, on any thread.
 */
public final class BulkPinLines implements Iterator<PinRequest> {
  /** The longest line read; a longer one is skipped and answered as an error. */
  public static final int MAX_LINE_BYTES = 1 << 20;

  private final NdjsonLines lines;
  private final BulkPinParser parser;
  private final long lineOffset;
  private final int maxLineBytes;
  private PinRequest next;
  private boolean done;

  public BulkPinLines(InputStream body, BulkPinParser parser, long lineOffset) {
    this(body, parser, lineOffset, MAX_LINE_BYTES);
  }

  /**
   * @param maxLineBytes a longer line is skipped and answered as an error
   */
  public BulkPinLines(InputStream body, BulkPinParser parser, long lineOffset, int maxLineBytes) {
    this.lines = new NdjsonLines(body, maxLineBytes);
    this.parser = parser;
    this.lineOffset = lineOffset;
    this.maxLineBytes = maxLineBytes;
  }

  @Override
  public boolean hasNext() {
    while (next == null && !done) {
      NdjsonLines.Line line;
      try {
        line = lines.next();
      } catch (IOException e) {
        done = true;
        throw new UncheckedIOException("cannot read the request body: " + e.getMessage(), e);
      }
      if (line == null) {
        done = true;
      } else {
        long number = lineOffset + line.number();
        next =
            line.tooLong()
                ? BulkPinParser.tooLong(number, maxLineBytes)
                : parser.parse(number, line.text()).orElse(null);
      }
    }
    return next != null;
  }

  @Override
  public PinRequest next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    PinRequest item = next;
    next = null;
    return item;
  }
}

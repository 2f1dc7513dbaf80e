package io.pincluster.ctl.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Cuts an input into consecutive pieces of whole lines, copying each piece to an output (a request
 * body) through one 64 KiB buffer: the input is never held in memory, however long it or a line is.
 * Counts the lines and bytes consumed so far. A failure to read the input is kept (see {@link
 * #inputFailure()}) so that it can be told apart from a failure to send. Not thread-safe: one
 * caller at a time.
 */
public final class LineChunker {
  private final InputStream in;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int limit;
  private boolean eof;
  private boolean midLine;
  private long lines;
  private long bytes;
  private IOException inputFailure;

  public LineChunker(InputStream in) {
    this.in = in;
  }

  /** Whether the input is exhausted. May block reading it. */
  public boolean atEnd() throws IOException {
    return pos == limit && !fill();
  }

  /**
   * Copies the next lines of the input to {@code out}, at most {@code maxLines} of them (a last
   * line without a newline counts as one).
   *
   * @return the number of lines copied; 0 at the end of the input
   * @throws IOException when reading the input or writing {@code out} fails
   */
  public long copyLines(OutputStream out, long maxLines) throws IOException {
    long copied = 0;
    while (copied < maxLines) {
      if (pos == limit && !fill()) {
        if (midLine) {
          midLine = false;
          lines++;
          copied++;
        }
        break;
      }
      int nl = indexOfNewline();
      int end = nl < 0 ? limit : nl + 1;
      out.write(buf, pos, end - pos);
      bytes += end - pos;
      pos = end;
      midLine = nl < 0;
      if (nl >= 0) {
        lines++;
        copied++;
      }
    }
    return copied;
  }

  /** Lines consumed so far: the number of the last line copied. */
  public long lines() {
    return lines;
  }

  /** Bytes consumed so far. */
  public long bytes() {
    return bytes;
  }

  /** The failure to read the input, if reading failed. */
  public IOException inputFailure() {
    return inputFailure;
  }

  private int indexOfNewline() {
    for (int i = pos; i < limit; i++) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    int n;
    try {
      n = in.read(buf, 0, buf.length);
    } catch (IOException e) {
      inputFailure = e;
      throw e;
    }
    if (n < 0) {
      eof = true;
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }
}

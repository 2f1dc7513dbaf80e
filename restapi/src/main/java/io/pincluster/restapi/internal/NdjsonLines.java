package io.pincluster.restapi.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a byte stream into lines ({@code \n} or {@code \r\n}) with bounded memory: a line longer
 * than the limit is skipped and reported as too long instead of being held. Not thread-safe: one
 * reader.
 */
final class NdjsonLines {
  /** One line: its 1-based number, and its text or null when it was too long. */
  record Line(long number, String text) {
    boolean tooLong() {
      return text == null;
    }
  }

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int limit;
  private long number;
  private boolean eof;

  NdjsonLines(InputStream in, int maxLineBytes) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  /** The next line, or null at the end of the stream. */
  Line next() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean started = false;
    boolean tooLong = false;
    long length = 0;
    while (true) {
      if (pos == limit && !fill()) {
        return started ? finish(line, tooLong) : null;
      }
      started = true;
      int nl = indexOfNewline();
      int end = nl < 0 ? limit : nl;
      length += end - pos;
      if (length > maxLineBytes) {
        tooLong = true;
        line.reset();
      } else {
        line.write(buf, pos, end - pos);
      }
      pos = nl < 0 ? limit : nl + 1;
      if (nl >= 0) {
        return finish(line, tooLong);
      }
    }
  }

  private Line finish(ByteArrayOutputStream line, boolean tooLong) {
    number++;
    if (tooLong) {
      return new Line(number, null);
    }
    String text = line.toString(StandardCharsets.UTF_8);
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    return new Line(number, text);
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
    int n = in.read(buf, 0, buf.length);
    if (n < 0) {
      eof = true;
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }
}

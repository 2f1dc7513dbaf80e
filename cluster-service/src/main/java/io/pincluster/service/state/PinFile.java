package io.pincluster.service.state;

import io.pincluster.core.ClusterException;
import io.pincluster.core.api.Pin;
import io.pincluster.core.json.StoredPins;
import io.pincluster.core.peer.PeerId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A state dump: one JSON Pin object per line (what {@code state export} writes; blank lines are
 * skipped). Import reads it once, straight into a new state folder that is thrown away on the first
 * bad line.
 */
public final class PinFile {
  /** What {@code state import} changes in every pin: rmin/rmax when > 0, allocations when given. */
  public record Overrides(int rmin, int rmax, List<PeerId> allocations) {
    public Overrides {
      allocations = List.copyOf(allocations);
      if (rmin < 0 || rmax < 0) {
        throw new ClusterException("--rmin and --rmax must be positive when given");
      }
      if (rmin > 0 && rmax > 0 && rmin > rmax) {
        throw new ClusterException("--rmin (" + rmin + ") must be <= --rmax (" + rmax + ")");
      }
    }

    Pin apply(Pin pin) {
      Pin out = pin;
      if (rmin > 0 || rmax > 0) {
        int min = rmin > 0 ? rmin : pin.replicationFactorMin();
        int max = rmax > 0 ? rmax : pin.replicationFactorMax();
        if (min == -1 || max == -1) {
          min = Math.max(min, 1);
          max = Math.max(max, min);
        }
        out = out.withReplication(min, max);
      }
      if (!allocations.isEmpty()) {
        out = out.withAllocations(allocations);
      }
      return out;
    }
  }

  private static final int BUFFER = 1 << 16;

  private PinFile() {}

  /** The pins of {@code file}; the caller closes the reader. */
  public static Reader read(Path file, Overrides overrides) {
    try {
      return new Reader(Files.newInputStream(file), file.toString(), overrides);
    } catch (IOException e) {
      throw new ClusterException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The pins of {@code in}, named {@code name} in errors; the reader closes {@code in} when it is
   * closed.
   */
  public static Reader read(InputStream in, String name, Overrides overrides) {
    return new Reader(in, name, overrides);
  }

  /**
   * Pins read one line at a time, with the overrides applied. Lines end at {@code \n}, {@code \r}
   * or {@code \r\n}; blank lines are skipped. {@link #hasNext} throws {@link ClusterException}
   * naming the line when a line is not UTF-8 text or not a Pin object. One thread.
   */
  public static final class Reader implements Iterator<Pin>, AutoCloseable {
    private final InputStream in;
    private final String name;
    private final Overrides overrides;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int limit;
    private boolean eof;
    private boolean skipLf; // the last line ended with \r: a \n right after it belongs to it
    private byte[] line = new byte[256];
    private int lineLength;
    private long lineNumber;
    private long count;
    private Pin next;

    Reader(InputStream in, String name, Overrides overrides) {
      this.in = in;
      this.name = name;
      this.overrides = overrides;
    }

    /** The number of pins returned so far. */
    public long count() {
      return count;
    }

    @Override
    public boolean hasNext() {
      while (next == null) {
        if (!readLine()) {
          return false;
        }
        lineNumber++;
        if (!isAscii(line, lineLength)) {
          String text = decode();
          if (text.isBlank()) {
            continue;
          }
        } else if (isBlankAscii(line, lineLength)) {
          continue;
        }
        next = parse();
      }
      return true;
    }

    @Override
    public Pin next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Pin out = next;
      next = null;
      count++;
      return out;
    }

    private Pin parse() {
      try {
        Pin pin = StoredPins.read(line, lineLength);
        if (pin == null || pin.cid() == null) {
          throw new IllegalArgumentException("not a Pin object");
        }
        return overrides.apply(pin);
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new ClusterException(name + " line " + lineNumber + ": " + e.getMessage());
      }
    }

    /** The current line as text, or an error naming it when it is not UTF-8. */
    private String decode() {
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(line, 0, lineLength))
            .toString();
      } catch (CharacterCodingException e) {
        throw new ClusterException(name + " line " + lineNumber + ": not UTF-8 text", e);
      }
    }

    /** Reads the next line into {@code line}; false at the end of the input. */
    private boolean readLine() {
      lineLength = 0;
      boolean any = false;
      while (true) {
        if (pos == limit && !fill()) {
          return any;
        }
        byte b = buf[pos];
        if (skipLf) {
          skipLf = false;
          if (b == '\n') {
            pos++;
            continue;
          }
        }
        int start = pos;
        int end = start;
        while (end < limit && buf[end] != '\n' && buf[end] != '\r') {
          end++;
        }
        append(start, end - start);
        any = true;
        if (end < limit) {
          skipLf = buf[end] == '\r';
          pos = end + 1;
          return true;
        }
        pos = end;
      }
    }

    private void append(int from, int n) {
      if (lineLength + n > line.length) {
        line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + n));
      }
      System.arraycopy(buf, from, line, lineLength, n);
      lineLength += n;
    }

    private boolean fill() {
      if (eof) {
        return false;
      }
      try {
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
          eof = true;
          return false;
        }
        pos = 0;
        limit = n;
        return true;
      } catch (IOException e) {
        throw new ClusterException("cannot read " + name + ": " + e.getMessage(), e);
      }
    }

    private static boolean isAscii(byte[] b, int n) {
      for (int i = 0; i < n; i++) {
        if (b[i] < 0) {
          return false;
        }
      }
      return true;
    }

    /** As {@link String#isBlank()} for ASCII text. */
    private static boolean isBlankAscii(byte[] b, int n) {
      for (int i = 0; i < n; i++) {
        if (!Character.isWhitespace(b[i])) {
          return false;
        }
      }
      return true;
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException e) {
        // read-only
      }
    }
  }
}

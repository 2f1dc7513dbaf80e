package io.pincluster.service.state;

import io.pincluster.core.ClusterException;
import io.pincluster.core.api.Pin;
import io.pincluster.core.json.Json;
import io.pincluster.core.peer.PeerId;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A state dump: one JSON Pin object per line (what {@code state export} writes; blank lines are
 * skipped). Read twice by import: once to validate everything, once to write.
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

  private PinFile() {}

  /**
   * Reads the whole file and checks every line.
   *
   * @return the number of pins
   * @throws ClusterException naming the first bad line and why; nothing is changed
   */
  public static long validate(Path file, Overrides overrides) {
    try (Reader r = read(file, overrides)) {
      long n = 0;
      while (r.hasNext()) {
        r.next();
        n++;
      }
      return n;
    }
  }

  public static Reader read(Path file, Overrides overrides) {
    try {
      return new Reader(Files.newBufferedReader(file, StandardCharsets.UTF_8), file, overrides);
    } catch (IOException e) {
      throw new ClusterException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Pins read one line at a time. */
  public static final class Reader implements Iterator<Pin>, AutoCloseable {
    private final BufferedReader in;
    private final Path file;
    private final Overrides overrides;
    private long line;
    private Pin next;

    Reader(BufferedReader in, Path file, Overrides overrides) {
      this.in = in;
      this.file = file;
      this.overrides = overrides;
    }

    @Override
    public boolean hasNext() {
      while (next == null) {
        String text;
        try {
          text = in.readLine();
        } catch (java.nio.charset.CharacterCodingException e) {
          throw new ClusterException(file + " line " + (line + 1) + ": not UTF-8 text", e);
        } catch (IOException e) {
          throw new ClusterException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (text == null) {
          return false;
        }
        line++;
        if (text.isBlank()) {
          continue;
        }
        try {
          Pin pin = Json.read(text.getBytes(StandardCharsets.UTF_8), Pin.class);
          if (pin == null || pin.cid() == null) {
            throw new IllegalArgumentException("not a Pin object");
          }
          next = overrides.apply(pin);
        } catch (IllegalArgumentException | NullPointerException e) {
          throw new ClusterException(file + " line " + line + ": " + e.getMessage());
        }
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
      return out;
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

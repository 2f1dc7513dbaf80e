package io.pincluster.state.rocksdb.internal;

import io.pincluster.core.api.Pin;
import io.pincluster.core.json.StoredPins;
import io.pincluster.state.rocksdb.internal.ChangeNotifier.Change;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pin changes between two databases, found by walking both pin column families in key order at
 * once (memory stays bounded by {@code chunk}, whatever the size of the pinset). Used when a
 * snapshot install replaces the whole state, so listeners still hear about every difference.
 */
public final class PinDiff {
  private static final Logger LOG = LoggerFactory.getLogger(PinDiff.class);

  private PinDiff() {}

  /**
   * Hands {@code sink} the changes that turn {@code before} into {@code after}, in CID byte order,
   * in lists of at most {@code chunk}. Returns how many there were.
   */
  public static long diff(
      RocksHandles before, RocksHandles after, int chunk, Consumer<List<Change>> sink) {
    long total = 0;
    List<Change> out = new ArrayList<>(chunk);
    try (ReadOptions ro1 = new ReadOptions().setFillCache(false);
        ReadOptions ro2 = new ReadOptions().setFillCache(false);
        RocksIterator a = before.db().newIterator(before.pins(), ro1);
        RocksIterator b = after.db().newIterator(after.pins(), ro2)) {
      a.seekToFirst();
      b.seekToFirst();
      while (a.isValid() || b.isValid()) {
        int cmp = !a.isValid() ? 1 : !b.isValid() ? -1 : Arrays.compareUnsigned(a.key(), b.key());
        Change c = null;
        if (cmp < 0) {
          Pin gone = decode(a.value());
          c = gone == null ? null : new Change(gone, null, true);
          a.next();
        } else if (cmp > 0) {
          Pin added = decode(b.value());
          c = added == null ? null : new Change(added, null, false);
          b.next();
        } else {
          byte[] oldValue = a.value();
          byte[] newValue = b.value();
          if (!Arrays.equals(oldValue, newValue)) {
            Pin added = decode(newValue);
            c = added == null ? null : new Change(added, decode(oldValue), false);
          }
          a.next();
          b.next();
        }
        if (c != null) {
          out.add(c);
          total++;
          if (out.size() >= chunk) {
            sink.accept(out);
            out = new ArrayList<>(chunk);
          }
        }
      }
    }
    if (!out.isEmpty()) {
      sink.accept(out);
    }
    return total;
  }

  private static Pin decode(byte[] raw) {
    try {
      return StoredPins.read(raw);
    } catch (IllegalArgumentException e) {
      LOG.error("stored pin is unreadable ({}); not reported to listeners", e.getMessage());
      return null;
    }
  }
}

package io.pincluster.pintracker;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.ClusterException;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A {@link TrackerStore} on the heap, for tests and small setups: everything is lost on restart and
 * memory grows with the number of pins. The daemon uses the RocksDB store of {@code state-rocksdb}.
 * Thread-safe: writes are serialized on one lock, reads never block.
 */
public final class InMemoryTrackerStore implements TrackerStore {
  private static final Comparator<Multihash> ORDER =
      (a, b) -> Arrays.compareUnsigned(a.bytes(), b.bytes());

  private final Object writeLock = new Object();
  private final ConcurrentSkipListMap<Multihash, Failure> failures =
      new ConcurrentSkipListMap<>(ORDER);
  private volatile ConcurrentSkipListMap<Multihash, KnownPin> current =
      new ConcurrentSkipListMap<>(ORDER);
  private MemoryRebuild rebuild; // guarded by writeLock
  private volatile boolean closed;

  @Override
  public Entry get(Cid cid) {
    checkOpen();
    Multihash mh = cid.multihash();
    return new Entry(Optional.ofNullable(current.get(mh)), Optional.ofNullable(failures.get(mh)));
  }

  @Override
  public void putPinned(KnownPin pin) {
    synchronized (writeLock) {
      checkOpen();
      Multihash mh = pin.cid().multihash();
      current.put(mh, pin);
      if (rebuild != null) {
        rebuild.next.put(mh, new Slot(pin, true));
      }
    }
  }

  @Override
  public void removePinned(Cid cid) {
    synchronized (writeLock) {
      checkOpen();
      Multihash mh = cid.multihash();
      current.remove(mh);
      if (rebuild != null) {
        rebuild.next.put(mh, new Slot(null, true));
      }
    }
  }

  @Override
  public CloseableIterator<KnownPin> pinned(Multihash startAfter) {
    checkOpen();
    return iterate(tail(current, startAfter));
  }

  @Override
  public void putFailure(Failure failure) {
    checkOpen();
    failures.put(failure.cid().multihash(), failure);
  }

  @Override
  public void removeFailure(Cid cid) {
    checkOpen();
    failures.remove(cid.multihash());
  }

  @Override
  public CloseableIterator<Failure> failures(Multihash startAfter) {
    checkOpen();
    return iterate(tail(failures, startAfter));
  }

  @Override
  public Rebuild beginRebuild() {
    synchronized (writeLock) {
      checkOpen();
      if (rebuild != null) {
        throw new IllegalStateException("a rebuild of the tracker store is already open");
      }
      rebuild = new MemoryRebuild();
      return rebuild;
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  private void checkOpen() {
    if (closed) {
      throw new ClusterException("the in-memory tracker store is closed");
    }
  }

  private static <V> NavigableMap<Multihash, V> tail(
      ConcurrentSkipListMap<Multihash, V> map, Multihash startAfter) {
    return startAfter == null ? map : map.tailMap(startAfter, false);
  }

  private static <V> CloseableIterator<V> iterate(Map<Multihash, V> map) {
    Iterator<V> it = map.values().iterator();
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public V next() {
        return it.next();
      }

      @Override
      public void close() {}
    };
  }

  /** One multihash in a view under construction: a pin, or a tombstone (pin null). */
  private record Slot(KnownPin pin, boolean written) {}

  private final class MemoryRebuild implements Rebuild {
    final ConcurrentSkipListMap<Multihash, Slot> next = new ConcurrentSkipListMap<>(ORDER);
    private boolean done; // guarded by writeLock

    @Override
    public void add(Cid cid, PinMode mode) {
      synchronized (writeLock) {
        checkUsable();
        Multihash mh = cid.multihash();
        Slot slot = next.get(mh);
        if (slot != null) {
          if (!slot.written() && mode == PinMode.RECURSIVE) {
            next.put(
                mh, new Slot(new KnownPin(slot.pin().cid(), mode, slot.pin().tracked()), false));
          }
          return;
        }
        KnownPin old = current.get(mh);
        KnownPin pin =
            old == null
                ? new KnownPin(cid, mode, false)
                : new KnownPin(old.cid(), mode, old.tracked());
        next.put(mh, new Slot(pin, false));
      }
    }

    @Override
    public boolean has(Cid cid) {
      checkOpen();
      return next.containsKey(cid.multihash());
    }

    @Override
    public CloseableIterator<KnownPin> lost() {
      checkOpen();
      return iterate(current).filter(p -> !next.containsKey(p.cid().multihash()));
    }

    @Override
    public void commit() {
      synchronized (writeLock) {
        checkUsable();
        ConcurrentSkipListMap<Multihash, KnownPin> view = new ConcurrentSkipListMap<>(ORDER);
        next.forEach(
            (mh, slot) -> {
              if (slot.pin() != null) {
                view.put(mh, slot.pin());
              }
            });
        current = view;
        done = true;
        rebuild = null;
      }
    }

    @Override
    public void close() {
      synchronized (writeLock) {
        if (!done) {
          done = true;
          rebuild = null;
        }
      }
    }

    private void checkUsable() {
      checkOpen();
      if (done) {
        throw new IllegalStateException("this rebuild was already committed or abandoned");
      }
    }
  }
}

package io.pincluster.pintracker;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.PinStateView;
import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** A pinset in memory, ordered and streamed like the real one, for tracker tests. */
final class InMemoryPinState implements PinStateView {
  private final ConcurrentSkipListMap<Cid, Pin> pins = new ConcurrentSkipListMap<>();
  final AtomicLong openIterators = new AtomicLong();

  void put(Pin pin) {
    pins.put(pin.cid(), pin);
  }

  void remove(Cid cid) {
    pins.remove(cid);
  }

  @Override
  public Optional<Pin> get(Cid cid) {
    return Optional.ofNullable(pins.get(cid));
  }

  @Override
  public CloseableIterator<Pin> list() {
    return listFrom(null);
  }

  @Override
  public CloseableIterator<Pin> listFrom(Cid startAfter) {
    Iterator<Pin> it =
        (startAfter == null ? pins : pins.tailMap(startAfter, false)).values().iterator();
    openIterators.incrementAndGet();
    return new CloseableIterator<>() {
      private boolean closed;

      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Pin next() {
        return it.next();
      }

      @Override
      public void close() {
        if (!closed) {
          closed = true;
          openIterators.decrementAndGet();
        }
      }
    };
  }

  @Override
  public long estimatedCount() {
    return pins.size();
  }

  @Override
  public void addListener(PinStateListener listener) {
    throw new UnsupportedOperationException("tests drive the tracker directly");
  }
}

package io.pincluster.pintracker;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.PinStateView;
import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** A pinset in memory, ordered like the real one, for tracker tests. */
final class InMemoryPinState implements PinStateView {
  private final ConcurrentSkipListMap<Cid, Pin> pins = new ConcurrentSkipListMap<>();

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
    return CloseableIterator.of(new ArrayList<>(pins.values()));
  }

  @Override
  public CloseableIterator<Pin> listFrom(Cid startAfter) {
    return CloseableIterator.of(
        startAfter == null
            ? new ArrayList<>(pins.values())
            : new ArrayList<>(pins.tailMap(startAfter, false).values()));
  }

  @Override
  public long estimatedCount() {
    return pins.size();
  }

  @Override
  public void addListener(PinStateListener listener) {
    throw new UnsupportedOperationException("tests drive the tracker directly");
  }

  List<Pin> all() {
    return List.copyOf(pins.values());
  }
}

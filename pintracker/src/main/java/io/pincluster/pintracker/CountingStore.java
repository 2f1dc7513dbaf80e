package io.pincluster.pintracker;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A {@link TrackerStore} that keeps the number of failures it holds by {@link Failure.Kind}, so the
 * tracker can report them without reading the store ({@link #failureCount} is O(1)).
 *
 * <p>Contract with the caller: writes of one multihash's failure are serialized (the tracker makes
 * them under the CID's stripe lock), since each write reads the failure it replaces to adjust the
 * counts. The constructor reads every failure once to count what an earlier run left; nothing else
 * may write to the store meanwhile. Not final: tests override a method to inject a store failure.
 */
class CountingStore implements TrackerStore {
  private final TrackerStore store;
  private final AtomicLongArray counts = new AtomicLongArray(Failure.Kind.values().length);

  CountingStore(TrackerStore store) {
    this.store = store;
    try (CloseableIterator<Failure> it = store.failures(null)) {
      while (it.hasNext()) {
        counts.incrementAndGet(it.next().kind().ordinal());
      }
    }
  }

  /** The failures of this kind in the store, requeued or not. */
  long failureCount(Failure.Kind kind) {
    return counts.get(kind.ordinal());
  }

  @Override
  public Entry get(Cid cid) {
    return store.get(cid);
  }

  @Override
  public List<Entry> getAll(List<Cid> cids) {
    return store.getAll(cids);
  }

  @Override
  public void putPinned(KnownPin pin) {
    store.putPinned(pin);
  }

  @Override
  public void putPinnedAll(List<KnownPin> pins) {
    store.putPinnedAll(pins);
  }

  @Override
  public void removePinned(Cid cid) {
    store.removePinned(cid);
  }

  @Override
  public CloseableIterator<KnownPin> pinned(Multihash startAfter) {
    return store.pinned(startAfter);
  }

  @Override
  public void putFailure(Failure failure) {
    Optional<Failure> previous = store.get(failure.cid()).failure();
    store.putFailure(failure);
    previous.ifPresent(p -> counts.decrementAndGet(p.kind().ordinal()));
    counts.incrementAndGet(failure.kind().ordinal());
  }

  @Override
  public void removeFailure(Cid cid) {
    Optional<Failure> previous = store.get(cid).failure();
    store.removeFailure(cid);
    previous.ifPresent(p -> counts.decrementAndGet(p.kind().ordinal()));
  }

  @Override
  public CloseableIterator<Failure> failures(Multihash startAfter) {
    return store.failures(startAfter);
  }

  @Override
  public Rebuild beginRebuild() {
    return store.beginRebuild();
  }

  /** Closes the store it wraps (the tracker never calls this: the store's owner closes it). */
  @Override
  public void close() {
    store.close();
  }
}

package io.pincluster.core;

import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
import java.util.Optional;

/**
 * A read-only view of the replicated pinset as applied on this peer: stale by at most the
 * replication lag. Thread-safe; reads never block on consensus.
 */
public interface PinStateView {
  /** The pin for {@code cid}, if it is in the pinset. */
  Optional<Pin> get(Cid cid);

  /**
   * Every pin in CID byte order, read from one consistent snapshot of the state and streamed (the
   * pinset is never loaded into memory). The caller must close the iterator.
   */
  CloseableIterator<Pin> list();

  /**
   * Pins from {@code startAfter} (exclusive; null = the first) in CID byte order, same contract as
   * {@link #list()}.
   */
  CloseableIterator<Pin> listFrom(Cid startAfter);

  /** An estimate of the number of pins (exact for small sets, cheap for large ones). */
  long estimatedCount();

  /**
   * Registers a listener for changes applied from now on. Listeners are called on one dedicated
   * thread, in apply order, never on the consensus thread; a slow listener delays only others.
   */
  void addListener(PinStateListener listener);

  /** Receives the changes applied to the pinset, in order. Must not throw. */
  interface PinStateListener {
    /** {@code pin} was added or replaced ({@code previous} is the old value, or null). */
    void pinned(Pin pin, Pin previous);

    /** {@code pin} was removed from the pinset. */
    void unpinned(Pin pin);
  }
}

package io.pincluster.core;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.cid.Cid;

/**
 * Makes this peer's IPFS node hold what the pinset allocates to it, and reports the local status of
 * each CID. Thread-safe; {@link #track} and {@link #untrack} only enqueue and never block.
 */
public interface PinTracker extends AutoCloseable {
  /** {@code pin} was committed: pin it locally if it is allocated here, else drop it here. */
  void track(Pin pin);

  /** {@code pin} was removed from the pinset: unpin it locally. */
  void untrack(Pin pin);

  /**
   * The local status of {@code cid}: an operation in flight, else what the pinset and IPFS say. May
   * call IPFS (bounded by its timeout).
   */
  PinInfo status(Cid cid);

  /** The local status of every pin in the pinset, in CID order, streamed. The caller closes it. */
  CloseableIterator<PinInfo> statusAll();

  /**
   * Re-queues {@code cid} when it is in error (pin_error, unpin_error, unexpectedly_unpinned) and
   * waits, at most the pin or unpin timeout, for the operation to finish; returns the resulting
   * status. Other statuses are returned unchanged.
   */
  PinInfo recover(Cid cid);

  /**
   * Re-queues every CID in error, without waiting; streams the status of each one re-queued. The
   * caller closes it.
   */
  CloseableIterator<PinInfo> recoverAll();

  /**
   * Checks {@code cid} against IPFS now (the Raft-era sync): a pin IPFS lost becomes
   * unexpectedly_unpinned, an error IPFS now shows pinned becomes pinned. Returns its status.
   */
  PinInfo sync(Cid cid);

  /**
   * Runs the IPFS sync over every pin now (streaming IPFS's pin list, bounded memory); streams the
   * statuses that changed or are in error. The caller closes it.
   */
  CloseableIterator<PinInfo> syncAll();

  @Override
  void close();
}

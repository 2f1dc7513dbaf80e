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

  @Override
  void close();
}

package io.pincluster.service.cluster;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.PinStateView;
import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The pinset as the pin tracker sees it, with {@link #list()} read and decoded ahead on a thread of
 * {@code readers} (a {@link PrefetchedStream}): {@code status --local} then reads the pinset on one
 * thread while the worker joins it with the tracker's records, and a third thread encodes. Every
 * other method is the wrapped view's, unchanged; {@link #list()} falls back to reading on the
 * caller's thread when no reader is free. Thread-safe as the wrapped view is.
 */
public final class ReadAheadPinState implements PinStateView {
  private final PinStateView state;
  private final Executor readers;

  public ReadAheadPinState(PinStateView state, Executor readers) {
    this.state = state;
    this.readers = readers;
  }

  @Override
  public Optional<Pin> get(Cid cid) {
    return state.get(cid);
  }

  @Override
  public CloseableIterator<Pin> list() {
    return PrefetchedStream.of(state.list(), readers);
  }

  @Override
  public CloseableIterator<Pin> listFrom(Cid startAfter) {
    return state.listFrom(startAfter);
  }

  @Override
  public long estimatedCount() {
    return state.estimatedCount();
  }

  @Override
  public void addListener(PinStateListener listener) {
    state.addListener(listener);
  }
}

package io.pincluster.service.cluster;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinRequest;
import io.pincluster.core.api.PinResult;
import io.pincluster.core.cid.Cid;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Bulk pinning as a pipeline: keeps up to {@code window} pins in flight (consensus groups them into
 * large Raft entries) and yields one result per input item, in input order, as soon as the oldest
 * in-flight item is decided. Input is read only as results are consumed, so memory stays bounded by
 * the window. Single consumer.
 */
final class PinAllIterator extends Lookahead<PinResult> {
  private record InFlight(long line, Cid cid, CompletableFuture<Pin> commit) {}

  private final Iterator<PinRequest> items;
  private final Function<PinRequest, CompletableFuture<Pin>> submit;
  private final int window;
  private final Deque<InFlight> inFlight = new ArrayDeque<>();
  private boolean closed;

  PinAllIterator(
      Iterator<PinRequest> items, Function<PinRequest, CompletableFuture<Pin>> submit, int window) {
    this.items = items;
    this.submit = submit;
    this.window = window;
  }

  @Override
  protected PinResult computeNext() {
    while (!closed && inFlight.size() < window && items.hasNext()) {
      PinRequest item = items.next();
      CompletableFuture<Pin> commit =
          item.isValid()
              ? submitSafely(item)
              : CompletableFuture.failedFuture(new IllegalArgumentException(item.error()));
      inFlight.add(new InFlight(item.line(), item.cid(), commit));
    }
    InFlight head = inFlight.poll();
    if (head == null) {
      return null;
    }
    try {
      head.commit().join();
      return PinResult.ok(head.line(), head.cid());
    } catch (CompletionException e) {
      return new PinResult(head.line(), head.cid(), Cluster.rootMessage(e));
    }
  }

  private CompletableFuture<Pin> submitSafely(PinRequest item) {
    try {
      return submit.apply(item);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Stops reading input; commits already sent still complete on their own. */
  @Override
  public void close() {
    closed = true;
    inFlight.clear();
  }
}

package io.pincluster.service.cluster;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.AddedOutput;
import io.pincluster.core.api.IpfsAdded;
import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
import java.util.List;
import java.util.function.BiFunction;

/**
 * {@code POST /add} as a stream: passes the IPFS node's add output through, holding back one object
 * so the last one (the root) can be pinned in the cluster before it is emitted with its
 * allocations. Single consumer.
 */
final class AddPipeline extends Lookahead<AddedOutput> {
  private final CloseableIterator<IpfsAdded> added;
  private final BiFunction<Cid, String, Pin> pinRoot;
  private IpfsAdded heldBack;
  private boolean done;

  /**
   * @param pinRoot pins the root (CID, name) and returns the committed pin, or null when the add is
   *     not to be pinned
   */
  AddPipeline(CloseableIterator<IpfsAdded> added, BiFunction<Cid, String, Pin> pinRoot) {
    this.added = added;
    this.pinRoot = pinRoot;
  }

  @Override
  protected AddedOutput computeNext() {
    while (!done && added.hasNext()) {
      IpfsAdded item = added.next();
      if (item.cid() == null) {
        return new AddedOutput(item.name(), null, item.bytes(), 0, List.of()); // progress
      }
      IpfsAdded previous = heldBack;
      heldBack = item;
      if (previous != null) {
        return output(previous, List.of());
      }
    }
    if (done || heldBack == null) {
      return null;
    }
    done = true;
    Pin pin = pinRoot.apply(heldBack.cid(), heldBack.name());
    return output(heldBack, pin == null ? List.of() : pin.allocations());
  }

  private static AddedOutput output(IpfsAdded a, List<io.pincluster.core.peer.PeerId> allocations) {
    return new AddedOutput(a.name(), a.cid(), a.bytes(), a.size(), allocations);
  }

  @Override
  public void close() {
    added.close();
  }
}

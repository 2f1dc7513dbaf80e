package io.pincluster.core;

/** Allocation found fewer healthy peers than the pin's minimum replication; nothing committed. */
public final class NotEnoughPeersException extends ClusterException {
  private static final long serialVersionUID = 1L;

  public NotEnoughPeersException(int needed, int wanted, int available) {
    super(
        "not enough peers to allocate CID. Needed at least: "
            + needed
            + ". Wanted at most: "
            + wanted
            + ". Available candidates: "
            + available
            + ". See logs for more info.");
  }
}

package io.pincluster.core;

/**
 * Allocation found fewer healthy peers than the pin's minimum replication; nothing committed. The
 * message is IPFS Cluster's, with the reasons members were left out (a missing metric, down) before
 * its closing sentence.
 */
public final class NotEnoughPeersException extends ClusterException {
  private static final long serialVersionUID = 1L;

  public NotEnoughPeersException(int needed, int wanted, int available) {
    this(needed, wanted, available, "");
  }

  /**
   * @param leftOut why members were not candidates, e.g. {@code "peer 12D3… has no tag:group
   *     metric"}; empty when there is nothing to say
   */
  public NotEnoughPeersException(int needed, int wanted, int available, String leftOut) {
    super(
        "not enough peers to allocate CID. Needed at least: "
            + needed
            + ". Wanted at most: "
            + wanted
            + ". Available candidates: "
            + available
            + ". "
            + (leftOut.isEmpty() ? "" : "Left out: " + leftOut + ". ")
            + "See logs for more info.");
  }
}

package io.pincluster.core;

import io.pincluster.core.cid.Cid;

/** The CID is not in the pinset. Its message is IPFS Cluster's, which clients match on. */
public final class PinNotFoundException extends ClusterException {
  private static final long serialVersionUID = 1L;
  public static final String MESSAGE = "pin is not part of the pinset";
  private final transient Cid cid;

  public PinNotFoundException(Cid cid) {
    super(MESSAGE);
    this.cid = cid;
  }

  public Cid cid() {
    return cid;
  }
}

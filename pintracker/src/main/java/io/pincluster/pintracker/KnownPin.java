package io.pincluster.pintracker;

import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import java.util.Objects;

/**
 * A pin the tracker knows the local IPFS node holds. Immutable.
 *
 * @param cid the CID as the cluster knows it (the pinset's form when the cluster pinned it, else
 *     the form IPFS listed); the store keys it by its multihash
 * @param mode how IPFS pins it
 * @param tracked true when the cluster owns this pin on this node (it pinned it, or the pin is
 *     allocated here): only tracked pins are ever unpinned by the tracker, so pins a user made by
 *     hand in IPFS for CIDs the cluster does not allocate here are left alone
 */
public record KnownPin(Cid cid, PinMode mode, boolean tracked) {
  public KnownPin {
    Objects.requireNonNull(cid, "cid");
    Objects.requireNonNull(mode, "mode");
  }

  /**
   * True when this pin is enough for a pin wanted in {@code wanted} mode (recursive covers all).
   */
  public boolean satisfies(PinMode wanted) {
    return mode == PinMode.RECURSIVE || wanted == PinMode.DIRECT;
  }

  public KnownPin withTracked(boolean newTracked) {
    return new KnownPin(cid, mode, newTracked);
  }
}

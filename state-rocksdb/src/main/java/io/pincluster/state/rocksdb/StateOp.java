package io.pincluster.state.rocksdb;

import io.pincluster.core.api.PeerRecord;
import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.PeerId;
import java.util.Objects;

/**
 * One change to the replicated state. A Raft entry carries a list of these, applied together by
 * {@link RocksPinStore#apply}. Immutable; every operation is deterministic (the proposer chose any
 * timestamp or allocation inside the {@link Pin}).
 */
public sealed interface StateOp {

  /**
   * Adds {@code pin} or replaces the pin with the same CID.
   *
   * @param json {@code pin}'s JSON exactly as it was read into {@code pin} (from a Raft entry), or
   *     null; when given it is stored as-is instead of encoding {@code pin} again. Not part of
   *     equality.
   */
  record PutPin(Pin pin, byte[] json) implements StateOp {
    public PutPin {
      Objects.requireNonNull(pin, "pin");
    }

    public PutPin(Pin pin) {
      this(pin, null);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PutPin p && p.pin.equals(pin);
    }

    @Override
    public int hashCode() {
      return pin.hashCode();
    }

    @Override
    public String toString() {
      return "PutPin[pin=" + pin + "]";
    }
  }

  /**
   * Replaces the stored pin with {@code pin} only if the stored one still equals {@code expected}
   * (a re-allocation computed from it); reports NOT_FOUND, changing nothing, when the pin was
   * removed or changed meanwhile, so a re-allocation never brings back a removed pin.
   */
  record ReplacePin(Pin expected, Pin pin) implements StateOp {
    public ReplacePin {
      Objects.requireNonNull(expected, "expected");
      Objects.requireNonNull(pin, "pin");
      if (!expected.cid().equals(pin.cid())) {
        throw new IllegalArgumentException("a replacement must keep the CID");
      }
    }
  }

  /** Removes the pin of {@code cid}; reports NOT_FOUND when there is none. */
  record RemovePin(Cid cid) implements StateOp {
    public RemovePin {
      Objects.requireNonNull(cid, "cid");
    }
  }

  /** Stores (or replaces) a peer's record in the peer table. */
  record PutPeer(PeerRecord record) implements StateOp {
    public PutPeer {
      Objects.requireNonNull(record, "record");
    }
  }

  /** Removes a peer's record; reports NOT_FOUND when there is none. */
  record RemovePeer(PeerId id) implements StateOp {
    public RemovePeer {
      Objects.requireNonNull(id, "id");
    }
  }
}

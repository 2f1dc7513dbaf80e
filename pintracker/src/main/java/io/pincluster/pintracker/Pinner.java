package io.pincluster.pintracker;

import io.pincluster.core.ClusterException;
import io.pincluster.core.IpfsConnector;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.Multiaddr;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IPFS side of one pin or unpin operation, as IPFS Cluster does it. Counts the pin calls it
 * makes ({@code pin/add} and {@code pin/update}) and those that failed. Thread-safe.
 */
final class Pinner {
  private static final Logger log = LoggerFactory.getLogger(Pinner.class);

  /** At most this many origins are connected to before pinning. */
  static final int MAX_ORIGINS = 10;

  private final IpfsConnector ipfs;
  private final LongAdder pinCalls = new LongAdder();
  private final LongAdder pinCallErrors = new LongAdder();

  Pinner(IpfsConnector ipfs) {
    this.ipfs = ipfs;
  }

  /**
   * Makes IPFS hold {@code pin}: nothing when it already does in a mode that suffices; else
   * connects to the pin's origins (failures only logged), then {@code pin/update} from the pin it
   * replaces when that one is pinned recursively, else {@code pin/add}. Returns the mode IPFS now
   * holds it in.
   *
   * <p>A plain recursive pin (no origins, no pin update) is handed straight to the connector, whose
   * {@code pin} is idempotent; {@code mayHold} false (this peer has no record of the CID in IPFS)
   * lets it skip its own check ({@link IpfsConnector#pinNew}). Every call the node answers costs:
   * against a node that answers one request at a time (js-ipfs) the checks made most of the
   * tracker's overhead (bench figure 7). Such a pin is counted by {@link #pinCalls()} even when the
   * connector finds it done.
   *
   * @param mayHold whether this peer's records say IPFS may hold the CID already
   * @throws ClusterException from IPFS (also when the calling thread is interrupted)
   */
  PinMode pin(Pin pin, boolean mayHold) {
    Cid cid = pin.cid();
    if (isPlain(pin)) {
      if (mayHold) {
        count(() -> ipfs.pin(cid, PinMode.RECURSIVE));
      } else {
        count(() -> ipfs.pinNew(cid, PinMode.RECURSIVE));
      }
      return PinMode.RECURSIVE;
    }
    Optional<PinMode> current = ipfs.pinStatus(cid);
    if (current.isPresent() && new KnownPin(cid, current.get(), true).satisfies(pin.mode())) {
      return current.get();
    }
    connectOrigins(pin);
    Cid from = pin.pinUpdate();
    boolean update = from != null && pin.mode() == PinMode.RECURSIVE && isPinnedRecursively(from);
    if (update) {
      count(() -> ipfs.pinUpdate(from, cid));
      return PinMode.RECURSIVE;
    }
    count(() -> ipfs.pinNew(cid, pin.mode())); // just found not held in a mode that suffices
    return pin.mode();
  }

  /** A recursive pin without origins to connect to or a pin to update from. */
  static boolean isPlain(Pin pin) {
    return pin.mode() == PinMode.RECURSIVE && pin.origins().isEmpty() && pin.pinUpdate() == null;
  }

  /**
   * Pins recursively, in as few calls as IPFS allows, those of {@code cids} (plain pins, see {@link
   * #isPlain}) whose DAG IPFS holds whole, fetching nothing; returns those pinned, each counted by
   * {@link #pinCalls()}. Never fails: what is not pinned is for {@link #pin}, one by one.
   */
  Set<Cid> pinLocal(List<Cid> cids) {
    Set<Cid> pinned;
    try {
      pinned = ipfs.pinLocal(cids);
    } catch (RuntimeException e) {
      log.warn("pinning {} CIDs held by IPFS together failed: {}", cids.size(), e.toString());
      return Set.of();
    }
    pinCalls.add(pinned.size());
    return pinned;
  }

  /** Runs one pin call, counting it and, unless cancelled, its failure. */
  private void count(Runnable call) {
    pinCalls.increment();
    try {
      call.run();
    } catch (RuntimeException e) {
      if (!Thread.currentThread().isInterrupted()) {
        pinCallErrors.increment(); // a cancelled call is not a failure
      }
      throw e;
    }
  }

  /** The {@code pin/add} and {@code pin/update} calls made so far. */
  long pinCalls() {
    return pinCalls.sum();
  }

  /** The calls counted by {@link #pinCalls()} that failed (not those cancelled). */
  long pinCallErrors() {
    return pinCallErrors.sum();
  }

  /** Unpins {@code cid}; not pinned counts as success. */
  void unpin(Cid cid) {
    ipfs.unpin(cid);
  }

  private void connectOrigins(Pin pin) {
    int n = 0;
    for (Multiaddr origin : pin.origins()) {
      if (n++ == MAX_ORIGINS || Thread.currentThread().isInterrupted()) {
        return;
      }
      try {
        ipfs.swarmConnect(origin);
      } catch (ClusterException e) {
        log.info("pinning {}: cannot connect to origin {}: {}", pin.cid(), origin, e.getMessage());
      }
    }
  }

  private boolean isPinnedRecursively(Cid from) {
    try {
      return ipfs.pinStatus(from).orElse(null) == PinMode.RECURSIVE;
    } catch (ClusterException e) {
      log.info("pin update from {}: cannot check it: {}", from, e.getMessage());
      return false;
    }
  }
}

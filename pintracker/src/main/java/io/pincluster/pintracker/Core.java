package io.pincluster.pintracker;

import io.pincluster.core.IpfsConnector;
import io.pincluster.core.PinStateView;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.MapTrackerSection;
import io.pincluster.core.peer.PeerId;
import io.pincluster.pintracker.TrackerStore.Entry;
import io.pincluster.pintracker.internal.Feeder;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the tracker's parts share: its dependencies, the op table, the feeders, and the rules that
 * turn an op, a pin and the store's records into a status.
 */
final class Core {
  static final String NOT_PINNED = "the item should be pinned but it is not";

  final PeerId self;
  final String peername;
  final MapTrackerSection config;
  final Duration opTimeout;
  final PinStateView state;
  final IpfsConnector ipfs;
  final CountingStore store;
  final InstantSource clock;
  final OpTable table;
  final Feeder pinFeeder = new Feeder("pintracker-feeder");
  final Feeder unpinFeeder = new Feeder("pintracker-unpin-feeder");
  final AtomicBoolean closed = new AtomicBoolean();

  Core(
      PeerId self,
      String peername,
      MapTrackerSection config,
      Duration opTimeout,
      PinStateView state,
      IpfsConnector ipfs,
      TrackerStore store,
      InstantSource clock) {
    this.self = self;
    this.peername = peername;
    this.config = config;
    this.opTimeout = opTimeout;
    this.state = state;
    this.ipfs = ipfs;
    this.store = new CountingStore(store);
    this.clock = clock;
    this.table = new OpTable(config.maxPinQueueSize());
  }

  boolean isAllocatedHere(Pin pin) {
    return pin != null && pin.isAllocatedTo(self);
  }

  /** Lock held. Writes {@code failure}; see {@link OpTable#failureWrites}. */
  void putFailure(Failure failure) {
    store.putFailure(failure);
    table.failureWritten(failure.cid());
  }

  /** Young pins not retried too often go to the priority queue. */
  boolean isPriority(Pin pin, int attempts) {
    Instant cutoff = clock.instant().minus(config.priorityPinMaxAge());
    return pin.timestamp().isAfter(cutoff) && attempts <= config.priorityPinMaxRetries();
  }

  /** Lock held; no op for the CID. Queues a pin op; null when the queue is full. */
  Op queuePin(Pin pin, int attempts, boolean force) {
    return queuePin(pin, attempts, force, 0);
  }

  /** As {@link #queuePin(Pin, int, boolean)}, leaving {@code reserve} slots free. */
  Op queuePin(Pin pin, int attempts, boolean force, int reserve) {
    return table.queue(
        Op.Type.PIN, pin, attempts, clock.instant(), isPriority(pin, attempts), force, reserve);
  }

  /**
   * The pin queue slots the feeder leaves free, so pins committed now (priority pins) find room
   * instead of waiting behind a backlog the feeder pulls from the pinset: a tenth of the queue, at
   * least one (none for a queue of one).
   */
  int feederReserve() {
    int capacity = config.maxPinQueueSize();
    return capacity > 1 ? Math.max(1, capacity / 10) : 0;
  }

  /** Lock held; no op for the CID. Queues an unpin op; null when the queue is full. */
  Op queueUnpin(Pin pin, int attempts, boolean force) {
    return table.queue(Op.Type.UNPIN, pin, attempts, clock.instant(), false, force, 0);
  }

  /** The attempts an op of this type carries over from the CID's failure. */
  static int carriedAttempts(Op.Type type, Entry entry) {
    return entry
        .failure()
        .filter(f -> f.kind().wantsPin() == (type == Op.Type.PIN))
        .map(Failure::attempts)
        .orElse(0);
  }

  /** A stand-in pin for a CID that is not in the pinset (its unpin still needs one). */
  static Pin bare(Cid cid) {
    return Pin.of(cid, PinOptions.DEFAULT);
  }

  /** A snapshot of {@code cid}'s op, or null. */
  Op.View opView(Cid cid) {
    synchronized (table.lock(cid)) {
      Op op = table.get(cid);
      return op == null ? null : op.view();
    }
  }

  /**
   * The status from what is known without asking IPFS: the op if any; else, for a pin allocated
   * here, its failure, pinned, or queued (not processed yet); for one that is not (or not in the
   * pinset), an unpin failure, unpin_queued while a pin the cluster made is still held, else remote
   * or unpinned.
   */
  PinInfo derive(Cid cid, Op.View op, Pin pin, Entry entry) {
    return derive(cid, op, pin, entry, clock.instant());
  }

  /**
   * As {@link #derive(Cid, Op.View, Pin, Entry)}, with {@code now} as the time of a known status.
   */
  private PinInfo derive(Cid cid, Op.View op, Pin pin, Entry entry, Instant now) {
    if (op != null) {
      return info(cid, op.pin(), op.status(), op.timestamp(), "", op.attempts(), op.priority());
    }
    Failure failure = entry.failure().orElse(null);
    KnownPin known = entry.pinned().orElse(null);
    if (isAllocatedHere(pin)) {
      if (failure != null && failure.kind().wantsPin()) {
        return fromFailure(cid, pin, failure);
      }
      if (known != null && known.satisfies(pin.mode())) {
        return info(cid, pin, TrackerStatus.PINNED, now, "", 0, false);
      }
      return info(cid, pin, TrackerStatus.PIN_QUEUED, now, "", 0, false);
    }
    if (failure != null && !failure.kind().wantsPin()) {
      return fromFailure(cid, pin, failure);
    }
    if (known != null && known.tracked()) {
      return info(cid, pin, TrackerStatus.UNPIN_QUEUED, now, "", 0, false);
    }
    TrackerStatus status = pin == null ? TrackerStatus.UNPINNED : TrackerStatus.REMOTE;
    return info(cid, pin, status, now, "", 0, false);
  }

  /**
   * The derived statuses of {@code pins}, in order, with one store read for those without an op (no
   * IPFS call); a store failure makes each of those a cluster_error.
   */
  List<PinInfo> deriveAll(List<Pin> pins) {
    int n = pins.size();
    Op.View[] ops = new Op.View[n];
    List<Cid> lookups = new ArrayList<>(n);
    // One look for the whole batch, as if every op were read now: an idle tracker's table is empty
    // but may be large, and a lookup per pin missed the CPU cache every time.
    boolean anyOp = !table.isEmpty();
    for (int i = 0; i < n; i++) {
      Cid cid = pins.get(i).cid();
      ops[i] = anyOp ? opView(cid) : null;
      if (ops[i] == null) {
        lookups.add(cid);
      }
    }
    List<Entry> entries = null;
    RuntimeException failed = null;
    try {
      entries = store.getAll(lookups);
    } catch (RuntimeException e) {
      failed = e;
    }
    List<PinInfo> out = new ArrayList<>(n);
    Instant now = clock.instant();
    int looked = 0;
    for (int i = 0; i < n; i++) {
      Pin pin = pins.get(i);
      if (ops[i] != null) {
        out.add(derive(pin.cid(), ops[i], pin, Entry.EMPTY, now));
      } else if (failed != null) {
        out.add(clusterError(pin.cid(), pin, failed));
      } else {
        out.add(derive(pin.cid(), null, pin, entries.get(looked++), now));
      }
    }
    return out;
  }

  PinInfo fromFailure(Cid cid, Pin pin, Failure f) {
    String error = f.requeued() ? "" : f.error();
    return info(cid, pin, f.status(), f.timestamp(), error, f.attempts(), false);
  }

  PinInfo clusterError(Cid cid, Pin pin, RuntimeException e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    return info(cid, pin, TrackerStatus.CLUSTER_ERROR, clock.instant(), message, 0, false);
  }

  PinInfo info(
      Cid cid,
      Pin pin,
      TrackerStatus status,
      Instant timestamp,
      String error,
      int attempts,
      boolean priority) {
    PinInfo base = PinInfo.of(cid, pin, self, peername, status, timestamp, error, attempts);
    if (!priority) {
      return base;
    }
    return new PinInfo(
        base.cid(),
        base.name(),
        base.peer(),
        base.allocations(),
        base.origins(),
        base.created(),
        base.metadata(),
        base.peername(),
        base.ipfsPeerId(),
        base.ipfsPeerAddresses(),
        base.status(),
        base.timestamp(),
        base.error(),
        base.attemptCount(),
        true);
  }

  Optional<Pin> pinsetGet(Cid cid) {
    return state.get(cid);
  }
}

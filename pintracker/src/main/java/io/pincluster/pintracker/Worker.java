package io.pincluster.pintracker;

import io.pincluster.core.ClusterException;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import io.pincluster.pintracker.Op.Phase;
import io.pincluster.pintracker.Op.Type;
import io.pincluster.pintracker.TrackerStore.Entry;
import io.pincluster.pintracker.internal.PinQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of one worker thread ({@code pintracker-pin-N} or {@code pintracker-unpin}): takes ops
 * from its queue (plain pins queued together as one batch, see {@link #processBatch}), runs their
 * IPFS calls outside any lock, and records the outcome in the store and the op table under the
 * CID's stripe lock. What IPFS did is always recorded (a pin that completed is pinned, even if its
 * op was cancelled meanwhile); a failure only while the op is still current and the tracker open (a
 * cancelled or shut-down op is not an error).
 */
final class Worker implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  /** The most pin ops run together ({@link #processBatch}). */
  static final int MAX_BATCH = 64;

  private final Core core;
  private final PinQueue<Op> queue;
  private final Pinner pinner;
  private final Reconciler reconciler;

  Worker(Core core, PinQueue<Op> queue, Pinner pinner, Reconciler reconciler) {
    this.core = core;
    this.queue = queue;
    this.pinner = pinner;
    this.reconciler = reconciler;
  }

  @Override
  public void run() {
    while (!core.closed.get()) {
      List<Op> ops;
      try {
        ops = queue.takeBatch(MAX_BATCH, Worker::batchable);
      } catch (InterruptedException e) {
        return;
      }
      try {
        if (ops.size() == 1) {
          process(ops.get(0));
        } else {
          processBatch(ops);
        }
      } catch (RuntimeException e) {
        log.error("{} ops from {} failed unexpectedly", ops.size(), ops.get(0).cid, e);
      }
    }
  }

  /**
   * Whether {@code op} may share a batch: a plain pin ({@link Pinner#isPlain}) with no cancelled op
   * to wait for, not sent to run alone. Read without the CID's lock, so only a hint: {@link
   * #processBatch} checks again under it.
   */
  private static boolean batchable(Op op) {
    return op.type == Type.PIN && !op.alone && op.predecessor == null && Pinner.isPlain(op.pin);
  }

  /**
   * Runs pin ops queued together ({@link #batchable}) as one: {@link Pinner#pinLocal} pins those
   * whose DAG IPFS holds whole in a few calls, and each of the others goes back to the head of the
   * queue to run alone (fetching, on any worker), as does one this peer's records say IPFS may
   * already hold (its check is cheaper than a walk). A cancel of one of them interrupts the batch's
   * call, as for a pin alone: the others not pinned by then run alone.
   */
  private void processBatch(List<Op> taken) {
    // Every record as of now: the entry read when the op was queued while its CID's failure count
    // is unchanged, else one multi-get of the rest. No one else writes a CID's failure while it has
    // an op (one still current under the lock below was current when read), but failures are kept
    // by multihash: a write for another CID of the same multihash shows in OpTable.failureWrites.
    int n = taken.size();
    long[] failureWrites = new long[n]; // before the records are read
    Entry[] entries = new Entry[n];
    List<Cid> toRead = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Op op = taken.get(i);
      synchronized (core.table.lock(op.cid)) {
        failureWrites[i] = core.table.failureWrites(op.cid);
        if (op.entryAtQueue != null && op.failureWritesAtQueue == failureWrites[i]) {
          entries[i] = op.entryAtQueue;
        } else {
          toRead.add(op.cid);
        }
        op.entryAtQueue = null; // read afresh if it runs again
      }
    }
    try {
      List<Entry> read = toRead.isEmpty() ? List.of() : core.store.getAll(toRead);
      for (int i = 0, r = 0; i < n; i++) {
        if (entries[i] == null) {
          entries[i] = read.get(r++);
        }
      }
    } catch (RuntimeException e) {
      log.warn("cannot read the records of {} pins: each runs alone: {}", n, e.toString());
      sendAlone(taken);
      return;
    }
    List<Op> batch = new ArrayList<>(taken.size());
    List<Pin> pins = new ArrayList<>(taken.size());
    List<Boolean> hadFailure = new ArrayList<>(taken.size());
    List<Op> alone = new ArrayList<>();
    for (int i = 0; i < taken.size(); i++) {
      Op op = taken.get(i);
      synchronized (core.table.lock(op.cid)) {
        if (!core.table.isCurrent(op) || op.phase != Phase.QUEUED) {
          continue; // replaced or cancelled while queued
        }
        if (!batchable(op) || entries[i].pinned().isPresent()) {
          alone.add(op);
          continue;
        }
        start(op); // a cancel interrupts the batch's call
        op.failureWritesAtStart = failureWrites[i];
        batch.add(op);
        pins.add(op.pin);
        hadFailure.add(entries[i].failure().isPresent());
      }
    }
    sendAlone(alone);
    if (batch.isEmpty()) {
      return;
    }
    Set<Cid> pinned = pinner.pinLocal(pins.stream().map(Pin::cid).toList());
    RuntimeException unrecorded = recordPinned(pins, pinned);
    for (int i = batch.size() - 1; i >= 0; i--) { // last first: those requeued keep their order
      Op op = batch.get(i);
      boolean done = pinned.contains(op.cid);
      synchronized (core.table.lock(op.cid)) {
        op.runner = null; // from now on a cancel of this op interrupts nothing
        Thread.interrupted(); // a cancel's interrupt (of this op or one settled before) is spent
        boolean current = core.table.isCurrent(op);
        if (!done && current && !core.closed.get()) {
          op.alone = true;
          op.attempts--;
          core.table.requeue(op); // not run: no outcome, nothing finished
          continue;
        }
        try {
          if (done && !core.closed.get()) {
            settleDone(op, current, hadFailure.get(i), unrecorded);
          }
        } finally {
          core.table.finishRun(op);
        }
      }
    }
  }

  /** Puts {@code ops}, taken but not run, back at the head of the queue in order, to run alone. */
  private void sendAlone(List<Op> ops) {
    for (int i = ops.size() - 1; i >= 0; i--) {
      Op op = ops.get(i);
      op.alone = true; // before the queue's lock, under which takers read it
      queue.putBack(op, op.inPriorityLevel());
    }
  }

  /**
   * Records in one write the pins IPFS pinned (whether their ops are still current or not, as
   * {@link #recordSuccess} does); returns the failure to write them, or null.
   */
  private RuntimeException recordPinned(List<Pin> pins, Set<Cid> pinned) {
    if (pinned.isEmpty() || core.closed.get()) {
      return null;
    }
    List<KnownPin> known = new ArrayList<>(pinned.size());
    for (Pin pin : pins) {
      if (pinned.contains(pin.cid())) {
        known.add(new KnownPin(pin.cid(), PinMode.RECURSIVE, true));
      }
    }
    try {
      core.store.putPinnedAll(known);
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  /** Lock held. IPFS pinned {@code op}'s CID in a batch; {@code unrecorded}: the store refused. */
  private void settleDone(Op op, boolean current, boolean hadFailure, RuntimeException unrecorded) {
    try {
      if (unrecorded != null) {
        throw unrecorded;
      }
      settleSuccess(op, current, hadFailure);
    } catch (RuntimeException e) {
      cannotRecord(op, current, e);
    }
  }

  private void process(Op op) {
    Pin pin;
    synchronized (core.table.lock(op.cid)) {
      if (!core.table.isCurrent(op) || op.phase != Phase.QUEUED) {
        return; // replaced or cancelled while queued
      }
      start(op);
      op.failureWritesAtStart = core.table.failureWrites(op.cid); // before its records are read
      pin = op.pin;
    }
    PinMode mode = null;
    String error = null;
    boolean mayHaveFailure = true;
    try {
      awaitPredecessor(op);
      if (op.type == Type.PIN) {
        Entry entry = core.store.get(op.cid); // only this op writes its CID's failure meanwhile
        mayHaveFailure = entry.failure().isPresent();
        mode = pinner.pin(pin, entry.pinned().isPresent());
      } else {
        pinner.unpin(op.cid);
      }
    } catch (ClusterException e) {
      error = e.getMessage();
    } catch (InterruptedException e) {
      error = "interrupted while waiting for the previous operation on " + op.cid;
    } catch (RuntimeException e) {
      log.error("{} of {} failed unexpectedly", op.type, op.cid, e);
      error = e.toString();
    }
    synchronized (core.table.lock(op.cid)) {
      try {
        if (!core.closed.get()) {
          Thread.interrupted(); // a cancel's interrupt is spent; the next op must not see it
          record(op, pin, mode, error, mayHaveFailure);
        }
      } finally {
        core.table.finishRun(op);
      }
    }
  }

  /** Lock held; {@code op} is current and queued. It runs now, on this thread. */
  private void start(Op op) {
    core.table.markRunning(op);
    op.attempts++;
    op.timestamp = core.clock.instant();
    op.runner = Thread.currentThread(); // a cancel interrupts this thread's IPFS call
  }

  private void awaitPredecessor(Op op) throws InterruptedException {
    if (op.predecessor == null) {
      return;
    }
    try {
      op.predecessor.finished.get(core.opTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn(
          "{} of {}: the cancelled {} still runs after {}; going ahead",
          op.type,
          op.cid,
          op.predecessor.type,
          core.opTimeout);
    } catch (ExecutionException e) {
      // never completed exceptionally
    }
  }

  /** Lock held. */
  private void record(Op op, Pin pin, PinMode mode, String error, boolean mayHaveFailure) {
    boolean current = core.table.isCurrent(op);
    try {
      if (error == null) {
        recordSuccess(op, pin, mode, current, mayHaveFailure);
      } else if (current) {
        Failure.Kind kind = op.type == Type.PIN ? Failure.Kind.PIN_ERROR : Failure.Kind.UNPIN_ERROR;
        log.warn("{} of {} failed (attempt {}): {}", op.type, op.cid, op.attempts, error);
        core.putFailure(new Failure(op.cid, kind, error, op.attempts, core.clock.instant(), false));
        core.table.settle(op);
      }
    } catch (RuntimeException e) {
      cannotRecord(op, current, e);
    }
  }

  /** Lock held. The store refused {@code op}'s outcome: logged; a current op leaves the table. */
  private void cannotRecord(Op op, boolean current, RuntimeException e) {
    log.error("cannot record the outcome of {} of {}: {}", op.type, op.cid, e.toString());
    if (current) {
      core.table.settle(op);
    }
  }

  /** Lock held. */
  private void recordSuccess(
      Op op, Pin pin, PinMode mode, boolean current, boolean mayHaveFailure) {
    if (op.type == Type.PIN) {
      core.store.putPinned(new KnownPin(pin.cid(), mode, true));
    } else {
      core.store.removePinned(op.cid);
    }
    settleSuccess(op, current, mayHaveFailure);
  }

  /**
   * Lock held. IPFS did {@code op} and the store says so: a current op leaves the table, its
   * failure forgotten ({@code mayHaveFailure} false: none was on record when it started; one
   * written since, for its CID or another of the same multihash, shows in {@link
   * OpTable#failureWrites}).
   */
  private void settleSuccess(Op op, boolean current, boolean mayHaveFailure) {
    if (!current) {
      if (op.type == Type.PIN && core.table.get(op.cid) == null) {
        reconciler.requestTrackedPass(); // pinned after all, maybe no longer wanted here
      }
      return;
    }
    if (mayHaveFailure || core.table.failureWrites(op.cid) != op.failureWritesAtStart) {
      core.store.removeFailure(op.cid);
    }
    core.table.settle(op);
    if (op.rerun && core.queuePin(op.pin, op.attempts, false) == null) {
      reconciler.requestPinsetPass(); // queue full: the feeder will find it
    }
  }
}

package io.pincluster.pintracker;

import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
import io.pincluster.pintracker.Op.Phase;
import io.pincluster.pintracker.Op.Type;
import io.pincluster.pintracker.internal.PinQueue;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The operations queued or running (at most one per CID), their queues, and the stripe locks that
 * make a CID's operation and its {@link TrackerStore} records change together.
 *
 * <p>Locking: {@link #lock(Cid)} returns the monitor of the CID's stripe (chosen by multihash, so a
 * CIDv0 and its CIDv1 share it). Methods marked "lock held" must be called holding it. Lock order:
 * a stripe, then the store's own locks; never two stripes.
 *
 * <p>Counts: the number of ops in the table by type and phase is kept on every change (queue,
 * {@link #markRunning}, cancel, settle), so {@link #count} is O(1) and never iterates the table.
 */
final class OpTable {
  private static final int STRIPES = 256;

  final PinQueue<Op> pins;
  final PinQueue<Op> unpins;
  private final Object[] stripes = new Object[STRIPES];

  /** Counters of failure writes: finer than the stripes, each guarded by its stripe's lock. */
  private static final int FAILURE_COUNTERS = STRIPES * 16;

  private final long[] failureWrites = new long[FAILURE_COUNTERS];
  private final ConcurrentHashMap<Cid, Op> ops = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Cid, Op> cancelledRunning = new ConcurrentHashMap<>();
  private final AtomicLongArray counts = new AtomicLongArray(Type.values().length * 2);

  OpTable(int queueCapacity) {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Object();
    }
    pins = new PinQueue<>(queueCapacity);
    unpins = new PinQueue<>(queueCapacity);
  }

  Object lock(Cid cid) {
    return stripes[stripe(cid)];
  }

  private static int stripe(Cid cid) {
    return Math.floorMod(cid.multihash().hashCode(), STRIPES);
  }

  /**
   * Lock held. How many failure records were written for CIDs whose multihash shares a counter with
   * {@code cid}'s (one counter in 4,096): an op that saw no failure on record as it started, and
   * finds this count unchanged as it settles, has none to forget (failures are keyed by multihash,
   * so a CIDv0 and its CIDv1, or the IPFS sync, may write one while the other's op runs).
   */
  long failureWrites(Cid cid) {
    return failureWrites[failureCounter(cid)];
  }

  /** Lock held. A failure record of {@code cid} was written. */
  void failureWritten(Cid cid) {
    failureWrites[failureCounter(cid)]++;
  }

  /** Of the CID's multihash; a multiple of STRIPES apart, so one stripe's lock guards it. */
  private static int failureCounter(Cid cid) {
    return Math.floorMod(cid.multihash().hashCode(), FAILURE_COUNTERS);
  }

  /** The op of {@code cid}; a racy read unless the lock is held. */
  Op get(Cid cid) {
    return ops.get(cid);
  }

  /** Lock held. True when {@code op} is still the CID's op and not cancelled. */
  boolean isCurrent(Op op) {
    return !op.cancelled && ops.get(op.cid) == op;
  }

  /**
   * Lock held; the CID has no op. Creates an op and queues it ({@code force}: at the head, even
   * when full). Returns it, or null when the queue is full or has no more than {@code reserve} free
   * slots (then nothing changed).
   */
  Op queue(
      Type type, Pin pin, int attempts, Instant now, boolean priority, boolean force, int reserve) {
    Op op = new Op(type, pin, attempts, now, priority, cancelledRunning.get(pin.cid()));
    ops.put(op.cid, op);
    PinQueue<Op> queue = type == Type.PIN ? pins : unpins;
    if (force) {
      op.forced = true;
      queue.force(op);
    } else if (!queue.offer(op, priority, reserve)) {
      ops.remove(op.cid, op);
      return null;
    }
    counts.incrementAndGet(slot(type, Phase.QUEUED));
    return op;
  }

  /** Lock held; {@code op} is current and queued. A worker starts running it. */
  void markRunning(Op op) {
    op.phase = Phase.RUNNING;
    counts.decrementAndGet(slot(op.type, Phase.QUEUED));
    counts.incrementAndGet(slot(op.type, Phase.RUNNING));
  }

  /**
   * Lock held; {@code op} is current and running, and no IPFS call of it runs. It goes back to the
   * head of its queue (even when full: it was just taken from it), queued again.
   */
  void requeue(Op op) {
    op.phase = Phase.QUEUED;
    op.runner = null;
    op.rerun = false; // it runs again with its latest pin anyway
    counts.decrementAndGet(slot(op.type, Phase.RUNNING));
    counts.incrementAndGet(slot(op.type, Phase.QUEUED));
    (op.type == Type.PIN ? pins : unpins).putBack(op, op.inPriorityLevel());
  }

  /** The number of ops of {@code type} in {@code phase} in the table. O(1). */
  long count(Type type, Phase phase) {
    return counts.get(slot(type, phase));
  }

  private static int slot(Type type, Phase phase) {
    return type.ordinal() * 2 + phase.ordinal();
  }

  /** Removes {@code op} from the table if it is still there, keeping the counts. */
  private void remove(Op op) {
    if (ops.remove(op.cid, op)) {
      counts.decrementAndGet(slot(op.type, op.phase));
    }
  }

  /**
   * Lock held. Removes {@code op}; a running one has its IPFS call interrupted (the connector then
   * cancels it), and the next op of the CID waits for it to end.
   */
  void cancel(Op op) {
    remove(op);
    op.cancelled = true;
    op.settled.complete(null);
    if (op.phase == Phase.RUNNING) {
      cancelledRunning.put(op.cid, op);
      if (op.runner != null) {
        op.runner.interrupt();
      }
    } else {
      op.finished.complete(null);
    }
  }

  /** Lock held. {@code op} is done or failed: it leaves the table. */
  void settle(Op op) {
    remove(op);
    op.settled.complete(null);
  }

  /** Lock held, by the worker whose IPFS call for {@code op} ended. */
  void finishRun(Op op) {
    op.runner = null;
    cancelledRunning.remove(op.cid, op);
    op.finished.complete(null);
  }

  /** True when no CID has an op (a snapshot: one may be added right after). */
  boolean isEmpty() {
    return ops.isEmpty();
  }

  int size() {
    return ops.size();
  }

  /** Completes every waiter (at close). */
  void settleAll() {
    List.copyOf(ops.values())
        .forEach(
            op -> {
              op.settled.complete(null);
              op.finished.complete(null);
            });
    cancelledRunning.values().forEach(op -> op.finished.complete(null));
  }
}

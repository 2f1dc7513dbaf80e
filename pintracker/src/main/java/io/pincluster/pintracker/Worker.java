package io.pincluster.pintracker;

import io.pincluster.core.ClusterException;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinMode;
import io.pincluster.pintracker.Op.Phase;
import io.pincluster.pintracker.Op.Type;
import io.pincluster.pintracker.internal.PinQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of one worker thread ({@code pintracker-pin-N} or {@code pintracker-unpin}): takes ops
 * from its queue, runs their IPFS call outside any lock, and records the outcome in the store and
 * the op table under the CID's stripe lock. What IPFS did is always recorded (a pin that completed
 * is pinned, even if its op was cancelled meanwhile); a failure only while the op is still current
 * and the tracker open (a cancelled or shut-down op is not an error).
 */
final class Worker implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

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
      Op op;
      try {
        op = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        process(op);
      } catch (RuntimeException e) {
        log.error("{} of {} failed unexpectedly", op.type, op.cid, e);
      }
    }
  }

  private void process(Op op) {
    Pin pin;
    synchronized (core.table.lock(op.cid)) {
      if (!core.table.isCurrent(op) || op.phase != Phase.QUEUED) {
        return; // replaced or cancelled while queued
      }
      core.table.markRunning(op);
      op.attempts++;
      op.timestamp = core.clock.instant();
      op.runner = Thread.currentThread();
      pin = op.pin;
    }
    PinMode mode = null;
    String error = null;
    try {
      awaitPredecessor(op);
      if (op.type == Type.PIN) {
        mode = pinner.pin(pin, core.store.get(op.cid).pinned().isPresent());
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
          record(op, pin, mode, error);
        }
      } finally {
        core.table.finishRun(op);
      }
    }
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
  private void record(Op op, Pin pin, PinMode mode, String error) {
    boolean current = core.table.isCurrent(op);
    try {
      if (error == null) {
        recordSuccess(op, pin, mode, current);
      } else if (current) {
        Failure.Kind kind = op.type == Type.PIN ? Failure.Kind.PIN_ERROR : Failure.Kind.UNPIN_ERROR;
        log.warn("{} of {} failed (attempt {}): {}", op.type, op.cid, op.attempts, error);
        core.store.putFailure(
            new Failure(op.cid, kind, error, op.attempts, core.clock.instant(), false));
        core.table.settle(op);
      }
    } catch (RuntimeException e) {
      log.error("cannot record the outcome of {} of {}: {}", op.type, op.cid, e.toString());
      if (current) {
        core.table.settle(op);
      }
    }
  }

  /** Lock held. */
  private void recordSuccess(Op op, Pin pin, PinMode mode, boolean current) {
    if (op.type == Type.PIN) {
      core.store.putPinned(new KnownPin(pin.cid(), mode, true));
    } else {
      core.store.removePinned(op.cid);
    }
    if (!current) {
      if (op.type == Type.PIN && core.table.get(op.cid) == null) {
        reconciler.requestTrackedPass(); // pinned after all, maybe no longer wanted here
      }
      return;
    }
    core.store.removeFailure(op.cid);
    core.table.settle(op);
    if (op.rerun && core.queuePin(op.pin, op.attempts, false) == null) {
      reconciler.requestPinsetPass(); // queue full: the feeder will find it
    }
  }
}

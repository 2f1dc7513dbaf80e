package io.pincluster.pintracker;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * One queued or running local operation on a CID. Mutable: every field but the final ones is
 * guarded by the CID's stripe lock in {@link OpTable} (read and written only while holding it).
 */
final class Op {
  enum Type {
    PIN,
    UNPIN
  }

  enum Phase {
    QUEUED,
    RUNNING
  }

  final Cid cid;
  final Type type;

  /** An op on the same CID that was cancelled while running; this one waits for it first. */
  final Op predecessor;

  /** Completed when the op leaves the table: done, failed, or cancelled. */
  final CompletableFuture<Void> settled = new CompletableFuture<>();

  /** Completed when no IPFS call of this op is running or will run. */
  final CompletableFuture<Void> finished = new CompletableFuture<>();

  Pin pin;
  Phase phase = Phase.QUEUED;
  int attempts;
  Instant timestamp;
  boolean priority;

  /** Queued at the head of the priority level ({@code recover}): goes back there if requeued. */
  boolean forced;

  Thread runner;
  boolean cancelled;

  /** {@link OpTable#failureWrites} of its CID as it last started. */
  long failureWritesAtStart;

  /**
   * The CID's store entry as read when {@link MapPinTracker#track} queued the op (null: not read
   * then, or used already), and {@link OpTable#failureWrites} just before that read. A batch uses
   * it instead of reading the store again while the count is unchanged (its failure is then still
   * what the store holds; a stale known-pinned record only changes whether the pin runs alone).
   */
  TrackerStore.Entry entryAtQueue;

  long failureWritesAtQueue;

  /**
   * Set when a batch found the node without the whole DAG, or the op unfit for a batch: it runs
   * alone. Written before the op goes back to its queue, read under the queue's lock.
   */
  boolean alone;

  /** Set when the pin changed in a way that matters to IPFS while running: run it again. */
  boolean rerun;

  Op(Type type, Pin pin, int attempts, Instant now, boolean priority, Op predecessor) {
    this.cid = pin.cid();
    this.type = type;
    this.pin = pin;
    this.attempts = attempts;
    this.timestamp = now;
    this.priority = priority;
    this.predecessor = predecessor;
  }

  /** Whether it queues in the priority level: a young pin, or one queued at its head. */
  boolean inPriorityLevel() {
    return priority || forced;
  }

  TrackerStatus status() {
    boolean isPin = type == Type.PIN;
    if (phase == Phase.QUEUED) {
      return isPin ? TrackerStatus.PIN_QUEUED : TrackerStatus.UNPIN_QUEUED;
    }
    return isPin ? TrackerStatus.PINNING : TrackerStatus.UNPINNING;
  }

  /** True when running {@code newPin} instead of {@link #pin} would make IPFS do something else. */
  boolean differsForIpfs(Pin newPin) {
    return pin.mode() != newPin.mode() || !Objects.equals(pin.pinUpdate(), newPin.pinUpdate());
  }

  /** A copy of what status reports need, taken under the stripe lock. */
  View view() {
    return new View(pin, status(), timestamp, attempts, type == Type.PIN && priority);
  }

  record View(Pin pin, TrackerStatus status, Instant timestamp, int attempts, boolean priority) {}
}

package io.pincluster.consensus.raft.internal;

import io.pincluster.consensus.raft.internal.EntryCodec.Decoded;
import io.pincluster.consensus.raft.internal.EntryCodec.Entry;
import io.pincluster.consensus.raft.internal.SnapshotStore.Found;
import io.pincluster.state.rocksdb.OpResult;
import io.pincluster.state.rocksdb.RocksPinStore;
import io.pincluster.state.rocksdb.StateOp;
import io.pincluster.state.rocksdb.StateStoreException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft state machine: applies batches of {@link StateOp}s to the {@link RocksPinStore}, and
 * takes and installs snapshots of it.
 *
 * <p>Design notes:
 *
 * <ul>
 *   <li>Apply only applies: decode, one RocksDB write batch (which also records the applied term
 *       and index), a reply with one result per operation. No wall-clock reads (timestamps are in
 *       the pins), no I/O besides the DB, no listener calls (the store notifies them on its own
 *       thread).
 *   <li>Bad input never throws: an undecodable entry or operation becomes an INVALID result. Two
 *       things do throw, on purpose: an entry of an <em>unknown version</em> (this build must not
 *       guess what a newer one meant) and a <em>storage</em> failure. Ratis then stops applying and
 *       closes this division (fail-stop) instead of carrying on with a state that silently
 *       diverged; a restart meets the same entry again. The leader refuses unknown versions up
 *       front ({@link #startTransaction}), so only a newer leader can put one in the log. A full
 *       disk is the exception: the apply waits and retries until space is freed ({@link
 *       ApplyStall}), so the peer keeps serving reads and writes resume without a restart.
 *   <li>Snapshots are RocksDB checkpoints ({@link SnapshotStore}) named after Ratis' last applied
 *       position. Before a checkpoint the store records that position as applied (configuration
 *       entries do not pass through the store), so a database is never behind its own snapshot.
 *   <li>Start: Ratis applies the log from the latest snapshot on. The live DB is usually ahead of
 *       it (it is not rebuilt on restart); entries at or below the DB's applied index are skipped
 *       by the store, so nothing is applied twice. If the DB is <em>behind</em> the snapshot (lost
 *       writes, or a crash between a snapshot install and the rebuild), it is rebuilt from the
 *       snapshot first.
 *   <li>Install: Ratis replaces the whole {@code sm/} folder, then calls {@link #reinitialize}: the
 *       live DB is rebuilt from the new checkpoint (hard links) and the applied position set to the
 *       snapshot's.
 *   <li>Lifecycle: {@code initialize} runs inside {@code startAndTransition}; {@code pause} is
 *       idempotent (Ratis calls it once per install-snapshot chunk); {@code reinitialize} goes
 *       PAUSED → STARTING → RUNNING. {@code close} closes the store.
 * </ul>
 *
 * <p>Thread-safety: Ratis calls apply, snapshot and reinitialize from its single state-machine
 * updater thread; {@link #pause} comes from an RPC thread and only flips the lifecycle.
 */
public final class PinStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(PinStateMachine.class);

  private final RocksPinStore store;
  private final SnapshotStore snapshots = new SnapshotStore();
  private final ApplyStall stall = new ApplyStall();
  private final java.util.concurrent.atomic.AtomicBoolean logFailed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final StateMachineEvents events;

  /**
   * @param store the state to apply to; closed by {@link #close()}
   * @param events told about applied indexes, fatal errors, configurations and closing
   */
  public PinStateMachine(RocksPinStore store, StateMachineEvents events) {
    this.store = store;
    this.events = events;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage storage)
      throws IOException {
    getLifeCycle()
        .startAndTransition(
            () -> {
              super.initialize(server, groupId, storage);
              if (storage != null) {
                snapshots.init(storage);
              }
              Optional<Found> latest = snapshots.latestFound();
              if (latest.isPresent()) {
                Found s = latest.get();
                if (store.appliedIndex() < s.termIndex().getIndex()) {
                  LOG.warn(
                      "pin store applied={} is behind snapshot {}; rebuilding it from the snapshot",
                      store.applied(),
                      s.termIndex());
                  restoreFrom(s);
                }
                setLastAppliedTermIndex(s.termIndex());
                events.applied(s.termIndex().getIndex());
              }
              LOG.info(
                  "state machine of {} started; snapshot={} pin store applied={} pins={}",
                  groupId,
                  latest.map(Found::termIndex).orElse(null),
                  store.applied(),
                  store.estimatedCount());
            },
            IOException.class);
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return snapshots;
  }

  /** The snapshot folders of this state machine. */
  public SnapshotStore snapshots() {
    return snapshots;
  }

  // ---------------------------------------------------------------- writes

  /** Refuses, at the leader, entries this build could not apply. */
  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    TransactionContext trx = super.startTransaction(request);
    ByteString content = request.getMessage().getContent();
    int version = content.isEmpty() ? -1 : content.byteAt(0) & 0xff;
    if (version != EntryCodec.VERSION) {
      trx.setException(
          new IllegalArgumentException(
              "unsupported entry version "
                  + version
                  + " (this peer applies version "
                  + EntryCodec.VERSION
                  + ")"));
    }
    return trx;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long term = entry.getTerm();
    long index = entry.getIndex();
    ByteString data = entry.getStateMachineLogEntry().getLogData();
    List<OpResult> results = applyWaitingForSpace(term, index, data.toByteArray());
    updateLastAppliedTermIndex(term, index);
    events.applied(index);
    return CompletableFuture.completedFuture(
        Message.valueOf(UnsafeByteOperations.unsafeWrap(EntryCodec.encodeResults(results))));
  }

  /**
   * {@link #apply}, retried while the store fails for lack of disk space (see {@link ApplyStall}):
   * blocking the updater keeps the entry (and every later one) in order without stopping the
   * division, and writes resume by themselves once space is freed.
   *
   * @throws StateStoreException for any other storage failure, or a full disk while this peer
   *     closes (fail-stop, see class notes)
   */
  private List<OpResult> applyWaitingForSpace(long term, long index, byte[] data) {
    while (true) {
      try {
        List<OpResult> results = apply(term, index, data);
        stall.cleared(index);
        return results;
      } catch (StateStoreException e) {
        if (!e.noSpace() || !stall.awaitRetry(index, e)) {
          throw e;
        }
      }
    }
  }

  /** Why this peer cannot apply writes right now (its disk is full), while that lasts. */
  public Optional<String> stalled() {
    return stall.problem();
  }

  /**
   * Stops waiting for disk space in a stalled apply, so that closing the server does not wait for
   * it. Call before closing the Raft server.
   */
  public void abandonStalledApply() {
    stall.abandon();
  }

  /**
   * Ratis could not write its log (e.g. the disk is full). Its log worker does not retry: this
   * division cannot append again until this peer restarts, so writes are refused with that reason.
   */
  @Override
  public void notifyLogFailed(Throwable cause, LogEntryProto failedEntry) {
    if (logFailed.getAndSet(true)) {
      return; // every later log task fails the same way
    }
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        "this peer cannot write its Raft log ("
            + root.getMessage()
            + "): writes are refused; free space, then restart this peer (Ratis does not retry"
            + " a failed log write; nothing acknowledged is lost)";
    LOG.error("{}", message, cause);
    events.fatal(failedEntry == null ? -1 : failedEntry.getIndex(), message);
  }

  /**
   * Decodes and applies one entry; malformed parts become INVALID results.
   *
   * @throws IllegalStateException for an entry of an unknown version (fail-stop, see class notes)
   */
  List<OpResult> apply(long term, long index, byte[] data) {
    try {
      return applyEntry(store, term, index, data);
    } catch (EntryCodec.UnsupportedVersionException e) {
      String message =
          "cannot apply Raft entry "
              + index
              + ": "
              + e.getMessage()
              + "; it was written by a newer pincluster. Applying stops here so this peer cannot"
              + " diverge: upgrade this peer";
      LOG.error("{}", message);
      events.fatal(index, message);
      throw new IllegalStateException(message);
    }
  }

  /**
   * Applies one encoded entry to {@code store} at ({@code term}, {@code index}): the one place that
   * turns log data into state, shared by the state machine and offline tools. Malformed entries and
   * operations become INVALID results (the entry still counts as applied).
   *
   * @throws EntryCodec.UnsupportedVersionException for an entry of a version this build does not
   *     know; nothing is written then
   */
  public static List<OpResult> applyEntry(RocksPinStore store, long term, long index, byte[] data)
      throws EntryCodec.UnsupportedVersionException {
    Entry entry;
    try {
      entry = EntryCodec.decodeEntry(data);
    } catch (EntryCodec.UnsupportedVersionException e) {
      throw e;
    } catch (EntryCodec.MalformedException e) {
      LOG.warn("entry {} is malformed ({}); recording it as applied", index, e.getMessage());
      store.apply(term, index, List.of());
      return List.of(OpResult.invalid("malformed entry: " + e.getMessage()));
    }
    List<StateOp> valid = new ArrayList<>(entry.ops().size());
    for (Decoded d : entry.ops()) {
      if (d.op() != null) {
        valid.add(d.op());
      }
    }
    List<OpResult> applied = store.apply(term, index, valid);
    if (valid.size() == entry.ops().size()) {
      return applied;
    }
    List<OpResult> merged = new ArrayList<>(entry.ops().size());
    int next = 0;
    for (Decoded d : entry.ops()) {
      merged.add(d.op() != null ? applied.get(next++) : OpResult.invalid(d.error()));
    }
    return merged;
  }

  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    super.notifyTermIndexUpdated(term, index);
    events.applied(index);
  }

  @Override
  public void notifyConfigurationChanged(long term, long index, RaftConfigurationProto conf) {
    events.configurationApplied(index, conf);
  }

  @Override
  public void notifyServerShutdown(RoleInfoProto roleInfo, boolean allServer) {
    if (!allServer) {
      events.closed();
    }
  }

  /**
   * Answers a read (whatever its content) with this peer's last applied index, 8 bytes big-endian.
   * Ratis calls it only once the index it was asked to reach is applied (linearizable reads).
   */
  @Override
  public CompletableFuture<Message> query(Message request) {
    TermIndex ti = getLastAppliedTermIndex();
    long index = ti == null ? -1 : ti.getIndex();
    return CompletableFuture.completedFuture(
        Message.valueOf(
            ByteString.copyFrom(java.nio.ByteBuffer.allocate(8).putLong(index).array())));
  }

  // ---------------------------------------------------------------- snapshots

  /**
   * Checkpoints the store into {@code sm/snapshot.<term>_<index>} for Ratis' last applied position.
   * Returns the index of the latest snapshot (possibly an older one, when nothing new was applied
   * or an install is in progress), -1 if there is none.
   */
  @Override
  public long takeSnapshot() throws IOException {
    TermIndex ti = getLastAppliedTermIndex();
    Optional<Found> latest = snapshots.latestFound();
    long latestIndex = latest.map(f -> f.termIndex().getIndex()).orElse(-1L);
    if (getLifeCycleState() != LifeCycle.State.RUNNING || ti == null || ti.getIndex() < 0) {
      return latestIndex;
    }
    if (ti.getIndex() <= latestIndex) {
      return latestIndex;
    }
    long start = System.nanoTime();
    store.markApplied(ti.getTerm(), ti.getIndex());
    store.checkpoint(snapshots.folderFor(ti));
    snapshots.taken(ti);
    LOG.info(
        "snapshot {} of {} pins taken in {} ms",
        ti,
        store.estimatedCount(),
        (System.nanoTime() - start) / 1_000_000);
    return ti.getIndex();
  }

  @Override
  public void pause() {
    events.snapshotChunkReceived();
    LifeCycle lc = getLifeCycle();
    if (lc.compareAndTransition(LifeCycle.State.RUNNING, LifeCycle.State.PAUSING)) {
      lc.transition(LifeCycle.State.PAUSED);
    }
  }

  /** After Ratis installed a snapshot from the leader: rebuild the live DB from it. */
  @Override
  public void reinitialize() throws IOException {
    LifeCycle lc = getLifeCycle();
    if (lc.compareAndTransition(LifeCycle.State.PAUSED, LifeCycle.State.STARTING)) {
      snapshots.reload();
      Optional<Found> latest = snapshots.latestFound();
      if (latest.isPresent()) {
        long start = System.nanoTime();
        restoreFrom(latest.get());
        setLastAppliedTermIndex(latest.get().termIndex());
        LOG.info(
            "installed snapshot {}: {} pins, restored in {} ms",
            latest.get().termIndex(),
            store.estimatedCount(),
            (System.nanoTime() - start) / 1_000_000);
        events.applied(latest.get().termIndex().getIndex());
      }
      lc.transition(LifeCycle.State.RUNNING);
    }
  }

  private void restoreFrom(Found snapshot) {
    store.replaceWith(snapshot.dir());
    store.markApplied(snapshot.termIndex().getTerm(), snapshot.termIndex().getIndex());
  }

  @Override
  public void close() {
    stall.abandon();
    getLifeCycle().checkStateAndClose(store::close);
    events.closed();
  }
}

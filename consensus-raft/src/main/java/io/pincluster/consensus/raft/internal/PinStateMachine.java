package io.pincluster.consensus.raft.internal;

import io.pincluster.consensus.raft.internal.EntryCodec.Decoded;
import io.pincluster.consensus.raft.internal.EntryCodec.Entry;
import io.pincluster.state.rocksdb.OpResult;
import io.pincluster.state.rocksdb.RocksPinStore;
import io.pincluster.state.rocksdb.StateOp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft state machine: applies batches of {@link StateOp}s to the {@link RocksPinStore}.
 *
 * <p>Design notes:
 *
 * <ul>
 *   <li>Apply only applies: decode, one RocksDB write batch (which also records the applied term
 *       and index), a reply with one result per operation. No wall-clock reads (timestamps are in
 *       the pins), no I/O besides the DB, no listener calls (the store notifies them on its own
 *       thread).
 *   <li>Bad input never throws: an undecodable entry or operation becomes an INVALID result. A
 *       <em>storage</em> failure (RocksDB cannot write) does throw: Ratis then closes this division
 *       (fail-stop) instead of carrying on with state that silently diverged; on restart the log is
 *       applied again from the DB's applied index.
 *   <li>Replay: there are no custom snapshots yet, so after a restart Ratis applies the log from
 *       its start; entries at or below the DB's applied index are skipped by the store.
 *   <li>Lifecycle: {@code initialize} runs inside {@code startAndTransition}; {@code pause} is
 *       idempotent (Ratis calls it once per install-snapshot chunk); {@code reinitialize} goes
 *       PAUSED → STARTING → RUNNING. {@code close} closes the store.
 * </ul>
 *
 * <p>Thread-safety: Ratis calls apply from its single state-machine updater thread. After each
 * applied entry the {@code appliedIndex} callback runs on that thread; it must not block.
 */
public final class PinStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(PinStateMachine.class);

  private final RocksPinStore store;
  private final LongConsumer appliedIndex;

  /**
   * @param store the state to apply to; closed by {@link #close()}
   * @param appliedIndex told every index applied (including Raft-internal entries), in order
   */
  public PinStateMachine(RocksPinStore store, LongConsumer appliedIndex) {
    this.store = store;
    this.appliedIndex = appliedIndex;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage storage)
      throws IOException {
    getLifeCycle()
        .startAndTransition(
            () -> {
              super.initialize(server, groupId, storage);
              LOG.info(
                  "state machine of {} started; pin store applied={} pins={}",
                  groupId,
                  store.applied(),
                  store.estimatedCount());
            },
            IOException.class);
  }

  @Override
  public void pause() {
    LifeCycle lc = getLifeCycle();
    if (lc.compareAndTransition(LifeCycle.State.RUNNING, LifeCycle.State.PAUSING)) {
      lc.transition(LifeCycle.State.PAUSED);
    }
  }

  @Override
  public void reinitialize() throws IOException {
    LifeCycle lc = getLifeCycle();
    if (lc.compareAndTransition(LifeCycle.State.PAUSED, LifeCycle.State.STARTING)) {
      // No custom snapshots yet: the live DB is kept as it is and the log is re-applied on top.
      lc.transition(LifeCycle.State.RUNNING);
    }
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long term = entry.getTerm();
    long index = entry.getIndex();
    ByteString data = entry.getStateMachineLogEntry().getLogData();
    List<OpResult> results = apply(term, index, data.toByteArray());
    updateLastAppliedTermIndex(term, index);
    appliedIndex.accept(index);
    return CompletableFuture.completedFuture(
        Message.valueOf(ByteString.copyFrom(EntryCodec.encodeResults(results))));
  }

  /** Decodes and applies one entry; malformed parts become INVALID results. */
  List<OpResult> apply(long term, long index, byte[] data) {
    Entry entry;
    try {
      entry = EntryCodec.decodeEntry(data);
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
    appliedIndex.accept(index);
  }

  @Override
  public void close() {
    getLifeCycle().checkStateAndClose(store::close);
  }
}

package io.pincluster.consensus.raft.internal;

import static io.pincluster.consensus.raft.TestPins.cid;
import static io.pincluster.consensus.raft.TestPins.pin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.PinStateView.PinStateListener;
import io.pincluster.core.api.Pin;
import io.pincluster.state.rocksdb.OpResult;
import io.pincluster.state.rocksdb.OpResult.Status;
import io.pincluster.state.rocksdb.RocksPinStore;
import io.pincluster.state.rocksdb.StateOp;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.server.storage.RaftStorageDirectory;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinStateMachineTest {
  @TempDir Path tmp;
  RocksPinStore store;
  PinStateMachine sm;
  final List<Long> appliedIndexes = new CopyOnWriteArrayList<>();

  final List<String> fatal = new CopyOnWriteArrayList<>();

  PinStateMachine start() throws Exception {
    store = RocksPinStore.open(tmp.resolve("db"));
    sm =
        new PinStateMachine(
            store,
            new StateMachineEvents() {
              @Override
              public void applied(long index) {
                appliedIndexes.add(index);
              }

              @Override
              public void fatal(long index, String message) {
                fatal.add(message);
              }
            });
    sm.initialize(fakeServer(), RaftGroupId.randomId(), fakeStorage(tmp.resolve("group")));
    return sm;
  }

  /** A RaftStorage whose state-machine folder is {@code group/sm}. */
  static RaftStorage fakeStorage(Path group) {
    RaftStorageDirectory dir =
        (RaftStorageDirectory)
            Proxy.newProxyInstance(
                RaftStorageDirectory.class.getClassLoader(),
                new Class<?>[] {RaftStorageDirectory.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("getStateMachineDir")) {
                    return group.resolve("sm").toFile();
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    return (RaftStorage)
        Proxy.newProxyInstance(
            RaftStorage.class.getClassLoader(),
            new Class<?>[] {RaftStorage.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getStorageDir")) {
                return dir;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  @AfterEach
  void close() {
    if (sm != null) {
      sm.close();
    }
  }

  /** A RaftServer that only knows its ID (all the state machine asks of it here). */
  static RaftServer fakeServer() {
    RaftPeerId id = RaftPeerId.valueOf("test-peer");
    return (RaftServer)
        Proxy.newProxyInstance(
            RaftServer.class.getClassLoader(),
            new Class<?>[] {RaftServer.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getId")) {
                return id;
              }
              if (method.getName().equals("toString")) {
                return "fake-server";
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  TransactionContext entry(long term, long index, byte[] data) {
    LogEntryProto e =
        LogEntryProto.newBuilder()
            .setTerm(term)
            .setIndex(index)
            .setStateMachineLogEntry(
                StateMachineLogEntryProto.newBuilder().setLogData(ByteString.copyFrom(data)))
            .build();
    return TransactionContext.newBuilder()
        .setServerRole(RaftPeerRole.FOLLOWER)
        .setStateMachine(sm)
        .setLogEntry(e)
        .build();
  }

  static byte[] ops(StateOp... ops) {
    return EntryCodec.encodeEntry(7, List.of(ops));
  }

  List<OpResult> apply(long term, long index, byte[] data) throws Exception {
    byte[] reply = sm.applyTransaction(entry(term, index, data)).get().getContent().toByteArray();
    return EntryCodec.decodeResults(reply);
  }

  @Test
  void appliesABatchAndRecordsTheAppliedIndex() throws Exception {
    start();

    List<OpResult> r = apply(1, 3, ops(new StateOp.PutPin(pin(1)), new StateOp.RemovePin(cid(2))));

    assertThat(r).extracting(OpResult::status).containsExactly(Status.OK, Status.NOT_FOUND);
    assertThat(store.get(cid(1))).contains(pin(1));
    assertThat(sm.getLastAppliedTermIndex()).isEqualTo(TermIndex.valueOf(1, 3));
    assertThat(appliedIndexes).containsExactly(3L);
  }

  @Test
  void replayAfterARestartSkipsWhatTheDbAlreadyHasAndNotifiesNothingTwice() throws Exception {
    start();
    apply(1, 1, ops(new StateOp.PutPin(pin(1))));
    apply(1, 2, ops(new StateOp.RemovePin(cid(1))));
    sm.close();

    sm = start();
    List<Pin> notified = new CopyOnWriteArrayList<>();
    store.addListener(
        new PinStateListener() {
          @Override
          public void pinned(Pin pin, Pin previous) {
            notified.add(pin);
          }

          @Override
          public void unpinned(Pin pin) {
            notified.add(pin);
          }
        });
    List<OpResult> first = apply(1, 1, ops(new StateOp.PutPin(pin(1))));
    List<OpResult> second = apply(1, 2, ops(new StateOp.RemovePin(cid(1))));
    List<OpResult> third = apply(2, 3, ops(new StateOp.PutPin(pin(3))));

    assertThat(first).containsExactly(OpResult.skipped());
    assertThat(second).containsExactly(OpResult.skipped());
    assertThat(third).containsExactly(OpResult.ok());
    assertThat(store.get(cid(1))).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> notified.equals(List.of(pin(3))));
    assertThat(sm.getLastAppliedTermIndex()).isEqualTo(TermIndex.valueOf(2, 3));
  }

  @Test
  void malformedInputBecomesInvalidResultsAndStillAdvancesTheAppliedIndex() throws Exception {
    start();
    byte[] badOp = ops(new StateOp.PutPin(pin(1)), new StateOp.PutPin(pin(2)));
    badOp[13] = 99; // first op's tag

    List<OpResult> garbage = apply(1, 1, new byte[] {1, 2, 3});
    List<OpResult> partly = apply(1, 2, badOp);

    assertThat(garbage).extracting(OpResult::status).containsExactly(Status.INVALID);
    assertThat(partly).extracting(OpResult::status).containsExactly(Status.INVALID, Status.OK);
    assertThat(store.get(cid(2))).contains(pin(2));
    assertThat(store.appliedIndex()).isEqualTo(2);
  }

  @Test
  void pauseIsIdempotentAndReinitializeResumes() throws Exception {
    start();
    assertThat(sm.getLifeCycleState()).isEqualTo(LifeCycle.State.RUNNING);

    sm.pause();
    sm.pause(); // once per install-snapshot chunk

    assertThat(sm.getLifeCycleState()).isEqualTo(LifeCycle.State.PAUSED);
    sm.reinitialize();
    assertThat(sm.getLifeCycleState()).isEqualTo(LifeCycle.State.RUNNING);
  }

  @Test
  void closeClosesTheStoreOnce() throws Exception {
    start();

    sm.close();
    sm.close();

    assertThat(sm.getLifeCycleState()).isEqualTo(LifeCycle.State.CLOSED);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.get(cid(1)))
        .hasMessageContaining("closed");
  }

  @Test
  void anEntryOfAnUnknownVersionStopsApplyingInsteadOfGuessing() throws Exception {
    start();
    apply(1, 1, ops(new StateOp.PutPin(pin(1))));
    byte[] newer = ops(new StateOp.PutPin(pin(2)));
    newer[0] = 2;

    assertThatThrownBy(() -> sm.applyTransaction(entry(1, 2, newer)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("unknown entry version 2");

    assertThat(fatal).singleElement().asString().contains("Raft entry 2").contains("upgrade");
    assertThat(store.get(cid(2))).isEmpty();
    assertThat(store.appliedIndex()).isEqualTo(1);
    assertThat(sm.getLastAppliedTermIndex()).isEqualTo(TermIndex.valueOf(1, 1));
  }

  @Test
  void aSnapshotIsACheckpointAtTheLastAppliedPositionAndRestoresADbThatIsBehindIt()
      throws Exception {
    start();
    apply(1, 1, ops(new StateOp.PutPin(pin(1))));
    apply(1, 2, ops(new StateOp.PutPin(pin(2))));
    sm.notifyTermIndexUpdated(1, 3); // a configuration entry: not in the DB

    assertThat(sm.takeSnapshot()).isEqualTo(3);
    assertThat(sm.takeSnapshot()).isEqualTo(3); // nothing new
    assertThat(tmp.resolve("group/sm/snapshot.1_3")).isDirectory();
    assertThat(store.appliedIndex()).isEqualTo(3);
    apply(1, 4, ops(new StateOp.PutPin(pin(4))));
    sm.close();
    deleteTree(tmp.resolve("db")); // the DB lost everything

    start();

    assertThat(store.get(cid(2))).contains(pin(2));
    assertThat(store.get(cid(4))).isEmpty();
    assertThat(sm.getLastAppliedTermIndex()).isEqualTo(TermIndex.valueOf(1, 3));
    assertThat(apply(1, 4, ops(new StateOp.PutPin(pin(4))))).containsExactly(OpResult.ok());
    assertThat(store.estimatedCount()).isEqualTo(3);
  }

  @Test
  void reinitializeAfterAnInstallRebuildsTheDbFromTheInstalledSnapshot() throws Exception {
    Path other = tmp.resolve("leader-db");
    try (RocksPinStore leader = RocksPinStore.open(other)) {
      leader.apply(2, 9, List.of(new StateOp.PutPin(pin(7)), new StateOp.PutPin(pin(8))));
      leader.markApplied(2, 10);
      java.nio.file.Files.createDirectories(tmp.resolve("group/sm"));
      leader.checkpoint(tmp.resolve("leader-cp"));
    }
    start();
    apply(1, 1, ops(new StateOp.PutPin(pin(1))));
    copyTree(tmp.resolve("leader-cp"), tmp.resolve("group/sm/snapshot.2_10"));
    java.nio.file.Files.writeString(
        tmp.resolve("group/sm/snapshot.2_10/000001.sst.md5"), "not part of the snapshot");

    sm.pause();
    sm.reinitialize();

    assertThat(store.get(cid(1))).isEmpty();
    assertThat(store.get(cid(8))).contains(pin(8));
    assertThat(store.applied().index()).isEqualTo(10);
    assertThat(sm.getLastAppliedTermIndex()).isEqualTo(TermIndex.valueOf(2, 10));
    assertThat(appliedIndexes).endsWith(10L);
    assertThat(sm.getLatestSnapshot().getFiles())
        .noneMatch(f -> f.getPath().toString().endsWith(".md5"));
  }

  static void deleteTree(Path p) throws Exception {
    try (var walk = java.nio.file.Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(q);
      }
    }
  }

  static void copyTree(Path from, Path to) throws Exception {
    try (var walk = java.nio.file.Files.walk(from)) {
      for (Path q : walk.toList()) {
        java.nio.file.Files.copy(q, to.resolve(from.relativize(q).toString()));
      }
    }
  }
}

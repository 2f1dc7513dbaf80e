package io.pincluster.consensus.raft;

import static io.pincluster.consensus.raft.TestPins.cid;
import static io.pincluster.consensus.raft.TestPins.pin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.ClusterException;
import io.pincluster.core.api.Pin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** state export / import on stopped peers' folders. */
class OfflineStateTest {
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  LocalRaftCluster cluster;

  @AfterEach
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static <T> T join(CompletableFuture<T> f) throws Exception {
    return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  static List<Pin> export(Path data) {
    List<Pin> out = new ArrayList<>();
    OfflineState.export(data, out::add);
    return out;
  }

  /** Pins 0..n-1, generated as they are read (never all in memory). */
  static Iterator<Pin> generated(int n) {
    return new Iterator<>() {
      int next;

      @Override
      public boolean hasNext() {
        return next < n;
      }

      @Override
      public Pin next() {
        if (next >= n) {
          throw new NoSuchElementException();
        }
        return pin(next++);
      }
    };
  }

  @Test
  void exportIncludesCommittedEntriesNewerThanTheLastSnapshotThatTheDbLost() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 1, LocalRaftCluster.config(Duration.ofSeconds(10)));
    cluster.awaitLeader();
    RaftConsensus node = cluster.node(0);
    for (int i = 0; i < 10; i++) {
      join(node.commitPin(pin(i)));
    }
    long first = join(node.snapshot());
    Path olderDb = tmp.resolve("db-at-first-snapshot");
    node.store().checkpoint(olderDb);
    for (int i = 10; i < 20; i++) {
      join(node.commitPin(pin(i)));
    }
    join(node.commitUnpin(cid(3)));
    List<Pin> expected = SnapshotTest.all(node);
    cluster.stop(0);
    // As after a crash: the DB and the snapshots stop at `first`; the rest is only in the log.
    Path data = cluster.settings(0).dataFolder();
    SnapshotTest.deleteTree(data.resolve("db"));
    Files.move(olderDb, data.resolve("db"));
    for (String f : SnapshotTest.snapshotFolders(cluster.groupFolder(0))) {
      if (!f.endsWith("_" + first)) {
        SnapshotTest.deleteTree(cluster.groupFolder(0).resolve("sm").resolve(f));
      }
    }

    List<Pin> exported = export(data);

    assertThat(exported).hasSize(19).isEqualTo(expected); // CID byte order, like list()
    assertThat(export(data)).isEqualTo(expected); // and the folder is still a valid state
    assertThat(cluster.restart(0).state().estimatedCount()).isEqualTo(19);
  }

  @Test
  void theFirstFormatCanBeExportedBeforeItIsUpgraded() throws Exception {
    Path data = tmp.resolve("raft");
    new StateFormatTest().copyFixtureTo(data);

    assertThat(export(data))
        .extracting(p -> p.cid().toString())
        .containsExactlyInAnyOrderElementsOf(StateFormatTest.FIXTURE_CIDS);
  }

  @Test
  void anImportedStateStartsAsAOnePeerClusterAndJoinersGetEveryPinBySnapshot() throws Exception {
    cluster = LocalRaftCluster.prepare(tmp, 2, 1, LocalRaftCluster.config(Duration.ofSeconds(10)));
    Path data = cluster.settings(0).dataFolder();

    long imported =
        OfflineState.importState(
            data, generated(25_000), cluster.id(0), cluster.multiaddr(0).hostPort());

    assertThat(imported).isEqualTo(25_000);
    assertThat(StateFormat.check(data).kind()).isEqualTo(StateFormat.Kind.CURRENT);
    RaftConsensus first = cluster.restart(0);
    cluster.awaitLeader();
    assertThat(first.members()).containsExactly(cluster.id(0));
    assertThat(first.state().estimatedCount()).isEqualTo(25_000);
    join(first.commitPin(pin(30_000)));

    RaftConsensus joiner = cluster.join(1);
    join(first.addPeer(cluster.id(1), cluster.multiaddr(1)));

    assertThat(joiner.awaitCaughtUp(WAIT)).isTrue();
    assertThat(joiner.state().estimatedCount()).isEqualTo(25_001);
    assertThat(joiner.state().get(cid(24_999))).contains(pin(24_999));
    assertThat(joiner.state().get(cid(30_000))).contains(pin(30_000));
    join(joiner.commitPin(pin(30_001)));
    SnapshotTest.assertSameContent(first, joiner);
  }

  @Test
  void exportThenImportRoundTripsAndImportRefusesANonEmptyFolderOrABadPin() throws Exception {
    Path source = tmp.resolve("source");
    OfflineState.importState(source, generated(1234), TestPeers.ID, "127.0.0.1:1");
    List<Pin> first = export(source);

    Path copy = tmp.resolve("copy");
    OfflineState.importState(copy, first.iterator(), TestPeers.ID, "127.0.0.1:1");

    assertThat(first).hasSize(1234);
    assertThat(export(copy)).isEqualTo(first);
    assertThatThrownBy(
            () -> OfflineState.importState(copy, first.iterator(), TestPeers.ID, "127.0.0.1:1"))
        .isInstanceOf(ClusterException.class)
        .hasMessageContaining("is not empty");
    Path bad = tmp.resolve("bad");
    assertThatThrownBy(
            () ->
                OfflineState.importState(
                    bad, Arrays.asList(pin(1), null).iterator(), TestPeers.ID, "127.0.0.1:1"))
        .hasMessage("pin #2 to import is missing (null)");
    assertThat(bad).doesNotExist(); // nothing left behind
    assertThatThrownBy(() -> export(tmp.resolve("nothing"))).hasMessageContaining("no state");
  }

  @Test
  void laterDuplicatesOfACidWinAndAFailingSourceLeavesNothingBehind() {
    List<Pin> pins = new ArrayList<>();
    generated(3000).forEachRemaining(pins::add);
    for (int i = 0; i < 3000; i += 3) {
      pins.add(pin(i, "again-" + i));
    }
    Path data = tmp.resolve("dups");
    assertThat(OfflineState.importState(data, pins.iterator(), TestPeers.ID, "127.0.0.1:1"))
        .isEqualTo(3000);
    List<Pin> exported = export(data);
    assertThat(exported).hasSize(3000);
    assertThat(exported)
        .filteredOn(p -> p.name().startsWith("again-"))
        .hasSize(1000)
        .contains(pin(2997, "again-2997"));
    assertThat(exported).contains(pin(2998)).doesNotContain(pin(2997));

    Iterator<Pin> failing =
        new Iterator<>() {
          final Iterator<Pin> first = generated(2500);

          @Override
          public boolean hasNext() {
            if (!first.hasNext()) {
              throw new ClusterException("dump.ndjson line 2501: broken");
            }
            return true;
          }

          @Override
          public Pin next() {
            return first.next();
          }
        };
    Path bad = tmp.resolve("failing");
    assertThatThrownBy(() -> OfflineState.importState(bad, failing, TestPeers.ID, "127.0.0.1:1"))
        .isInstanceOf(ClusterException.class)
        .hasMessage("dump.ndjson line 2501: broken");
    assertThat(bad).doesNotExist();
  }

  /** A fixed peer ID for folders that are never started. */
  static final class TestPeers {
    static final io.pincluster.core.peer.PeerId ID =
        io.pincluster.core.peer.Identity.generate().id();
  }
}

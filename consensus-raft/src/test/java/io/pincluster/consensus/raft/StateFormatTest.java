package io.pincluster.consensus.raft;

import static io.pincluster.consensus.raft.TestPins.pin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pincluster.consensus.raft.StateFormat.Kind;
import io.pincluster.core.CloseableIterator;
import io.pincluster.core.ClusterException;
import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.PeerId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFormatTest {
  /** The lead's fixture: a state folder written by the first format (never modified here). */
  static final Path FIXTURE =
      Path.of("../cluster-service/src/test/resources/fixtures/state-issue2/raft");

  static final PeerId FIXTURE_PEER =
      PeerId.parse("12D3KooWQLMB6d5bjodz9CKnWDvNeSH314XpqnteT3Ds2sfdEmBf");
  static final List<String> FIXTURE_CIDS =
      List.of(
          "QmYA5KD9VvUnGLXCP3JenUFuSwWwQ5MXyxrAyynjzUJxC1",
          "bafkreibbsoryljp7t4ya5yludxicaj3d3i3oedexmubolznkm6urmmtyv4",
          "bafybeier35gtkellfp5yt46r2thxfttvxrgohp4hh5t5jhjv33cmekzggi");

  @TempDir Path tmp;

  Path copyOfFixture() throws IOException {
    return copyFixtureTo(tmp.resolve("raft"));
  }

  /** Copies the fixture's data folder to {@code target}. */
  Path copyFixtureTo(Path target) throws IOException {
    try (Stream<Path> walk = Files.walk(FIXTURE)) {
      for (Path p : walk.toList()) {
        Path to = target.resolve(FIXTURE.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    return target;
  }

  RaftSettings settingsFor(Path data) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    return new RaftSettings(
        FIXTURE_PEER,
        new InetSocketAddress("127.0.0.1", port),
        "127.0.0.1:" + port,
        data,
        LocalRaftCluster.config(Duration.ofSeconds(10)),
        TestTls.CLUSTER,
        Map.of());
  }

  static List<Pin> all(RaftConsensus node) {
    try (CloseableIterator<Pin> it = node.state().list()) {
      List<Pin> out = new ArrayList<>();
      it.forEachRemaining(out::add);
      return out;
    }
  }

  @Test
  void anEmptyFolderIsEmptyAndStartingMarksItWithTheCurrentVersion() throws Exception {
    Path data = tmp.resolve("new");
    assertThat(StateFormat.check(data).kind()).isEqualTo(Kind.EMPTY);

    try (RaftConsensus c = RaftConsensus.start(settingsFor(data))) {
      assertThat(StateFormat.check(data)).isEqualTo(new StateFormat.Status(Kind.CURRENT, 2, "2"));
    }
    assertThat(StateFormat.upgrade(data).kind()).isEqualTo(Kind.CURRENT); // nothing pending
  }

  @Test
  void theFirstFormatIsRefusedWithAMessageNamingTheUpgradeFlag() throws Exception {
    Path data = copyOfFixture();

    assertThat(StateFormat.check(data))
        .isEqualTo(new StateFormat.Status(Kind.NEEDS_UPGRADE, 1, ""));
    RaftSettings settings = settingsFor(data);
    assertThatThrownBy(() -> RaftConsensus.start(settings))
        .isInstanceOf(ClusterException.class)
        .hasMessageContaining("has format version 1 and this build uses version 2")
        .hasMessageContaining("run `cluster-service daemon --upgrade`");
    assertThat(StateFormat.check(data).kind()).isEqualTo(Kind.NEEDS_UPGRADE); // untouched
  }

  @Test
  void upgradingTheFirstFormatKeepsItsThreePinsAndThePeerStartsAndWritesAfterwards()
      throws Exception {
    Path data = copyOfFixture();

    assertThat(StateFormat.upgrade(data).kind()).isEqualTo(Kind.NEEDS_UPGRADE);

    assertThat(StateFormat.check(data).kind()).isEqualTo(Kind.CURRENT);
    RaftSettings settings = settingsFor(data);
    try (RaftConsensus c = RaftConsensus.start(settings)) {
      assertThat(all(c))
          .extracting(p -> p.cid().toString())
          .containsExactlyInAnyOrderElementsOf(FIXTURE_CIDS);
      assertThat(all(c)).allMatch(p -> p.name().equals("fixture"));
      await().atMost(Duration.ofSeconds(20)).until(c::isLeader);
      // its stored address (192.0.2.2:41959) is replaced by the one it runs on now
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> settings.announceAddress().equals(c.raftAddresses().get(FIXTURE_PEER)));
      c.commitPin(pin(1)).get(20, TimeUnit.SECONDS);
      assertThat(c.state().estimatedCount()).isEqualTo(4);
      assertThat(c.state().get(Cid.parse(FIXTURE_CIDS.get(0)))).isPresent();
    }
  }

  @Test
  void newerAndUnknownMarkersAreRefusedAndNotUpgraded() throws Exception {
    Path newer = Files.createDirectories(tmp.resolve("newer"));
    Files.writeString(newer.resolve("FORMAT"), "3\n");
    Path unknown = Files.createDirectories(tmp.resolve("unknown"));
    Files.writeString(unknown.resolve("FORMAT"), "banana");

    assertThat(StateFormat.check(newer)).isEqualTo(new StateFormat.Status(Kind.NEWER, 3, "3"));
    assertThat(StateFormat.check(unknown).kind()).isEqualTo(Kind.UNKNOWN);
    RaftSettings settings = settingsFor(newer);
    assertThatThrownBy(() -> RaftConsensus.start(settings))
        .hasMessageContaining("format version 3, newer than this build");
    assertThatThrownBy(() -> StateFormat.upgrade(newer)).hasMessageContaining("newer");
    assertThatThrownBy(() -> StateFormat.upgrade(unknown))
        .hasMessageContaining("unknown format marker \"banana\"");
    assertThat(Files.readString(newer.resolve("FORMAT"))).isEqualTo("3\n");
  }
}

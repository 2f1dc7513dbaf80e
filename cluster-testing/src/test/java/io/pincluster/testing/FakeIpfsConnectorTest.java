package io.pincluster.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.IpfsException;
import io.pincluster.core.api.IpfsPin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.RepoGcKey;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.Multiaddr;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class FakeIpfsConnectorTest {
  private final FakeIpfsConnector ipfs = new FakeIpfsConnector();

  @Test
  void pinsAndUnpinsComparingByMultihash() {
    ipfs.pin(Cids.EMPTY_DIR_V0, PinMode.RECURSIVE);
    assertThat(ipfs.pinStatus(Cids.EMPTY_DIR_V1)).contains(PinMode.RECURSIVE);
    assertThat(ipfs.pinned()).containsOnlyKeys(Cids.EMPTY_DIR_V0);
    ipfs.unpin(Cids.EMPTY_DIR_V1);
    ipfs.unpin(Cids.EMPTY_DIR_V1);
    assertThat(ipfs.pinStatus(Cids.EMPTY_DIR_V0)).isEmpty();
    assertThat(ipfs.calls(FakeIpfsConnector.Op.UNPIN)).isEqualTo(2);
  }

  @Test
  void failNextFailsOnlyThatManyWrites() {
    ipfs.failNext(2);
    Cid cid = Cids.random();
    assertThatThrownBy(() -> ipfs.pin(cid, PinMode.RECURSIVE)).isInstanceOf(IpfsException.class);
    assertThatThrownBy(() -> ipfs.unpin(cid)).isInstanceOf(IpfsException.class);
    ipfs.pin(cid, PinMode.RECURSIVE);
    assertThat(ipfs.pinAttempts(cid)).isEqualTo(2);
    ipfs.failPins(true);
    assertThatThrownBy(() -> ipfs.pin(Cids.random(), PinMode.DIRECT))
        .hasMessageContaining("injected failure");
  }

  @Test
  void gatedPinWaitsUntilReleased() {
    Cid cid = Cids.random();
    ipfs.blockPin(cid);
    CompletableFuture<Void> pin =
        CompletableFuture.runAsync(() -> ipfs.pin(cid, PinMode.RECURSIVE));
    await().atMost(Duration.ofSeconds(5)).until(() -> ipfs.blockedPins().contains(cid));
    assertThat(ipfs.isPinned(cid)).isFalse();
    ipfs.releasePin(cid);
    pin.join();
    assertThat(ipfs.isPinned(cid)).isTrue();
    assertThat(ipfs.blockedPins()).isEmpty();
  }

  @Test
  void gatedPinTimesOutAndCloseFailsLaterCalls() {
    Cid cid = Cids.random();
    ipfs.blockPin(cid).setBlockTimeout(Duration.ofMillis(50));
    assertThatThrownBy(() -> ipfs.pin(cid, PinMode.RECURSIVE)).hasMessageContaining("timed out");
    ipfs.close();
    ipfs.close();
    assertThatThrownBy(ipfs::id).hasMessageContaining("closed");
  }

  @Test
  void unreachableFailsEveryCall() {
    ipfs.setUnreachable(true);
    assertThatThrownBy(ipfs::repoStat).hasMessageContaining("cannot reach IPFS");
    ipfs.setUnreachable(false);
    assertThat(ipfs.setRepoStat(1, 2).repoStat().storageMax()).isEqualTo(2);
  }

  @Test
  void pinLsStreamsEveryPinAndSeesPinsAddedWhileListing() {
    List<Cid> cids = Cids.random(50);
    cids.forEach(c -> ipfs.pin(c, PinMode.RECURSIVE));
    ipfs.pin(Cids.V0_1, PinMode.DIRECT);
    List<IpfsPin> listed = new ArrayList<>();
    try (CloseableIterator<IpfsPin> it = ipfs.pinLs()) {
      listed.add(it.next());
      it.forEachRemaining(listed::add);
    }
    assertThat(listed).hasSize(51).contains(new IpfsPin(Cids.V0_1, PinMode.DIRECT));
    assertThat(listed.stream().map(IpfsPin::cid)).containsAll(cids);
    assertThat(ipfs.calls(FakeIpfsConnector.Op.PIN_LS)).isEqualTo(1);
  }

  @Test
  void pinLsBreaksOffMidStreamWhenTheNodeGoesDownOrAfterTheInjectedLimit() {
    Cids.random(10).forEach(c -> ipfs.pin(c, PinMode.RECURSIVE));
    ipfs.breakPinLsAfter(3);
    try (CloseableIterator<IpfsPin> it = ipfs.pinLs()) {
      it.next();
      it.next();
      it.next();
      assertThatThrownBy(it::hasNext).hasMessageContaining("broke off pin/ls after 3 pins");
    }
    try (CloseableIterator<IpfsPin> it = ipfs.pinLs()) {
      it.next();
      ipfs.setUnreachable(true);
      assertThatThrownBy(it::hasNext).isInstanceOf(IpfsException.class);
    }
    assertThatThrownBy(ipfs::pinLs).hasMessageContaining("cannot reach IPFS");
    ipfs.setUnreachable(false);
    try (CloseableIterator<IpfsPin> it = ipfs.pinLs()) {
      assertThat(it).toIterable().hasSize(10);
    }
  }

  @Test
  void pinUpdatePinsTheNewCidKeepsTheOldAndObeysGatesAndFailures() {
    ipfs.pin(Cids.V0_1, PinMode.RECURSIVE);
    ipfs.pinUpdate(Cids.V0_1, Cids.V0_2);
    assertThat(ipfs.pinned())
        .containsEntry(Cids.V0_1, PinMode.RECURSIVE)
        .containsEntry(Cids.V0_2, PinMode.RECURSIVE);
    assertThat(ipfs.calls(FakeIpfsConnector.Op.PIN_UPDATE)).isEqualTo(1);

    ipfs.failPins(true);
    assertThatThrownBy(() -> ipfs.pinUpdate(Cids.V0_1, Cids.V0_3))
        .hasMessageContaining("refused pin/update");
    ipfs.failPins(false);
    ipfs.blockPin(Cids.V0_3);
    CompletableFuture<Void> update =
        CompletableFuture.runAsync(() -> ipfs.pinUpdate(Cids.V0_1, Cids.V0_3));
    await().atMost(Duration.ofSeconds(5)).until(() -> ipfs.blockedPins().contains(Cids.V0_3));
    ipfs.releasePin(Cids.V0_3);
    update.join();
    assertThat(ipfs.isPinned(Cids.V0_3)).isTrue();
    assertThat(ipfs.pinAttempts(Cids.V0_3)).isEqualTo(2);
  }

  @Test
  void repoGcRemovesOnlyUnpinnedBlocks() {
    byte[] kept = "kept".getBytes(StandardCharsets.UTF_8);
    byte[] gone = "gone".getBytes(StandardCharsets.UTF_8);
    Cid keptCid = ipfs.blockPut(kept, "raw");
    Cid goneCid = ipfs.blockPut(gone, null);
    assertThat(goneCid).isEqualTo(Cids.rawOf(gone));
    assertThat(ipfs.blockPut(kept, "v0").version()).isZero();
    ipfs.pin(keptCid, PinMode.RECURSIVE);
    try (CloseableIterator<RepoGcKey> gc = ipfs.repoGc()) {
      assertThat(gc).toIterable().containsExactly(new RepoGcKey(goneCid, ""));
    }
    assertThat(ipfs.hasBlock(keptCid)).isTrue();
    assertThat(ipfs.hasBlock(goneCid)).isFalse();
    assertThatThrownBy(() -> ipfs.blockPut(kept, "nonsense")).hasMessageContaining("format");
  }

  @Test
  void swarmPeersResolveAndVersion() {
    String peer = Identity.generate().id().toString();
    ipfs.swarmConnect(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/" + peer));
    ipfs.addSwarmPeer("12D3KooWother");
    assertThat(ipfs.swarmPeers()).containsExactly(peer, "12D3KooWother");

    assertThat(ipfs.resolve("/ipfs/" + Cids.V1_1)).isEqualTo(Cids.V1_1);
    ipfs.setIpns("k51name", Cids.V0_2);
    assertThat(ipfs.resolve("/ipns/k51name")).isEqualTo(Cids.V0_2);
    assertThatThrownBy(() -> ipfs.resolve("/ipns/unknown"))
        .isInstanceOf(IpfsException.class)
        .hasMessageContaining("could not resolve /ipns/unknown");

    assertThat(ipfs.version()).isEqualTo("0.30.0-fake");
    ipfs.setVersion("0.18.1").failNext(FakeIpfsConnector.Op.VERSION, 1);
    assertThatThrownBy(ipfs::version).isInstanceOf(IpfsException.class);
    assertThat(ipfs.version()).isEqualTo("0.18.1");
  }

  @Test
  void addBuildsTheDagStoresItUnpinnedAndStreamsKubosOutput() {
    AddBody body = AddBody.builder().file("a.txt", "A").file("b.txt", "B").build();
    List<io.pincluster.core.api.IpfsAdded> out = new ArrayList<>();
    try (CloseableIterator<io.pincluster.core.api.IpfsAdded> it =
        ipfs.add(
            body.stream(),
            body.contentType(),
            java.util.Map.of("wrap-with-directory", "true", "progress", "true"))) {
      it.forEachRemaining(out::add);
    }
    assertThat(out.get(0).cid()).isNull();
    assertThat(out.get(0).bytes()).isEqualTo(1);
    io.pincluster.core.api.IpfsAdded root = out.get(out.size() - 1);
    assertThat(root.name()).isEmpty();
    assertThat(root.size()).isPositive();
    assertThat(ipfs.hasBlock(root.cid())).isTrue();
    assertThat(ipfs.isPinned(root.cid())).isFalse();
    assertThat(ipfs.lastAddParams()).containsEntry("wrap-with-directory", "true");
    ipfs.failNext(FakeIpfsConnector.Op.ADD, 1);
    assertThatThrownBy(() -> ipfs.add(body.stream(), body.contentType(), java.util.Map.of()))
        .isInstanceOf(IpfsException.class);
    assertThatThrownBy(() -> ipfs.add(body.stream(), "text/plain", java.util.Map.of()))
        .isInstanceOf(IpfsException.class)
        .hasMessageContaining("multipart");
  }

  @Test
  void dagImportStoresTheCarBlocksAndAnswersItsRoots() {
    byte[] block = "car".getBytes(StandardCharsets.UTF_8);
    Cid root = Cids.rawOf(block);
    AddBody car =
        AddBody.ofFile("x.car", CarFiles.write(List.of(root), java.util.Map.of(root, block)));
    assertThat(ipfs.dagImport(car.stream(), car.contentType())).containsExactly(root);
    assertThat(ipfs.hasBlock(root)).isTrue();
    assertThat(ipfs.isPinned(root)).isFalse();
    AddBody notCar = AddBody.ofFile("x.car", block);
    assertThatThrownBy(() -> ipfs.dagImport(notCar.stream(), notCar.contentType()))
        .isInstanceOf(IpfsException.class)
        .hasMessageContaining("dag/import");
  }
}

package io.pincluster.ipfs;

import static io.pincluster.ipfs.TestConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.IpfsException;
import io.pincluster.core.api.IpfsPin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.RepoGcKey;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.PinMethod;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.testing.Cids;
import io.pincluster.testing.FakeKubo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The connector's calls beyond pin and unpin, against FakeKubo over real HTTP, each in Kubo's and
 * in js-ipfs's shapes ({@code zb2…} CIDs, numbers as strings, {@code {"Peers":[]}}, no {@code
 * pin/update}).
 */
class IpfsHttpConnectorCallsTest {
  private final FakeKubo kubo = new FakeKubo();
  private final IpfsHttpConnector ipfs = new IpfsHttpConnector(config(kubo.port(), PinMethod.REFS));

  @AfterEach
  void tearDown() {
    ipfs.close();
    kubo.close();
  }

  @ParameterizedTest(name = "js-ipfs: {0}")
  @ValueSource(booleans = {false, true})
  void pinLsStreamsRecursiveThenDirectPinsAskingForTheSecondOnlyWhenNeeded(boolean js) {
    kubo.emulateJsIpfs(js);
    List<Cid> recursive = Cids.random(300);
    recursive.forEach(c -> kubo.addPin(c, PinMode.RECURSIVE));
    kubo.addPin(Cids.V0_1, PinMode.DIRECT).addPin(Cids.V1_1, PinMode.DIRECT);
    List<IpfsPin> listed = new ArrayList<>();
    try (CloseableIterator<IpfsPin> it = ipfs.pinLs()) {
      listed.add(it.next());
      assertThat(kubo.requestCount("pin/ls")).as("one listing at a time").isEqualTo(1);
      it.forEachRemaining(listed::add);
    }
    assertThat(kubo.requestCount("pin/ls")).isEqualTo(2);
    assertThat(listed.subList(0, 300)).allMatch(p -> p.mode() == PinMode.RECURSIVE);
    assertThat(listed.subList(0, 300).stream().map(IpfsPin::cid))
        .containsExactlyInAnyOrderElementsOf(recursive);
    assertThat(listed.subList(300, listed.size()))
        .containsExactlyInAnyOrder(
            new IpfsPin(Cids.V0_1, PinMode.DIRECT), new IpfsPin(Cids.V1_1, PinMode.DIRECT));
  }

  @ParameterizedTest(name = "js-ipfs: {0}")
  @ValueSource(booleans = {false, true})
  void closingAPinListingEarlyNeverAsksForTheRest(boolean js) {
    kubo.emulateJsIpfs(js);
    Cids.random(20).forEach(c -> kubo.addPin(c, PinMode.RECURSIVE));
    try (CloseableIterator<IpfsPin> it = ipfs.pinLs()) {
      it.next();
    }
    assertThat(kubo.requestCount("pin/ls")).isEqualTo(1);
    assertThat(ipfs.pinStatus(Cids.V0_3)).as("the connection is usable again").isEmpty();
  }

  @ParameterizedTest(name = "js-ipfs: {0}")
  @ValueSource(booleans = {false, true})
  void pinUpdatePinsTheNewCidAndKeepsTheOld(boolean js) {
    kubo.emulateJsIpfs(js);
    Cid from = Cids.random();
    Cid to = Cids.random();
    kubo.addPin(from, PinMode.RECURSIVE);
    ipfs.pinUpdate(from, to);
    assertThat(kubo.pinMode(to)).contains(PinMode.RECURSIVE);
    assertThat(kubo.pinMode(from)).contains(PinMode.RECURSIVE);
    assertThat(kubo.requestCount("pin/update")).isEqualTo(1);
    assertThat(kubo.requestCount("pin/add"))
        .as("fallback only without pin/update")
        .isEqualTo(js ? 1 : 0);

    ipfs.pinUpdate(from, to);
    assertThat(kubo.requestCount("pin/update")).as("already pinned: nothing sent").isEqualTo(1);
  }

  @ParameterizedTest(name = "js-ipfs: {0}")
  @ValueSource(booleans = {false, true})
  void pinUpdateFromACidThatIsNotPinnedFallsBackToAPin(boolean js) {
    kubo.emulateJsIpfs(js);
    Cid to = Cids.random();
    ipfs.pinUpdate(Cids.V0_1, to);
    assertThat(kubo.pinMode(to)).contains(PinMode.RECURSIVE);
    assertThat(kubo.requestCount("pin/add")).isEqualTo(1);
    assertThat(kubo.requestCount("refs"))
        .as("pin_method refs applies to the fallback")
        .isEqualTo(1);
  }

  @ParameterizedTest(name = "js-ipfs: {0}")
  @ValueSource(booleans = {false, true})
  void repoGcStreamsTheRemovedBlocksAndTheErrors(boolean js) {
    kubo.emulateJsIpfs(js);
    Cid kept = kubo.putBlock(bytes("kept"));
    Cid gone = kubo.putBlock(bytes("gone"));
    kubo.addPin(kept, PinMode.RECURSIVE);
    try (CloseableIterator<RepoGcKey> gc = ipfs.repoGc()) {
      assertThat(gc).toIterable().containsExactly(new RepoGcKey(gone, ""));
    }
    assertThat(kubo.hasBlock(gone)).isFalse();
    assertThat(kubo.hasBlock(kept)).isTrue();

    kubo.failNext("repo/gc", 1, "could not remove block: disk on fire");
    try (CloseableIterator<RepoGcKey> gc = ipfs.repoGc()) {
      assertThat(gc)
          .toIterable()
          .containsExactly(new RepoGcKey(null, "could not remove block: disk on fire"));
    }
  }

  @ParameterizedTest(name = "js-ipfs: {0}")
  @ValueSource(booleans = {false, true})
  void swarmPeersListsConnectedPeersAndNothingWhenAlone(boolean js) {
    kubo.emulateJsIpfs(js);
    assertThat(ipfs.swarmPeers()).isEmpty();
    Multiaddr other;
    try (FakeKubo peer = new FakeKubo()) {
      other = peer.swarmAddresses().get(0);
    }
    ipfs.swarmConnect(other);
    assertThat(ipfs.swarmPeers()).containsExactly(other.peerId().orElseThrow().toString());
  }

  @ParameterizedTest(name = "js-ipfs: {0}")
  @ValueSource(booleans = {false, true})
  void blockPutStoresTheBlockAndReturnsItsCid(boolean js) {
    kubo.emulateJsIpfs(js);
    byte[] data = bytes("hello world");
    Cid cid = ipfs.blockPut(data, "raw");
    assertThat(cid).isEqualTo(Cids.rawOf(data));
    assertThat(kubo.hasBlock(cid)).isTrue();
    assertThat(ipfs.blockPut(data, "v0").version()).isZero();
    assertThatThrownBy(() -> ipfs.blockPut(data, "bogus"))
        .isInstanceOf(IpfsException.class)
        .hasMessageContaining("refused block/put: unrecognized format: bogus");
  }

  @ParameterizedTest(name = "js-ipfs: {0}")
  @ValueSource(booleans = {false, true})
  void resolveAnswersIpfsPathsLinksAndIpnsNames(boolean js) {
    kubo.emulateJsIpfs(js);
    Cid dir = Cids.V0_1;
    Cid file = Cids.V1_2;
    kubo.addLink(dir, "file.txt", file).setIpns(kubo.peerId().toString(), "/ipfs/" + dir);
    assertThat(ipfs.resolve("/ipfs/" + file)).isEqualTo(file);
    assertThat(ipfs.resolve(file.toString())).isEqualTo(file);
    assertThat(kubo.requestCount("resolve")).as("a bare CID needs no node").isZero();
    assertThat(ipfs.resolve("/ipfs/" + dir + "/file.txt")).isEqualTo(file);
    assertThat(ipfs.resolve("/ipns/" + kubo.peerId())).isEqualTo(dir);
    assertThat(ipfs.resolve("/ipns/" + kubo.peerId() + "/file.txt")).isEqualTo(file);
    assertThatThrownBy(() -> ipfs.resolve("/ipns/nobody"))
        .isInstanceOf(IpfsException.class)
        .hasMessage(
            "IPFS at 127.0.0.1:"
                + kubo.port()
                + " refused resolve: could not resolve name \"nobody\"");
  }

  @ParameterizedTest(name = "js-ipfs: {0}")
  @ValueSource(booleans = {false, true})
  void versionAndRepoStat(boolean js) {
    kubo.emulateJsIpfs(js).setRepoStat(2048, 1L << 40);
    assertThat(ipfs.version()).isEqualTo(js ? "0.18.1" : "0.30.0");
    assertThat(ipfs.repoStat().repoSize()).isEqualTo(2048);
    assertThat(ipfs.repoStat().storageMax()).isEqualTo(1L << 40);
  }

  @ParameterizedTest(name = "js-ipfs: {0}")
  @ValueSource(booleans = {false, true})
  void pinStatusAndPinListingMatchCidsByMultihashInAnyBase(boolean js) {
    kubo.emulateJsIpfs(js);
    Cid v1 = Cids.random();
    ipfs.pin(v1, PinMode.RECURSIVE);
    ipfs.pin(Cids.EMPTY_DIR_V1, PinMode.DIRECT);
    assertThat(ipfs.pinStatus(v1)).contains(PinMode.RECURSIVE);
    assertThat(ipfs.pinStatus(Cids.EMPTY_DIR_V0)).contains(PinMode.DIRECT);
    try (CloseableIterator<IpfsPin> it = ipfs.pinLs()) {
      assertThat(it)
          .toIterable()
          .containsExactly(
              new IpfsPin(v1, PinMode.RECURSIVE), new IpfsPin(Cids.EMPTY_DIR_V1, PinMode.DIRECT));
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

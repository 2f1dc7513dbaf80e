package io.pincluster.ipfs;

import static io.pincluster.ipfs.TestConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.PinMethod;
import io.pincluster.testing.Cids;
import io.pincluster.testing.FakeKubo;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link IpfsHttpConnector#pinLocal}: many pins in few calls, fetching nothing. */
class IpfsHttpConnectorPinLocalTest {
  private final FakeKubo kubo = new FakeKubo();
  private final IpfsHttpConnector ipfs = new IpfsHttpConnector(config(kubo.port(), PinMethod.PIN));

  @AfterEach
  void tearDown() {
    ipfs.close();
    kubo.close();
  }

  private static List<String> texts(List<Cid> cids) {
    return cids.stream().map(Cid::toString).toList();
  }

  @Test
  void whatTheNodeHoldsIsPinnedWithOneOfflinePinAdd() {
    List<Cid> cids = Cids.random(10);
    assertThat(ipfs.pinLocal(cids)).containsExactlyInAnyOrderElementsOf(cids);
    assertThat(kubo.requestCount("refs")).isZero();
    assertThat(kubo.requestCount("pin/add")).isEqualTo(1);
    assertThat(kubo.lastParams("pin/add").get("offline")).containsExactly("true");
    assertThat(kubo.lastParams("pin/add").get("arg")).containsExactlyElementsOf(texts(cids));
    cids.forEach(c -> assertThat(kubo.pinMode(c)).contains(PinMode.RECURSIVE));
  }

  @Test
  void whatTheNodeLacksIsFoundByHalvingAnOfflineWalkAndLeftOutUnfetched() {
    List<Cid> cids = Cids.random(8);
    Cid missing = cids.get(5);
    kubo.blockPin(missing); // offline, the node lacks it; a fetch would wait at the gate
    List<Cid> held = cids.stream().filter(c -> !c.equals(missing)).toList();

    assertThat(ipfs.pinLocal(cids)).containsExactlyInAnyOrderElementsOf(held);
    assertThat(kubo.requestCount("pin/add"))
        .as("the refused offline one, then the held")
        .isEqualTo(2);
    assertThat(kubo.requestCount("refs")).as("8, then 4 + 4, 2 + 2, 1 + 1").isEqualTo(7);
    assertThat(kubo.lastParams("refs").get("offline")).containsExactly("true");
    assertThat(kubo.lastParams("pin/add").get("arg"))
        .containsExactlyInAnyOrderElementsOf(texts(held));
    assertThat(kubo.isPinned(missing)).isFalse();
    assertThat(kubo.blockedPins()).as("nothing was fetched").isEmpty();
  }

  @Test
  void aMissingBlockBelowARootAlsoSendsTheBatchToTheWalk() {
    List<Cid> cids = Cids.random(4);
    Cid child = Cids.random();
    kubo.addLink(cids.get(2), "c", child);
    kubo.blockPin(child);

    assertThat(ipfs.pinLocal(cids))
        .containsExactlyInAnyOrder(cids.get(0), cids.get(1), cids.get(3));
    assertThat(kubo.isPinned(cids.get(2))).isFalse();
    assertThat(kubo.blockedPins()).as("nothing was fetched").isEmpty();
  }

  @Test
  void callsCarryAtMost64Cids() {
    List<Cid> cids = Cids.random(2 * IpfsHttpConnector.MAX_PINS_PER_CALL + 2);
    assertThat(ipfs.pinLocal(cids)).hasSize(cids.size());
    assertThat(kubo.requestCount("pin/add")).isEqualTo(3);
    assertThat(kubo.lastParams("pin/add").get("arg")).hasSize(2);
  }

  @Test
  void aRefusedPinAddOrAnUnreachableNodePinsNoneAndThrowsNothing() {
    kubo.failNext("pin/add", 2, "pin: disk full"); // the offline one, then the one after the walk
    List<Cid> cids = Cids.random(3);
    assertThat(ipfs.pinLocal(cids)).isEmpty();
    assertThat(kubo.requestCount("refs")).isEqualTo(1);
    cids.forEach(c -> assertThat(kubo.isPinned(c)).isFalse());

    kubo.stop();
    assertThat(ipfs.pinLocal(Cids.random(3))).isEmpty();
  }

  @Test
  void aBatchWhoseFirstCidIsMissingIsRefusedBeforeAnyProgressAndWalked() {
    List<Cid> cids = Cids.random(4);
    kubo.blockPin(cids.get(0));
    assertThat(ipfs.pinLocal(cids)).containsExactlyInAnyOrderElementsOf(cids.subList(1, 4));
    assertThat(kubo.requestCount("refs")).isPositive();
    assertThat(kubo.isPinned(cids.get(0))).isFalse();
  }

  @Test
  void aCallWithoutProgressForPinTimeoutIsNotWalkedAgainButLeftToTheCaller() {
    kubo.emulateJsIpfs(true); // ignores offline, so the gated CID is fetched: no progress
    List<Cid> cids = Cids.random(3);
    kubo.blockPin(cids.get(1));
    try (IpfsHttpConnector slow =
        new IpfsHttpConnector(config(kubo.port(), PinMethod.PIN, Duration.ofMillis(300)))) {
      assertThat(slow.pinLocal(cids)).isEmpty();
      assertThat(kubo.requestCount("refs")).as("no walk after a stalled call").isZero();
      assertThat(kubo.requestCount("pin/add")).isEqualTo(1);
    } finally {
      kubo.releasePin(cids.get(1));
    }
  }
}

package io.pincluster.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.IpfsException;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import java.time.Duration;
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
}

package io.pincluster.pintracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.testing.Cids;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How one pin is carried out in IPFS. */
class PinningTest extends TrackerTestBase {

  Pin withOptions(Cid cid, PinOptions options) {
    return Pin.of(cid, options).withAllocations(List.of(SELF)).withTimestamp(clock.instant());
  }

  @Test
  void originsAreConnectedBeforePinningAtMostTen() {
    start(100, 1);
    List<Multiaddr> origins = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      origins.add(Multiaddr.parse("/ip4/10.0.0." + (i + 1) + "/tcp/4001"));
    }
    Cid cid = Cids.random();
    PinOptions options =
        new PinOptions(0, 0, "", PinMode.RECURSIVE, null, null, null, null, origins);
    commit(withOptions(cid, options));
    awaitStatus(cid, TrackerStatus.PINNED);

    List<String> expected = new ArrayList<>();
    origins.subList(0, 10).forEach(o -> expected.add("connect " + o));
    expected.add("PIN " + cid);
    assertThat(ipfs.log()).containsExactlyElementsOf(expected);
  }

  @Test
  void aPinUpdateUsesIpfsPinUpdateFromTheOldRecursivePin() {
    start(100, 1);
    Cid old = Cids.random();
    ipfs.putPin(old, PinMode.RECURSIVE);
    Cid cid = Cids.random();
    PinOptions options = new PinOptions(0, 0, "", PinMode.RECURSIVE, null, null, null, old, null);
    commit(withOptions(cid, options));
    awaitStatus(cid, TrackerStatus.PINNED);
    assertThat(ipfs.log()).containsExactly("PIN_UPDATE " + cid);
    assertThat(ipfs.isPinned(old)).as("pin/update keeps the old pin").isTrue();
  }

  @Test
  void aPinUpdateFromSomethingNotPinnedIsAPlainPin() {
    start(100, 1);
    Cid cid = Cids.random();
    PinOptions options =
        new PinOptions(0, 0, "", PinMode.RECURSIVE, null, null, null, Cids.random(), null);
    commit(withOptions(cid, options));
    awaitStatus(cid, TrackerStatus.PINNED);
    assertThat(ipfs.log()).containsExactly("PIN " + cid);
  }

  @Test
  void aPlainRecursivePinIsOneConnectorCallWithoutAStatusCheckFirst() {
    start(100, 1);
    Pin p = commit(pin(SELF));
    awaitQuiet(); // not awaitStatus: a status query asks IPFS too
    assertThat(ipfs.calls(TestIpfs.Call.PIN_STATUS))
        .as("the connector's pin checks the node itself")
        .isZero();
    assertThat(ipfs.calls(TestIpfs.Call.PIN)).isEqualTo(1);
    assertThat(ipfs.calls(TestIpfs.Call.PIN_NEW))
        .as("nothing says IPFS holds it: the connector may skip its check")
        .isEqualTo(1);
    assertThat(tracker.pinCalls()).isEqualTo(1);
    assertThat(status(p.cid())).isEqualTo(TrackerStatus.PINNED);
  }

  @Test
  void aPinIpfsIsKnownToHoldIsLeftToTheConnectorsCheck() {
    start(100, 1);
    Cid cid = Cids.random();
    ipfs.putPin(cid, PinMode.RECURSIVE);
    tracker.runIpfsSync(); // the store now records it in IPFS
    commit(pin(cid, SELF));
    awaitQuiet();
    assertThat(ipfs.calls(TestIpfs.Call.PIN_NEW)).isZero();
    assertThat(ipfs.calls(TestIpfs.Call.PIN)).as("found pinned: no pin/add").isZero();
    assertThat(status(cid)).isEqualTo(TrackerStatus.PINNED);
  }

  @Test
  void aDirectPinOfSomethingPinnedRecursivelyIsLeftAlone() {
    start(100, 1);
    Cid cid = Cids.random();
    ipfs.putPin(cid, PinMode.RECURSIVE);
    PinOptions direct = new PinOptions(0, 0, "", PinMode.DIRECT, null, null, null, null, null);
    commit(withOptions(cid, direct));
    awaitQuiet();
    assertThat(status(cid)).isEqualTo(TrackerStatus.PINNED);
    assertThat(ipfs.calls(TestIpfs.Call.PIN)).isZero();
    assertThat(ipfs.mode(cid)).as("the recursive pin is kept").contains(PinMode.RECURSIVE);
  }

  @Test
  void somethingAlreadyPinnedIsNotPinnedAgain() {
    start(100, 1);
    Cid cid = Cids.random();
    ipfs.putPin(cid, PinMode.RECURSIVE);
    commit(pin(cid, SELF));
    awaitQuiet();
    assertThat(status(cid)).isEqualTo(TrackerStatus.PINNED);
    assertThat(ipfs.calls(TestIpfs.Call.PIN)).isZero();
  }

  @Test
  void aCidPinnedAsV0IsTheSamePinAsItsV1() {
    start(100, 1);
    Cid v0 = Cids.V0_1;
    ipfs.putPin(v0, PinMode.RECURSIVE);
    tracker.runIpfsSync();
    Pin p = commit(pin(v0.toV1(), SELF));
    awaitQuiet();
    assertThat(status(p.cid())).isEqualTo(TrackerStatus.PINNED);
    assertThat(ipfs.calls(TestIpfs.Call.PIN)).isZero();
  }

  @Test
  void aFailureWrittenForAnotherCidOfTheSameMultihashIsForgottenWhenItsPinSucceeds() {
    start(100, 2);
    Cid v0 = Cid.v0(Cids.random().multihash());
    Cid v1 = Cid.v1(Cid.RAW, v0.multihash()); // failures are kept by multihash: one for both
    ipfs.blockPin(v0); // the node fetches it: its pin runs, having found no failure on record
    commit(pin(v0, SELF));
    eventually().until(() -> ipfs.isWaiting(v0));

    ipfs.failPins("pin: no space left");
    commit(pin(v1, SELF));
    awaitStatus(v1, TrackerStatus.PIN_ERROR);
    ipfs.failPins(null);
    ipfs.release(v0);

    awaitQuiet();
    assertThat(failures()).as("the content is pinned: no error stays on record").isEmpty();
    assertThat(status(v0)).isEqualTo(TrackerStatus.PINNED);
    assertThat(status(v1)).isEqualTo(TrackerStatus.PINNED);
  }
}

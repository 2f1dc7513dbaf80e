package io.pincluster.ipfs;

import static io.pincluster.ipfs.TestConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.IpfsException;
import io.pincluster.core.api.IpfsId;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.PinMethod;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.testing.Cids;
import io.pincluster.testing.FakeKubo;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The connector against FakeKubo, over real HTTP. */
class IpfsHttpConnectorTest {
  private final FakeKubo kubo = new FakeKubo();
  private IpfsHttpConnector ipfs = new IpfsHttpConnector(config(kubo.port(), PinMethod.REFS));

  @AfterEach
  void tearDown() {
    ipfs.close();
    kubo.close();
  }

  @Test
  void idReportsTheNodesPeerIdAndAddresses() {
    IpfsId id = ipfs.id();
    assertThat(id.id()).isEqualTo(kubo.peerId().toString());
    assertThat(id.addresses()).containsExactly(kubo.swarmAddresses().get(0).toString());
    assertThat(id.error()).isEmpty();
  }

  @Test
  void recursivePinFetchesWithRefsThenPinsAndIsIdempotent() {
    Cid cid = Cids.random();
    ipfs.pin(cid, PinMode.RECURSIVE);
    assertThat(kubo.pins()).containsEntry(cid, PinMode.RECURSIVE);
    assertThat(kubo.requestCount("refs")).isEqualTo(1);
    assertThat(kubo.requestCount("pin/add")).isEqualTo(1);

    ipfs.pin(cid, PinMode.RECURSIVE);
    assertThat(kubo.requestCount("pin/add")).as("already pinned: no second pin/add").isEqualTo(1);
  }

  @Test
  void pinNewSkipsTheCheckAndPinMethodPinSendsOnlyPinAdd() {
    Cid cid = Cids.random();
    ipfs.pinNew(cid, PinMode.RECURSIVE);
    assertThat(kubo.requestCount("pin/ls")).as("pin_method refs, a new pin").isZero();
    assertThat(kubo.requestCount("refs")).isEqualTo(1);
    assertThat(kubo.requestCount("pin/add")).isEqualTo(1);

    ipfs.close();
    ipfs = new IpfsHttpConnector(config(kubo.port(), PinMethod.PIN));
    ipfs.pin(cid, PinMode.RECURSIVE);
    assertThat(kubo.requestCount("pin/ls"))
        .as("pin_method pin: pin/add of a recursive pin the node holds changes nothing")
        .isZero();
    assertThat(kubo.requestCount("pin/add")).isEqualTo(2);
    assertThat(kubo.pins()).containsEntry(cid, PinMode.RECURSIVE);
  }

  @Test
  void pinsFetchedWhileTheirPinAddCallsAreBusyShareTheNextOne() {
    List<Cid> busy = holdBothPinAddLanes();
    List<Cid> later = Cids.random(10);
    List<Thread> waiting = later.stream().map(this::pinNewInThread).toList();
    awaitQueuedForPinAdd(waiting);

    kubo.releasePin(busy.get(0));
    awaitEnded(waiting);
    assertThat(kubo.lastParams("pin/add").get("arg"))
        .containsExactlyInAnyOrderElementsOf(later.stream().map(Cid::toString).toList());
    kubo.releasePin(busy.get(1));

    await().atMost(Duration.ofSeconds(5)).until(() -> kubo.pins().size() == 12);
    assertThat(kubo.requestCount("refs"))
        .as("a walk and a fetch for each held pin, at most a walk for each later one")
        .isBetween(2L * busy.size() + 1, 2L * busy.size() + later.size());
    assertThat(kubo.requestCount("pin/add")).isEqualTo(3);
  }

  @Test
  void aSharedPinAddThatFailsIsSentAgainForEachPinAlone() {
    List<Cid> busy = holdBothPinAddLanes();
    List<Cid> later = Cids.random(4);
    List<Thread> waiting = later.stream().map(this::pinNewInThread).toList();
    awaitQueuedForPinAdd(waiting);
    kubo.failNext("pin/add", 1, "pin: one of them is broken");

    kubo.releasePin(busy.get(0));
    awaitEnded(waiting);
    kubo.releasePin(busy.get(1));

    await().atMost(Duration.ofSeconds(5)).until(() -> kubo.pins().size() == 6);
    assertThat(kubo.requestCount("pin/add")).isEqualTo(2 + 1 + 4);
  }

  @Test
  void aLargeDagIsPinnedInACallOfItsOwnEvenWhileTheSharedOnesAreBusy() {
    List<Cid> busy = holdBothPinAddLanes();
    Cid big = Cids.random();
    for (int i = 0; i <= IpfsHttpConnector.MAX_REFS_TO_SHARE_A_CALL; i++) {
      kubo.addLink(big, "b" + i, Cids.random());
    }
    Cid small = Cids.random();
    kubo.addLink(small, "only", Cids.random());

    Thread bigPin = pinNewInThread(big);
    awaitEnded(List.of(bigPin));
    assertThat(kubo.isPinned(big)).isTrue();
    Thread smallPin = pinNewInThread(small);
    awaitQueuedForPinAdd(List.of(smallPin));

    busy.forEach(kubo::releasePin);
    awaitEnded(List.of(smallPin));
    assertThat(kubo.isPinned(small)).isTrue();
  }

  /** Two pins hanging in pin/add: every later pin/add of a fetched DAG must queue. */
  private List<Cid> holdBothPinAddLanes() {
    List<Cid> busy = Cids.random(IpfsHttpConnector.MAX_PIN_CALLS_IN_FLIGHT);
    busy.forEach(kubo::blockPin);
    busy.forEach(this::pinNewInThread);
    await().atMost(Duration.ofSeconds(5)).until(() -> kubo.blockedPins().size() == busy.size());
    return busy;
  }

  private Thread pinNewInThread(Cid cid) {
    Thread t = new Thread(() -> ipfs.pinNew(cid, PinMode.RECURSIVE), "test-pin-" + cid);
    t.start();
    return t;
  }

  /** Each thread waits in the connector's pin/add queue (not in an HTTP call). */
  private static void awaitQueuedForPinAdd(List<Thread> threads) {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                threads.stream()
                    .allMatch(
                        t ->
                            t.getState() == Thread.State.WAITING
                                && Arrays.stream(t.getStackTrace())
                                    .anyMatch(
                                        f ->
                                            f.getClassName().endsWith(".SharedCalls")
                                                && f.getMethodName().equals("call"))
                                && Arrays.stream(t.getStackTrace())
                                    .noneMatch(
                                        f -> f.getClassName().contains("CompletableFuture"))));
  }

  private static void awaitEnded(List<Thread> threads) {
    await().atMost(Duration.ofSeconds(5)).until(() -> threads.stream().noneMatch(Thread::isAlive));
  }

  @Test
  void directPinSkipsRefsAndPinMethodPinNeverCallsRefs() {
    ipfs.pin(Cids.V0_1, PinMode.DIRECT);
    ipfs.close();
    ipfs = new IpfsHttpConnector(config(kubo.port(), PinMethod.PIN));
    ipfs.pin(Cids.V0_2, PinMode.RECURSIVE);
    assertThat(kubo.requestCount("refs")).isZero();
    assertThat(ipfs.pinStatus(Cids.V0_1)).contains(PinMode.DIRECT);
    assertThat(ipfs.pinStatus(Cids.V0_2)).contains(PinMode.RECURSIVE);
    assertThat(ipfs.pinStatus(Cids.V0_3)).isEmpty();
  }

  @Test
  void pinStatusMatchesByMultihashWhateverBaseTheNodeAnswersIn() {
    kubo.printCidV1InBase58(true);
    Cid v1 = Cids.random();
    ipfs.pin(v1, PinMode.RECURSIVE);
    assertThat(ipfs.pinStatus(v1)).contains(PinMode.RECURSIVE);
    kubo.addPin(Cids.EMPTY_DIR_V0, PinMode.RECURSIVE);
    assertThat(ipfs.pinStatus(Cids.EMPTY_DIR_V1)).contains(PinMode.RECURSIVE);
  }

  @Test
  void unpinOfSomethingNotPinnedSucceeds() {
    ipfs.pin(Cids.V0_1, PinMode.RECURSIVE);
    ipfs.unpin(Cids.V0_1);
    assertThat(kubo.isPinned(Cids.V0_1)).isFalse();
    ipfs.unpin(Cids.V0_1);
    assertThat(kubo.requestCount("pin/rm")).isEqualTo(2);
  }

  @Test
  void refusalsNameTheNodeTheCommandAndTheMessage() {
    kubo.failNext("pin/add", 1, "pin: something broke");
    assertThatThrownBy(() -> ipfs.pin(Cids.V0_1, PinMode.RECURSIVE))
        .isInstanceOf(IpfsException.class)
        .hasMessage("IPFS at 127.0.0.1:" + kubo.port() + " refused pin/add: pin: something broke");
    kubo.failNext("refs", 2, "merkledag: not found"); // the offline walk, then the fetch
    assertThatThrownBy(() -> ipfs.pin(Cids.V0_1, PinMode.RECURSIVE))
        .hasMessageEndingWith("refused refs: merkledag: not found");
    assertThat(kubo.requestCount("pin/add")).isEqualTo(1);
  }

  @Test
  void pinTimeoutWithoutProgressFailsAndTheNodeSeesTheClientLeave() {
    ipfs.close();
    ipfs = new IpfsHttpConnector(config(kubo.port(), PinMethod.PIN, Duration.ofMillis(300)));
    Cid cid = Cids.random();
    kubo.blockPin(cid);
    assertThatThrownBy(() -> ipfs.pin(cid, PinMode.RECURSIVE))
        .isInstanceOf(IpfsException.class)
        .hasMessageContaining("made no progress on pin/add within pin_timeout (300ms)");
    await().atMost(Duration.ofSeconds(5)).until(() -> kubo.blockedPins().isEmpty());
    kubo.releasePin(cid);
    assertThat(kubo.isPinned(cid)).isFalse();
  }

  @Test
  void interruptingAPinCancelsItsCall() {
    Cid cid = Cids.random();
    kubo.blockPin(cid);
    AtomicReference<Thread> worker = new AtomicReference<>();
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                ipfs.pin(cid, PinMode.RECURSIVE);
                outcome.complete(null);
              } catch (RuntimeException e) {
                outcome.complete(e);
              }
            },
            "test-pinner");
    worker.set(t);
    t.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> kubo.blockedPins().contains(cid));
    worker.get().interrupt();
    assertThat(outcome.join())
        .isInstanceOf(IpfsException.class)
        .hasMessageContaining("interrupted");
    await().atMost(Duration.ofSeconds(5)).until(() -> kubo.blockedPins().isEmpty());
    assertThat(kubo.isPinned(cid)).isFalse();
  }

  @Test
  void repoStatAndSwarmConnect() {
    kubo.setRepoStat(1234, 99_999);
    assertThat(ipfs.repoStat().repoSize()).isEqualTo(1234);
    assertThat(ipfs.repoStat().storageMax()).isEqualTo(99_999);
    Multiaddr peer;
    try (FakeKubo other = new FakeKubo()) {
      peer = other.swarmAddresses().get(0);
    }
    ipfs.swarmConnect(peer);
    assertThat(kubo.swarmConnects()).containsExactly(peer);
    assertThatThrownBy(() -> ipfs.swarmConnect(Multiaddr.parse("/ip4/127.0.0.1/tcp/1")))
        .hasMessageContaining("refused swarm/connect: invalid peer address");
  }

  @Test
  void pinUpdateWithUnpinFromMovesAPin() {
    Cid old = Cids.random();
    ipfs.pin(old, PinMode.RECURSIVE);
    Cid next = Cids.random();
    ipfs.pinUpdate(old, next, true);
    assertThat(kubo.isPinned(next)).isTrue();
    assertThat(kubo.isPinned(old)).isFalse();
    assertThat(kubo.requestCount("pin/update")).isEqualTo(1);
  }

  @Test
  void closeIsIdempotentAndLaterCallsFail() {
    ipfs.close();
    ipfs.close();
    assertThatThrownBy(() -> ipfs.id()).hasMessageContaining("closed");
  }
}

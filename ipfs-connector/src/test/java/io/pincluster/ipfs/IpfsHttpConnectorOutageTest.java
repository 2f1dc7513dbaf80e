package io.pincluster.ipfs;

import static io.pincluster.ipfs.TestConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.IpfsException;
import io.pincluster.core.api.IpfsPin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.IpfsHttpSection;
import io.pincluster.core.config.PinMethod;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.ipfs.internal.FailureBackoff;
import io.pincluster.ipfs.internal.KuboClient;
import io.pincluster.testing.Cids;
import io.pincluster.testing.FakeKubo;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * IPFS going down and coming back: clear errors, back-off, recovery; and the delayed swarm connects
 * that follow a start.
 */
class IpfsHttpConnectorOutageTest {
  private final FakeKubo kubo = new FakeKubo();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    kubo.close();
  }

  @Test
  void aNodeStoppedMidPinFailsThePinClearlyAndPinningWorksAgainAfterItRestarts() {
    IpfsHttpConnector ipfs = open(config(kubo.port(), PinMethod.PIN));
    Cid cid = Cids.random();
    kubo.blockPin(cid);
    CompletableFuture<Throwable> outcome = pinInBackground(ipfs, cid);
    await().atMost(Duration.ofSeconds(5)).until(() -> kubo.blockedPins().contains(cid));
    kubo.stop();
    String node = "127.0.0.1:" + kubo.port();
    // OkHttp retries a request whose connection broke before any answer: the retry then finds
    // the port closed. Either way the message names the node and what happened.
    assertThat(outcome.join())
        .isInstanceOf(IpfsException.class)
        .satisfiesAnyOf(
            e -> assertThat(e).hasMessage("cannot reach IPFS at " + node + ": connection refused"),
            e ->
                assertThat(e)
                    .hasMessageStartingWith("IPFS at " + node + " broke off pin/add")
                    .hasMessageEndingWith("it may still complete in IPFS (safe to retry)"));
    assertThatThrownBy(ipfs::id)
        .hasMessage("cannot reach IPFS at " + node + ": connection refused");
    assertThat(kubo.isPinned(cid)).isFalse();

    kubo.releasePin(cid).restart();
    ipfs.pin(cid, PinMode.RECURSIVE);
    assertThat(kubo.isPinned(cid)).isTrue();
  }

  @Test
  void afterRepeatedFailuresRequestsAreSpacedAndTheyFlowAgainOnceIpfsReturns() {
    AtomicLong now = new AtomicLong();
    List<Long> sleeps = new ArrayList<>();
    FailureBackoff backoff =
        new FailureBackoff(
            10,
            Duration.ofSeconds(1),
            now::get,
            nanos -> {
              sleeps.add(nanos);
              now.addAndGet(nanos);
            });
    IpfsHttpSection config = config(kubo.port(), PinMethod.PIN);
    IpfsHttpConnector ipfs =
        open(new IpfsHttpConnector(config, new KuboClient(config, null, now::get, backoff)));
    kubo.setUnavailable(true);
    for (int i = 0; i < 13; i++) {
      assertThatThrownBy(ipfs::repoStat).hasMessageContaining("connection refused");
    }
    assertThat(backoff.backingOff()).isTrue();
    assertThat(sleeps).as("the 11th call takes the first slot at once").hasSize(2);

    kubo.setUnavailable(false);
    assertThat(ipfs.version()).isEqualTo("0.30.0");
    assertThat(backoff.backingOff()).isFalse();
    int slept = sleeps.size();
    ipfs.version();
    assertThat(sleeps).as("healthy again: no more waiting").hasSize(slept);
  }

  @Test
  void aNodeThatDiesMidListingFailsTheIteratorWithTheNodeNamed() throws IOException {
    try (MockWebServer server = new MockWebServer()) {
      server.start(InetAddress.getByName("127.0.0.1"), 0);
      String line = "{\"Cid\":\"" + Cids.V0_1 + "\",\"Type\":\"recursive\"}\n";
      server.enqueue(
          new MockResponse.Builder()
              .body(line.repeat(200))
              .throttleBody(line.length() * 10L, 20, TimeUnit.MILLISECONDS)
              .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE)
              .build());
      IpfsHttpConnector ipfs = open(config(server.getPort(), PinMethod.PIN));
      try (CloseableIterator<IpfsPin> it = ipfs.pinLs()) {
        assertThatThrownBy(() -> it.forEachRemaining(p -> {}))
            .isInstanceOf(IpfsException.class)
            .hasMessageStartingWith("IPFS at 127.0.0.1:" + server.getPort() + " broke off pin/ls");
      }
    }
  }

  @Test
  void connectSwarmsAfterDelayConnectsToEveryAddressItCanAndSkipsTheRest() throws Exception {
    IpfsHttpConnector ipfs =
        open(
            config(
                kubo.port(),
                PinMethod.PIN,
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                Duration.ofMinutes(1),
                Duration.ofMillis(50)));
    FakeKubo a = closeLater(new FakeKubo());
    FakeKubo b = closeLater(new FakeKubo());
    Multiaddr noPeerId = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001");
    List<Multiaddr> peers = List.of(a.swarmAddresses().get(0), noPeerId, b.swarmAddresses().get(0));
    CompletableFuture<Integer> connected = ipfs.connectSwarmsAfterDelay(() -> peers);
    assertThat(connected.get(10, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(kubo.swarmConnects())
        .containsExactly(a.swarmAddresses().get(0), b.swarmAddresses().get(0));
    assertThat(ipfs.swarmPeers())
        .containsExactlyInAnyOrder(a.peerId().toString(), b.peerId().toString());
  }

  @Test
  void closeCancelsSwarmConnectsThatHaveNotRunYet() {
    IpfsHttpConnector ipfs =
        open(
            config(
                kubo.port(),
                PinMethod.PIN,
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                Duration.ofMinutes(1),
                Duration.ofHours(1)));
    CompletableFuture<Integer> connected =
        ipfs.connectSwarmsAfterDelay(() -> List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1")));
    ipfs.close();
    assertThat(connected).isCancelled();
    assertThatThrownBy(connected::join).isInstanceOf(CancellationException.class);
    assertThat(kubo.requestCount("swarm/connect")).isZero();
  }

  private CompletableFuture<Throwable> pinInBackground(IpfsHttpConnector ipfs, Cid cid) {
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
    t.start();
    return outcome;
  }

  private IpfsHttpConnector open(IpfsHttpSection config) {
    return open(new IpfsHttpConnector(config));
  }

  private IpfsHttpConnector open(IpfsHttpConnector ipfs) {
    toClose.add(ipfs);
    return ipfs;
  }

  private FakeKubo closeLater(FakeKubo k) {
    toClose.add(k);
    return k;
  }
}

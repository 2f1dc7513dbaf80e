package io.pincluster.peerrpc;

import static io.pincluster.peerrpc.FakeService.NOT_PINNED;
import static io.pincluster.peerrpc.FakeService.SELF;
import static io.pincluster.peerrpc.FakeService.cid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.BuildInfo;
import io.pincluster.core.CloseableIterator;
import io.pincluster.core.PeerUnreachableException;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.json.Json;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.peerrpc.internal.Hmac;
import io.pincluster.peerrpc.internal.RequestSigner;
import io.pincluster.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The acting calls: recover, sync (one CID and every pin) and repo GC, over real HTTP. */
class PeerRpcActionsTest {
  private static final byte[] SECRET = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

  private final MutableClock clock = new MutableClock(START);
  private final FakeService service = new FakeService();
  private final PeerRpcRoundTripTest.FakePeerTable table = new PeerRpcRoundTripTest.FakePeerTable();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private PeerRpcServer server;
  private HttpPeerRpc rpc;

  @BeforeEach
  void start() {
    server = new PeerRpcServer(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), SECRET, service, clock);
    closeables.add(server);
    server.start();
    table.put(SELF, server.multiaddr());
    rpc = client(Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  private HttpPeerRpc client(Duration timeout, Duration longCallTimeout) {
    HttpPeerRpc c = new HttpPeerRpc(SECRET, table, timeout, longCallTimeout, clock);
    closeables.add(c);
    return c;
  }

  @AfterEach
  void stop() throws Exception {
    service.released.countDown();
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  @Test
  void recoverSyncAndRepoGcOfOnePeerRoundTrip() {
    assertThat(rpc.recover(SELF, cid(1))).isEqualTo(FakeService.recovered(cid(1)));
    assertThat(rpc.sync(SELF, cid(2))).isEqualTo(FakeService.synced(cid(2)));
    assertThat(rpc.repoGc(SELF)).isEqualTo(FakeService.GC);
    assertThat(service.acted).containsExactly("recover " + cid(1), "sync " + cid(2), "repogc");
  }

  @Test
  void recoverAllAndSyncAllStreamEveryItemInOrder() {
    service.count = 5_000;
    assertStreams(rpc::recoverAll, FakeService::recovered);
    service.streamClosed.set(false);
    assertStreams(rpc::syncAll, FakeService::synced);
    assertThat(service.acted).containsExactly("recoverAll", "syncAll");
  }

  private void assertStreams(
      Function<io.pincluster.core.peer.PeerId, CloseableIterator<PinInfo>> call,
      Function<io.pincluster.core.cid.Cid, PinInfo> expected) {
    int n = 0;
    try (CloseableIterator<PinInfo> it = call.apply(SELF)) {
      while (it.hasNext()) {
        assertThat(it.next()).isEqualTo(expected.apply(cid(n)));
        n++;
      }
    }
    assertThat(n).isEqualTo(5_000);
    await().atMost(Duration.ofSeconds(10)).untilTrue(service.streamClosed);
  }

  @Test
  void nothingToRecoverOrSyncIsAnEmptyStream() {
    try (CloseableIterator<PinInfo> it = rpc.recoverAll(SELF)) {
      assertThat(it.hasNext()).isFalse();
    }
    try (CloseableIterator<PinInfo> it = rpc.syncAll(SELF)) {
      assertThat(it.hasNext()).isFalse();
    }
  }

  @Test
  void syncAllFailingMidwayIsThrownAtTheEndNamingThePeerAndTheStream() {
    service.count = 10;
    service.failAfter = 3;
    try (CloseableIterator<PinInfo> it = rpc.syncAll(SELF)) {
      for (int i = 0; i < 3; i++) {
        assertThat(it.next().status()).isEqualTo(TrackerStatus.UNEXPECTEDLY_UNPINNED);
      }
      assertThatThrownBy(it::hasNext)
          .isInstanceOf(PeerUnreachableException.class)
          .hasMessageContaining(SELF.toString())
          .hasMessageContaining("sync stream failed: ipfs pin/ls failed at 3");
    }
  }

  @Test
  void recoverOfACidOutsideThePinsetIsA404FromThePeer() {
    assertThatThrownBy(() -> rpc.recover(SELF, NOT_PINNED))
        .isInstanceOf(PeerUnreachableException.class)
        .hasMessageContaining("answered 404: pin is not part of the pinset");
    service.failure = new IllegalStateException("ipfs is down");
    assertThatThrownBy(() -> rpc.repoGc(SELF))
        .isInstanceOf(PeerUnreachableException.class)
        .hasMessageContaining("answered 500: ipfs is down");
  }

  @Test
  void recoverMayTakeLongerThanTheQuickTimeoutButNotThanTheLongOne() {
    service.actLatency = Duration.ofMillis(1500);
    HttpPeerRpc patient = client(Duration.ofMillis(500), Duration.ofSeconds(20));
    assertThat(patient.recover(SELF, cid(1)).status()).isEqualTo(TrackerStatus.PIN_QUEUED);

    service.actLatency = Duration.ofSeconds(30);
    HttpPeerRpc hasty = client(Duration.ofMillis(200), Duration.ofMillis(600));
    long started = System.nanoTime();
    assertThatThrownBy(() -> hasty.recover(SELF, cid(2)))
        .isInstanceOf(PeerUnreachableException.class)
        .hasMessageContaining("timed out after 600ms");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aLongCallTimeoutShorterThanTheTimeoutIsRefused() {
    assertThatThrownBy(
            () -> new HttpPeerRpc(SECRET, table, Duration.ofSeconds(5), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("peer RPC long call timeout (1s) must be >= the timeout (5s)");
  }

  @Test
  void actingEndpointsAnswerOnlySignedPosts() throws IOException {
    String base = "http://" + server.multiaddr().hostPort();
    OkHttpClient raw = new OkHttpClient();
    try {
      // Signed as a GET: the signature covers the method, so a GET is refused before routing…
      try (Response r = raw.newCall(signed("GET", base, "/rpc/v1/repogc")).execute()) {
        assertThat(r.code()).isEqualTo(405);
      }
      // …and a POST carrying a GET's signature is refused as forged.
      Request forged =
          signed("GET", base, "/rpc/v1/repogc")
              .newBuilder()
              .post(RequestBody.create(new byte[0]))
              .build();
      try (Response r = raw.newCall(forged).execute()) {
        assertThat(r.code()).isEqualTo(401);
      }
      try (Response r =
          raw.newCall(
                  new Request.Builder()
                      .url(base + "/rpc/v1/recover")
                      .post(RequestBody.create(new byte[0]))
                      .build())
              .execute()) {
        assertThat(r.code()).isEqualTo(401);
      }
      try (Response r = raw.newCall(signed("POST", base, "/rpc/v1/repogc")).execute()) {
        assertThat(r.code()).isEqualTo(200);
        JsonNode gc = Json.mapper().readTree(r.body().bytes());
        assertThat(gc.toString())
            .isEqualTo(
                "{\"peer\":\""
                    + SELF
                    + "\",\"peername\":\"self\",\"keys\":[{\"key\":\""
                    + cid(1)
                    + "\",\"error\":\"\"},{\"key\":null,\"error\":\"could not remove a block\"}],"
                    + "\"error\":\"\"}");
      }
      try (Response r = raw.newCall(signed("POST", base, "/rpc/v1/sync/notacid")).execute()) {
        assertThat(r.code()).isEqualTo(400);
        assertThat(r.body().string()).contains("error decoding Cid");
      }
    } finally {
      raw.dispatcher().executorService().shutdown();
      raw.connectionPool().evictAll();
    }
    assertThat(service.acted).containsExactly("repogc");
  }

  private Request signed(String method, String base, String path) {
    RequestSigner.SignedHeaders h =
        new RequestSigner(SECRET, clock).sign(method, path, new byte[0]);
    return new Request.Builder()
        .url(base + path)
        .method(method, method.equals("POST") ? RequestBody.create(new byte[0]) : null)
        .header(Hmac.TIMESTAMP_HEADER, h.timestamp())
        .header(Hmac.NONCE_HEADER, h.nonce())
        .header(Hmac.SIGNATURE_HEADER, h.signature())
        .header(Hmac.PROTOCOL_HEADER, BuildInfo.RPC_PROTOCOL)
        .build();
  }
}

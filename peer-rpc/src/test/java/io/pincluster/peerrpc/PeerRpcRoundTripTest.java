package io.pincluster.peerrpc;

import static io.pincluster.peerrpc.FakeService.SELF;
import static io.pincluster.peerrpc.FakeService.cid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.PeerTableView;
import io.pincluster.core.PeerUnreachableException;
import io.pincluster.core.api.LocalPinStatus;
import io.pincluster.core.api.PeerRecord;
import io.pincluster.core.api.RepoStat;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import io.pincluster.peerrpc.internal.Hmac;
import io.pincluster.peerrpc.internal.RequestSigner;
import io.pincluster.testing.MutableClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PeerRpcRoundTripTest {
  private static final byte[] SECRET = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final PeerId UNKNOWN = Identity.fromSeed(filled((byte) 7)).id();
  private static final PeerId DOWN = Identity.fromSeed(filled((byte) 9)).id();

  private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
  private final MutableClock serverClock = new MutableClock(START);
  private final MutableClock clientClock = new MutableClock(START);
  private final FakeService service = new FakeService();
  private final FakePeerTable table = new FakePeerTable();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private PeerRpcServer server;
  private HttpPeerRpc rpc;

  private static byte[] filled(byte b) {
    byte[] out = new byte[32];
    java.util.Arrays.fill(out, b);
    return out;
  }

  /** A peer table the test fills by hand. */
  static final class FakePeerTable implements PeerTableView {
    final Map<PeerId, PeerRecord> records = new ConcurrentHashMap<>();

    void put(PeerId id, Multiaddr rpc) {
      records.put(id, new PeerRecord(id, "p", null, rpc, null, "", List.of()));
    }

    @Override
    public Optional<PeerRecord> peer(PeerId id) {
      return Optional.ofNullable(records.get(id));
    }

    @Override
    public List<PeerRecord> peers() {
      return records.values().stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
    }
  }

  @BeforeEach
  void start() throws IOException {
    server =
        new PeerRpcServer(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), SECRET, service, serverClock);
    closeables.add(server);
    server.start();
    table.put(SELF, server.multiaddr());
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    table.put(DOWN, Multiaddr.parse("/ip4/127.0.0.1/tcp/" + closedPort));
    rpc = client(SECRET);
  }

  private HttpPeerRpc client(byte[] secret) {
    HttpPeerRpc c = new HttpPeerRpc(secret, table, Duration.ofSeconds(5), clientClock);
    closeables.add(c);
    return c;
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  @Test
  void idStatusAndRepoStatRoundTrip() {
    assertThat(rpc.id(SELF)).isEqualTo(service.localId());
    assertThat(rpc.status(SELF, cid(1))).isEqualTo(FakeService.info(cid(1)));
    assertThat(rpc.repoStat(SELF)).isEqualTo(new RepoStat(1000, 5000));
    assertThat(server.address().getPort()).isPositive();
  }

  @Test
  void statusAllStreamsFiftyThousandStatusesInOrder() {
    service.count = 50_000;
    int n = 0;
    try (CloseableIterator<LocalPinStatus> it = rpc.statusAll(SELF)) {
      while (it.hasNext()) {
        LocalPinStatus info = it.next();
        if (n % 10_000 == 0) {
          assertThat(info).isEqualTo(LocalPinStatus.of(FakeService.info(cid(n))));
        }
        assertThat(info.cid()).isEqualTo(cid(n));
        n++;
      }
    }
    assertThat(n).isEqualTo(50_000);
    await().atMost(Duration.ofSeconds(10)).untilTrue(service.streamClosed);
  }

  @Test
  void emptyStatusAllIsAnEmptyIterator() {
    try (CloseableIterator<LocalPinStatus> it = rpc.statusAll(SELF)) {
      assertThat(it.hasNext()).isFalse();
    }
  }

  @Test
  void streamFailureOnThePeerIsThrownAtTheEndOfTheStream() {
    service.count = 10;
    service.failAfter = 4;
    try (CloseableIterator<LocalPinStatus> it = rpc.statusAll(SELF)) {
      for (int i = 0; i < 4; i++) {
        assertThat(it.next().cid()).isEqualTo(cid(i));
      }
      assertThatThrownBy(it::hasNext)
          .isInstanceOf(PeerUnreachableException.class)
          .hasMessageContaining(SELF.toString())
          .hasMessageContaining("state read failed at 4");
    }
  }

  @Test
  void closingTheIteratorEarlyClosesTheServerSideStream() {
    service.count = 1_000_000;
    try (CloseableIterator<LocalPinStatus> it = rpc.statusAll(SELF)) {
      assertThat(it.next().cid()).isEqualTo(cid(0));
    }
    await().atMost(Duration.ofSeconds(10)).untilTrue(service.streamClosed);
  }

  @Test
  void requestSignedWithAnotherSecretIsRefusedBeforeTheService() {
    HttpPeerRpc stranger = client("wrong-secret".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> stranger.id(SELF))
        .isInstanceOf(PeerUnreachableException.class)
        .hasMessageContaining("answered 401")
        .hasMessageContaining("bad signature");
    assertThat(service.calls).hasValue(0);
  }

  @Test
  void replayedRequestIsRefused() throws IOException {
    String url = "http://" + server.multiaddr().hostPort() + "/rpc/v1/repostat";
    RequestSigner.SignedHeaders h =
        new RequestSigner(SECRET, serverClock).sign("GET", "/rpc/v1/repostat", new byte[0]);
    Request request =
        new Request.Builder()
            .url(url)
            .header(Hmac.TIMESTAMP_HEADER, h.timestamp())
            .header(Hmac.NONCE_HEADER, h.nonce())
            .header(Hmac.SIGNATURE_HEADER, h.signature())
            .header(Hmac.PROTOCOL_HEADER, io.pincluster.core.BuildInfo.RPC_PROTOCOL)
            .build();
    OkHttpClient raw = new OkHttpClient();
    try {
      try (Response first = raw.newCall(request).execute()) {
        assertThat(first.code()).isEqualTo(200);
      }
      try (Response replay = raw.newCall(request).execute()) {
        assertThat(replay.code()).isEqualTo(401);
        assertThat(replay.header("Content-Type")).isEqualTo("application/json");
        assertThat(replay.body().string()).contains("\"code\":401").contains("replayed");
      }
      try (Response unsigned = raw.newCall(new Request.Builder().url(url).build()).execute()) {
        assertThat(unsigned.code()).isEqualTo(401);
      }
    } finally {
      raw.dispatcher().executorService().shutdown();
      raw.connectionPool().evictAll();
    }
    assertThat(service.calls).hasValue(1);
  }

  @Test
  void aPeerSpeakingAnotherProtocolVersionIsRefusedWithAClearMessage() throws IOException {
    String url = "http://" + server.multiaddr().hostPort() + "/rpc/v1/repostat";
    RequestSigner.SignedHeaders h =
        new RequestSigner(SECRET, serverClock).sign("GET", "/rpc/v1/repostat", new byte[0]);
    Request request =
        new Request.Builder()
            .url(url)
            .header(Hmac.TIMESTAMP_HEADER, h.timestamp())
            .header(Hmac.NONCE_HEADER, h.nonce())
            .header(Hmac.SIGNATURE_HEADER, h.signature())
            .header(Hmac.PROTOCOL_HEADER, "/pincluster/9.9/rpc")
            .build();
    OkHttpClient raw = new OkHttpClient();
    try (Response r = raw.newCall(request).execute()) {
      assertThat(r.code()).isEqualTo(400);
      assertThat(r.body().string())
          .contains("peer RPC protocol /pincluster/9.9/rpc is not this peer's")
          .contains("same pincluster version");
    } finally {
      raw.dispatcher().executorService().shutdown();
      raw.connectionPool().evictAll();
    }
    assertThat(service.calls).hasValue(0);
  }

  @Test
  void requestWithAStaleTimestampIsRefused() {
    serverClock.advance(Duration.ofSeconds(31));
    assertThatThrownBy(() -> rpc.repoStat(SELF))
        .isInstanceOf(PeerUnreachableException.class)
        .hasMessageContaining("answered 401")
        .hasMessageContaining("away from this peer's clock");
    serverClock.advance(Duration.ofSeconds(-31));
    assertThat(rpc.repoStat(SELF).repoSize()).isEqualTo(1000);
  }

  @Test
  void unknownUnreachableAndFailingPeersAreReportedByName() {
    assertThatThrownBy(() -> rpc.id(UNKNOWN))
        .isInstanceOf(PeerUnreachableException.class)
        .hasMessage("peer " + UNKNOWN + " is not in the peer table");
    assertThatThrownBy(() -> rpc.id(DOWN))
        .isInstanceOf(PeerUnreachableException.class)
        .hasMessageContaining("peer " + DOWN)
        .hasMessageContaining("unreachable");
    assertThatThrownBy(() -> rpc.statusAll(DOWN)).isInstanceOf(PeerUnreachableException.class);
    service.failure = new IllegalStateException("ipfs is down");
    assertThatThrownBy(() -> rpc.status(SELF, cid(3)))
        .isInstanceOf(PeerUnreachableException.class)
        .hasMessageContaining("answered 500: ipfs is down");
  }
}

package io.pincluster.peerrpc;

import static io.pincluster.peerrpc.FakeService.SELF;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.BuildInfo;
import io.pincluster.core.PeerUnreachableException;
import io.pincluster.core.api.Metric;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import io.pincluster.peerrpc.internal.Hmac;
import io.pincluster.peerrpc.internal.RequestSigner;
import io.pincluster.peerrpc.internal.RpcPaths;
import io.pincluster.testing.MutableClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Metrics delivery and the links question over real, signed HTTP. */
class PeerRpcMetricsTest {
  private static final byte[] SECRET = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
  private static final PeerId OTHER = Identity.fromSeed(filled((byte) 3)).id();
  private static final PeerId DOWN = Identity.fromSeed(filled((byte) 9)).id();

  private final MutableClock clock = new MutableClock(START);
  private final FakeService service = new FakeService();
  private final PeerRpcRoundTripTest.FakePeerTable table = new PeerRpcRoundTripTest.FakePeerTable();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private PeerRpcServer server;
  private HttpPeerRpc rpc;
  private OkHttpClient raw;

  private static byte[] filled(byte b) {
    byte[] out = new byte[32];
    java.util.Arrays.fill(out, b);
    return out;
  }

  @BeforeEach
  void start() throws IOException {
    server = new PeerRpcServer(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), SECRET, service, clock);
    closeables.add(server);
    server.start();
    table.put(SELF, server.multiaddr());
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    table.put(DOWN, Multiaddr.parse("/ip4/127.0.0.1/tcp/" + closedPort));
    rpc = new HttpPeerRpc(SECRET, table, Duration.ofSeconds(5), clock);
    closeables.add(rpc);
    raw = new OkHttpClient();
  }

  @AfterEach
  void stop() throws Exception {
    raw.dispatcher().executorService().shutdown();
    raw.connectionPool().evictAll();
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private static Metric metric(String name, PeerId peer, String value, boolean partitionable) {
    long expire = START.plusSeconds(30).getEpochSecond() * 1_000_000_000L + 123;
    return new Metric(name, peer, value, expire, true, 42, partitionable, 0);
  }

  @Test
  void metricsArriveAtTheServiceUnchanged() {
    List<Metric> batch =
        List.of(
            metric("ping", OTHER, "{\"peer_name\":\"other\"}", false),
            metric("tag:group", OTHER, "eu", true),
            new Metric("freespace", OTHER, "", -1, false, -7, false, 99));

    rpc.sendMetrics(SELF, batch);
    rpc.sendMetrics(SELF, List.of());

    assertThat(service.received).containsExactly(batch, List.of());
  }

  @Test
  void linksRoundTrip() {
    assertThat(rpc.links(SELF)).isEqualTo(FakeService.LINKS);
  }

  @Test
  void sendingToAnUnreachablePeerNamesIt() {
    assertThatThrownBy(() -> rpc.sendMetrics(DOWN, List.of(metric("ping", OTHER, "", false))))
        .isInstanceOf(PeerUnreachableException.class)
        .hasMessageContaining("peer " + DOWN)
        .hasMessageContaining("unreachable");
    assertThatThrownBy(() -> rpc.links(DOWN)).isInstanceOf(PeerUnreachableException.class);
  }

  @Test
  void aFailingServiceIsReportedToTheSender() {
    service.failure = new IllegalStateException("monitor closed");
    assertThatThrownBy(() -> rpc.sendMetrics(SELF, List.of(metric("ping", OTHER, "", false))))
        .isInstanceOf(PeerUnreachableException.class)
        .hasMessageContaining("answered 500: monitor closed");
  }

  @Test
  void malformedMetricsBodiesAreRefusedWithTheReason() throws IOException {
    assertThat(post("{\"name\":\"ping\"}")).startsWith("400 ").contains("error decoding metrics");
    assertThat(post("null")).startsWith("400 ").contains("expected a JSON array");
    assertThat(post("[{\"name\":\"ping\"}]")).startsWith("400 ").contains("metric 0 has no name");
    assertThat(post("[{\"name\":\"ping\",\"peer\":\"nope\"}]"))
        .startsWith("400 ")
        .contains("error decoding metrics");
    assertThat(service.received).isEmpty();
  }

  @Test
  void theSignatureCoversTheMetricsBody() throws IOException {
    String signedFor = "[]";
    String sent = "[{\"name\":\"ping\",\"peer\":\"" + OTHER + "\",\"expire\":1,\"valid\":true}]";
    RequestSigner.SignedHeaders h =
        new RequestSigner(SECRET, clock)
            .sign("POST", RpcPaths.METRICS, signedFor.getBytes(StandardCharsets.UTF_8));
    try (Response r = raw.newCall(signed(sent, h)).execute()) {
      assertThat(r.code()).isEqualTo(401);
      assertThat(r.body().string()).contains("bad signature");
    }
    assertThat(service.calls).hasValue(0);
  }

  /** Posts {@code body} signed as it is; returns "status body". */
  private String post(String body) throws IOException {
    RequestSigner.SignedHeaders h =
        new RequestSigner(SECRET, clock)
            .sign("POST", RpcPaths.METRICS, body.getBytes(StandardCharsets.UTF_8));
    try (Response r = raw.newCall(signed(body, h)).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  private Request signed(String body, RequestSigner.SignedHeaders h) {
    return new Request.Builder()
        .url("http://" + server.multiaddr().hostPort() + RpcPaths.METRICS)
        .post(RequestBody.create(body, MediaType.get("application/json")))
        .header(Hmac.TIMESTAMP_HEADER, h.timestamp())
        .header(Hmac.NONCE_HEADER, h.nonce())
        .header(Hmac.SIGNATURE_HEADER, h.signature())
        .header(Hmac.PROTOCOL_HEADER, BuildInfo.RPC_PROTOCOL)
        .build();
  }
}

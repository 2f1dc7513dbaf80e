package io.pincluster.restapi;

import static io.pincluster.restapi.FakeClusterApi.OTHER;
import static io.pincluster.restapi.FakeClusterApi.SELF;
import static io.pincluster.restapi.FakeClusterApi.T;
import static io.pincluster.restapi.FakeClusterApi.cid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.NoLeaderException;
import io.pincluster.core.NotEnoughPeersException;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.PinType;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.ConfigException;
import io.pincluster.core.json.Json;
import io.pincluster.core.peer.Multiaddr;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestApiServerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Cid A = cid("a");
  private static final Cid B = cid("b");

  private final FakeClusterApi api = new FakeClusterApi();
  private final List<RestApiServer> servers = new ArrayList<>();
  private OkHttpClient client =
      new OkHttpClient.Builder().followRedirects(false).retryOnConnectionFailure(false).build();
  private String base;

  @TempDir Path tmp;

  @AfterEach
  void stop() {
    servers.forEach(RestApiServer::close);
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  private String start() {
    return start(s -> {});
  }

  private String start(Consumer<SectionBuilder> tweak) {
    SectionBuilder s = new SectionBuilder();
    tweak.accept(s);
    RestApiServer server = new RestApiServer(s.build(), api, InstantSource.fixed(T));
    servers.add(server);
    InetSocketAddress a = server.start().get(0);
    base = (s.sslCert.isEmpty() ? "http" : "https") + "://127.0.0.1:" + a.getPort();
    return base;
  }

  private Response call(String method, String path) throws IOException {
    return call(method, path, b -> {});
  }

  private Response call(String method, String path, Consumer<Request.Builder> tweak)
      throws IOException {
    RequestBody body =
        method.equals("POST") || method.equals("PUT")
            ? RequestBody.create(new byte[0], MediaType.get("text/plain"))
            : null;
    Request.Builder b = new Request.Builder().url(base + path).method(method, body);
    tweak.accept(b);
    return client.newCall(b.build()).execute();
  }

  private static JsonNode json(Response r) throws IOException {
    return Json.mapper().readTree(r.body().bytes());
  }

  private static List<JsonNode> ndjson(Response r) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : r.body().string().split("\n")) {
      if (!line.isEmpty()) {
        out.add(Json.mapper().readTree(line));
      }
    }
    return out;
  }

  private static List<String> fields(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static void assertError(Response r, int code, String message) throws IOException {
    assertThat(r.code()).isEqualTo(code);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    JsonNode body = json(r);
    assertThat(fields(body)).containsExactly("code", "message");
    assertThat(body.get("code").asInt()).isEqualTo(code);
    assertThat(body.get("message").asText()).isEqualTo(message);
  }

  @Test
  void idAndVersionHaveTheV1Shapes() throws IOException {
    start();
    try (Response r = call("GET", "/id")) {
      assertThat(r.code()).isEqualTo(200);
      JsonNode id = json(r);
      assertThat(fields(id))
          .containsExactly(
              "id",
              "addresses",
              "cluster_peers",
              "cluster_peers_addresses",
              "version",
              "commit",
              "rpc_protocol_version",
              "error",
              "ipfs",
              "peername");
      assertThat(id.get("id").asText()).isEqualTo(SELF.toString());
      assertThat(fields(id.get("ipfs"))).containsExactly("id", "addresses", "error");
    }
    try (Response r = call("GET", "/version")) {
      assertThat(r.body().string().trim()).isEqualTo("{\"version\":\"0.1.0\"}");
    }
  }

  @Test
  void pinPassesEveryQueryOptionAndAnswersThePin() throws IOException {
    start();
    String query =
        "?name=my+pin&replication-min=2&replication-max=3&mode=direct"
            + "&user-allocations="
            + SELF
            + ","
            + OTHER
            + "&expire-in=1h&meta-foo=bar&meta-k=v"
            + "&origins=/ip4/1.2.3.4/tcp/4001/p2p/"
            + OTHER;
    try (Response r = call("POST", "/pins/" + A + query)) {
      assertThat(r.code()).isEqualTo(200);
      JsonNode pin = json(r);
      assertThat(fields(pin))
          .containsExactlyInAnyOrder(
              "cid",
              "type",
              "allocations",
              "max_depth",
              "reference",
              "timestamp",
              "replication_factor_min",
              "replication_factor_max",
              "name",
              "mode",
              "user_allocations",
              "expire_at",
              "metadata",
              "pin_update",
              "origins",
              "shard_size");
      assertThat(pin.get("cid").asText()).isEqualTo(A.toString());
      assertThat(pin.get("type").asText()).isEqualTo("pin");
      assertThat(pin.get("allocations").get(0).asText()).isEqualTo(SELF.toString());
      assertThat(pin.get("max_depth").asInt()).isZero();
      assertThat(pin.get("mode").asText()).isEqualTo("direct");
      assertThat(pin.get("name").asText()).isEqualTo("my pin");
      assertThat(pin.get("expire_at").asText()).isEqualTo("2026-01-02T04:04:05Z");
      assertThat(pin.get("metadata").get("foo").asText()).isEqualTo("bar");
    }
    PinOptions o = api.lastOptions.get();
    assertThat(o.replicationFactorMin()).isEqualTo(2);
    assertThat(o.replicationFactorMax()).isEqualTo(3);
    assertThat(o.mode()).isEqualTo(PinMode.DIRECT);
    assertThat(o.userAllocations()).containsExactly(SELF, OTHER);
    assertThat(o.expireAt()).isEqualTo(T.plusSeconds(3600));
    assertThat(o.metadata()).isEqualTo(Map.of("foo", "bar", "k", "v"));
    assertThat(o.origins()).containsExactly(Multiaddr.parse("/ip4/1.2.3.4/tcp/4001/p2p/" + OTHER));
  }

  @Test
  void replicationSetsMinAndMaxAndExpireAtWinsOverExpireIn() throws IOException {
    start();
    try (Response r =
        call(
            "POST",
            "/pins/"
                + A
                + "?replication=4&replication-min=1&expire-at=2030-01-01T00:00:00Z"
                + "&expire-in=1h")) {
      assertThat(r.code()).isEqualTo(200);
    }
    PinOptions o = api.lastOptions.get();
    assertThat(o.replicationFactorMin()).isEqualTo(4);
    assertThat(o.replicationFactorMax()).isEqualTo(4);
    assertThat(o.expireAt()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
    assertThat(o.mode()).isEqualTo(PinMode.RECURSIVE);
  }

  @Test
  void malformedValuesAre400WithIpfsClusterMessages() throws IOException {
    start();
    try (Response r = call("POST", "/pins/notacid")) {
      assertThat(r.code()).isEqualTo(400);
      assertThat(json(r).get("message").asText()).startsWith("error decoding Cid: ");
    }
    try (Response r = call("POST", "/pins/" + A + "?replication-min=x")) {
      assertError(r, 400, "parameter replication-min invalid: \"x\" is not an integer");
    }
    try (Response r = call("POST", "/pins/" + A + "?user-allocations=nope")) {
      assertThat(r.code()).isEqualTo(400);
      assertThat(json(r).get("message").asText()).startsWith("error decoding peer_id");
    }
    try (Response r = call("POST", "/pins/" + A + "?expire-in=500ms")) {
      assertError(r, 400, "expire-in duration too short");
    }
    try (Response r = call("POST", "/pins/" + A + "?expire-in=soon")) {
      assertThat(json(r).get("message").asText()).startsWith("parameter expire-in invalid: ");
    }
    try (Response r = call("POST", "/pins/" + A + "?mode=sideways")) {
      assertThat(json(r).get("message").asText()).startsWith("parameter mode invalid: ");
    }
    try (Response r = call("POST", "/pins/" + A + "?origins=/ip4/1.2.3.4/tcp/1")) {
      assertThat(json(r).get("message").asText()).startsWith("parameter origins invalid: ");
    }
    try (Response r = call("GET", "/pins?filter=nonsense")) {
      assertError(r, 400, "invalid filter value");
    }
    try (Response r = call("GET", "/allocations?filter=nonsense")) {
      assertError(r, 400, "invalid filter value");
    }
    assertThat(api.pins).isEmpty();
  }

  @Test
  void pinWithoutALeaderIs503AndOtherFailuresAre500() throws IOException {
    start();
    api.pinFailure = new NoLeaderException("no leader within 15s", null);
    try (Response r = call("POST", "/pins/" + A)) {
      assertError(r, 503, "no leader within 15s");
    }
    try (Response r = call("DELETE", "/pins/" + A)) {
      assertError(r, 404, "pin is not part of the pinset");
    }
    api.pinFailure = new NotEnoughPeersException(2, 3, 1);
    try (Response r = call("POST", "/pins/" + A)) {
      assertThat(r.code()).isEqualTo(500);
      assertThat(json(r).get("message").asText()).startsWith("not enough peers to allocate CID");
    }
  }

  @Test
  void unpinAnswersTheRemovedPinOr404() throws IOException {
    start();
    try (Response r = call("DELETE", "/pins/" + A)) {
      assertError(r, 404, "pin is not part of the pinset");
    }
    try (Response r = call("POST", "/pins/" + A + "?name=x")) {
      assertThat(r.code()).isEqualTo(200);
    }
    try (Response r = call("DELETE", "/pins/" + A)) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(json(r).get("name").asText()).isEqualTo("x");
    }
    assertThat(api.pins).isEmpty();
  }

  @Test
  void statusIsAGlobalPinInfoWithAPeerMap() throws IOException {
    start();
    call("POST", "/pins/" + A + "?name=n").close();
    try (Response r = call("GET", "/pins/" + A)) {
      assertThat(r.code()).isEqualTo(200);
      JsonNode g = json(r);
      assertThat(fields(g))
          .containsExactly(
              "cid", "name", "allocations", "origins", "created", "metadata", "peer_map");
      assertThat(g.get("created").asText()).isEqualTo(T.toString());
      JsonNode other = g.get("peer_map").get(OTHER.toString());
      assertThat(fields(other))
          .containsExactly(
              "peername", "status", "timestamp", "error", "attempt_count", "priority_pin");
      assertThat(other.get("status").asText()).isEqualTo("pin_error");
      assertThat(other.get("error").asText()).isEqualTo("ipfs broke");
      assertThat(other.get("attempt_count").asInt()).isEqualTo(2);
    }
    assertThat(api.lastLocal.get()).isFalse();
    try (Response r = call("GET", "/pins/" + A + "?local=true")) {
      assertThat(json(r).get("peer_map").size()).isEqualTo(1);
    }
    assertThat(api.lastLocal.get()).isTrue();
  }

  @Test
  void statusOfEveryPinStreamsWithTheParsedFilter() throws IOException {
    start();
    try (Response r = call("GET", "/pins")) {
      assertThat(r.code()).isEqualTo(204);
    }
    call("POST", "/pins/" + A).close();
    call("POST", "/pins/" + B).close();
    try (Response r = call("GET", "/pins?filter=pinned,error&local=true")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Trailer")).isEqualTo("X-Stream-Error");
      List<JsonNode> items = ndjson(r);
      assertThat(items).extracting(n -> n.get("cid").asText()).containsExactly(sorted(A, B));
      assertThat(r.trailers().get("X-Stream-Error")).isEmpty();
    }
    assertThat(api.lastFilter.get())
        .isEqualTo(
            EnumSet.of(
                TrackerStatus.PINNED,
                TrackerStatus.CLUSTER_ERROR,
                TrackerStatus.PIN_ERROR,
                TrackerStatus.UNPIN_ERROR));
    assertThat(api.lastLocal.get()).isTrue();
    await().atMost(WAIT).until(() -> api.closedStreams.contains("statusAll"));
  }

  @Test
  void statusOfChosenCidsStreamsThemInTheOrderAsked() throws IOException {
    start();
    try (Response r = call("GET", "/pins?cids=" + B + "," + A)) {
      assertThat(ndjson(r))
          .extracting(n -> n.get("cid").asText())
          .containsExactly(B.toString(), A.toString());
    }
    try (Response r = call("GET", "/pins?cids=" + B + ",bad")) {
      assertThat(r.code()).isEqualTo(400);
      assertThat(json(r).get("message").asText()).startsWith("error decoding Cid: ");
    }
  }

  @Test
  void streamFailureAfterTheFirstItemIsReportedInTheTrailer() throws IOException {
    start();
    call("POST", "/pins/" + A).close();
    call("POST", "/pins/" + B).close();
    api.statusAllFailureAfterFirst = new IllegalStateException("peer went away");
    try (Response r = call("GET", "/pins")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(ndjson(r)).hasSize(1);
      assertThat(r.trailers().get("X-Stream-Error")).isEqualTo("peer went away");
    }
  }

  @Test
  void allocationsStreamPinsFilteredByType() throws IOException {
    start();
    try (Response r = call("GET", "/allocations")) {
      assertThat(r.code()).isEqualTo(204);
    }
    call("POST", "/pins/" + A).close();
    call("POST", "/pins/" + B).close();
    try (Response r = call("GET", "/allocations?filter=pin")) {
      assertThat(ndjson(r)).extracting(n -> n.get("type").asText()).containsExactly("pin", "pin");
    }
    try (Response r = call("GET", "/allocations?filter=meta-pin,shard-pin")) {
      assertThat(r.code()).isEqualTo(204);
    }
    try (Response r = call("GET", "/allocations?filter=all")) {
      assertThat(ndjson(r)).hasSize(2);
    }
    try (Response r = call("GET", "/allocations/" + A)) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(json(r).get("cid").asText()).isEqualTo(A.toString());
    }
    api.pins.remove(A);
    try (Response r = call("GET", "/allocations/" + A)) {
      assertError(r, 404, "pin is not part of the pinset");
    }
    assertThat(PinType.PIN.wire()).isEqualTo("pin");
  }

  @Test
  void peersStreamEveryMember() throws IOException {
    start();
    try (Response r = call("GET", "/peers")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(ndjson(r))
          .extracting(n -> n.get("peername").asText())
          .containsExactly("self", "other");
    }
  }

  @Test
  void unknownRoutesTrailingSlashesHealthAndHeaders() throws IOException {
    start(s -> s.headers = Map.of("X-Custom", List.of("42")));
    try (Response r = call("GET", "/nowhere")) {
      assertError(r, 404, "not found");
      assertThat(r.header("X-Custom")).isEqualTo("42");
    }
    try (Response r = call("GET", "/pins/?local=true")) {
      assertThat(r.code()).isEqualTo(307);
      assertThat(r.header("Location")).isEqualTo("/pins?local=true");
    }
    try (Response r = call("GET", "/health")) {
      assertThat(r.code()).isEqualTo(204);
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      assertThat(r.header("X-Custom")).isEqualTo("42");
    }
    try (Response r = call("PUT", "/pins/" + A)) {
      assertThat(r.code()).isEqualTo(405);
    }
  }

  @Test
  void basicAuthGuardsEverythingButPreflightAndHealth() throws IOException {
    start(s -> s.credentials = Map.of("alice", "secret"));
    try (Response r = call("GET", "/id")) {
      assertError(r, 401, "unauthorized: no auth provided");
      assertThat(r.headers("WWW-Authenticate"))
          .containsExactly(
              "Bearer realm=\"Restricted IPFS Cluster API\"",
              "Basic realm=\"Restricted IPFS Cluster API\"");
    }
    try (Response r = call("GET", "/id", b -> b.header("Authorization", basic("alice:wrong")))) {
      assertError(r, 401, "unauthorized: access denied");
      assertThat(r.header("WWW-Authenticate"))
          .isEqualTo("Basic realm=\"Restricted IPFS Cluster API\"");
    }
    try (Response r = call("GET", "/id", b -> b.header("Authorization", basic("alice:secret")))) {
      assertThat(r.code()).isEqualTo(200);
    }
    try (Response r = call("GET", "/health")) {
      assertThat(r.code()).isEqualTo(204);
    }
    try (Response r =
        call(
            "OPTIONS",
            "/id",
            b ->
                b.header("Origin", "http://example.com")
                    .header("Access-Control-Request-Method", "GET"))) {
      assertThat(r.code()).isEqualTo(204);
      assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("*");
    }
  }

  @Test
  void corsAnswersPreflightsAndDecoratesAllowedRequests() throws IOException {
    start(
        s -> {
          s.corsOrigins = List.of("http://good.example", "https://*.example.org");
          s.corsMethods = List.of("GET", "POST");
          s.corsHeaders = List.of("X-Custom");
          s.corsMaxAge = Duration.ofMinutes(10);
        });
    try (Response r =
        call(
            "OPTIONS",
            "/pins",
            b ->
                b.header("Origin", "https://app.example.org")
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "x-custom"))) {
      assertThat(r.code()).isEqualTo(204);
      assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.org");
      assertThat(r.header("Access-Control-Allow-Methods")).isEqualTo("POST");
      assertThat(r.header("Access-Control-Allow-Headers")).isEqualTo("x-custom");
      assertThat(r.header("Access-Control-Allow-Credentials")).isEqualTo("true");
      assertThat(r.header("Access-Control-Max-Age")).isEqualTo("600");
      assertThat(r.header("Vary"))
          .isEqualTo("Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    }
    try (Response r =
        call(
            "OPTIONS",
            "/pins",
            b ->
                b.header("Origin", "http://evil.example")
                    .header("Access-Control-Request-Method", "GET"))) {
      assertThat(r.code()).isEqualTo(204);
      assertThat(r.header("Access-Control-Allow-Origin")).isNull();
    }
    try (Response r = call("GET", "/id", b -> b.header("Origin", "http://good.example"))) {
      assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("http://good.example");
      assertThat(r.header("Access-Control-Expose-Headers"))
          .isEqualTo("Content-Type, X-Stream-Output, X-Chunked-Output, X-Content-Length");
      assertThat(r.header("Vary")).isEqualTo("Origin");
    }
    try (Response r =
        call("DELETE", "/pins/" + A, b -> b.header("Origin", "http://good.example"))) {
      assertThat(r.header("Access-Control-Allow-Origin")).isNull();
    }
  }

  @Test
  void requestsAreLoggedInCommonLogFormatToTheLogFile() throws IOException {
    Path log = tmp.resolve("restapi.log");
    start(s -> s.logFile = log.toString());
    call("GET", "/version").close();
    call("GET", "/nowhere?x=1").close();
    await().atMost(WAIT).until(() -> Files.exists(log) && Files.readAllLines(log).size() == 2);
    List<String> lines = Files.readAllLines(log);
    assertThat(lines.get(0))
        .matches(
            "127\\.0\\.0\\.1 - - \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\\] "
                + "\"GET /version HTTP/1\\.1\" 200 20");
    assertThat(lines.get(1)).endsWith("\"GET /nowhere?x=1 HTTP/1.1\" 404 35");
  }

  @Test
  void servesTlsWithThePemFilesOfTheConfig() throws Exception {
    TestCertificate cert = TestCertificate.create(tmp);
    start(
        s -> {
          s.sslCert = cert.certFile().toString();
          s.sslKey = cert.keyFile().toString();
        });
    client = trusting(cert);
    try (Response r = call("GET", "/version")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.handshake()).isNotNull();
    }
  }

  @Test
  void listensOnEveryConfiguredAddress() throws IOException {
    RestApiServer server =
        new RestApiServer(sectionListeningOn("/ip4/127.0.0.1/tcp/0", "/dns4/localhost/tcp/0"), api);
    servers.add(server);
    List<InetSocketAddress> bound = server.start();
    assertThat(bound).hasSize(2);
    assertThat(server.addresses()).isEqualTo(bound);
    for (InetSocketAddress a : bound) {
      base = "http://127.0.0.1:" + a.getPort();
      try (Response r = call("GET", "/health")) {
        assertThat(r.code()).isEqualTo(204);
      }
    }
  }

  @Test
  void unsupportedListenAddressOrKeyFilesRefuseToStartNamingTheKey() throws IOException {
    assertThatThrownBy(() -> new RestApiServer(sectionListeningOn("/unix/api.sock"), api))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http_listen_multiaddress")
        .hasMessageContaining("/unix/api.sock");
    Path junk = Files.writeString(tmp.resolve("junk.pem"), "not a certificate");
    SectionBuilder s = new SectionBuilder();
    s.sslCert = junk.toString();
    s.sslKey = junk.toString();
    assertThatThrownBy(() -> new RestApiServer(s.build(), api))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ssl_cert_file");
    SectionBuilder badHeader = new SectionBuilder();
    badHeader.headers = Map.of("Bad Header", List.of("x"));
    assertThatThrownBy(() -> new RestApiServer(badHeader.build(), api))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("api.restapi.headers");
    SectionBuilder logInMissingDir = new SectionBuilder();
    logInMissingDir.logFile = tmp.resolve("missing/dir/api.log").toString();
    RestApiServer server = new RestApiServer(logInMissingDir.build(), api);
    servers.add(server);
    assertThatThrownBy(server::start)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http_log_file");
  }

  // --- helpers ---

  private static io.pincluster.core.config.RestApiSection sectionListeningOn(String... addrs) {
    SectionBuilder s = new SectionBuilder();
    s.listen = java.util.Arrays.stream(addrs).map(Multiaddr::parse).toList();
    return s.build();
  }

  private static String[] sorted(Cid... cids) {
    return java.util.Arrays.stream(cids).sorted().map(Cid::toString).toArray(String[]::new);
  }

  private static String basic(String userPass) {
    return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  private static OkHttpClient trusting(TestCertificate cert) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    ks.setCertificateEntry("server", cert.cert());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    X509TrustManager tm = (X509TrustManager) tmf.getTrustManagers()[0];
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new javax.net.ssl.TrustManager[] {tm}, null);
    return new OkHttpClient.Builder().sslSocketFactory(ctx.getSocketFactory(), tm).build();
  }
}

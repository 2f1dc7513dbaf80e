package io.pincluster.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pincluster.core.api.PinOptions;
import io.pincluster.testing.Cids;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A running peer, logging at DEBUG, with REST credentials: neither its logs nor any REST answer
 * (success or error, authenticated or not) nor its Prometheus endpoint contain the cluster secret,
 * the identity's private key or a REST password; a JWT issued by {@code POST /token} appears in
 * that answer only.
 */
class SecretsNeverShownTest {
  private static final String PASSWORD =
      "pw-" + HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(12));
  private static final String USER = "admin";

  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();
  final List<String> answers = new ArrayList<>();

  private String basic(String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> call(String method, String url, String authorization, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    answers.add(method + " " + url + " -> " + r.statusCode() + " " + r.headers() + " " + r.body());
    return r;
  }

  @Test
  void secretsAppearNeitherInLogsNorInAnyAnswer() throws Exception {
    LoggerContext logs = (LoggerContext) LoggerFactory.getILoggerFactory();
    List<Logger> debug =
        List.of(
            logs.getLogger("io.pincluster"),
            logs.getLogger("restapilog"),
            logs.getLogger("ipfsproxylog"));
    List<Level> before = debug.stream().map(Logger::getLevel).toList();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.setContext(logs);
    captured.start();
    Logger root = logs.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(captured);
    debug.forEach(l -> l.setLevel(Level.DEBUG));
    List<String> secrets;
    String token;
    try (LocalCluster cluster =
        LocalCluster.start(
            dir,
            1,
            json -> {
              ((ObjectNode) json.get("api").get("restapi"))
                  .putObject("basic_auth_credentials")
                  .put(USER, PASSWORD);
              ((ObjectNode) json.get("observations").get("metrics"))
                  .put("enable_stats", true)
                  .put("prometheus_endpoint", "/ip4/127.0.0.1/tcp/0");
            })) {
      await().atMost(Duration.ofSeconds(30)).until(cluster::ready);
      cluster.peer(0).cluster().pin(Cids.random(), PinOptions.DEFAULT).get(20, TimeUnit.SECONDS);
      token = exerciseTheApi(cluster.restUrl(0));
      int metricsPort = cluster.peer(0).prometheusAddresses().get(0).getPort();
      call("GET", "http://127.0.0.1:" + metricsPort + "/metrics", null, null);
      int proxyPort = cluster.peer(0).ipfsProxyAddresses().get(0).getPort();
      call("POST", "http://127.0.0.1:" + proxyPort + "/api/v0/id", null, "");
      call("POST", "http://127.0.0.1:" + proxyPort + "/api/v0/pin/ls", null, "");
      secrets = secretsOf(cluster);
    } finally {
      for (int i = 0; i < debug.size(); i++) {
        debug.get(i).setLevel(before.get(i));
      }
      root.detachAppender(captured);
    }

    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : captured.list) {
      String throwable =
          e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy());
      lines.add(e.getLoggerName() + ": " + e.getFormattedMessage() + throwable);
    }
    assertThat(captured.list)
        .as("DEBUG logging captured")
        .anyMatch(e -> e.getLevel() == Level.DEBUG);
    assertThat(answers).hasSizeGreaterThan(15);
    for (String secret : secrets) {
      assertThat(lines).as("log lines").noneMatch(l -> l.contains(secret));
      assertThat(answers).as("answers").noneMatch(a -> a.contains(secret));
    }
    List<String> notTokenIssue = answers.stream().filter(a -> !a.contains("/token ->")).toList();
    for (String secret : List.of(token, token.substring(token.lastIndexOf('.') + 1))) {
      assertThat(lines).as("log lines").noneMatch(l -> l.contains(secret));
      assertThat(notTokenIssue).as("answers but POST /token's").noneMatch(a -> a.contains(secret));
    }
  }

  /** Calls every read endpoint, token issue, and a few failing requests; returns the token. */
  private String exerciseTheApi(String base) throws Exception {
    String auth = basic(PASSWORD);
    HttpResponse<String> token = call("POST", base + "/token", auth, null);
    assertThat(token.statusCode()).isEqualTo(200);
    String jwt = token.body().replaceAll(".*\"token\"\\s*:\\s*\"([^\"]+)\".*", "$1").trim();
    for (String path :
        List.of(
            "/id",
            "/version",
            "/peers",
            "/pins",
            "/allocations",
            "/monitor/metrics",
            "/monitor/metrics/ping",
            "/monitor/metrics/freespace",
            "/health/alerts",
            "/health/graph",
            "/health",
            "/pins/notacid",
            "/nowhere")) {
      call("GET", base + path, auth, null);
      call("GET", base + path, "Bearer " + jwt, null);
      call("GET", base + path, null, null);
    }
    assertThat(call("GET", base + "/id", auth, null).statusCode()).isEqualTo(200);
    call("POST", base + "/pins/notacid", auth, null);
    call("POST", base + "/peers", auth, "{\"peer_multiaddress\": \"garbage\"}");
    call("DELETE", base + "/peers/notapeer", auth, null);
    call("GET", base + "/id", basic(PASSWORD + "x"), null);
    call("GET", base + "/id", "Bearer " + jwt + "x", null);
    return jwt;
  }

  /** The secret (hex, whole and a prefix, and base64), the key (base64 and its seed), password. */
  private static List<String> secretsOf(LocalCluster cluster) {
    String key = cluster.identities.get(0).privateKeyBase64();
    byte[] keyBytes = Base64.getDecoder().decode(key);
    String seedHex = HexFormat.of().formatHex(keyBytes, 4, 36);
    byte[] secretBytes = HexFormat.of().parseHex(cluster.secret);
    return List.of(
        cluster.secret,
        cluster.secret.toUpperCase(java.util.Locale.ROOT),
        cluster.secret.substring(0, 16),
        Base64.getEncoder().encodeToString(secretBytes),
        key,
        key.substring(8, 40),
        seedHex,
        PASSWORD,
        Base64.getEncoder()
            .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
  }
}

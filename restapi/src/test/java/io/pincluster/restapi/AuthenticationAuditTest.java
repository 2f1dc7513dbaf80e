package io.pincluster.restapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.restapi.internal.AuthFailures;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.SocketFactory;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * With {@code basic_auth_credentials} set, nothing but {@code /health} and CORS preflight answers
 * without credentials (every route the server registers, listed from its router), and failed
 * authentications are rate-limited per client address through the real server.
 */
class AuthenticationAuditTest extends ApiHarness {
  private static final Map<String, String> CREDENTIALS = Map.of("alice", "s3cret-pw");

  private static String basic(String userPass) {
    return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  /** A concrete path for a route template: every {@code {param}} becomes a plausible value. */
  private static String pathOf(String template) {
    return template
        .replace("{cid}", "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi")
        .replaceAll("\\{[^}]*}", "x");
  }

  @Test
  void everyRegisteredRouteButHealthAnswers401WithoutCredentials() throws Exception {
    start(s -> s.credentials = CREDENTIALS);
    List<String> routes = servers.get(0).routes();
    assertThat(routes)
        .as("the audit sees the monitoring routes too")
        .contains(
            "GET /health/graph",
            "GET /health/alerts",
            "GET /monitor/metrics",
            "GET /monitor/metrics/{name}",
            "GET /id",
            "POST /token",
            "POST /add",
            "POST /pins")
        .hasSizeGreaterThan(25);
    for (String route : routes) {
      String method = route.substring(0, route.indexOf(' '));
      String path = pathOf(route.substring(route.indexOf(' ') + 1));
      try (Response r = call(method, path)) {
        if (route.equals("GET /health")) {
          assertThat(r.code()).as(route).isEqualTo(204);
        } else {
          assertThat(r.code()).as(route).isEqualTo(401);
          assertThat(json(r).get("message").asText())
              .as(route)
              .isEqualTo("unauthorized: no auth provided");
        }
      }
      try (Response r =
          call(
              "OPTIONS",
              path,
              b ->
                  b.header("Origin", "https://example.com")
                      .header("Access-Control-Request-Method", method))) {
        assertThat(r.code()).as("preflight of " + route).isNotIn(401, 429);
      }
    }
    assertThat(api.acted).as("no handler ran").isEmpty();
    assertThat(api.paths).isEmpty();
    assertThat(api.lastPeerAdd.get()).isNull();
    assertThat(api.lastPeerRemove.get()).isNull();
  }

  @Test
  void pathsThatOnlyLookLikeHealthNeedCredentials() throws Exception {
    start(s -> s.credentials = CREDENTIALS);
    for (String path :
        new String[] {"/health/", "//health", "/%68ealth", "/Health", "/health/x", "/nowhere"}) {
      try (Response r = call("GET", path)) {
        assertThat(r.code()).as(path).isEqualTo(401);
      }
    }
    try (Response r = call("GET", "/health?x=1")) {
      assertThat(r.code()).isEqualTo(204);
    }
  }

  @Test
  void failedAttemptsFromOneAddressAreAnswered429WhileOthersAreServed() throws Exception {
    start(s -> s.credentials = CREDENTIALS);
    for (int i = 0; i < AuthFailures.MAX_FAILURES; i++) {
      String auth = i % 2 == 0 ? basic("alice:guess" + i) : "Bearer e30.e30.guess" + i;
      try (Response r = call("GET", "/pins", b -> b.header("Authorization", auth))) {
        assertThat(r.code()).as("attempt %d", i + 1).isEqualTo(401);
      }
    }
    try (Response r =
        call("GET", "/id", b -> b.header("Authorization", basic("alice:s3cret-pw")))) {
      assertError(
          r,
          429,
          "too many failed authentication attempts; retry after " + r.header("Retry-After") + "s");
      assertThat(Long.parseLong(r.header("Retry-After")))
          .isBetween(1L, AuthFailures.WINDOW.toSeconds());
    }
    try (Response r = call("GET", "/health")) {
      assertThat(r.code()).isEqualTo(204);
    }

    OkHttpClient elsewhere =
        client
            .newBuilder()
            .connectionPool(new ConnectionPool()) // not the 127.0.0.1 connections of `client`
            .socketFactory(boundTo(InetAddress.getByName("127.0.0.2")))
            .build();
    Request id =
        new Request.Builder()
            .url(base + "/id")
            .header("Authorization", basic("alice:s3cret-pw"))
            .build();
    try (Response r = elsewhere.newCall(id).execute()) {
      assertThat(r.code()).as("correct credentials from another address").isEqualTo(200);
    } finally {
      elsewhere.connectionPool().evictAll();
    }
  }

  /** Connections from {@code local} (another loopback address than 127.0.0.1). */
  private static SocketFactory boundTo(InetAddress local) {
    return new SocketFactory() {
      @Override
      public Socket createSocket() throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(local, 0));
        return s;
      }

      @Override
      public Socket createSocket(String host, int port) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Socket createSocket(InetAddress host, int port) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Socket createSocket(InetAddress address, int port, InetAddress local, int localPort) {
        throw new UnsupportedOperationException();
      }
    };
  }
}

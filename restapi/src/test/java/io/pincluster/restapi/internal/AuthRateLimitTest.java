package io.pincluster.restapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.http.Request;
import io.pincluster.http.Response;
import io.pincluster.http.Router;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link Auth} with {@link AuthFailures} on a fake ticker, without a network. */
class AuthRateLimitTest {
  private static final InetSocketAddress A = new InetSocketAddress("10.0.0.1", 40000);
  private static final InetSocketAddress A_OTHER_PORT = new InetSocketAddress("10.0.0.1", 40001);
  private static final InetSocketAddress B = new InetSocketAddress("10.0.0.2", 40000);

  private final AtomicLong nanos = new AtomicLong();
  private final Map<String, String> credentials = Map.of("alice", "secret");
  private final Router router =
      Router.builder()
          .filter(
              new Auth(
                  credentials,
                  InstantSource.fixed(Instant.EPOCH),
                  new AuthFailures(3, Duration.ofSeconds(60), 100, nanos::get)))
          .get("/id", req -> Response.ok("id"))
          .get("/health", req -> Response.noContent())
          .build();

  private static String basic(String userPass) {
    return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  private Response call(String method, String path, String authorization, InetSocketAddress from) {
    Map<String, List<String>> headers =
        authorization == null ? Map.of() : Map.of("Authorization", List.of(authorization));
    return router.handle(new Request(method, path, "HTTP/1.1", headers, new byte[0], from));
  }

  private static String message(Response r) {
    return new String(r.body(), StandardCharsets.UTF_8).trim();
  }

  @Test
  void wrongPasswordsAndBadTokensBlockTheAddressWithoutCheckingFurtherCredentials() {
    assertThat(call("GET", "/id", basic("alice:guess1"), A).status()).isEqualTo(401);
    assertThat(call("GET", "/id", "Bearer not.a.token", A_OTHER_PORT).status()).isEqualTo(401);
    assertThat(call("GET", "/id", basic("alice:secret"), A).status())
        .as("a success in between")
        .isEqualTo(200);
    assertThat(call("GET", "/id", basic("mallory:guess2"), A).status()).isEqualTo(401);

    Response blocked = call("GET", "/id", basic("alice:secret"), A);
    assertThat(blocked.status()).as("even correct credentials").isEqualTo(429);
    assertThat(message(blocked))
        .isEqualTo(
            "{\"code\":429,\"message\":\"too many failed authentication attempts; retry after"
                + " 60s\"}");
    assertThat(blocked.header("Retry-After")).hasValue("60");
    assertThat(call("GET", "/id", null, A).status()).isEqualTo(429);

    assertThat(call("GET", "/health", null, A).status()).isEqualTo(204);
    assertThat(call("OPTIONS", "/id", null, A).status()).isNotEqualTo(429);
    assertThat(call("GET", "/id", basic("alice:secret"), B).status())
        .as("another address")
        .isEqualTo(200);

    nanos.addAndGet(Duration.ofSeconds(45).toNanos());
    assertThat(call("GET", "/id", basic("alice:secret"), A).header("Retry-After")).hasValue("15");
    nanos.addAndGet(Duration.ofSeconds(15).toNanos());
    assertThat(call("GET", "/id", basic("alice:secret"), A).status())
        .as("the window ended")
        .isEqualTo(200);
  }

  @Test
  void missingOrUnparseableCredentialsAreNotCountedAsGuesses() {
    for (int i = 0; i < 5; i++) {
      assertThat(call("GET", "/id", null, A).status()).isEqualTo(401);
      assertThat(call("GET", "/id", "Digest x", A).status()).isEqualTo(401);
    }
    assertThat(call("GET", "/id", basic("alice:secret"), A).status()).isEqualTo(200);
  }

  @Test
  void oneBlockedAddressDoesNotCountAgainstAnother() {
    for (int i = 0; i < 3; i++) {
      call("GET", "/id", basic("alice:wrong"), A);
    }
    for (int i = 0; i < 2; i++) {
      assertThat(call("GET", "/id", basic("alice:wrong"), B).status()).isEqualTo(401);
    }
    assertThat(call("GET", "/id", basic("alice:secret"), B).status()).isEqualTo(200);
    assertThat(call("GET", "/id", basic("alice:secret"), A).status()).isEqualTo(429);
  }

  @Test
  void requestsOfUnknownOriginShareOneCounter() {
    for (int i = 0; i < 3; i++) {
      call("GET", "/id", basic("alice:wrong"), null);
    }
    assertThat(call("GET", "/id", basic("alice:secret"), null).status()).isEqualTo(429);
    assertThat(call("GET", "/id", basic("alice:secret"), A).status()).isEqualTo(200);
  }
}

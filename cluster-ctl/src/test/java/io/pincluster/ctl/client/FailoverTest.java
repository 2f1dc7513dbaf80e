package io.pincluster.ctl.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.api.Version;
import io.pincluster.core.json.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The failover rules of {@link Failover} that the CLI tests cannot reach quickly. */
class FailoverTest {
  private MockWebServer slow;
  private MockWebServer fast;

  @BeforeEach
  void start() throws IOException {
    slow = new MockWebServer();
    slow.start(InetAddress.getByName("127.0.0.1"), 0);
    fast = new MockWebServer();
    fast.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    slow.close();
    fast.close();
  }

  private static URI url(MockWebServer s, String path) {
    return URI.create("http://127.0.0.1:" + s.getPort() + path);
  }

  private static MockResponse version() {
    return new MockResponse.Builder().body(Json.toText(new Version("1.1.6"))).build();
  }

  @Test
  void aHostThatSendsNothingWithinTheReadTimeoutFailsOverToTheNext() throws Exception {
    slow.enqueue(version().newBuilder().headersDelay(5, TimeUnit.SECONDS).build());
    fast.enqueue(version());
    RestClientConfig config =
        RestClientConfig.of(List.of(url(slow, ""), url(fast, "")))
            .withReadTimeout(Duration.ofMillis(300));

    try (RestClient client = new RestClient(config)) {
      assertThat(client.version().version()).isEqualTo("1.1.6");
    }
    assertThat(slow.getRequestCount()).isEqualTo(1);
    assertThat(fast.takeRequest().getTarget()).isEqualTo("/version");
  }

  @Test
  void theOverallTimeoutBoundsEveryAttemptTogether() {
    slow.enqueue(version().newBuilder().headersDelay(5, TimeUnit.SECONDS).build());
    fast.enqueue(version());
    RestClientConfig config =
        RestClientConfig.of(List.of(url(slow, ""), url(fast, "")))
            .withTimeout(Duration.ofMillis(400));

    try (RestClient client = new RestClient(config)) {
      assertThatThrownBy(client::version)
          .isInstanceOf(RequestTimeoutException.class)
          .hasMessageContaining("no complete answer from 127.0.0.1:" + slow.getPort());
    }
    assertThat(fast.getRequestCount()).isZero();
  }

  @Test
  void eachHostKeepsItsOwnPathPrefix() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closed = s.getLocalPort();
    }
    fast.enqueue(version());
    RestClientConfig config =
        RestClientConfig.of(
            List.of(URI.create("http://127.0.0.1:" + closed + "/first/prefix"), url(fast, "/api")));

    try (RestClient client = new RestClient(config)) {
      assertThat(client.version().version()).isEqualTo("1.1.6");
    }
    assertThat(fast.takeRequest().getTarget()).isEqualTo("/api/version");
  }
}

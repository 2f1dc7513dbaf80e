package io.pincluster.ctl.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.GlobalRepoGc;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.json.Json;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Recover, sync and GC wait for the server's work past the read timeout of the other calls. */
class RestClientWaitingCallsTest {
  private static final Cid CID = Cid.parse("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG");

  private MockWebServer server;
  private RestClient client;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    URI base = URI.create("http://127.0.0.1:" + server.getPort());
    client = new RestClient(RestClientConfig.of(base).withReadTimeout(Duration.ofMillis(300)));
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private static MockResponse slow(Object value) {
    return new MockResponse.Builder()
        .code(200)
        .body(Json.toText(value))
        .headersDelay(1, TimeUnit.SECONDS)
        .build();
  }

  @Test
  void recoverSyncAndGcOutwaitTheReadTimeoutThatStopsStatus() {
    GlobalPinInfo status =
        new GlobalPinInfo(CID, "", List.of(), List.of(), null, Map.of(), Map.of());
    server.enqueue(slow(status));
    assertThatThrownBy(() -> client.status(CID, false))
        .isInstanceOf(RequestTimeoutException.class)
        .hasMessageContaining("sent nothing for 300ms");

    server.enqueue(slow(status));
    assertThat(client.recover(CID, false)).isEqualTo(status);
    server.enqueue(slow(status));
    assertThat(client.sync(CID, true)).isEqualTo(status);
    server.enqueue(slow(new GlobalRepoGc(Map.of())));
    assertThat(client.ipfsGc(false).peerMap()).isEmpty();
  }

  @Test
  void theOverallTimeoutStillBoundsAWaitingCall() {
    RestClient bounded = client.withTimeoutAtMost(Duration.ofMillis(500));
    server.enqueue(
        new MockResponse.Builder().code(200).body("{}").headersDelay(5, TimeUnit.SECONDS).build());
    assertThatThrownBy(() -> bounded.ipfsGc(false))
        .isInstanceOf(RequestTimeoutException.class)
        .hasMessageContaining("no complete answer")
        .hasMessageContaining("repeating it is safe");
  }
}

package io.pincluster.ipfs;

import static io.pincluster.ipfs.TestConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.IpfsException;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.RepoStat;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.PinMethod;
import io.pincluster.ipfs.internal.FailureBackoff;
import io.pincluster.ipfs.internal.KuboClient;
import io.pincluster.testing.Cids;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the connector copes with what real nodes (Kubo, js-ipfs) send, scripted on MockWebServer. */
class IpfsHttpConnectorQuirksTest {
  private final MockWebServer server = new MockWebServer();
  private IpfsHttpConnector ipfs;

  @BeforeEach
  void setUp() throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    ipfs = new IpfsHttpConnector(config(server.getPort(), PinMethod.PIN, Duration.ofMillis(400)));
  }

  @AfterEach
  void tearDown() {
    ipfs.close();
    server.close();
  }

  @Test
  void repoStatAcceptsNumbersAsStringsAndHugeLimits() throws Exception {
    enqueue(200, "{\"RepoSize\":\"2048\",\"StorageMax\":\"99999999999999999999999\",\"X\":1}");
    RepoStat stat = ipfs.repoStat();
    assertThat(stat.repoSize()).isEqualTo(2048);
    assertThat(stat.storageMax()).isEqualTo(Long.MAX_VALUE);
    assertThat(server.takeRequest().getTarget()).isEqualTo("/api/v0/repo/stat?size-only=true");
  }

  @Test
  void idAcceptsNullAddresses() {
    enqueue(200, "{\"ID\":\"12D3KooWabc\",\"Addresses\":null}");
    assertThat(ipfs.id().addresses()).isEmpty();
  }

  @Test
  void pinFollowsProgressLinesToTheFinalPins() throws Exception {
    Cid cid = Cids.V0_1;
    enqueue(
        200, "{\"Progress\":1}\n{\"Progress\":5}\n{\"Pins\":[\"" + cid + "\"],\"Progress\":5}\n");
    ipfs.pin(cid, PinMode.RECURSIVE);
    assertThat(server.takeRequest().getTarget())
        .isEqualTo("/api/v0/pin/add?arg=" + cid + "&recursive=true&progress=true");
  }

  @Test
  void pinWithoutProgressAndWithoutPinsLineFails() {
    notPinned("path is not pinned");
    enqueue(200, "{\"Progress\":3}\n");
    assertThatThrownBy(() -> ipfs.pin(Cids.V0_1, PinMode.DIRECT))
        .hasMessageContaining("ended without confirming");
  }

  @Test
  void anErrLineInRefsFailsDespiteHttp200() throws Exception {
    usePinMethodRefs();
    notPinned("not pinned");
    String errLine = "{\"Ref\":\"QmA\",\"Err\":\"\"}\n{\"Ref\":\"\",\"Err\":\"block not found\"}\n";
    enqueue(200, errLine); // the offline walk: not local
    enqueue(200, errLine); // the fetch
    assertThatThrownBy(() -> ipfs.pin(Cids.V0_1, PinMode.RECURSIVE))
        .hasMessageEndingWith("refused refs: block not found");
    assertThat(server.getRequestCount()).isEqualTo(3);
    server.takeRequest();
    assertThat(server.takeRequest().getTarget()).endsWith("&offline=true");
    assertThat(server.takeRequest().getTarget())
        .isEqualTo("/api/v0/refs?arg=" + Cids.V0_1 + "&recursive=true");
  }

  @Test
  void aDagTheNodeHoldsIsWalkedOfflineAndNeverFetched() throws Exception {
    usePinMethodRefs();
    Cid cid = Cids.V0_1;
    enqueue(200, "{\"Ref\":\"QmA\",\"Err\":\"\"}\n{\"Ref\":\"QmB\",\"Err\":\"\"}\n");
    enqueue(200, "{\"Pins\":[\"" + cid + "\"]}\n");
    ipfs.pinNew(cid, PinMode.RECURSIVE);
    assertThat(server.takeRequest().getTarget())
        .isEqualTo("/api/v0/refs?arg=" + cid + "&recursive=true&offline=true");
    assertThat(server.takeRequest().getTarget())
        .isEqualTo("/api/v0/pin/add?arg=" + cid + "&recursive=true&progress=true");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void aDagTheNodeLacksIsFetchedOnceTheOfflineWalkIsRefusedOrBrokenOff() throws Exception {
    usePinMethodRefs();
    Cid cid = Cids.V0_1;
    enqueue(
        500,
        "{\"Message\":\"block was not found locally (offline)\",\"Code\":0,\"Type\":\"error\"}");
    enqueue(200, "{\"Ref\":\"QmA\",\"Err\":\"\"}\n");
    enqueue(200, "{\"Pins\":[\"" + cid + "\"]}\n");
    ipfs.pinNew(cid, PinMode.RECURSIVE);
    server.enqueue(
        new MockResponse.Builder()
            .chunkedBody("{\"Ref\":\"QmA\",\"Err\":\"\"}\n", 8)
            .trailers(Headers.of("X-Stream-Error", "block was not found locally (offline)"))
            .build());
    enqueue(200, "{\"Ref\":\"QmA\",\"Err\":\"\"}\n");
    enqueue(200, "{\"Pins\":[\"" + cid + "\"]}\n");
    ipfs.pinNew(cid, PinMode.RECURSIVE);

    List<String> targets = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      targets.add(server.takeRequest().getTarget());
    }
    String walk = "/api/v0/refs?arg=" + cid + "&recursive=true";
    String pinAdd = "/api/v0/pin/add?arg=" + cid + "&recursive=true&progress=true";
    assertThat(targets)
        .containsExactly(
            walk + "&offline=true", walk, pinAdd, walk + "&offline=true", walk, pinAdd);
  }

  private void usePinMethodRefs() {
    ipfs.close();
    ipfs = new IpfsHttpConnector(config(server.getPort(), PinMethod.REFS));
  }

  @Test
  void aStreamErrorTrailerFailsThePin() {
    server.enqueue(
        new MockResponse.Builder()
            .chunkedBody("{\"Progress\":1}\n", 8)
            .trailers(Headers.of("X-Stream-Error", "context canceled"))
            .build());
    assertThatThrownBy(() -> ipfs.pin(Cids.V0_1, PinMode.RECURSIVE))
        .hasMessageEndingWith("refused pin/add: context canceled");
  }

  @Test
  void notPinnedAnswersOfKuboAndJsIpfs() {
    notPinned("not pinned or pinned indirectly");
    ipfs.unpin(Cids.V0_1);
    notPinned("Error: " + Cids.V0_1 + " is not pinned");
    ipfs.unpin(Cids.V0_1);
    notPinned("path '" + Cids.V0_1 + "' is not pinned");
    notPinned("path '" + Cids.V0_1 + "' is not pinned");
    assertThat(ipfs.pinStatus(Cids.V0_1)).isEmpty();
    enqueue(500, "{\"Message\":\"permission denied\",\"Code\":0,\"Type\":\"error\"}");
    assertThatThrownBy(() -> ipfs.unpin(Cids.V0_1))
        .hasMessage("IPFS at 127.0.0.1:" + server.getPort() + " refused pin/rm: permission denied");
  }

  @Test
  void indirectPinsDoNotCountAsPinned() {
    Cid cid = Cids.V1_1;
    enqueue(200, "{\"Keys\":{\"" + cid + "\":{\"Type\":\"indirect through QmX\"}}}");
    enqueue(200, "{\"Keys\":{\"" + cid + "\":{\"Type\":\"indirect through QmX\"}}}");
    assertThat(ipfs.pinStatus(cid)).isEmpty();
  }

  @Test
  void pinStatusNeverAsksForTypeAllWhichWalksEveryDag() throws Exception {
    Cid cid = Cids.V1_1;
    notPinned("path is not pinned");
    enqueue(200, "{\"Cid\":\"" + cid + "\",\"Type\":\"direct\"}\n");
    assertThat(ipfs.pinStatus(cid)).contains(PinMode.DIRECT);
    assertThat(server.takeRequest().getTarget())
        .isEqualTo("/api/v0/pin/ls?arg=" + cid + "&type=recursive");
    assertThat(server.takeRequest().getTarget())
        .isEqualTo("/api/v0/pin/ls?arg=" + cid + "&type=direct");
  }

  @Test
  void unknownCommandsAnswerWithTheirPlainTextBody() {
    enqueue(404, "404 page not found");
    assertThatThrownBy(() -> ipfs.repoStat()).hasMessageContaining("404 page not found");
  }

  @Test
  void pinTimesOutWhenTheNodeStaysSilent() {
    server.enqueue(
        new MockResponse.Builder().body("{\"Pins\":[]}").headersDelay(3, TimeUnit.SECONDS).build());
    assertThatThrownBy(() -> ipfs.pin(Cids.V0_1, PinMode.RECURSIVE))
        .isInstanceOf(IpfsException.class)
        .hasMessageContaining("made no progress on pin/add within pin_timeout (400ms)");
  }

  @Test
  void pinTimesOutWhenProgressLinesNoLongerGrow() {
    String stale = "{\"Progress\":7}\n".repeat(60);
    server.enqueue(
        new MockResponse.Builder()
            .body(stale + "{\"Pins\":[]}\n")
            .throttleBody(15, 50, TimeUnit.MILLISECONDS)
            .build());
    assertThatThrownBy(() -> ipfs.pin(Cids.V0_1, PinMode.RECURSIVE))
        .hasMessageContaining("made no progress on pin/add of " + Cids.V0_1);
  }

  @Test
  void growingProgressKeepsALongPinAlive() {
    StringBuilder body = new StringBuilder();
    for (int i = 10; i < 30; i++) {
      body.append("{\"Progress\":").append(i).append("}\n");
    }
    server.enqueue(
        new MockResponse.Builder()
            .body(body + "{\"Pins\":[\"x\"]}\n")
            .throttleBody(16, 50, TimeUnit.MILLISECONDS)
            .build());
    ipfs.pin(Cids.V0_1, PinMode.RECURSIVE);
  }

  @Test
  void anUnusedPortIsReportedAsUnreachable() throws IOException {
    int port = unusedPort();
    try (IpfsHttpConnector down = new IpfsHttpConnector(config(port, PinMethod.PIN))) {
      assertThatThrownBy(down::id)
          .isInstanceOf(IpfsException.class)
          .hasMessage("cannot reach IPFS at 127.0.0.1:" + port + ": connection refused");
    }
  }

  @Test
  void afterTenFailuresRequestsAreSpacedOneSecondApart() throws IOException {
    int port = unusedPort();
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
    var config = config(port, PinMethod.PIN);
    try (IpfsHttpConnector down =
        new IpfsHttpConnector(config, new KuboClient(config, null, now::get, backoff))) {
      for (int i = 0; i < 13; i++) {
        assertThatThrownBy(down::repoStat).hasMessageContaining("connection refused");
      }
    }
    assertThat(sleeps).containsExactly(1_000_000_000L, 1_000_000_000L);
  }

  private void notPinned(String message) {
    enqueue(500, "{\"Message\":\"" + message + "\",\"Code\":0,\"Type\":\"error\"}");
  }

  private void enqueue(int code, String body) {
    server.enqueue(new MockResponse.Builder().code(code).body(body).build());
  }

  private static int unusedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}

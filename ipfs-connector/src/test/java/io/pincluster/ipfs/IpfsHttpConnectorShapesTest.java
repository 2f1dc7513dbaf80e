package io.pincluster.ipfs;

import static io.pincluster.ipfs.TestConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.IpfsException;
import io.pincluster.core.api.IpfsPin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.RepoGcKey;
import io.pincluster.core.cid.Base58;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.PinMethod;
import io.pincluster.testing.Cids;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exact requests the connector sends for pin/ls, pin/update, repo/gc, swarm/peers, block/put,
 * resolve and version, and the answer shapes of Kubo and js-ipfs it accepts, scripted on
 * MockWebServer.
 */
class IpfsHttpConnectorShapesTest {
  private static final Cid A = Cids.V1_1;
  private static final Cid B = Cids.V1_2;
  private static final String A_ZB2 = "z" + Base58.encode(A.toBytes());

  private final MockWebServer server = new MockWebServer();
  private IpfsHttpConnector ipfs;

  @BeforeEach
  void setUp() throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    ipfs =
        new IpfsHttpConnector(
            config(
                server.getPort(),
                PinMethod.PIN,
                Duration.ofSeconds(2),
                Duration.ofMillis(500),
                Duration.ofMillis(700),
                Duration.ofSeconds(1)));
  }

  @AfterEach
  void tearDown() {
    ipfs.close();
    server.close();
  }

  @Test
  void pinLsAsksForRecursiveThenDirectAndAcceptsEveryShape() throws Exception {
    assertThat(A_ZB2).startsWith("zb2");
    enqueue(
        200,
        "{\"Cid\":\""
            + A_ZB2
            + "\",\"Type\":\"recursive\",\"Name\":\"\"}\n"
            + "{\"Cid\":{\"/\":\""
            + Cids.V0_1
            + "\"},\"Type\":\"recursive\"}\n\n");
    enqueue(200, "{\"Keys\":{\"" + B + "\":{\"Type\":\"direct\"},\"junk\":{\"Type\":\"direct\"}}}");
    try (CloseableIterator<IpfsPin> it = ipfs.pinLs()) {
      assertThat(it)
          .toIterable()
          .containsExactly(
              new IpfsPin(A, PinMode.RECURSIVE),
              new IpfsPin(Cids.V0_1, PinMode.RECURSIVE),
              new IpfsPin(B, PinMode.DIRECT));
    }
    assertThat(target()).isEqualTo("/api/v0/pin/ls?type=recursive&stream=true");
    assertThat(target()).isEqualTo("/api/v0/pin/ls?type=direct&stream=true");
  }

  @Test
  void anErrorLineOrTrailerFailsTheListingMidStream() {
    enqueue(
        200,
        "{\"Cid\":\""
            + A
            + "\",\"Type\":\"recursive\"}\n"
            + "{\"Message\":\"context canceled\",\"Code\":0,\"Type\":\"error\"}\n");
    try (CloseableIterator<IpfsPin> it = ipfs.pinLs()) {
      assertThat(it.next().cid()).isEqualTo(A);
      assertThatThrownBy(it::hasNext)
          .isInstanceOf(IpfsException.class)
          .hasMessage(
              "IPFS at 127.0.0.1:" + server.getPort() + " refused pin/ls: context canceled");
    }
    server.enqueue(
        new MockResponse.Builder()
            .chunkedBody("{\"Cid\":\"" + A + "\",\"Type\":\"recursive\"}\n", 16)
            .trailers(Headers.of("X-Stream-Error", "pinset: datastore closed"))
            .build());
    try (CloseableIterator<IpfsPin> it = ipfs.pinLs(PinMode.RECURSIVE)) {
      it.next();
      assertThatThrownBy(it::hasNext)
          .hasMessageEndingWith("refused pin/ls: pinset: datastore closed");
    }
  }

  @Test
  void aListingIsBoundedBySilenceNotByItsLength() {
    try (CloseableIterator<IpfsPin> it = listingSilentAfterTwoLines()) {
      assertThatThrownBy(it::hasNext)
          .isInstanceOf(IpfsException.class)
          .hasMessageContaining(
              "went silent on pin/ls for longer than ipfs_request_timeout (500ms)");
    }
  }

  @Test
  void aListingReadByAnInterruptedThreadSaysSoRatherThanBlamingIpfs() {
    try (CloseableIterator<IpfsPin> it = listingSilentAfterTwoLines()) {
      Thread.currentThread().interrupt(); // as a stopping peer interrupts its IPFS sync
      assertThatThrownBy(it::hasNext)
          .isInstanceOf(IpfsException.class)
          .hasMessage(
              "pin/ls to IPFS at 127.0.0.1:"
                  + server.getPort()
                  + " was interrupted (the peer is stopping or the operation was cancelled)");
    } finally {
      Thread.interrupted();
    }
  }

  /** A recursive listing whose first two lines were read; the third comes 3 s later. */
  private CloseableIterator<IpfsPin> listingSilentAfterTwoLines() {
    String line = "{\"Cid\":\"" + A + "\",\"Type\":\"recursive\"}\n";
    server.enqueue(
        new MockResponse.Builder()
            .body(line.repeat(3))
            .throttleBody(line.length() * 2L, 3, TimeUnit.SECONDS)
            .build());
    CloseableIterator<IpfsPin> it = ipfs.pinLs(PinMode.RECURSIVE);
    it.next();
    it.next();
    return it;
  }

  @Test
  void pinUpdateSendsBothArgumentsAndKeepsTheOldPin() throws Exception {
    notPinned("path is not pinned");
    enqueue(200, "{\"Pins\":[\"" + A + "\",\"" + B + "\"]}\n");
    ipfs.pinUpdate(A, B);
    assertThat(target()).isEqualTo("/api/v0/pin/ls?arg=" + B + "&type=recursive");
    assertThat(target()).isEqualTo("/api/v0/pin/update?arg=" + A + "&arg=" + B + "&unpin=false");
  }

  @Test
  void pinUpdateFallsBackToPinAddWhenTheNodeLacksIt() throws Exception {
    notPinned("path is not pinned");
    enqueue(404, "{\"Message\":\"Not Found\",\"Code\":3,\"Type\":\"error\"}");
    enqueue(200, "{\"Pins\":[\"" + B + "\"]}");
    ipfs.pinUpdate(A, B);
    target();
    target();
    assertThat(target()).isEqualTo("/api/v0/pin/add?arg=" + B + "&recursive=true&progress=true");

    notPinned("path is not pinned");
    enqueue(500, "{\"Message\":\"pin/update: permission denied\",\"Code\":0,\"Type\":\"error\"}");
    assertThatThrownBy(() -> ipfs.pinUpdate(A, B))
        .hasMessageEndingWith("refused pin/update: pin/update: permission denied");
  }

  @Test
  void repoGcAcceptsLinkAndTextKeysAndBothErrorFields() throws Exception {
    enqueue(
        200,
        "{\"Key\":{\"/\":\""
            + A
            + "\"}}\n"
            + "{\"Key\":\""
            + A_ZB2
            + "\"}\n"
            + "{\"Error\":\"could not remove QmX\"}\n"
            + "{\"Err\":\"js: could not remove\",\"Key\":null}\n"
            + "{\"Key\":\"not-a-cid\"}\n");
    try (CloseableIterator<RepoGcKey> gc = ipfs.repoGc()) {
      assertThat(gc)
          .toIterable()
          .containsExactly(
              new RepoGcKey(A, ""),
              new RepoGcKey(A, ""),
              new RepoGcKey(null, "could not remove QmX"),
              new RepoGcKey(null, "js: could not remove"),
              new RepoGcKey(null, "unreadable key in the repo/gc answer: \"not-a-cid\""));
    }
    assertThat(target()).isEqualTo("/api/v0/repo/gc?stream-errors=true");
  }

  @Test
  void repoGcIsBoundedAsAWholeByRepogcTimeout() {
    String line = "{\"Key\":{\"/\":\"" + A + "\"}}\n";
    server.enqueue(
        new MockResponse.Builder()
            .body(line.repeat(40))
            .throttleBody(line.length(), 50, TimeUnit.MILLISECONDS)
            .build());
    try (CloseableIterator<RepoGcKey> gc = ipfs.repoGc()) {
      assertThatThrownBy(() -> gc.forEachRemaining(k -> {}))
          .isInstanceOf(IpfsException.class)
          .hasMessageContaining("did not finish repo/gc within repogc_timeout (700ms)");
    }
  }

  @Test
  void swarmPeersAcceptsNullEmptyAndFullLists() {
    enqueue(200, "{\"Peers\":null}");
    enqueue(200, "{\"Peers\":[]}");
    enqueue(
        200,
        "{\"Peers\":[{\"Addr\":\"/ip4/10.0.0.1/tcp/4001\",\"Peer\":\"12D3KooWa\",\"Direction\":1},"
            + "{\"Addr\":\"/ip4/10.0.0.2/tcp/4001\",\"Peer\":\"QmB\",\"Latency\":\"\"}]}");
    assertThat(ipfs.swarmPeers()).isEmpty();
    assertThat(ipfs.swarmPeers()).isEmpty();
    assertThat(ipfs.swarmPeers()).containsExactly("12D3KooWa", "QmB");
  }

  @Test
  void blockPutSendsTheDataAsMultipartWithTheFormat() throws Exception {
    byte[] data = "hello world".getBytes(StandardCharsets.UTF_8);
    enqueue(200, "{\"Key\":\"" + Cids.rawOf(data) + "\",\"Size\":\"11\"}\n");
    assertThat(ipfs.blockPut(data, "raw")).isEqualTo(Cids.rawOf(data));
    RecordedRequest put = server.takeRequest();
    assertThat(put.getTarget())
        .isEqualTo("/api/v0/block/put?format=raw&cid-codec=raw&mhtype=sha2-256");
    assertThat(put.getHeaders().get("Content-Type")).startsWith("multipart/form-data; boundary=");
    assertThat(put.getBody().utf8()).contains("name=\"data\"").contains("hello world");

    enqueue(200, "{\"Key\":\"" + Cids.V0_1 + "\",\"Size\":11}");
    assertThat(ipfs.blockPut(data, "v0")).isEqualTo(Cids.V0_1);
    assertThat(target()).isEqualTo("/api/v0/block/put?format=v0&mhtype=sha2-256");

    enqueue(200, "{\"Size\":11}");
    assertThatThrownBy(() -> ipfs.blockPut(data, "raw")).hasMessageContaining("no readable Key");
  }

  @Test
  void resolveAsksTheNodeAndFollowsAPathInsideABlockWithDagResolve() throws Exception {
    Cid root = Cids.V1_3;
    enqueue(200, "{\"Path\":\"/ipfs/" + root + "/a/b\"}");
    enqueue(200, "{\"Cid\":{\"/\":\"" + root + "\"},\"RemPath\":\"a/b\"}");
    assertThat(ipfs.resolve("/ipns/k51name/a/b")).isEqualTo(root);
    assertThat(target()).isEqualTo("/api/v0/resolve?arg=%2Fipns%2Fk51name%2Fa%2Fb&recursive=true");
    assertThat(target()).isEqualTo("/api/v0/dag/resolve?arg=%2Fipfs%2F" + root + "%2Fa%2Fb");

    enqueue(200, "{\"Path\":\"/ipfs/" + A_ZB2 + "\"}");
    assertThat(ipfs.resolve("/ipns/example.org")).isEqualTo(A);

    assertThat(ipfs.resolve("/ipfs/" + B + "/")).isEqualTo(B);
    assertThat(server.getRequestCount()).as("/ipfs/<cid> needs no node").isEqualTo(3);

    enqueue(500, "{\"Message\":\"could not resolve name\",\"Code\":0,\"Type\":\"error\"}");
    assertThatThrownBy(() -> ipfs.resolve("/ipns/nobody"))
        .hasMessageEndingWith("refused resolve: could not resolve name");
    enqueue(200, "{\"Path\":\"\"}");
    assertThatThrownBy(() -> ipfs.resolve("/ipns/odd")).hasMessageContaining("unexpected answer");
  }

  @Test
  void versionReadsKuboAndJsIpfsAnswers() {
    enqueue(200, "{\"Version\":\"0.30.0\",\"Commit\":\"\",\"Repo\":\"16\",\"Golang\":\"go1.22\"}");
    enqueue(
        200, "{\"Version\":\"0.18.1\",\"Commit\":\"\",\"Repo\":\"12\",\"ipfs-core\":\"0.18.1\"}");
    enqueue(200, "{}");
    assertThat(ipfs.version()).isEqualTo("0.30.0");
    assertThat(ipfs.version()).isEqualTo("0.18.1");
    assertThatThrownBy(ipfs::version)
        .hasMessageEndingWith("refused version: the answer has no Version");
  }

  private String target() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(r).as("a request was sent").isNotNull();
    return r.getTarget();
  }

  private void notPinned(String message) {
    enqueue(500, "{\"Message\":\"" + message + "\",\"Code\":0,\"Type\":\"error\"}");
  }

  private void enqueue(int code, String body) {
    server.enqueue(new MockResponse.Builder().code(code).body(body).build());
  }
}

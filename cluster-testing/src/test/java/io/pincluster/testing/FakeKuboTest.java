package io.pincluster.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.Multiaddr;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeKuboTest {
  private final ObjectMapper mapper = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final FakeKubo kubo = new FakeKubo();

  @AfterEach
  void tearDown() {
    kubo.close();
  }

  @Test
  void idReportsTheStablePeerIdAndSwarmAddressesWithIt() {
    JsonNode id = json(post("id"));
    assertThat(id.get("ID").asText()).isEqualTo(kubo.peerId().toString());
    assertThat(id.get("Addresses").get(0).asText())
        .isEqualTo("/ip4/127.0.0.1/tcp/4001/p2p/" + kubo.peerId());
    assertThat(json(post("id")).get("ID").asText()).isEqualTo(kubo.peerId().toString());
    assertThat(kubo.apiMultiaddr()).isEqualTo(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + kubo.port()));
  }

  @Test
  void pinAddLsAndRmRoundTripComparingByMultihash() {
    Cid v0 = Cids.EMPTY_DIR_V0;
    assertThat(post("pin/add?arg=" + v0 + "&recursive=true").statusCode()).isEqualTo(200);
    assertThat(kubo.pins()).containsEntry(v0, PinMode.RECURSIVE);

    JsonNode ls = json(post("pin/ls?type=all&arg=" + Cids.EMPTY_DIR_V1));
    assertThat(ls.get("Keys").get(v0.toString()).get("Type").asText()).isEqualTo("recursive");

    assertThat(post("pin/rm?arg=" + v0).statusCode()).isEqualTo(200);
    assertThat(kubo.isPinned(v0)).isFalse();
    assertThat(kubo.requestCount("pin/add")).isEqualTo(1);
  }

  @Test
  void notPinnedAnswersUseKubosErrorShape() {
    HttpResponse<String> ls = post("pin/ls?arg=" + Cids.V0_1);
    assertThat(ls.statusCode()).isEqualTo(500);
    assertThat(json(ls).get("Message").asText()).contains("is not pinned");
    assertThat(json(ls).get("Type").asText()).isEqualTo("error");
    HttpResponse<String> rm = post("pin/rm?arg=" + Cids.V0_1);
    assertThat(json(rm).get("Message").asText()).isEqualTo("not pinned or pinned indirectly");
    assertThat(post("pin/add").statusCode()).isEqualTo(400);
  }

  @Test
  void getIsRefusedLikeKubo() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(kubo.apiUrl() + "/api/v0/id")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(405);
  }

  @Test
  void streamsPinListAndProgressLines() {
    kubo.setPinProgressSteps(2);
    String body = post("pin/add?arg=" + Cids.V1_1 + "&progress=true").body();
    assertThat(body.lines())
        .containsExactly(
            "{\"Progress\":1}", "{\"Progress\":2}", "{\"Pins\":[\"" + Cids.V1_1 + "\"]}");
    post("pin/add?arg=" + Cids.V0_2 + "&recursive=false");
    String stream = post("pin/ls?stream=true").body();
    assertThat(stream.lines()).hasSize(2);
    assertThat(json(stream.lines().toList().get(1)).get("Type").asText()).isEqualTo("direct");
  }

  @Test
  void injectedFailuresAreConsumedAndRefsFailsWithAnErrLine() {
    kubo.failNext("pin/add", 1, "boom");
    assertThat(json(post("pin/add?arg=" + Cids.V0_1)).get("Message").asText()).isEqualTo("boom");
    assertThat(post("pin/add?arg=" + Cids.V0_1).statusCode()).isEqualTo(200);
    kubo.failNext("refs", 1, "merkledag: not found");
    HttpResponse<String> refs = post("refs?recursive=true&arg=" + Cids.V0_1);
    assertThat(refs.statusCode()).isEqualTo(200);
    assertThat(json(refs).get("Err").asText()).isEqualTo("merkledag: not found");
  }

  @Test
  void pinUpdateRepoStatBlockPutAndSwarm() {
    post("pin/add?arg=" + Cids.V0_1);
    post("pin/update?arg=" + Cids.V0_1 + "&arg=" + Cids.V0_2);
    assertThat(kubo.pins()).containsOnlyKeys(Cids.V0_2);
    assertThat(post("pin/update?arg=" + Cids.V0_3 + "&arg=" + Cids.V1_1).statusCode())
        .isEqualTo(500);

    kubo.setRepoStat(10, 100);
    JsonNode stat = json(post("repo/stat?size-only=true"));
    assertThat(stat.get("RepoSize").asLong()).isEqualTo(10);
    assertThat(stat.get("StorageMax").asLong()).isEqualTo(100);

    byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> put = postMultipart("block/put", data);
    assertThat(json(put).get("Key").asText()).isEqualTo(Cids.rawOf(data).toString());
    assertThat(kubo.hasBlock(Cids.rawOf(data))).isTrue();

    assertThat(json(post("swarm/peers")).get("Peers").isNull()).isTrue();
    String peer = new FakeKuboPeer().address();
    assertThat(post("swarm/connect?arg=" + peer).statusCode()).isEqualTo(200);
    assertThat(kubo.swarmConnects()).containsExactly(Multiaddr.parse(peer));
    assertThat(json(post("swarm/peers")).get("Peers")).hasSize(1);
  }

  @Test
  void blockedPinHangsUntilReleased() {
    Cid cid = Cids.random();
    kubo.blockPin(cid);
    CompletableFuture<HttpResponse<String>> pending = postAsync("pin/add?arg=" + cid);
    await().atMost(Duration.ofSeconds(5)).until(() -> kubo.blockedPins().contains(cid));
    assertThat(pending).isNotDone();
    kubo.releasePin(cid);
    assertThat(pending.join().statusCode()).isEqualTo(200);
    assertThat(kubo.isPinned(cid)).isTrue();
  }

  @Test
  void blockedPinWhoseClientLeavesIsNotPinned() throws IOException {
    Cid cid = Cids.random();
    kubo.blockPin(cid);
    try (Socket socket = new Socket("127.0.0.1", kubo.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/v0/pin/add?arg=" + cid + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      await().atMost(Duration.ofSeconds(5)).until(() -> kubo.blockedPins().contains(cid));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> kubo.blockedPins().isEmpty());
    kubo.releasePin(cid);
    assertThat(kubo.isPinned(cid)).isFalse();
  }

  @Test
  void closeIsIdempotentAndEndsHangingRequests() {
    Cid cid = Cids.random();
    kubo.blockPin(cid);
    CompletableFuture<HttpResponse<String>> pending = postAsync("pin/add?arg=" + cid);
    await().atMost(Duration.ofSeconds(5)).until(() -> kubo.blockedPins().contains(cid));
    kubo.close();
    kubo.close();
    await().atMost(Duration.ofSeconds(5)).until(pending::isDone);
    assertThat(pending).isCompletedExceptionally();
  }

  /** A second fake, only for its peer multiaddress. */
  private static final class FakeKuboPeer {
    String address() {
      try (FakeKubo other = new FakeKubo()) {
        return other.swarmAddresses().get(0).toString();
      }
    }
  }

  private HttpResponse<String> post(String cmd) {
    return postAsync(cmd).join();
  }

  private CompletableFuture<HttpResponse<String>> postAsync(String cmd) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(kubo.apiUrl() + "/api/v0/" + cmd))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postMultipart(String cmd, byte[] data) {
    String boundary = "b0undary";
    String head =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"data\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n";
    byte[] body =
        concat(
            head.getBytes(StandardCharsets.US_ASCII),
            data,
            ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(kubo.apiUrl() + "/api/v0/" + cmd))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).join();
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private JsonNode json(HttpResponse<String> r) {
    return json(r.body().lines().findFirst().orElse(""));
  }

  private JsonNode json(String s) {
    try {
      return mapper.readTree(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

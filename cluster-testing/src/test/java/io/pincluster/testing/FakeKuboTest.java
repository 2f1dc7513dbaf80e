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
  void anOfflineWalkFailsAtAGatedBlockUnlessTheFakeIsJsIpfs() {
    Cid root = Cids.random();
    Cid child = Cids.random();
    kubo.addLink(root, "child", child);
    String walk = "refs?recursive=true&offline=true&arg=" + root;
    assertThat(post(walk).body().lines()).hasSize(1);

    kubo.blockPin(child);
    HttpResponse<String> below = post(walk);
    assertThat(below.statusCode()).isEqualTo(200);
    assertThat(json(below).get("Err").asText()).startsWith("block was not found locally");
    assertThat(post("refs?recursive=true&arg=" + root).body())
        .as("online: fetched")
        .doesNotContain("not found locally");

    kubo.blockPin(root);
    HttpResponse<String> atRoot = post(walk);
    assertThat(atRoot.statusCode()).isEqualTo(500);
    assertThat(json(atRoot).get("Message").asText()).startsWith("block was not found locally");

    kubo.emulateJsIpfs(true);
    assertThat(post(walk).statusCode()).as("js-ipfs ignores offline").isEqualTo(200);
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

  @Test
  void stopRefusesConnectionsAndRestartServesTheSamePinsOnTheSamePort() {
    post("pin/add?arg=" + Cids.V0_1);
    int port = kubo.port();
    kubo.stop();
    kubo.stop();
    assertThat(kubo.isRunning()).isFalse();
    assertThat(postAsync("id")).failsWithin(Duration.ofSeconds(10));
    kubo.restart();
    assertThat(kubo.port()).isEqualTo(port);
    assertThat(kubo.isRunning()).isTrue();
    assertThat(post("pin/ls?arg=" + Cids.V0_1).statusCode()).isEqualTo(200);
    kubo.setUnavailable(true);
    assertThat(postAsync("id")).failsWithin(Duration.ofSeconds(10));
    kubo.setUnavailable(false);
    assertThat(post("id").statusCode()).isEqualTo(200);
  }

  @Test
  void stopEndsAGatedPinWithoutPinningIt() {
    Cid cid = Cids.random();
    kubo.blockPin(cid);
    CompletableFuture<HttpResponse<String>> pending = postAsync("pin/add?arg=" + cid);
    await().atMost(Duration.ofSeconds(5)).until(() -> kubo.blockedPins().contains(cid));
    kubo.stop();
    await().atMost(Duration.ofSeconds(10)).until(pending::isDone);
    assertThat(pending).isCompletedExceptionally();
    kubo.releasePin(cid).restart();
    assertThat(kubo.isPinned(cid)).isFalse();
    assertThat(kubo.blockedPins()).isEmpty();
  }

  @Test
  void latencyDelaysEveryAnswer() {
    kubo.setLatency(Duration.ofMillis(300));
    long start = System.nanoTime();
    assertThat(post("version").statusCode()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void resolveFollowsLinksAndIpnsNamesAndRefsListsTheLinks() {
    Cid dir = Cids.V0_1;
    Cid sub = Cids.V0_2;
    Cid file = Cids.V1_1;
    kubo.addLink(dir, "sub", sub).addLink(sub, "file.txt", file);
    kubo.setIpns("k51self", "/ipfs/" + dir).setIpns("alias", "/ipns/k51self/sub");
    assertThat(json(post("resolve?arg=/ipfs/" + file)).get("Path").asText())
        .isEqualTo("/ipfs/" + file);
    assertThat(json(post("resolve?arg=/ipfs/" + dir + "/sub/file.txt")).get("Path").asText())
        .isEqualTo("/ipfs/" + file);
    assertThat(json(post("resolve?arg=/ipns/alias/file.txt&recursive=true")).get("Path").asText())
        .isEqualTo("/ipfs/" + file);
    JsonNode dag = json(post("dag/resolve?arg=/ipfs/" + dir + "/sub"));
    assertThat(dag.get("Cid").get("/").asText()).isEqualTo(sub.toString());
    HttpResponse<String> unknown = post("resolve?arg=/ipns/nobody");
    assertThat(unknown.statusCode()).isEqualTo(500);
    assertThat(json(unknown).get("Message").asText()).contains("could not resolve name");
    assertThat(json(post("resolve?arg=/ipfs/" + dir + "/nope")).get("Message").asText())
        .contains("no link named \"nope\"");

    String refs = post("refs?recursive=true&arg=" + dir).body();
    assertThat(refs.lines().map(l -> json(l).get("Ref").asText()))
        .containsExactly(sub.toString(), file.toString());
  }

  @Test
  void repoGcDropsBlocksNeitherPinnedNorLinkedBelowARecursivePin() {
    Cid pinned = kubo.putBlock(bytes("pinned"));
    Cid child = kubo.putBlock(bytes("child"));
    Cid loose = kubo.putBlock(bytes("loose"));
    kubo.addLink(pinned, "c", child).addPin(pinned, PinMode.RECURSIVE);
    String body = post("repo/gc").body();
    assertThat(body.lines().map(l -> json(l).get("Key").get("/").asText()))
        .containsExactly(loose.toString());
    assertThat(kubo.hasBlock(pinned)).isTrue();
    assertThat(kubo.hasBlock(child)).isTrue();
    assertThat(kubo.hasBlock(loose)).isFalse();
    kubo.failNext("repo/gc", 1, "gc: repo locked");
    HttpResponse<String> failed = post("repo/gc");
    assertThat(failed.statusCode()).isEqualTo(200);
    assertThat(json(failed).get("Error").asText()).isEqualTo("gc: repo locked");

    kubo.removePinAndBlock(pinned);
    assertThat(kubo.isPinned(pinned)).isFalse();
    assertThat(kubo.hasBlock(pinned)).isFalse();
    assertThat(kubo.hasBlock(child)).as("no longer linked below a pin").isFalse();
  }

  @Test
  void blockPutHonoursFormatAndCidCodec() {
    byte[] data = bytes("block");
    assertThat(json(postMultipart("block/put?format=v0", data)).get("Key").asText())
        .startsWith("Qm");
    assertThat(json(postMultipart("block/put?cid-codec=dag-cbor", data)).get("Key").asText())
        .startsWith("bafyrei");
    assertThat(postMultipart("block/put?format=bogus", data).statusCode()).isEqualTo(500);
  }

  @Test
  void jsIpfsFlavourAnswersInJsIpfsShapes() {
    kubo.emulateJsIpfs(true).setPinProgressSteps(3);
    HttpResponse<String> update = post("pin/update?arg=" + Cids.V0_1 + "&arg=" + Cids.V0_2);
    assertThat(update.statusCode()).isEqualTo(404);
    assertThat(json(update).get("Message").asText()).isEqualTo("Not Found");
    assertThat(post("pin/add?arg=" + Cids.V1_1 + "&progress=true").body().lines())
        .containsExactly("{\"Pins\":[\"" + kubo.format(Cids.V1_1) + "\"]}");
    assertThat(kubo.format(Cids.V1_1)).startsWith("zb2");
    JsonNode stat = json(post("repo/stat?size-only=true"));
    assertThat(stat.get("RepoSize").isTextual()).isTrue();
    assertThat(stat.get("StorageMax").isTextual()).isTrue();
    assertThat(json(post("swarm/peers")).get("Peers")).isEmpty();
    assertThat(json(post("swarm/peers")).get("Peers").isArray()).isTrue();
    assertThat(json(post("version")).get("Version").asText()).isEqualTo("0.18.1");
    assertThat(json(postMultipart("block/put", bytes("x"))).get("Key").asText()).startsWith("Qm");
    kubo.failNext("repo/gc", 1, "boom");
    assertThat(json(post("repo/gc")).get("Err").asText()).isEqualTo("boom");
  }

  @Test
  void addBuildsUnixFsDagsStoresThemAndPinsUnlessAskedNotTo() {
    AddBody body = AddBody.builder().directory("d").file("d/a.txt", "A").file("d/z", "Z").build();
    HttpResponse<String> r = postBody("add?pin=false&progress=true", body);
    assertThat(r.statusCode()).isEqualTo(200);
    java.util.List<JsonNode> lines = r.body().lines().map(this::json).toList();
    assertThat(lines.get(0).get("Bytes").asInt()).isEqualTo(1);
    JsonNode root = lines.get(lines.size() - 1);
    assertThat(root.get("Name").asText()).isEqualTo("d");
    assertThat(root.get("Size").isTextual()).isTrue();
    Cid dir = Cid.parse(root.get("Hash").asText());
    assertThat(kubo.hasBlock(dir)).isTrue();
    assertThat(kubo.isPinned(dir)).isFalse();
    assertThat(kubo.lastParams("add")).containsEntry("pin", java.util.List.of("false"));
    assertThat(json(post("resolve?arg=/ipfs/" + dir + "/a.txt")).get("Path").asText())
        .isEqualTo("/ipfs/QmRy2a1t6YSCiqXbkUQ1xQtXUQzX4mXmdzjLGey6884Uhb");

    HttpResponse<String> pinned = postBody("add?cid-version=1", AddBody.ofFile("f", bytes("x")));
    Cid f = Cid.parse(json(pinned).get("Hash").asText());
    assertThat(f.toString()).startsWith("bafkrei");
    assertThat(f).isEqualTo(FakeKubo.addedCid(bytes("x"), java.util.Map.of("cid-version", "1")));
    assertThat(kubo.isPinned(f)).isTrue();
  }

  @Test
  void dagImportStoresTheBlocksAndReportsRootsOnlyWhenPinningThem() {
    byte[] block = bytes("car block");
    Cid root = Cids.rawOf(block);
    AddBody car =
        AddBody.ofFile(
            "car", CarFiles.write(java.util.List.of(root), java.util.Map.of(root, block)));
    HttpResponse<String> quiet = postBody("dag/import?pin-roots=false", car);
    assertThat(quiet.statusCode()).isEqualTo(200);
    assertThat(quiet.body()).isEmpty();
    assertThat(kubo.hasBlock(root)).isTrue();
    assertThat(kubo.isPinned(root)).isFalse();

    JsonNode line = json(postBody("dag/import", car));
    assertThat(line.get("Root").get("Cid").get("/").asText()).isEqualTo(root.toString());
    assertThat(kubo.isPinned(root)).isTrue();
    assertThat(postBody("dag/import", AddBody.ofFile("car", bytes("not a car"))).statusCode())
        .isEqualTo(500);
  }

  @Test
  void aDisabledCommandIsUnknownToTheNode() {
    kubo.disableCommand("dag/import", true);
    assertThat(post("dag/import").statusCode()).isEqualTo(404);
    kubo.disableCommand("dag/import", false);
    assertThat(post("dag/import").statusCode()).isEqualTo(400);
  }

  @Test
  void carFilesRoundTrip() {
    byte[] a = bytes("a");
    byte[] b = bytes("b");
    Cid ca = Cids.rawOf(a);
    Cid cb = Cids.rawOf(b);
    java.util.Map<Cid, byte[]> blocks = new java.util.LinkedHashMap<>();
    blocks.put(ca, a);
    blocks.put(cb, b);
    CarFiles.Car car = CarFiles.read(CarFiles.write(java.util.List.of(ca, Cids.V0_1), blocks));
    assertThat(car.roots()).containsExactly(ca, Cids.V0_1);
    assertThat(car.blocks().keySet()).containsExactly(ca, cb);
    assertThat(car.blocks().get(cb)).isEqualTo(b);
  }

  private HttpResponse<String> postBody(String cmd, AddBody body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(kubo.apiUrl() + "/api/v0/" + cmd))
            .header("Content-Type", body.contentType())
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).join();
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

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
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

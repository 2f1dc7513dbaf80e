package io.pincluster.ipfsproxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.api.AddOptions;
import io.pincluster.core.api.GlobalRepoGc;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.RepoGc;
import io.pincluster.core.api.RepoGcKey;
import io.pincluster.core.api.RepoStat;
import io.pincluster.core.cid.Cid;
import io.pincluster.ipfsproxy.ProxyFixture.Answer;
import io.pincluster.testing.Cids;
import io.pincluster.testing.FakeKubo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The commands the cluster does, driven by a plain Kubo RPC client (OkHttp). */
class InterceptedCommandsTest {
  private final FakeKubo kubo = new FakeKubo();
  private final ProxyFixture fx = new ProxyFixture(kubo.apiMultiaddr());
  private final FakeClusterApi api = fx.api;

  @AfterEach
  void stop() {
    fx.close();
    kubo.close();
  }

  private static void assertKuboError(Answer a, int status, int code, String message) {
    assertThat(a.code()).as(a.body()).isEqualTo(status);
    JsonNode e = a.json();
    assertThat(e.path("Type").asText()).isEqualTo("error");
    assertThat(e.path("Code").asInt()).isEqualTo(code);
    assertThat(e.path("Message").asText()).contains(message);
  }

  // ---- pin/add, pin/rm ----

  @Test
  void pinAddPinsInTheClusterNotInIpfsAndAnswersKubosShape() throws Exception {
    Answer a = fx.post("pin/add?arg=" + Cids.V0_1 + "&name=hello&replication=2&meta-k=v");
    assertThat(a.code()).isEqualTo(200);
    assertThat(a.json().toString()).isEqualTo("{\"Pins\":[\"" + Cids.V0_1 + "\"]}");
    Pin pin = api.pinset.get(Cids.V0_1);
    assertThat(pin.mode()).isEqualTo(PinMode.RECURSIVE);
    assertThat(pin.name()).isEqualTo("hello");
    assertThat(pin.replicationFactorMin()).isEqualTo(2);
    assertThat(pin.replicationFactorMax()).isEqualTo(2);
    assertThat(pin.metadata()).containsEntry("k", "v");
    assertThat(kubo.requestCount("pin/add")).isZero();
  }

  @Test
  void recursiveFalseOrTypeDirectPinsDirectly() throws Exception {
    fx.post("pin/add?arg=" + Cids.V0_1 + "&recursive=false");
    fx.post("pin/add?arg=" + Cids.V0_2 + "&type=direct");
    fx.post("pin/add?arg=" + Cids.V0_3 + "&recursive");
    assertThat(api.pinset.get(Cids.V0_1).mode()).isEqualTo(PinMode.DIRECT);
    assertThat(api.pinset.get(Cids.V0_2).mode()).isEqualTo(PinMode.DIRECT);
    assertThat(api.pinset.get(Cids.V0_3).mode()).isEqualTo(PinMode.RECURSIVE);
  }

  @Test
  void pathsArgsInThePathAndGetAndTrailingSlashesAreAllIntercepted() throws Exception {
    api.paths.put("/ipfs/" + Cids.V0_1 + "/dir/file", Cids.V1_1);
    Answer byPath = fx.post("pin/add?arg=/ipfs/" + Cids.V0_1 + "/dir/file");
    assertThat(byPath.json().path("Pins").get(0).asText()).isEqualTo(Cids.V1_1.toString());
    assertThat(api.calls).contains("pinPath /ipfs/" + Cids.V0_1 + "/dir/file");

    assertThat(fx.post("pin/add/" + Cids.V0_2).code()).isEqualTo(200);
    assertThat(fx.call("GET", "pin/add/?arg=" + Cids.V0_3, null).code()).isEqualTo(200);
    assertThat(fx.post("pin/add?arg=/ipfs/" + Cids.V1_2).code()).isEqualTo(200);
    assertThat(api.pinset).containsKeys(Cids.V1_1, Cids.V0_2, Cids.V0_3, Cids.V1_2);
    assertThat(kubo.requestCount("pin/add")).isZero();
  }

  @Test
  void pinRmUnpinsFromTheClusterAndUnknownPinsAreKuboErrors() throws Exception {
    fx.post("pin/add?arg=" + Cids.V0_1);
    Answer rm = fx.post("pin/rm?arg=" + Cids.V0_1);
    assertThat(rm.json().toString()).isEqualTo("{\"Pins\":[\"" + Cids.V0_1 + "\"]}");
    assertThat(api.pinset).isEmpty();
    assertKuboError(fx.post("pin/rm/" + Cids.V0_1), 500, 0, "pin is not part of the pinset");
    assertThat(kubo.requestCount("pin/rm")).isZero();
  }

  @Test
  void badArgumentsAre400AndClusterFailures500InKubosErrorShape() throws Exception {
    assertKuboError(fx.post("pin/add"), 400, 1, "argument \"ipfs-path\" is required");
    assertKuboError(fx.post("pin/add?arg=notacid"), 400, 1, "invalid path \"notacid\"");
    assertKuboError(fx.post("pin/add?arg=" + Cids.V0_1 + "&recursive=maybe"), 400, 1, "bool");
    assertKuboError(
        fx.post("pin/add?arg=" + Cids.V0_1 + "&replication-min=x"), 400, 1, "replication-min");
    api.failNext.set("no leader");
    assertKuboError(fx.post("pin/add?arg=" + Cids.V0_1), 500, 0, "no leader");
    assertThat(api.pinset).isEmpty();
  }

  // ---- pin/ls ----

  @Test
  void pinLsOfOneCidAnswersItsTypeOrKubosNotPinnedError() throws Exception {
    fx.post("pin/add?arg=" + Cids.V0_1 + "&name=one");
    Answer a = fx.post("pin/ls?arg=" + Cids.V0_1);
    assertThat(a.json().toString())
        .isEqualTo("{\"Keys\":{\"" + Cids.V0_1 + "\":{\"Type\":\"recursive\"}}}");
    Answer named = fx.post("pin/ls/" + Cids.V0_1 + "?names=true");
    assertThat(named.json().path("Keys").path(Cids.V0_1.toString()).path("Name").asText())
        .isEqualTo("one");
    assertKuboError(
        fx.post("pin/ls?arg=" + Cids.V0_2), 500, 0, "path '" + Cids.V0_2 + "' is not pinned");
    assertKuboError(
        fx.post("pin/ls?arg=" + Cids.V0_1 + "&type=direct"),
        500,
        0,
        "path '" + Cids.V0_1 + "' is not pinned");
  }

  @Test
  void pinLsListsThePinsetAsKeysOrAsNdjsonLinesFilteredByType() throws Exception {
    fx.post("pin/add?arg=" + Cids.V0_1);
    fx.post("pin/add?arg=" + Cids.V0_2 + "&recursive=false");
    Answer keys = fx.post("pin/ls");
    assertThat(keys.code()).isEqualTo(200);
    assertThat(keys.body()).endsWith("}}\n");
    JsonNode k = keys.json().path("Keys");
    assertThat(k.size()).isEqualTo(2);
    assertThat(k.path(Cids.V0_1.toString()).path("Type").asText()).isEqualTo("recursive");
    assertThat(k.path(Cids.V0_2.toString()).path("Type").asText()).isEqualTo("direct");

    Answer stream = fx.post("pin/ls?stream=true");
    assertThat(stream.headers().get("X-Stream-Output")).isEqualTo("1");
    assertThat(stream.body().split("\n", -1)).as("one line each, newline-terminated").hasSize(3);
    assertThat(stream.lines())
        .extracting(l -> l.path("Cid").asText() + " " + l.path("Type").asText())
        .containsExactlyInAnyOrder(Cids.V0_1 + " recursive", Cids.V0_2 + " direct");

    Answer direct = fx.post("pin/ls?s=true&type=direct");
    assertThat(direct.lines())
        .extracting(l -> l.path("Cid").asText())
        .containsExactly(Cids.V0_2.toString());
    Answer indirect = fx.post("pin/ls?type=indirect");
    assertThat(indirect.json().path("Keys").size()).isZero();
    assertKuboError(fx.post("pin/ls?type=weird"), 400, 1, "invalid type 'weird'");
    assertThat(kubo.requestCount("pin/ls")).isZero();
  }

  @Test
  void pinLsFailingBeforeTheFirstPinIsAKuboError() throws Exception {
    api.failNext.set("state unavailable");
    assertKuboError(fx.post("pin/ls"), 500, 0, "state unavailable");
  }

  // ---- pin/update ----

  @Test
  void pinUpdatePinsToWithPinUpdateThenUnpinsFromUnlessTold() throws Exception {
    fx.post("pin/add?arg=" + Cids.V0_1);
    Answer a = fx.post("pin/update?arg=" + Cids.V0_1 + "&arg=" + Cids.V0_2);
    assertThat(a.json().toString())
        .isEqualTo("{\"Pins\":[\"" + Cids.V0_1 + "\",\"" + Cids.V0_2 + "\"]}");
    assertThat(api.pinset.get(Cids.V0_2).pinUpdate()).isEqualTo(Cids.V0_1);
    assertThat(api.pinset).doesNotContainKey(Cids.V0_1);

    fx.post("pin/update?arg=" + Cids.V0_2 + "&arg=" + Cids.V0_3 + "&unpin=false");
    assertThat(api.pinset).containsKeys(Cids.V0_2, Cids.V0_3);
    assertKuboError(fx.post("pin/update?arg=" + Cids.V0_1), 400, 1, "2 arguments");
    assertThat(kubo.requestCount("pin/update")).isZero();
  }

  @Test
  void pinUpdateResolvesAFromPathThroughTheNode() throws Exception {
    Cid parent = kubo.putBlock("parent".getBytes(StandardCharsets.UTF_8));
    Cid child = kubo.putBlock("child".getBytes(StandardCharsets.UTF_8));
    kubo.addLink(parent, "c", child);
    fx.post("pin/add?arg=" + child);
    Answer a = fx.post("pin/update?arg=/ipfs/" + parent + "/c&arg=" + Cids.V0_3);
    assertThat(a.code()).as(a.body()).isEqualTo(200);
    assertThat(api.pinset.get(Cids.V0_3).pinUpdate()).isEqualTo(child);
    assertThat(kubo.requestCount("resolve")).isEqualTo(1);
  }

  // ---- add ----

  @Test
  void addStreamsKuboShapedLinesAndPassesKuboOptions() throws Exception {
    byte[] data = new byte[600 * 1024];
    Answer a =
        fx.call(
            "POST",
            "add?pin=false&cid-version=1&raw-leaves&chunker=size-1024&progress=true&name=n",
            ProxyFixture.multipartFile("file", data));
    assertThat(a.code()).as(a.body()).isEqualTo(200);
    List<JsonNode> lines = a.lines();
    assertThat(lines).hasSizeGreaterThan(1);
    assertThat(lines.get(0).toString()).isEqualTo("{\"Name\":\"file\",\"Bytes\":262144}");
    JsonNode last = lines.get(lines.size() - 1);
    assertThat(last.path("Hash").asText()).startsWith("b");
    assertThat(last.path("Size").isTextual()).as("Size is a string, as Kubo sends it").isTrue();
    assertThat(last.has("Bytes")).isFalse();
    AddOptions o = api.addOptions.get(0);
    assertThat(o.noPin()).isTrue();
    assertThat(o.pin().name()).isEqualTo("n");
    assertThat(o.ipfsParams())
        .containsEntry("cid-version", "1")
        .containsEntry("raw-leaves", "true")
        .containsEntry("chunker", "size-1024")
        .containsEntry("progress", "true")
        .doesNotContainKey("pin");
    assertThat(api.pinset).isEmpty();

    fx.call("POST", "add", ProxyFixture.multipartFile("file", "x".getBytes()));
    assertThat(api.pinset).hasSize(1);
  }

  @Test
  void addRefusesOnlyHashAndBodiesThatAreNotMultipart() throws Exception {
    assertKuboError(
        fx.call("POST", "add?only-hash=true", ProxyFixture.multipartFile("f", new byte[1])),
        500,
        0,
        "only-hash is not supported");
    assertKuboError(
        fx.call("POST", "add", RequestBody.create("x", MediaType.get("text/plain"))),
        400,
        1,
        "multipart/form-data");
    assertThat(api.addOptions).isEmpty();
  }

  // ---- repo ----

  @Test
  void repoStatSumsTheClusterInKubosShape() throws Exception {
    api.repoStat.set(new RepoStat(300, 2000));
    JsonNode full = fx.post("repo/stat").json();
    assertThat(full.path("RepoSize").asLong()).isEqualTo(300);
    assertThat(full.path("StorageMax").asLong()).isEqualTo(2000);
    assertThat(full.has("NumObjects")).isTrue();
    JsonNode sizeOnly = fx.post("repo/stat?size-only=true").json();
    assertThat(sizeOnly.toString()).isEqualTo("{\"RepoSize\":300,\"StorageMax\":2000}");
    assertThat(api.calls).contains("repoStat false");
    assertThat(kubo.requestCount("repo/stat")).isZero();
  }

  @Test
  void repoGcStreamsKeysOfEveryPeerAndReportsErrorsInTheTrailer() throws Exception {
    api.gc.set(
        new GlobalRepoGc(
            Map.of(
                "a",
                new RepoGc(
                    FakeClusterApi.PEER,
                    "peer-a",
                    List.of(new RepoGcKey(Cids.V0_1, ""), new RepoGcKey(Cids.V0_2, "")),
                    ""),
                "b",
                new RepoGc(null, "peer-b", List.of(), "ipfs is down"))));
    Answer a = fx.post("repo/gc");
    assertThat(a.code()).isEqualTo(200);
    assertThat(a.lines())
        .extracting(JsonNode::toString)
        .containsExactly(
            "{\"Key\":{\"/\":\"" + Cids.V0_1 + "\"}}", "{\"Key\":{\"/\":\"" + Cids.V0_2 + "\"}}");
    assertThat(a.trailers().get("X-Stream-Error")).isEqualTo("peer peer-b: ipfs is down");

    Answer streamed = fx.post("repo/gc?stream-errors=true");
    assertThat(streamed.lines().get(2).path("Error").asText()).contains("ipfs is down");
    assertThat(streamed.trailers().get("X-Stream-Error")).isNull();
    assertThat(kubo.requestCount("repo/gc")).isZero();
  }

  // ---- block/put with pin=true ----

  @Test
  void blockPutWithPinIsStoredByTheNodeUnpinnedThenPinnedInTheCluster() throws Exception {
    byte[] data = "a block".getBytes(StandardCharsets.UTF_8);
    Answer a =
        fx.call("POST", "block/put?pin=true&name=blk", ProxyFixture.multipartFile("data", data));
    assertThat(a.code()).as(a.body()).isEqualTo(200);
    Cid cid = Cids.rawOf(data);
    assertThat(a.lines().get(0).path("Key").asText()).isEqualTo(kubo.format(cid));
    assertThat(kubo.hasBlock(cid)).isTrue();
    assertThat(kubo.isPinned(cid)).as("IPFS was told pin=false").isFalse();
    assertThat(api.pinset.get(cid).name()).isEqualTo("blk");
    assertThat(a.trailers().get("X-Stream-Error")).isNull();

    byte[] other = "another block".getBytes(StandardCharsets.UTF_8);
    api.failNext.set("no leader");
    Answer failed =
        fx.call("POST", "block/put?pin=true", ProxyFixture.multipartFile("data", other));
    assertThat(failed.code()).isEqualTo(200);
    assertThat(failed.trailers().get("X-Stream-Error")).contains("no leader");
  }

  @Test
  void blockPutWithoutPinIsForwardedAsItIs() throws Exception {
    byte[] data = "plain block".getBytes(StandardCharsets.UTF_8);
    Answer a = fx.call("POST", "block/put?pin=false", ProxyFixture.multipartFile("d", data));
    assertThat(a.code()).isEqualTo(200);
    assertThat(a.json().path("Key").asText()).isEqualTo(kubo.format(Cids.rawOf(data)));
    assertThat(api.pinset).isEmpty();
    assertThat(api.calls).isEmpty();
    assertThat(kubo.hasBlock(Cids.rawOf(data))).isTrue();
  }
}

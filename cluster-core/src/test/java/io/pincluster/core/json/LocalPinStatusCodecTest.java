package io.pincluster.core.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pincluster.core.api.LocalPinStatus;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.PinInfoShort;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.PeerId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalPinStatusCodecTest {
  static final PeerId PEER = Identity.generate().id();
  static final Cid CID = Cid.v1(Cid.RAW, Multihash.of(Multihash.SHA2_256, new byte[32]));

  static PinInfo info(String ipfsId, List<String> addresses, String error, boolean priority) {
    return new PinInfo(
        CID,
        "a name",
        PEER,
        List.of(PEER),
        List.of(),
        Instant.parse("2026-01-02T03:04:05.123Z"),
        Map.of("k", "v"),
        "peer-ü",
        ipfsId,
        addresses,
        error.isEmpty() ? TrackerStatus.PINNED : TrackerStatus.PIN_ERROR,
        Instant.parse("2026-11-27T22:10:00.000001234Z"),
        error,
        3,
        priority);
  }

  static List<PinInfo> samples() {
    return List.of(
        info("12D3KooWipfs", List.of("/ip4/127.0.0.1/tcp/4001", "/ip6/::1/tcp/4001"), "", false),
        info("", List.of(), "boom \"quoted\"\n", true),
        new PinInfo(
            CID,
            null,
            PEER,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            TrackerStatus.REMOTE,
            null,
            null,
            0,
            false));
  }

  @Test
  void writesWhatDataBindingWritesForAPinInfoWithoutThePinSummary() {
    for (PinInfo info : samples()) {
      ObjectNode full = (ObjectNode) Json.mapper().valueToTree(info);
      full.remove(List.of("name", "peer", "allocations", "origins", "created", "metadata"));
      JsonNode compact = tree(Json.write(LocalPinStatus.of(info)));
      assertThat(compact).isEqualTo(full);
      assertThat(names(compact)).as("field order").isEqualTo(names(full));
    }
  }

  @Test
  void readsItsOwnLinesAndFullPinInfoLinesAndPinInfoReadsIts() {
    for (PinInfo info : samples()) {
      LocalPinStatus compact = LocalPinStatus.of(info);
      assertThat(Json.read(Json.writeLine(compact), LocalPinStatus.class)).isEqualTo(compact);
      assertThat(Json.read(Json.write(info), LocalPinStatus.class)).isEqualTo(compact);
      PinInfo old = Json.read(Json.write(compact), PinInfo.class);
      assertThat(old.cid()).isEqualTo(info.cid());
      assertThat(old.toShort()).isEqualTo(info.toShort());
    }
  }

  @Test
  void missingFieldsTakeTheirDefaults() {
    LocalPinStatus s = read("{\"cid\":\"" + CID + "\",\"unknown\":{\"a\":[1,2]}}");
    assertThat(s.status())
        .isEqualTo(
            new PinInfoShort(
                "", "", List.of(), TrackerStatus.UNDEFINED, Pin.ZERO_TIME, "", 0, false));
    assertThat(read("{\"cid\":\"" + CID + "\",\"timestamp\":null,\"ipfs_peer_addresses\":null}"))
        .isEqualTo(s);
  }

  @Test
  void aBadLineIsRefusedNamingTheProblem() {
    String cid = "\"cid\":\"" + CID + "\"";
    String[][] cases = {
      {"[1]", "must be a JSON object"},
      {"{\"peername\":\"x\"}", "has no cid"},
      {"{\"cid\":\"bafyNOTACID\"}", "invalid cid \"bafyNOTACID\""},
      {"{" + cid + ",\"status\":\"pinnedish\"}", "unknown tracker status \"pinnedish\""},
      {"{" + cid + ",\"timestamp\":\"yesterday\"}", "\"yesterday\" is not an RFC 3339 time"},
      {"{" + cid + ",\"attempt_count\":\"3\"}", "\"attempt_count\" must be an integer"},
      {"{" + cid + ",\"priority_pin\":1}", "\"priority_pin\" must be true or false"},
      {"{" + cid + ",\"peername\":7}", "\"peername\" must be a string"},
      {"{" + cid + ",\"ipfs_peer_addresses\":\"/ip4/1.2.3.4\"}", "must be an array of strings"},
      {"{" + cid + ",\"ipfs_peer_addresses\":[null]}", "holds a null"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> read(c[0]))
          .as(c[0])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(c[1]);
    }
  }

  private static LocalPinStatus read(String json) {
    return Json.read(json.getBytes(UTF_8), LocalPinStatus.class);
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static JsonNode tree(byte[] json) {
    try {
      return Json.mapper().readTree(json);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}

package io.pincluster.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.json.Json;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The JSON names and shapes of IPFS Cluster v1 (reference §1.3). */
class JsonShapesTest {
  static final Cid CID = Cid.parse("QmYA5KD9VvUnGLXCP3JenUFuSwWwQ5MXyxrAyynjzUJxC1");
  static final PeerId PEER = Identity.generate().id();

  static JsonNode tree(Object o) throws Exception {
    return Json.mapper().readTree(Json.write(o));
  }

  @Test
  void pinHasEveryV1FieldWithPlainStringCids() throws Exception {
    Pin pin =
        Pin.of(CID, PinOptions.DEFAULT.withName("n").withReplication(2, 3))
            .withAllocations(List.of(PEER))
            .withTimestamp(Instant.parse("2026-01-02T03:04:05Z"));
    JsonNode j = tree(pin);
    assertThat(j.fieldNames())
        .toIterable()
        .containsExactly(
            "cid",
            "type",
            "allocations",
            "max_depth",
            "reference",
            "timestamp",
            "replication_factor_min",
            "replication_factor_max",
            "name",
            "mode",
            "user_allocations",
            "expire_at",
            "metadata",
            "pin_update",
            "origins");
    assertThat(j.get("cid").asText()).isEqualTo(CID.toString());
    assertThat(j.get("type").asText()).isEqualTo("pin");
    assertThat(j.get("allocations").get(0).asText()).isEqualTo(PEER.toString());
    assertThat(j.get("max_depth").asInt()).isEqualTo(-1);
    assertThat(j.get("reference").isNull()).isTrue();
    assertThat(j.get("timestamp").asText()).isEqualTo("2026-01-02T03:04:05Z");
    assertThat(j.get("mode").asText()).isEqualTo("recursive");
    assertThat(j.get("expire_at").asText()).isEqualTo("0001-01-01T00:00:00Z");
    assertThat(j.get("pin_update").isNull()).isTrue();
    assertThat(Json.read(Json.write(pin), Pin.class)).isEqualTo(pin);
  }

  @Test
  void everywherePinsStoreAnEmptyAllocationList() throws Exception {
    Pin pin = Pin.of(CID, PinOptions.DEFAULT.withReplication(-1, -1));
    assertThat(tree(pin).get("allocations").isArray()).isTrue();
    assertThat(tree(pin).get("allocations")).isEmpty();
    assertThat(pin.isEverywhere()).isTrue();
  }

  @Test
  void globalPinInfoHasAPeerMapOfShortInfos() throws Exception {
    PinInfoShort shortInfo =
        new PinInfoShort(
            "peer-1", "", List.of(), TrackerStatus.PINNED, Instant.EPOCH, "", 1, false);
    GlobalPinInfo g =
        new GlobalPinInfo(
            CID,
            "n",
            List.of(PEER),
            List.of(),
            Instant.EPOCH,
            Map.of(),
            Map.of(PEER.toString(), shortInfo));
    JsonNode j = tree(g);
    assertThat(j.fieldNames())
        .toIterable()
        .containsExactly(
            "cid", "name", "allocations", "origins", "created", "metadata", "peer_map");
    JsonNode p = j.get("peer_map").get(PEER.toString());
    assertThat(p.fieldNames())
        .toIterable()
        .containsExactly(
            "peername", "status", "timestamp", "error", "attempt_count", "priority_pin");
    assertThat(p.get("status").asText()).isEqualTo("pinned");
    assertThat(Json.read(Json.write(g), GlobalPinInfo.class)).isEqualTo(g);
  }

  @Test
  void peerMapIsWrittenInPeerIdOrderWhateverItsSize() throws Exception {
    PinInfoShort info =
        new PinInfoShort("p", "", List.of(), TrackerStatus.PINNED, Instant.EPOCH, "", 0, false);
    Map<String, PinInfoShort> peers = new HashMap<>();
    for (int size = 0; size <= 4; size++) {
      GlobalPinInfo g = new GlobalPinInfo(CID, "", List.of(), List.of(), null, null, peers);
      assertThat(tree(g).get("peer_map").fieldNames())
          .toIterable()
          .containsExactlyElementsOf(new TreeSet<>(peers.keySet()));
      assertThat(g.peerMap()).isEqualTo(peers);
      peers.put(Identity.generate().id().toString(), info);
    }
  }

  @Test
  void textTypesAreWrittenAsTheirText() {
    PeerId peer = Identity.generate().id();
    Multiaddr addr = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/" + peer);
    assertThat(Json.toText(CID)).isEqualTo("\"" + CID + "\"");
    assertThat(Json.toText(peer)).isEqualTo("\"" + peer + "\"");
    assertThat(Json.toText(addr)).isEqualTo("\"" + addr + "\"");
    assertThat(Json.toText(List.of(PinType.META_PIN, PinType.PIN)))
        .isEqualTo("[\"" + PinType.META_PIN.wire() + "\",\"pin\"]");
    assertThat(Json.toText(PinMode.DIRECT)).isEqualTo("\"direct\"");
  }

  @Test
  void idObjectUsesIpfsClusterNames() throws Exception {
    PeerInfo info =
        new PeerInfo(
            PEER,
            List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/9096")),
            List.of(PEER),
            List.of(),
            "0.1.0",
            "",
            "/pincluster/0.1/rpc",
            "",
            new IpfsId("12D3KooWJSArz2YDosPRUiw84wC1pqEADaAfHAroTRnyH7hi6hYM", List.of(), ""),
            "peer-1");
    JsonNode j = tree(info);
    assertThat(j.fieldNames())
        .toIterable()
        .containsExactly(
            "id",
            "addresses",
            "cluster_peers",
            "cluster_peers_addresses",
            "version",
            "commit",
            "rpc_protocol_version",
            "error",
            "ipfs",
            "peername");
    assertThat(j.get("ipfs").fieldNames()).toIterable().containsExactly("id", "addresses", "error");
    assertThat(Json.read(Json.write(info), PeerInfo.class)).isEqualTo(info);
  }

  @Test
  void statusesAndFilters() {
    assertThat(Json.toText(TrackerStatus.UNEXPECTEDLY_UNPINNED))
        .isEqualTo("\"unexpectedly_unpinned\"");
    assertThat(TrackerStatus.parseFilter("error"))
        .containsExactlyInAnyOrder(
            TrackerStatus.CLUSTER_ERROR, TrackerStatus.PIN_ERROR, TrackerStatus.UNPIN_ERROR);
    assertThat(TrackerStatus.parseFilter("queued,pinned,bogus"))
        .containsExactlyInAnyOrder(
            TrackerStatus.PIN_QUEUED, TrackerStatus.UNPIN_QUEUED, TrackerStatus.PINNED);
    assertThat(TrackerStatus.parseFilter("")).hasSize(TrackerStatus.values().length);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrackerStatus.parseFilter("bogus"))
        .hasMessageStartingWith("invalid filter value");
  }

  @Test
  void metricAndErrorShapes() throws Exception {
    Metric m = new Metric("freespace", PEER, "100", 5, true, 100, false, 4);
    assertThat(tree(m).fieldNames())
        .toIterable()
        .containsExactly(
            "name", "peer", "value", "expire", "valid", "weight", "partitionable", "received_at");
    assertThat(Json.toText(new ApiError(404, "not found")))
        .isEqualTo("{\"code\":404,\"message\":\"not found\"}");
    assertThat(Json.toText(new Version("0.1.0"))).isEqualTo("{\"version\":\"0.1.0\"}");
  }
}

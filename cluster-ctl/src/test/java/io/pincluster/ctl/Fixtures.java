package io.pincluster.ctl;

import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.IpfsId;
import io.pincluster.core.api.PeerInfo;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinInfoShort;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinType;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.json.Json;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;

/** Values and canned answers for the cluster-ctl tests. */
final class Fixtures {
  static final Cid CID1 = Cid.parse("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG");
  static final Cid CID2 = Cid.parse("QmWATWQ7fVPP2EFGu71UkfnqhYXDYH566qy47CnJDgvs8u");
  static final Cid CID3 = Cid.parse("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi");

  static final PeerId PEER1 = PeerId.parse("12D3KooWPjceQrSwdWXPyLLeABRXmuqt69Rg3sBYbU1Nft9HyQ6X");
  static final PeerId PEER2 = PeerId.parse("12D3KooWH3uVF6wv47WnArKHk5p6cvgCJEb74UTmxztmQDc298L3");
  static final PeerId PEER3 = PeerId.parse("12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo");

  static final Instant T1 = Instant.parse("2024-05-01T10:20:30.120Z");
  static final Instant T2 = Instant.parse("2024-05-02T11:00:00Z");

  private Fixtures() {}

  static PeerInfo peer(PeerId id, String name, PeerId... clusterPeers) {
    return new PeerInfo(
        id,
        List.of(
            Multiaddr.parse("/ip4/127.0.0.1/tcp/9096/p2p/" + id),
            Multiaddr.parse("/ip4/10.0.0.1/tcp/9096/p2p/" + id)),
        Arrays.asList(clusterPeers),
        List.of(),
        "0.1.0",
        "",
        "/pincluster/0.1/rpc",
        "",
        new IpfsId("QmIpfs" + name, List.of("/ip4/127.0.0.1/tcp/4001"), ""),
        name);
  }

  /** A pin with these allocations and factors, added at {@link #T1}. */
  static Pin pin(Cid cid, String name, int min, int max, PeerId... allocations) {
    return new Pin(
        cid,
        PinType.PIN,
        Arrays.asList(allocations),
        -1,
        null,
        T1,
        min,
        max,
        name,
        PinMode.RECURSIVE,
        List.of(),
        null,
        Map.of(),
        null,
        List.of());
  }

  static Pin directPinWithMetadataAndExpiry(Cid cid) {
    return new Pin(
        cid,
        PinType.PIN,
        List.of(PEER2, PEER1),
        0,
        null,
        T1,
        2,
        3,
        "direct-one",
        PinMode.DIRECT,
        List.of(),
        T2,
        Map.of("k", "v"),
        null,
        List.of());
  }

  /**
   * Status of {@code cid} on PEER2 (peer-one, status {@code s1}) and PEER1 (peer-two, {@code s2}):
   * PEER2's ID sorts first, so text output lists peer-one first.
   */
  static GlobalPinInfo status(Cid cid, String name, TrackerStatus s1, TrackerStatus s2) {
    Map<String, PinInfoShort> peers = new LinkedHashMap<>();
    peers.put(PEER1.toString(), short_("peer-two", s2, ""));
    peers.put(PEER2.toString(), short_("peer-one", s1, ""));
    return new GlobalPinInfo(cid, name, List.of(), List.of(), T1, Map.of(), peers);
  }

  static PinInfoShort short_(String peername, TrackerStatus status, String error) {
    return new PinInfoShort(peername, "", List.of(), status, T1, error, 0, false);
  }

  static MockResponse json(Object value) {
    return json(200, Json.toText(value));
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  static MockResponse apiError(int code, String message) {
    return json(code, "{\"code\":" + code + ",\"message\":\"" + message + "\"}");
  }

  /** An NDJSON answer: one compact object per line. */
  static String ndjson(Object... values) {
    return Arrays.stream(values).map(v -> Json.toText(v) + "\n").collect(Collectors.joining());
  }

  static MockResponse stream(Object... values) {
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", "application/json")
        .addHeader("Trailer", "X-Stream-Error")
        .body(ndjson(values))
        .build();
  }
}

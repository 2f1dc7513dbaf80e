package io.pincluster.state.rocksdb;

import io.pincluster.core.api.PeerRecord;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;

/** Deterministic pins and peer records for tests. */
final class TestPins {
  static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

  private TestPins() {}

  static Cid cid(int n) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(("pin-" + n).getBytes(StandardCharsets.UTF_8));
      return Cid.v1(Cid.RAW, Multihash.of(Multihash.SHA2_256, digest));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static Pin pin(int n) {
    return pin(n, "pin-" + n);
  }

  static Pin pin(int n, String name) {
    return Pin.of(cid(n), PinOptions.DEFAULT.withName(name).withReplication(-1, -1))
        .withTimestamp(T0.plusSeconds(n));
  }

  static PeerId peerId() {
    return Identity.generate().id();
  }

  static PeerRecord peer(PeerId id) {
    return new PeerRecord(
        id,
        "peer-" + id.shortString(),
        Multiaddr.tcp("127.0.0.1", 9096),
        Multiaddr.tcp("127.0.0.1", 9097),
        Multiaddr.tcp("127.0.0.1", 9094),
        "",
        List.of());
  }
}

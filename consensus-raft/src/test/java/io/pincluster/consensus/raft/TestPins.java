package io.pincluster.consensus.raft;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;

/** Deterministic pins for tests. */
public final class TestPins {
  static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

  private TestPins() {}

  public static Cid cid(int n) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(("pin-" + n).getBytes(StandardCharsets.UTF_8));
      return Cid.v1(Cid.RAW, Multihash.of(Multihash.SHA2_256, digest));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  public static Pin pin(int n) {
    return pin(n, "pin-" + n);
  }

  public static Pin pin(int n, String name) {
    return Pin.of(cid(n), PinOptions.DEFAULT.withName(name).withReplication(-1, -1))
        .withTimestamp(T0.plusSeconds(n));
  }
}

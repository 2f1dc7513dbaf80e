package io.pincluster.faults.crash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One peer's local pinset ({@code GET /allocations} on that peer), reduced to what the checks
 * compare.
 *
 * @param peer the peer's name
 * @param pins by CID
 */
public record PeerView(String peer, Map<String, PinView> pins) {
  /** One pin: allocations sorted, replication factors, pin type. */
  public record PinView(
      List<String> allocations, int replicationMin, int replicationMax, String type) {
    public PinView {
      allocations = allocations.stream().sorted().toList();
      type = type == null ? "" : type;
    }

    String line() {
      return String.join(",", allocations)
          + "|"
          + replicationMin
          + "|"
          + replicationMax
          + "|"
          + type;
    }
  }

  public PeerView {
    Objects.requireNonNull(peer, "peer");
    pins = new TreeMap<>(pins);
  }

  /** SHA-256 over the sorted pins (CID, allocations, replication, type), hex. */
  public String digest() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      pins.forEach(
          (cid, pin) ->
              md.update((cid + "|" + pin.line() + "\n").getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.pincluster.core.config;

import io.pincluster.core.peer.Multiaddr;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * The {@code cluster} section of service.json. Immutable, validated on construction.
 *
 * @param secret 32 bytes as 64 hex characters; keys the peer RPC HMAC
 * @param listenMultiaddress the Raft (Ratis gRPC) listen address
 * @param rpcListenMultiaddress the peer RPC listen address
 * @param announceMultiaddress what peers are told; empty = the listen addresses with 0.0.0.0
 *     replaced by the first non-loopback address
 * @param repinMaxInFlight how many re-allocations of pins (after a peer failure) this peer may have
 *     committing at once
 */
public record ClusterSection(
    String peername,
    String secret,
    boolean leaveOnShutdown,
    Multiaddr listenMultiaddress,
    Multiaddr rpcListenMultiaddress,
    List<Multiaddr> announceMultiaddress,
    Duration stateSyncInterval,
    Duration ipfsSyncInterval,
    Duration pinRecoverInterval,
    int replicationFactorMin,
    int replicationFactorMax,
    Duration monitorPingInterval,
    Duration peerWatchInterval,
    boolean disableRepinning,
    Duration repinGracePeriod,
    int repinMaxInFlight,
    String peerstoreFile) {

  public static final String SECTION = "cluster";

  public ClusterSection {
    Check.notNull("peername", peername);
    checkSecret(secret);
    Check.notNull("listen_multiaddress", listenMultiaddress);
    Check.notNull("rpc_listen_multiaddress", rpcListenMultiaddress);
    announceMultiaddress =
        List.copyOf(Check.notNull("announce_multiaddress", announceMultiaddress));
    Check.positive("state_sync_interval", stateSyncInterval);
    Check.positive("ipfs_sync_interval", ipfsSyncInterval);
    Check.positive("pin_recover_interval", pinRecoverInterval);
    checkReplication(replicationFactorMin, replicationFactorMax);
    Check.positive("monitor_ping_interval", monitorPingInterval);
    Check.positive("peer_watch_interval", peerWatchInterval);
    Check.notNegative("repin_grace_period", repinGracePeriod);
    Check.atLeast("repin_max_in_flight", repinMaxInFlight, 1);
    if (peerstoreFile == null || peerstoreFile.isBlank()) {
      throw new IllegalArgumentException("peerstore_file must be set");
    }
  }

  /** Defaults, with the given peer name and secret (init fills hostname and a random secret). */
  public static ClusterSection defaults(String peername, String secret) {
    return new ClusterSection(
        peername,
        secret,
        false,
        Multiaddr.parse("/ip4/0.0.0.0/tcp/9096"),
        Multiaddr.parse("/ip4/0.0.0.0/tcp/9098"),
        List.of(),
        Duration.ofMinutes(10),
        Duration.ofSeconds(130),
        Duration.ofMinutes(12),
        -1,
        -1,
        Duration.ofSeconds(15),
        Duration.ofSeconds(5),
        false,
        Duration.ofMinutes(2),
        256,
        "peerstore");
  }

  /** Every field, the secret redacted: records print every component by default. */
  @Override
  public String toString() {
    return RedactedText.of(this, "secret");
  }

  /** The secret's 32 bytes. */
  public byte[] secretBytes() {
    return HexFormat.of().parseHex(secret);
  }

  private static void checkSecret(String secret) {
    Check.notNull("secret", secret);
    byte[] bytes;
    try {
      bytes = HexFormat.of().parseHex(secret);
    } catch (IllegalArgumentException e) {
      // the value is not repeated: it is (meant to be) a secret
      throw new IllegalArgumentException("secret is not hex (64 characters 0-9, a-f expected)", e);
    }
    if (bytes.length != 32) {
      throw new IllegalArgumentException(
          "secret must be 32 bytes (64 hex characters), not " + bytes.length + " bytes");
    }
  }

  private static void checkReplication(int min, int max) {
    if (min == 0 || max == 0) {
      throw new IllegalArgumentException(
          "replication_factor_min ("
              + min
              + ") and replication_factor_max ("
              + max
              + ") must not be 0");
    }
    if ((min == -1) != (max == -1)) {
      throw new IllegalArgumentException(
          "replication_factor_min ("
              + min
              + ") and replication_factor_max ("
              + max
              + ") must both be -1 or neither");
    }
    if (min < -1 || max < -1) {
      throw new IllegalArgumentException(
          "replication factors must be -1 or positive, not " + min + "/" + max);
    }
    if (min > max) {
      throw new IllegalArgumentException(
          "replication_factor_min (" + min + ") must be <= replication_factor_max (" + max + ")");
    }
  }
}

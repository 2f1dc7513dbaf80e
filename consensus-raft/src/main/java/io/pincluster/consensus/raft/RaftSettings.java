package io.pincluster.consensus.raft;

import io.pincluster.core.config.RaftSection;
import io.pincluster.core.peer.PeerId;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything {@link RaftConsensus#start} needs. Immutable; validated on construction (messages name
 * the bad value).
 *
 * @param self this peer's ID, also its Raft peer ID
 * @param bind where the Ratis gRPC server listens (may be 0.0.0.0); a fixed port &gt; 0
 * @param announceAddress {@code host:port} other peers use to reach {@code bind}
 * @param dataFolder holds Ratis storage ({@code ratis/}) and the pin store ({@code db/})
 * @param config the {@code consensus.raft} section
 * @param tls the cluster's Raft transport trust, from the cluster secret ({@link
 *     ClusterTls#fromSecret}); every Ratis connection of this peer uses mutual TLS with it
 * @param initialPeers Raft {@code host:port} of the {@code init_peerset} members, used only on the
 *     first start (later starts recover the stored configuration); self may be included or not
 * @param join start as a peer that joins a running cluster: when no Raft state exists yet, Raft
 *     starts with an empty configuration ({@code initialPeers} ignored) and waits for a member to
 *     add it ({@link RaftConsensus#addPeer}); when state exists, the peer recovers it normally
 */
public record RaftSettings(
    PeerId self,
    InetSocketAddress bind,
    String announceAddress,
    Path dataFolder,
    RaftSection config,
    ClusterTls tls,
    Map<PeerId, String> initialPeers,
    boolean join) {

  /** Settings of a peer that forms or recovers a cluster (not {@code join}). */
  public RaftSettings(
      PeerId self,
      InetSocketAddress bind,
      String announceAddress,
      Path dataFolder,
      RaftSection config,
      ClusterTls tls,
      Map<PeerId, String> initialPeers) {
    this(self, bind, announceAddress, dataFolder, config, tls, initialPeers, false);
  }

  /** These settings with {@code join} set as given. */
  public RaftSettings withJoin(boolean join) {
    return new RaftSettings(
        self, bind, announceAddress, dataFolder, config, tls, initialPeers, join);
  }

  /** These settings with another listen and announce address (same data folder). */
  public RaftSettings withAddress(InetSocketAddress bind, String announceAddress) {
    return new RaftSettings(
        self, bind, announceAddress, dataFolder, config, tls, initialPeers, join);
  }

  /** These settings with another cluster trust (another secret). */
  public RaftSettings withTls(ClusterTls tls) {
    return new RaftSettings(
        self, bind, announceAddress, dataFolder, config, tls, initialPeers, join);
  }

  public RaftSettings {
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(dataFolder, "dataFolder");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(tls, "tls (the cluster secret's Raft transport trust)");
    if (bind.getPort() <= 0) {
      throw new IllegalArgumentException(
          "raft bind address " + bind + " must have a fixed port > 0");
    }
    checkHostPort("raft announce address", announceAddress);
    // heartbeat_timeout <= election_timeout is checked by RaftSection itself.
    initialPeers = initialPeers == null ? Map.of() : copy(initialPeers);
    initialPeers.forEach((id, addr) -> checkHostPort("raft address of peer " + id, addr));
  }

  /** Where Ratis keeps its log and metadata. */
  public Path ratisFolder() {
    return dataFolder.resolve("ratis");
  }

  /** Where the RocksDB pin store lives (outside Ratis' {@code sm/} folder). */
  public Path dbFolder() {
    return dataFolder.resolve("db");
  }

  private static Map<PeerId, String> copy(Map<PeerId, String> peers) {
    TreeMap<PeerId, String> sorted = new TreeMap<>();
    peers.forEach((id, addr) -> sorted.put(Objects.requireNonNull(id, "initial peer id"), addr));
    return Collections.unmodifiableMap(sorted);
  }

  private static void checkHostPort(String what, String hostPort) {
    if (hostPort == null) {
      throw new IllegalArgumentException(what + " must be set");
    }
    int colon = hostPort.lastIndexOf(':');
    boolean ok = colon > 0 && colon < hostPort.length() - 1;
    if (ok) {
      try {
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        ok = port > 0 && port <= 65535;
      } catch (NumberFormatException e) {
        ok = false;
      }
    }
    if (!ok) {
      throw new IllegalArgumentException(
          what + " (\"" + hostPort + "\") must be host:port with a port in 1..65535");
    }
  }
}

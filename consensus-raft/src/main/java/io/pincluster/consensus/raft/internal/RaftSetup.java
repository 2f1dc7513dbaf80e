package io.pincluster.consensus.raft.internal;

import io.pincluster.consensus.raft.ClusterTls;
import io.pincluster.consensus.raft.RaftConsensus;
import io.pincluster.consensus.raft.RaftSettings;
import io.pincluster.core.Consensus;
import io.pincluster.core.peer.PeerId;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a peer's Raft server, clients and folders are set up; peer ID conversions. Stateless. */
public final class RaftSetup {
  private static final Logger LOG = LoggerFactory.getLogger(RaftSetup.class);

  private RaftSetup() {}

  /**
   * The initial peers plus self; the first {@link #Consensus.MAX_VOTERS} by ID vote, the rest
   * listen.
   */
  public static RaftGroup initialGroup(RaftSettings s) {
    Map<PeerId, String> addresses = new java.util.TreeMap<>(s.initialPeers());
    addresses.put(s.self(), s.announceAddress());
    List<RaftPeer> peers = new ArrayList<>();
    addresses.forEach(
        (id, addr) ->
            peers.add(
                RaftPeer.newBuilder()
                    .setId(raftId(id))
                    .setAddress(addr)
                    .setStartupRole(
                        peers.size() < Consensus.MAX_VOTERS
                            ? RaftPeerRole.FOLLOWER
                            : RaftPeerRole.LISTENER)
                    .build()));
    return RaftGroup.valueOf(RaftConsensus.GROUP_ID, peers);
  }

  /**
   * The peer's client for writes: to its own server in process ({@code local}), to the others over
   * gRPC with mutual TLS with {@code tls}, the peer's own credentials.
   */
  public static RaftClient newClient(
      RaftServer server,
      RaftSettings s,
      ClusterTls.Credentials tls,
      CommitRetryPolicy policy,
      LocalWrites local) {
    ClientId id = ClientId.randomId();
    RaftProperties properties = RaftProps.client(s);
    RaftClientRpc grpc = new GrpcFactory(tls.ratisParameters()).newRaftClientRpc(id, properties);
    return RaftClient.newBuilder()
        .setClientId(id)
        .setProperties(properties)
        .setParameters(tls.ratisParameters())
        .setClientRpc(local.transport(grpc))
        .setRaftGroup(clientGroup(server, s))
        .setRetryPolicy(policy)
        .build();
  }

  /** The peers a client starts with: the current configuration, with self at its own address. */
  public static RaftGroup clientGroup(RaftServer server, RaftSettings s) {
    Map<RaftPeerId, RaftPeer> peers = new LinkedHashMap<>();
    try {
      for (RaftPeer p :
          Membership.of(server.getDivision(RaftConsensus.GROUP_ID).getRaftConf()).all()) {
        peers.put(p.getId(), p);
      }
    } catch (IOException e) {
      LOG.warn("no raft group on this server ({}); the client starts with self only", e.toString());
    }
    peers.put(
        raftId(s.self()),
        RaftPeer.newBuilder().setId(raftId(s.self())).setAddress(s.announceAddress()).build());
    return RaftGroup.valueOf(RaftConsensus.GROUP_ID, peers.values());
  }

  public static Path groupFolder(RaftSettings s) {
    return s.ratisFolder().resolve(RaftConsensus.GROUP_ID.getUuid().toString());
  }

  /** True when Ratis storage for the group exists (this peer has been started before). */
  public static boolean hasRaftState(RaftSettings s) {
    return Files.exists(groupFolder(s).resolve("current").resolve("raft-meta"));
  }

  /** Deletes {@code <group>/tmp/snapshot-*} left by aborted snapshot installs. */
  public static void deleteSnapshotLeftovers(Path groupDir) throws IOException {
    Path tmp = groupDir.resolve("tmp");
    if (!Files.isDirectory(tmp)) {
      return;
    }
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmp, "snapshot-*")) {
      for (Path p : leftovers) {
        LOG.info("deleting leftover snapshot download {}", p);
        deleteRecursively(p);
      }
    }
  }

  private static void deleteRecursively(Path p) throws IOException {
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }

  public static RaftPeerId raftId(PeerId id) {
    return RaftPeerId.valueOf(id.toString());
  }

  public static List<PeerId> ids(List<RaftPeer> peers) {
    List<PeerId> out = new ArrayList<>();
    for (RaftPeer p : peers) {
      parsePeerId(p.getId()).ifPresent(out::add);
    }
    out.sort(Comparator.naturalOrder());
    return List.copyOf(out);
  }

  public static Optional<PeerId> parsePeerId(RaftPeerId id) {
    try {
      return Optional.of(PeerId.parse(id.toString()));
    } catch (RuntimeException e) {
      LOG.warn("raft peer id {} is not a peer ID", id);
      return Optional.empty();
    }
  }

  public static String shortName(PeerId id) {
    String text = id.toString();
    return text.length() <= 6 ? text : text.substring(text.length() - 6);
  }
}

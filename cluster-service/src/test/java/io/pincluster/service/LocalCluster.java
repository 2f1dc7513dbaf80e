package io.pincluster.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pincluster.core.config.ConfigLoader;
import io.pincluster.core.config.ServiceConfig;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import io.pincluster.service.config.ConfigFolder;
import io.pincluster.service.config.IdentityFile;
import io.pincluster.service.config.Peerstore;
import io.pincluster.testing.FakeKubo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Several real peers in one JVM: real Ratis on loopback, real peer RPC and REST servers, each peer
 * driving its own {@link FakeKubo} through the real IPFS connector, with shrunk timeouts. Peers can
 * be stopped and started again on the same folder.
 */
public final class LocalCluster implements AutoCloseable {
  final Path dir;
  final String secret;
  final List<Identity> identities = new ArrayList<>();
  final List<int[]> ports = new ArrayList<>(); // raft, rpc, rest
  final List<FakeKubo> kubos = new ArrayList<>();
  final List<Daemon> daemons = new ArrayList<>();
  final Consumer<ObjectNode> tweak;

  /** Real IPFS API addresses, by peer index; peers beyond the list use a FakeKubo. */
  final List<Multiaddr> realIpfs;

  private LocalCluster(Path dir, int n, Consumer<ObjectNode> tweak, List<Multiaddr> realIpfs) {
    this.dir = dir;
    this.tweak = tweak;
    this.realIpfs = List.copyOf(realIpfs);
    byte[] s = new byte[32];
    new java.security.SecureRandom().nextBytes(s);
    this.secret = HexFormat.of().formatHex(s);
    for (int i = 0; i < n; i++) {
      identities.add(Identity.generate());
      ports.add(new int[] {freePort(), freePort(), freePort()});
      kubos.add(i < realIpfs.size() ? null : new FakeKubo());
      daemons.add(null);
    }
  }

  /** Starts {@code n} peers that form one cluster; returns before a leader is elected. */
  public static LocalCluster start(Path dir, int n) {
    return start(dir, n, json -> {});
  }

  /** As {@link #start(Path, int)}, with a change applied to every peer's service.json first. */
  public static LocalCluster start(Path dir, int n, Consumer<ObjectNode> tweak) {
    return start(dir, n, tweak, List.of());
  }

  /**
   * As {@link #start(Path, int, Consumer)}, peer i driving the real IPFS node at {@code
   * realIpfs.get(i)} (the others a FakeKubo).
   */
  public static LocalCluster start(
      Path dir, int n, Consumer<ObjectNode> tweak, List<Multiaddr> realIpfs) {
    LocalCluster c = new LocalCluster(dir, n, tweak, realIpfs);
    try {
      for (int i = 0; i < n; i++) {
        c.writeFolder(i);
      }
      for (int i = 0; i < n; i++) {
        c.startPeer(i);
      }
      return c;
    } catch (RuntimeException | IOException e) {
      c.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  public int size() {
    return identities.size();
  }

  public Daemon peer(int i) {
    return daemons.get(i);
  }

  public PeerId id(int i) {
    return identities.get(i).id();
  }

  public FakeKubo kubo(int i) {
    return kubos.get(i);
  }

  public String restUrl(int i) {
    return "http://127.0.0.1:" + daemons.get(i).restAddresses().get(0).getPort();
  }

  /** Running peers. */
  public List<Integer> running() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      if (daemons.get(i) != null) {
        out.add(i);
      }
    }
    return out;
  }

  /** The index of the peer every running peer agrees leads, if they all agree. */
  public Optional<Integer> leader() {
    Optional<PeerId> agreed = Optional.empty();
    for (int i : running()) {
      Optional<PeerId> l = daemons.get(i).consensus().leader();
      if (l.isEmpty() || (agreed.isPresent() && !agreed.equals(l))) {
        return Optional.empty();
      }
      agreed = l;
    }
    return agreed.map(id -> indexOf(id)).filter(i -> i >= 0 && daemons.get(i) != null);
  }

  /**
   * True when the running peers agree on a leader and each sees every running member healthy (its
   * ping metric arrived), so allocations can use all of them.
   */
  public boolean ready() {
    if (leader().isEmpty()) {
      return false;
    }
    for (int i : running()) {
      for (int j : running()) {
        if (!daemons.get(i).cluster().latestMetrics("ping").stream()
            .anyMatch(m -> m.peer().equals(id(j)))) {
          return false;
        }
      }
    }
    return true;
  }

  public int indexOf(PeerId id) {
    for (int i = 0; i < size(); i++) {
      if (id(i).equals(id)) {
        return i;
      }
    }
    return -1;
  }

  public void stopPeer(int i) {
    Daemon d = daemons.set(i, null);
    if (d != null) {
      d.close();
    }
  }

  public void startPeer(int i) {
    startPeer(i, Daemon.Options.DEFAULT);
  }

  public void startPeer(int i, Daemon.Options options) {
    ConfigFolder folder = folder(i);
    ServiceConfig config = ConfigLoader.load(folder.serviceJson(), Map.of(), "peer" + i, w -> {});
    daemons.set(
        i,
        Daemon.start(folder, config, IdentityFile.load(folder.identityJson(), Map.of()), options));
  }

  public ConfigFolder folder(int i) {
    return new ConfigFolder(dir.resolve("peer" + i));
  }

  /** The Raft multiaddress of peer i, as --bootstrap and the peerstore take it. */
  public Multiaddr raftAddress(int i) {
    return Multiaddr.parse("/ip4/127.0.0.1/tcp/" + ports.get(i)[0] + "/p2p/" + id(i));
  }

  /**
   * Creates a new peer (identity, ports, fake IPFS, config folder with no peers) and starts it with
   * {@code --bootstrap} to peer {@code via}; returns its index once it has joined.
   */
  public int join(int via) {
    int i = addPeerFolder();
    startPeer(i, new Daemon.Options(false, java.util.Optional.of(raftAddress(via)), false));
    return i;
  }

  /** Creates a new peer's folder (no init_peerset, empty peerstore) without starting it. */
  public int addPeerFolder() {
    identities.add(Identity.generate());
    ports.add(new int[] {freePort(), freePort(), freePort()});
    kubos.add(new FakeKubo());
    daemons.add(null);
    int i = size() - 1;
    try {
      writeFolder(i, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return i;
  }

  private void writeFolder(int i) throws IOException {
    writeFolder(i, true);
  }

  private void writeFolder(int i, boolean withPeers) throws IOException {
    ConfigFolder folder = new ConfigFolder(dir.resolve("peer" + i));
    IdentityFile.write(folder.identityJson(), identities.get(i));
    ObjectNode json = ConfigLoader.toJson(ServiceConfig.defaults("peer" + i, secret));
    ObjectNode cluster = (ObjectNode) json.get("cluster");
    cluster.put("listen_multiaddress", "/ip4/127.0.0.1/tcp/" + ports.get(i)[0]);
    cluster.put("rpc_listen_multiaddress", "/ip4/127.0.0.1/tcp/" + ports.get(i)[1]);
    cluster.put("peer_watch_interval", "200ms");
    cluster.put("monitor_ping_interval", "2s");
    ObjectNode raft = (ObjectNode) json.get("consensus").get("raft");
    raft.put("election_timeout", "1s");
    raft.put("heartbeat_timeout", "500ms");
    raft.put("leader_lease_timeout", "500ms");
    raft.put("wait_for_leader_timeout", "10s");
    raft.put("network_timeout", "3s");
    ArrayNode initPeerset = raft.putArray("init_peerset");
    List<Multiaddr> peerstore = new ArrayList<>();
    for (int j = 0; j < size() && withPeers; j++) {
      if (j != i) {
        initPeerset.add(id(j).toString());
        peerstore.add(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + ports.get(j)[0] + "/p2p/" + id(j)));
      }
    }
    ((ObjectNode) json.get("api").get("restapi"))
        .put("http_listen_multiaddress", "/ip4/127.0.0.1/tcp/0"); // bound port: restUrl(i)
    ObjectNode ipfs = (ObjectNode) json.get("ipfs_connector").get("ipfshttp");
    String node =
        i < realIpfs.size() ? realIpfs.get(i).toString() : kubos.get(i).apiMultiaddr().toString();
    ipfs.put("node_multiaddress", node);
    ((ObjectNode) json.get("api").get("ipfsproxy"))
        .put("listen_multiaddress", "/ip4/127.0.0.1/tcp/0")
        .put("node_multiaddress", node);
    ipfs.put("connect_swarms_delay", "0s");
    ipfs.put("ipfs_request_timeout", "5s");
    ipfs.put("pin_timeout", "10s");
    tweak.accept(json);
    java.nio.file.Files.createDirectories(folder.path());
    java.nio.file.Files.writeString(folder.serviceJson(), json.toPrettyString());
    Peerstore.write(folder.resolveFile("peerstore"), peerstore);
  }

  private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT =
      new java.util.concurrent.atomic.AtomicInteger(
          20_000 + new java.util.Random().nextInt(5_000) * 2);

  /**
   * A port that is free now, taken from 20000–31999: below Linux's ephemeral range (32768+), so an
   * outgoing connection of another test cannot take it before the peer binds it; handed out in
   * sequence from a random start so parallel test JVMs rarely meet.
   */
  static int freePort() {
    for (int tries = 0; tries < 1000; tries++) {
      int port = 20_000 + Math.floorMod(NEXT_PORT.getAndIncrement() - 20_000, 12_000);
      try (ServerSocket s = new ServerSocket(port, 50, java.net.InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException e) {
        // taken: try the next one
      }
    }
    throw new UncheckedIOException(new IOException("no free port in 20000-31999"));
  }

  @Override
  public void close() {
    for (int i = 0; i < size(); i++) {
      stopPeer(i);
    }
    kubos.stream().filter(java.util.Objects::nonNull).forEach(FakeKubo::close);
  }
}

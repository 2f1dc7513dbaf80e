package io.pincluster.consensus.raft;

import static org.awaitility.Awaitility.await;

import io.pincluster.core.config.RaftSection;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Real Ratis peers on 127.0.0.1 in this JVM, each with its own data folder, for tests. */
final class LocalRaftCluster implements AutoCloseable {
  private final Path root;
  private final RaftSection config;
  private final List<PeerId> ids = new ArrayList<>();
  private final Map<PeerId, String> addresses = new LinkedHashMap<>();
  private final Map<PeerId, String> announced = new LinkedHashMap<>();
  private final RaftConsensus[] nodes; // each slot written by one thread at a time
  private final Map<Integer, ClusterTls> tls = new java.util.concurrent.ConcurrentHashMap<>();
  private final int founders;

  private LocalRaftCluster(Path root, int n, int founders, RaftSection config) {
    this.root = root;
    this.config = config;
    this.founders = founders;
    this.nodes = new RaftConsensus[n];
    for (int i = 0; i < n; i++) {
      PeerId id = Identity.generate().id();
      ids.add(id);
      addresses.put(id, "127.0.0.1:" + freePort());
    }
  }

  /** Test timeouts: elections in 0.5–1 s, writes wait up to {@code waitForLeader} for a leader. */
  static RaftSection config(Duration waitForLeader) {
    return config(waitForLeader, 10240, Duration.ofMinutes(2), 8192);
  }

  /** As {@link #config(Duration)}, with the given log and snapshot settings. */
  static RaftSection config(
      Duration waitForLeader, int trailingLogs, Duration snapshotInterval, int snapshotThreshold) {
    return new RaftSection(
        List.of(),
        "",
        waitForLeader,
        Duration.ofSeconds(3),
        1,
        Duration.ofMillis(100),
        6,
        Duration.ofMillis(500),
        Duration.ofMillis(500),
        Duration.ofMillis(50),
        64,
        trailingLogs,
        snapshotInterval,
        snapshotThreshold,
        Duration.ofMillis(250));
  }

  static LocalRaftCluster start(Path root, int n, RaftSection config) {
    return start(root, n, 0, config);
  }

  /** Prepares {@code n} peers of which the first {@code founders} form a group; starts none. */
  static LocalRaftCluster prepare(Path root, int n, int founders, RaftSection config) {
    return new LocalRaftCluster(root, n, founders, config);
  }

  /**
   * Starts {@code n} peers forming a group, and prepares {@code spares} more (not started; see
   * {@link #join(int)}), numbered after them.
   */
  static LocalRaftCluster start(Path root, int n, int spares, RaftSection config) {
    LocalRaftCluster c = new LocalRaftCluster(root, n + spares, n, config);
    try {
      for (int i = 0; i < n; i++) {
        c.restart(i);
      }
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  RaftSettings settings(int i) {
    PeerId id = ids.get(i);
    String addr = announced.getOrDefault(id, addresses.get(id));
    Map<PeerId, String> initial = new LinkedHashMap<>();
    for (int j = 0; j < founders; j++) {
      initial.put(ids.get(j), announced.getOrDefault(ids.get(j), addresses.get(ids.get(j))));
    }
    return new RaftSettings(
        id,
        new InetSocketAddress("127.0.0.1", port(i)),
        addr,
        root.resolve("peer-" + i),
        config,
        tls.getOrDefault(i, TestTls.CLUSTER),
        initial);
  }

  /** Peer {@code i} starts with {@code trust} (another cluster secret) from its next start on. */
  void useTls(int i, ClusterTls trust) {
    tls.put(i, trust);
  }

  int port(int i) {
    String addr = addresses.get(ids.get(i));
    return Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
  }

  /** Peer {@code i}'s Raft address as a multiaddress. */
  Multiaddr multiaddr(int i) {
    return Multiaddr.tcp("127.0.0.1", port(i));
  }

  /** Starts (stopped) peer {@code i} as a joining peer. */
  RaftConsensus join(int i) {
    if (nodes[i] != null) {
      throw new IllegalStateException("peer " + i + " is running");
    }
    nodes[i] = RaftConsensus.start(settings(i).withJoin(true));
    return nodes[i];
  }

  /**
   * Peer {@code i} announces {@code hostPort} (e.g. a proxy) from its next start on; a founder set
   * so before its first start is in the initial group at that address.
   */
  void announceAt(int i, String hostPort) {
    announced.put(ids.get(i), hostPort);
  }

  /** Gives (stopped) peer {@code i} a new port; it announces it on its next start. */
  void moveToNewPort(int i) {
    addresses.put(ids.get(i), "127.0.0.1:" + freePort());
  }

  /** The Ratis group folder of peer {@code i}. */
  Path groupFolder(int i) {
    return settings(i).ratisFolder().resolve(RaftConsensus.GROUP_ID.getUuid().toString());
  }

  RaftConsensus node(int i) {
    return Objects.requireNonNull(nodes[i], "peer " + i + " is stopped");
  }

  PeerId id(int i) {
    return ids.get(i);
  }

  int size() {
    return nodes.length;
  }

  void stop(int i) {
    RaftConsensus n = nodes[i];
    nodes[i] = null;
    if (n != null) {
      n.close();
    }
  }

  RaftConsensus restart(int i) {
    if (nodes[i] != null) {
      throw new IllegalStateException("peer " + i + " is running");
    }
    nodes[i] = RaftConsensus.start(settings(i));
    return nodes[i];
  }

  List<Integer> running() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < nodes.length; i++) {
      if (nodes[i] != null) {
        out.add(i);
      }
    }
    return out;
  }

  /** Waits until one running peer leads and every running member knows it; returns its index. */
  int awaitLeader() {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(this::agreedLeader, Optional::isPresent)
        .orElseThrow();
  }

  private Optional<Integer> agreedLeader() {
    Integer leader = null;
    for (int i : running()) {
      if (nodes[i].isLeader()) {
        leader = i;
      }
    }
    if (leader == null) {
      return Optional.empty();
    }
    PeerId id = ids.get(leader);
    for (int i : running()) {
      if (nodes[i].isMember() && !nodes[i].leader().equals(Optional.of(id))) {
        return Optional.empty();
      }
    }
    return Optional.of(leader);
  }

  /**
   * Moves leadership to peer {@code target} and waits until every running member agrees on it.
   * Under load a single transfer may be refused (the target still catching up, another peer's
   * election winning the race, the admin request timing out): the current leader is asked again
   * until {@code target} leads or {@code atMost} passes.
   */
  void moveLeadership(int target, Duration atMost) {
    PeerId to = ids.get(target);
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              Optional<Integer> leader = agreedLeader();
              if (leader.isPresent() && leader.get() != target) {
                nodes[leader.get()].transferLeadership(List.of(to), Duration.ofSeconds(10));
              }
              return agreedLeader().equals(Optional.of(target));
            });
  }

  /** Some running peer other than {@code leader}. */
  int follower(int leader) {
    return running().stream().filter(i -> i != leader).findFirst().orElseThrow();
  }

  /** Stops every running peer, all at once (each close waits for Ratis' own shutdown). */
  @Override
  public void close() {
    List<Thread> closers = new ArrayList<>();
    for (int i = 0; i < nodes.length; i++) {
      int peer = i;
      Thread t = new Thread(() -> stop(peer), "test-close-" + i);
      t.start();
      closers.add(t);
    }
    for (Thread t : closers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.pincluster.consensus.raft;

import static org.awaitility.Awaitility.await;

import io.pincluster.core.config.RaftSection;
import io.pincluster.core.peer.Identity;
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
  private final RaftConsensus[] nodes;

  private LocalRaftCluster(Path root, int n, RaftSection config) {
    this.root = root;
    this.config = config;
    this.nodes = new RaftConsensus[n];
    for (int i = 0; i < n; i++) {
      PeerId id = Identity.generate().id();
      ids.add(id);
      addresses.put(id, "127.0.0.1:" + freePort());
    }
  }

  /** Test timeouts: elections in 0.5–1 s, writes wait up to {@code waitForLeader} for a leader. */
  static RaftSection config(Duration waitForLeader) {
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
        10240,
        Duration.ofMinutes(2),
        8192,
        Duration.ofMillis(250));
  }

  static LocalRaftCluster start(Path root, int n, RaftSection config) {
    LocalRaftCluster c = new LocalRaftCluster(root, n, config);
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
    String addr = addresses.get(id);
    int port = Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
    return new RaftSettings(
        id,
        new InetSocketAddress("127.0.0.1", port),
        addr,
        root.resolve("peer-" + i),
        config,
        addresses);
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

  /** Waits until one running peer leads and every running peer knows it; returns its index. */
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
      if (!nodes[i].leader().equals(Optional.of(id))) {
        return Optional.empty();
      }
    }
    return Optional.of(leader);
  }

  /** Some running peer other than {@code leader}. */
  int follower(int leader) {
    return running().stream().filter(i -> i != leader).findFirst().orElseThrow();
  }

  @Override
  public void close() {
    for (int i = 0; i < nodes.length; i++) {
      stop(i);
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

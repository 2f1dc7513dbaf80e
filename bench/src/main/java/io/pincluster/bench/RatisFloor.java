package io.pincluster.bench;

import io.pincluster.consensus.raft.ClusterTls;
import io.pincluster.testing.process.PeerPorts;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * The floor: a bare Ratis 3.2 group of three servers on loopback (gRPC, log on disk, the election
 * timeout consensus-raft uses by default: 1–2 s) with a state machine that only counts, and one
 * client sending ordered async writes with a bounded number in flight. All in this JVM. Every
 * connection uses the same mutual TLS as pincluster's Raft transport ({@link ClusterTls}, from a
 * random secret), so the floor pays the same transport cost.
 */
final class RatisFloor implements AutoCloseable {
  /** Bytes of entry payload per pin: about one Pin (CID, type, options, three allocations). */
  static final int BYTES_PER_PIN = 300;

  private final List<RaftServer> servers = new ArrayList<>();
  private final List<RaftProperties> props = new ArrayList<>();
  private final List<RaftPeer> peers = new ArrayList<>();
  private final RaftGroup group;
  private final RaftClient client;
  private final ClusterTls tls = ClusterTls.fromSecret(randomSecret());

  RatisFloor(Path dir) throws IOException {
    int[] ports = PeerPorts.freePorts(3);
    for (int i = 0; i < 3; i++) {
      peers.add(
          RaftPeer.newBuilder().setId("floor" + i).setAddress("127.0.0.1:" + ports[i]).build());
    }
    group = RaftGroup.valueOf(RaftGroupId.valueOf(UUID.randomUUID()), peers);
    for (int i = 0; i < 3; i++) {
      RaftProperties p = new RaftProperties();
      RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
      GrpcConfigKeys.Server.setHost(p, "127.0.0.1");
      GrpcConfigKeys.Server.setPort(p, ports[i]);
      File storage = dir.resolve("floor" + i).toFile();
      RaftServerConfigKeys.setStorageDir(p, List.of(storage));
      RaftServerConfigKeys.setRemovedGroupsDir(p, new File(storage, "removed-groups"));
      TimeDuration e = TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS);
      TimeDuration e2 = TimeDuration.valueOf(2000, TimeUnit.MILLISECONDS);
      RaftServerConfigKeys.Rpc.setTimeoutMin(p, e);
      RaftServerConfigKeys.Rpc.setTimeoutMax(p, e2);
      RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, e);
      RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, e2);
      RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("8MB"));
      props.add(p);
      servers.add(build(i));
    }
    for (RaftServer s : servers) {
      s.start();
    }
    RaftProperties cp = new RaftProperties();
    RaftConfigKeys.Rpc.setType(cp, SupportedRpcType.GRPC);
    RaftClientConfigKeys.Async.setOutstandingRequestsMax(cp, 256);
    client =
        RaftClient.newBuilder()
            .setProperties(cp)
            .setParameters(tls.issue("floor-client").ratisParameters())
            .setRaftGroup(group)
            .setRetryPolicy(
                RetryPolicies.retryForeverWithSleep(
                    TimeDuration.valueOf(50, TimeUnit.MILLISECONDS)))
            .build();
  }

  private static byte[] randomSecret() {
    byte[] secret = new byte[ClusterTls.SECRET_BYTES];
    new java.security.SecureRandom().nextBytes(secret);
    return secret;
  }

  private RaftServer build(int i) throws IOException {
    return RaftServer.newBuilder()
        .setServerId(peers.get(i).getId())
        .setGroup(group)
        .setProperties(props.get(i))
        .setParameters(tls.issue(peers.get(i).getId().toString()).ratisParameters())
        .setStateMachine(new CountingStateMachine())
        .setOption(RaftStorage.StartupOption.RECOVER)
        .build();
  }

  /**
   * Closes the leader's server under a load of {@code writers} blocking writers and returns the
   * milliseconds from the close to the first write sent after it that commits; then starts that
   * server again from its storage.
   */
  double failoverOnce(int writers) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int leader;
    while ((leader = leaderIndex()) < 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("bare Ratis: no leader in 60 s");
      }
      Thread.sleep(20);
    }
    FailoverProbe probe =
        new FailoverProbe(
            writers,
            () -> {
              try {
                return client
                    .io()
                    .send(Message.valueOf(ByteString.copyFrom(new byte[BYTES_PER_PIN])))
                    .isSuccess();
              } catch (IOException e) {
                return false;
              }
            },
            "bench-floor-writer-");
    double ms;
    try {
      probe.awaitSuccesses(20, deadline);
      probe.markKill();
      java.time.Instant killedAt = java.time.Instant.now();
      servers.get(leader).close();
      ms = probe.awaitFirstAfterKill(System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
      System.out.printf(
          "bench: figure 6 floor: close floor%d at %s; next commit after %.0f ms%n",
          leader, killedAt, ms);
    } finally {
      probe.close();
    }
    RaftServer again = build(leader);
    servers.set(leader, again);
    again.start();
    return ms;
  }

  /** Blocks until one entry commits (a leader is elected). */
  void awaitLeader() throws IOException {
    if (!client.io().send(Message.valueOf(ByteString.copyFrom(new byte[1]))).isSuccess()) {
      throw new IllegalStateException("bare Ratis: the first write failed");
    }
  }

  /**
   * {@code pins} pins in entries of {@code pinsPerEntry}, at most {@code inFlight} entries
   * outstanding; latency samples are per entry.
   */
  RunResult run(int pins, int pinsPerEntry, int inFlight) throws InterruptedException {
    if (pinsPerEntry <= 0 || pins < pinsPerEntry || inFlight <= 0) {
      throw new IllegalArgumentException(
          "need 0 < pinsPerEntry <= pins and inFlight > 0: "
              + pinsPerEntry
              + ", "
              + pins
              + ", "
              + inFlight);
    }
    int entries = pins / pinsPerEntry;
    byte[] payload = new byte[pinsPerEntry * BYTES_PER_PIN];
    long[] latencies = new long[entries];
    Semaphore window = new Semaphore(inFlight);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<CompletableFuture<?>> all = new ArrayList<>(entries);
    long start = System.nanoTime();
    for (int i = 0; i < entries && failure.get() == null; i++) {
      window.acquire();
      payload[0] = (byte) i;
      final int idx = i;
      final long t0 = System.nanoTime();
      all.add(
          client
              .async()
              .send(Message.valueOf(ByteString.copyFrom(payload)))
              .whenComplete(
                  (r, t) -> {
                    latencies[idx] = System.nanoTime() - t0;
                    window.release();
                    if (t != null) {
                      failure.compareAndSet(null, t);
                    } else if (!r.isSuccess()) {
                      failure.compareAndSet(null, r.getException());
                    }
                  }));
    }
    CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
        .exceptionally(t -> null)
        .join();
    long elapsed = System.nanoTime() - start;
    if (failure.get() != null) {
      throw new IllegalStateException("bare Ratis write failed: " + failure.get(), failure.get());
    }
    return new RunResult((long) entries * pinsPerEntry, elapsed, latencies);
  }

  /** The current leader's index in the group, or -1. */
  int leaderIndex() {
    for (int i = 0; i < servers.size(); i++) {
      try {
        if (servers.get(i).getDivision(group.getGroupId()).getInfo().getCurrentRole()
            == RaftPeerRole.LEADER) {
          return i;
        }
      } catch (IOException e) {
        // closed
      }
    }
    return -1;
  }

  @Override
  public void close() throws IOException {
    client.close();
    for (RaftServer s : servers) {
      s.close();
    }
  }

  /** Applies by counting; nothing else. */
  private static final class CountingStateMachine extends BaseStateMachine {
    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
      var entry = trx.getLogEntry();
      updateLastAppliedTermIndex(TermIndex.valueOf(entry.getTerm(), entry.getIndex()));
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
  }
}

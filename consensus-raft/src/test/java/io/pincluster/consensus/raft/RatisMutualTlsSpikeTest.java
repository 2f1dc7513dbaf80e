package io.pincluster.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spike that proved Ratis 3.2 gRPC with mutual TLS from {@link ClusterTls} before the rest was
 * built on it, kept as a regression test: bare Ratis servers and clients (no pincluster code apart
 * from {@link ClusterTls}) with a counting state machine. One group serves all tests; each test
 * checks that what it refused left the group's state as it was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RatisMutualTlsSpikeTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final RaftGroupId GROUP = RaftGroupId.valueOf(UUID.nameUUIDFromBytes("spike".getBytes()));
  static final ClusterTls CLUSTER = TestTls.CLUSTER;
  static final ClusterTls OTHER = TestTls.OTHER;
  static final RetryPolicy PATIENT =
      RetryPolicies.retryUpToMaximumCountWithFixedSleep(
          40, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS));
  static final RetryPolicy ONCE = RetryPolicies.noRetry();

  @TempDir static Path tmp;
  final List<RaftServer> servers = new ArrayList<>();
  final List<Counter> counters = new ArrayList<>();
  final List<AutoCloseable> toClose = new ArrayList<>(); // intruders of one test
  RaftGroup group;
  long committed;

  /** Counts applied entries; a query answers the count. */
  static final class Counter extends BaseStateMachine {
    final AtomicLong applied = new AtomicLong();

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
      LogEntryProto e = trx.getLogEntry();
      updateLastAppliedTermIndex(e.getTerm(), e.getIndex());
      return CompletableFuture.completedFuture(
          Message.valueOf(Long.toString(applied.incrementAndGet())));
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
      return CompletableFuture.completedFuture(Message.valueOf(Long.toString(applied.get())));
    }
  }

  @BeforeAll
  void startThreeServersWithTheClusterSecret() throws IOException {
    List<RaftPeer> peers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      peers.add(peer("s" + i));
    }
    group = RaftGroup.valueOf(GROUP, peers);
    for (int i = 0; i < 3; i++) {
      servers.add(startServer(peers.get(i), group, CLUSTER));
    }
    toClose.clear();
    commitOneWithTheRightSecret();
  }

  @AfterEach
  void closeIntruders() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    toClose.clear();
    while (counters.size() > 3) {
      counters.remove(3);
    }
  }

  @AfterAll
  void closeGroup() throws Exception {
    for (RaftServer s : servers) {
      s.close();
    }
  }

  @Test
  void aGroupWithOneSecretElectsALeaderAndCommits() throws Exception {
    try (RaftClient client = client(group, CLUSTER.issue("client").ratisParameters(), PATIENT)) {
      RaftClientReply reply = client.io().send(Message.valueOf("x"));

      assertThat(reply.isSuccess()).isTrue();
      committed++;
      assertAppliedEverywhere();
      assertThat(client.io().sendReadOnly(Message.EMPTY).getMessage().getContent().toStringUtf8())
          .isEqualTo(Long.toString(committed));
    }
  }

  @Test
  void aClientWithAnotherSecretCannotWriteOrRead() throws Exception {
    try (RaftClient stranger = client(group, OTHER.issue("stranger").ratisParameters(), ONCE)) {
      assertThatThrownBy(() -> stranger.io().send(Message.valueOf("x")))
          .isInstanceOf(IOException.class);
      assertThatThrownBy(() -> stranger.io().sendReadOnly(Message.EMPTY))
          .isInstanceOf(IOException.class);
    }
    assertAppliedEverywhere();
  }

  @Test
  void aPlainTextClientIsRefused() throws Exception {
    try (RaftClient plain = client(group, new Parameters(), ONCE)) {
      assertThatThrownBy(() -> plain.io().send(Message.valueOf("x")))
          .isInstanceOf(IOException.class);
      // The blocking admin stubs throw gRPC's unchecked StatusRuntimeException.
      assertThatThrownBy(() -> plain.getGroupManagementApi(servers.get(0).getId()).list())
          .hasMessageContaining("UNAVAILABLE");
    }
    assertAppliedEverywhere();
  }

  @Test
  void aServerWithAnotherSecretCannotJoin() throws Exception {
    RaftPeer intruder = peer("intruder");
    startServer(intruder, RaftGroup.valueOf(GROUP), OTHER);
    List<RaftPeer> withIntruder = new ArrayList<>(group.getPeers());
    withIntruder.add(intruder);

    try (RaftClient admin = client(group, CLUSTER.issue("admin").ratisParameters(), ONCE)) {
      // The leader cannot reach the intruder (TLS), so it never catches up and is never added.
      assertThatThrownBy(() -> admin.admin().setConfiguration(withIntruder))
          .isInstanceOf(IOException.class);
      assertThat(leaderDivision().getRaftConf().getCurrentPeers()).hasSize(3);
    }
    assertAppliedEverywhere();
    assertThat(counters.get(3).applied.get()).isZero();
  }

  @Test
  void aServerWithAnotherSecretCannotVote() throws Exception {
    RaftServer.Division leader = leaderDivision();
    long term = leader.getInfo().getCurrentTerm();
    // A 4th server that believes it belongs to the group stands for election again and again,
    // without pre-vote, so each attempt raises its term. A vote request that reached a member
    // would make that member adopt the higher term (and the leader step down).
    RaftPeer intruder = peer("intruder");
    List<RaftPeer> claimed = new ArrayList<>(group.getPeers());
    claimed.add(intruder);
    RaftServer server = startServer(intruder, RaftGroup.valueOf(GROUP, claimed), OTHER, false);
    RaftServer.Division d = server.getDivision(GROUP);

    await().atMost(WAIT).until(() -> d.getInfo().getCurrentTerm() > term + 2);

    assertThat(leader.getInfo().isLeader()).isTrue();
    for (int i = 0; i < 3; i++) {
      assertThat(servers.get(i).getDivision(GROUP).getInfo().getCurrentTerm()).isEqualTo(term);
    }
    assertThat(d.getInfo().getLeaderId()).isNull();
    assertAppliedEverywhere();
  }

  private void commitOneWithTheRightSecret() throws IOException {
    try (RaftClient client = client(group, CLUSTER.issue("client").ratisParameters(), PATIENT)) {
      assertThat(client.io().send(Message.valueOf("x")).isSuccess()).isTrue();
    }
    committed++;
    assertAppliedEverywhere();
  }

  /** Each member applied exactly what the tests committed with the right secret. */
  private void assertAppliedEverywhere() {
    long n = committed;
    await()
        .atMost(WAIT)
        .until(() -> counters.stream().limit(3).allMatch(c -> c.applied.get() == n));
    assertThat(counters.stream().limit(3).map(c -> c.applied.get())).containsOnly(n);
  }

  private RaftServer.Division leaderDivision() throws IOException {
    for (int i = 0; i < 3; i++) {
      RaftServer.Division d = servers.get(i).getDivision(GROUP);
      if (d.getInfo().isLeader()) {
        return d;
      }
    }
    throw new AssertionError("no leader");
  }

  private RaftServer startServer(RaftPeer self, RaftGroup startGroup, ClusterTls tls)
      throws IOException {
    return startServer(self, startGroup, tls, true);
  }

  private RaftServer startServer(
      RaftPeer self, RaftGroup startGroup, ClusterTls tls, boolean preVote) throws IOException {
    RaftProperties p = new RaftProperties();
    RaftServerConfigKeys.LeaderElection.setPreVote(p, preVote);
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    String address = self.getAddress();
    GrpcConfigKeys.Server.setHost(p, "127.0.0.1");
    GrpcConfigKeys.Server.setPort(p, Integer.parseInt(address.substring(address.indexOf(':') + 1)));
    RaftServerConfigKeys.setStorageDir(p, List.of(tmp.resolve(self.getId().toString()).toFile()));
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(500, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
    RaftServerConfigKeys.setStagingTimeout(p, TimeDuration.valueOf(2, TimeUnit.SECONDS));
    Counter sm = new Counter();
    RaftServer s =
        RaftServer.newBuilder()
            .setServerId(self.getId())
            .setGroup(startGroup)
            .setProperties(p)
            .setParameters(tls.issue(self.getId().toString()).ratisParameters())
            .setStateMachine(sm)
            .setOption(RaftStorage.StartupOption.RECOVER)
            .build();
    s.start();
    counters.add(sm);
    toClose.add(0, s);
    return s;
  }

  private RaftClient client(RaftGroup g, Parameters parameters, RetryPolicy retry) {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(2, TimeUnit.SECONDS));
    return RaftClient.newBuilder()
        .setClientId(ClientId.randomId())
        .setProperties(p)
        .setParameters(parameters)
        .setRaftGroup(g)
        .setRetryPolicy(retry)
        .build();
  }

  private static RaftPeer peer(String id) {
    return RaftPeer.newBuilder()
        .setId(RaftPeerId.valueOf(id))
        .setAddress("127.0.0.1:" + freePort())
        .build();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

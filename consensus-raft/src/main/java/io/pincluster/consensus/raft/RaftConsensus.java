package io.pincluster.consensus.raft;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.pincluster.consensus.raft.internal.AppliedIndexWaiters;
import io.pincluster.consensus.raft.internal.CommitRetryPolicy;
import io.pincluster.consensus.raft.internal.EntryCodec;
import io.pincluster.consensus.raft.internal.Failures;
import io.pincluster.consensus.raft.internal.PinStateMachine;
import io.pincluster.consensus.raft.internal.RaftProps;
import io.pincluster.consensus.raft.internal.ReplaceableClient;
import io.pincluster.core.ClusterException;
import io.pincluster.core.Consensus;
import io.pincluster.core.IndeterminateCommitException;
import io.pincluster.core.PeerTableView;
import io.pincluster.core.PinNotFoundException;
import io.pincluster.core.PinStateView;
import io.pincluster.core.api.PeerRecord;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.GoDuration;
import io.pincluster.core.peer.PeerId;
import io.pincluster.state.rocksdb.OpResult;
import io.pincluster.state.rocksdb.RocksPinStore;
import io.pincluster.state.rocksdb.StateOp;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Consensus} over an Apache Ratis (Raft) group with the gRPC transport; the replicated state
 * is a {@link RocksPinStore}.
 *
 * <p>Design notes:
 *
 * <ul>
 *   <li>One Raft group per cluster ({@link #GROUP_ID}); each peer's Raft peer ID is its peer ID
 *       text. The first start forms the group from the initial peers plus self; every later start
 *       recovers the stored configuration (Ratis {@code RECOVER}, never {@code FORMAT}), which wins
 *       over the settings.
 *   <li>{@code <data>/ratis} holds Ratis' log, {@code <data>/db} the RocksDB state (outside Ratis'
 *       {@code sm/} folder, which a snapshot install replaces).
 *   <li>Writes: every peer embeds a Ratis client that Ratis routes to the leader; an entry is a
 *       batch of {@link StateOp}s ({@link EntryCodec}) and its reply one result per op. A write
 *       completes only once it is applied on this peer too (the reply's log index is awaited in
 *       {@link AppliedIndexWaiters}), so reads here see it. Failures: {@link
 *       io.pincluster.core.NoLeaderException} when no leader took the write within {@code
 *       wait_for_leader_timeout}; {@link IndeterminateCommitException} when an attempt timed out or
 *       lost its connection after sending; {@link PinNotFoundException} for an absent unpin.
 *   <li>Ratis settings from {@code consensus.raft}: see {@link RaftProps}.
 * </ul>
 *
 * <p>Threads: Ratis' own (gRPC, log worker, state machine updater, appenders), plus {@code
 * pinstate-notifier} (the store's listeners) and {@code raft-apply-waiter-<peer>} (completes write
 * futures). Public methods are thread-safe and non-blocking, except that a write blocks its caller
 * while {@value RaftProps#OUTSTANDING_REQUESTS_MAX} writes are already in flight. Write futures
 * complete on a gRPC thread or on {@code raft-apply-waiter-<peer>}: continuations must not block
 * (use the {@code *Async} variants with an executor for slow work).
 */
public final class RaftConsensus implements Consensus, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftConsensus.class);

  /** The one Raft group of a pincluster cluster. */
  public static final RaftGroupId GROUP_ID =
      RaftGroupId.valueOf(UUID.nameUUIDFromBytes("pincluster".getBytes(UTF_8)));

  private static final int SERVER_CLOSE_SECONDS = 20;
  private static final Duration SERVER_CLOSE_TIMEOUT = Duration.ofSeconds(SERVER_CLOSE_SECONDS);

  private final RaftSettings settings;
  private final RocksPinStore store;
  private final AppliedIndexWaiters waiters;
  private final RaftServer server;
  private final ReplaceableClient clients;
  private final CommitRetryPolicy retryPolicy;
  private final AtomicLong requestIds =
      new AtomicLong(ThreadLocalRandom.current().nextLong() >>> 1);
  private final AtomicBoolean closed = new AtomicBoolean();

  private RaftConsensus(
      RaftSettings settings,
      RocksPinStore store,
      AppliedIndexWaiters waiters,
      RaftServer server,
      ReplaceableClient clients,
      CommitRetryPolicy retryPolicy) {
    this.settings = settings;
    this.store = store;
    this.waiters = waiters;
    this.server = server;
    this.clients = clients;
    this.retryPolicy = retryPolicy;
  }

  /**
   * Opens the state, starts the Raft server and the client. Returns once the server runs, not
   * necessarily with a leader. The caller owns the result and must close it.
   *
   * @throws ClusterException when the folders, the DB or the server cannot be set up (e.g. the port
   *     is taken); everything started so far is closed again
   */
  public static RaftConsensus start(RaftSettings s) {
    RocksPinStore store = null;
    AppliedIndexWaiters waiters = null;
    RaftServer server = null;
    ReplaceableClient clients = null;
    try {
      Files.createDirectories(s.ratisFolder());
      deleteSnapshotLeftovers(s.ratisFolder().resolve(GROUP_ID.getUuid().toString()));
      store = RocksPinStore.open(s.dbFolder());
      waiters =
          new AppliedIndexWaiters("raft-apply-waiter-" + shortName(s.self()), System::nanoTime);
      server =
          RaftServer.newBuilder()
              .setServerId(raftId(s.self()))
              .setGroup(initialGroup(s))
              .setProperties(RaftProps.server(s))
              .setStateMachine(new PinStateMachine(store, waiters::advance))
              .setOption(RaftStorage.StartupOption.RECOVER)
              .build();
      server.start();
      CommitRetryPolicy policy =
          new CommitRetryPolicy(
              s.config().waitForLeaderTimeout(),
              RaftProps.leaderPoll(s.config()),
              s.config().commitRetries(),
              s.config().commitRetryDelay(),
              System::nanoTime);
      RaftServer started = server;
      clients = new ReplaceableClient(() -> newClient(started, s, policy));
      clients.acquire().release(false); // builds the first client now, so bad settings fail here
      LOG.info(
          "raft peer {} started on {} (announced as {})", s.self(), s.bind(), s.announceAddress());
      return new RaftConsensus(s, store, waiters, server, clients, policy);
    } catch (IOException | RuntimeException e) {
      closeQuietly("raft client", clients);
      closeQuietly("raft server", server);
      closeQuietly("apply waiters", waiters);
      closeQuietly("pin store", store);
      throw new ClusterException(
          "cannot start Raft peer " + s.self() + " on " + s.bind() + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- writes

  /**
   * Commits {@code ops} as one Raft entry and completes with one result per op, in order, once the
   * entry is applied on this peer. This is the batch primitive behind the single-op methods. Blocks
   * only while {@value RaftProps#OUTSTANDING_REQUESTS_MAX} writes are in flight. Writes submitted
   * from one peer are applied in submission order.
   *
   * <p>Fails with {@link io.pincluster.core.NoLeaderException}, {@link
   * IndeterminateCommitException}, or {@link ClusterException} once closed. An op the state machine
   * rejects gets an INVALID result (the batch itself succeeds).
   *
   * @throws NullPointerException if {@code ops} or one of its elements is null
   */
  public CompletableFuture<List<OpResult>> commit(List<StateOp> ops) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new ClusterException("raft consensus is closed"));
    }
    List<StateOp> batch = List.copyOf(ops);
    long id = requestIds.incrementAndGet();
    byte[] entry = EntryCodec.encodeEntry(id, batch);
    ReplaceableClient.Lease lease;
    try {
      lease = clients.acquire();
    } catch (IllegalStateException e) {
      return CompletableFuture.failedFuture(new ClusterException("raft consensus is closed"));
    }
    CommitRetryPolicy.Tracked tracked = retryPolicy.track(id);
    CompletableFuture<RaftClientReply> sent;
    try {
      sent = lease.client().async().send(Message.valueOf(ByteString.copyFrom(entry)));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.handle(
            (reply, err) -> {
              retryPolicy.untrack(id);
              lease.release(err != null);
              return onReply(batch.size(), tracked, reply, err);
            })
        .thenCompose(f -> f);
  }

  private CompletableFuture<List<OpResult>> onReply(
      int size, CommitRetryPolicy.Tracked tracked, RaftClientReply reply, Throwable err) {
    Duration wait = settings.config().waitForLeaderTimeout();
    if (err == null && !reply.isSuccess()) {
      err = reply.getException() != null ? reply.getException() : new IOException("write failed");
    }
    if (err != null && closed.get()) {
      return CompletableFuture.failedFuture(
          new IndeterminateCommitException(
              "raft consensus closed while the write was in flight; it may have been committed",
              err));
    }
    if (err != null) {
      return CompletableFuture.failedFuture(
          Failures.toClusterException(err, tracked.possiblyAccepted(), wait));
    }
    List<OpResult> results;
    try {
      results = EntryCodec.decodeResults(reply.getMessage().getContent().toByteArray());
    } catch (EntryCodec.MalformedException e) {
      return CompletableFuture.failedFuture(
          new ClusterException("unreadable reply to a Raft write: " + e.getMessage()));
    }
    if (results.size() != size) {
      return CompletableFuture.failedFuture(
          new ClusterException(
              "Raft write rejected: "
                  + (results.isEmpty() ? "no results" : results.get(0).error())));
    }
    long index = reply.getLogIndex();
    Duration applyWait = settings.config().networkTimeout();
    return waiters
        .await(index, applyWait)
        .handle(
            (v, e) -> {
              if (e != null) {
                throw new IndeterminateCommitException(notAppliedMessage(index, applyWait, e), e);
              }
              return results;
            });
  }

  private String notAppliedMessage(long index, Duration wait, Throwable e) {
    return e instanceof TimeoutException
        ? "the write was committed at index "
            + index
            + " but not applied on this peer within "
            + GoDuration.format(wait)
        : "the write was committed at index " + index + " but this peer is shutting down";
  }

  @Override
  public CompletableFuture<Pin> commitPin(Pin pin) {
    return commit(List.of(new StateOp.PutPin(pin)))
        .thenApply(
            r -> {
              requireApplied(r.get(0), "pin " + pin.cid());
              return pin;
            });
  }

  @Override
  public CompletableFuture<Pin> commitUnpin(Cid cid) {
    return commit(List.of(new StateOp.RemovePin(cid)))
        .thenApply(
            r -> {
              OpResult result = r.get(0);
              if (result.status() == OpResult.Status.NOT_FOUND) {
                throw new PinNotFoundException(cid);
              }
              requireApplied(result, "unpin " + cid);
              return result.pin() != null ? result.pin() : Pin.of(cid, PinOptions.DEFAULT);
            });
  }

  @Override
  public CompletableFuture<Void> commitPeerRecord(PeerRecord record) {
    return commit(List.of(new StateOp.PutPeer(record)))
        .thenApply(
            r -> {
              requireApplied(r.get(0), "peer record of " + record.id());
              return null;
            });
  }

  private static void requireApplied(OpResult r, String what) {
    if (r.status() == OpResult.Status.INVALID) {
      throw new ClusterException(what + " was rejected: " + r.error());
    }
  }

  // ---------------------------------------------------------------- views

  @Override
  public Optional<PeerId> leader() {
    if (closed.get()) {
      return Optional.empty();
    }
    try {
      RaftPeerId id = division().getInfo().getLeaderId();
      return id == null ? Optional.empty() : parsePeerId(id);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** True when this peer is the Raft leader. Non-blocking. */
  public boolean isLeader() {
    if (closed.get()) {
      return false;
    }
    try {
      return division().getInfo().isLeader();
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public List<PeerId> members() {
    if (closed.get()) {
      return List.of();
    }
    try {
      List<PeerId> out = new ArrayList<>();
      for (RaftPeer p : division().getRaftConf().getCurrentPeers()) {
        parsePeerId(p.getId()).ifPresent(out::add);
      }
      out.sort(Comparator.naturalOrder());
      return List.copyOf(out);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /** The index of the last entry applied on this peer, -1 before any. */
  public long appliedIndex() {
    return waiters.applied();
  }

  @Override
  public PinStateView state() {
    return store;
  }

  @Override
  public PeerTableView peerTable() {
    return store;
  }

  /** The pin store itself (for snapshots and diagnostics). */
  public RocksPinStore store() {
    return store;
  }

  public RaftSettings settings() {
    return settings;
  }

  private RaftServer.Division division() throws IOException {
    return server.getDivision(GROUP_ID);
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Closes the client (in-flight writes fail as indeterminate), then the server (which applies what
   * is committed, then closes the state machine and the DB), bounded to {@value
   * #SERVER_CLOSE_SECONDS} s; logs what did not stop. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly("raft client", clients);
    closeBounded("raft server", server, SERVER_CLOSE_TIMEOUT);
    closeQuietly("apply waiters", waiters);
    closeQuietly("pin store", store);
    LOG.info("raft peer {} closed", settings.self());
  }

  private void closeBounded(String what, AutoCloseable c, Duration timeout) {
    Thread t = new Thread(() -> closeQuietly(what, c), "raft-close-" + shortName(settings.self()));
    t.setDaemon(true);
    t.start();
    try {
      t.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      LOG.warn("{} of {} did not close within {}", what, settings.self(), timeout);
    }
  }

  private static void closeQuietly(String what, AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("closing {} failed: {}", what, e.toString());
    }
  }

  // ---------------------------------------------------------------- setup helpers

  private static RaftGroup initialGroup(RaftSettings s) {
    Map<PeerId, String> addresses = new LinkedHashMap<>(s.initialPeers());
    addresses.put(s.self(), s.announceAddress());
    List<RaftPeer> peers = new ArrayList<>();
    addresses.forEach(
        (id, addr) -> peers.add(RaftPeer.newBuilder().setId(raftId(id)).setAddress(addr).build()));
    return RaftGroup.valueOf(GROUP_ID, peers);
  }

  private static RaftClient newClient(RaftServer server, RaftSettings s, CommitRetryPolicy policy) {
    return RaftClient.newBuilder()
        .setClientId(ClientId.randomId())
        .setProperties(RaftProps.client(s))
        .setRaftGroup(clientGroup(server, s))
        .setRetryPolicy(policy)
        .build();
  }

  /** The peers a client starts with: the current configuration, plus self. */
  private static RaftGroup clientGroup(RaftServer server, RaftSettings s) {
    Map<RaftPeerId, RaftPeer> peers = new LinkedHashMap<>();
    try {
      for (RaftPeer p : server.getDivision(GROUP_ID).getRaftConf().getCurrentPeers()) {
        peers.put(p.getId(), p);
      }
    } catch (IOException e) {
      LOG.warn("no raft group on this server ({}); the client starts with self only", e.toString());
    }
    peers.putIfAbsent(
        raftId(s.self()),
        RaftPeer.newBuilder().setId(raftId(s.self())).setAddress(s.announceAddress()).build());
    return RaftGroup.valueOf(GROUP_ID, peers.values());
  }

  /** Deletes {@code <group>/tmp/snapshot-*} left by aborted snapshot installs. */
  private static void deleteSnapshotLeftovers(Path groupDir) throws IOException {
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

  private static RaftPeerId raftId(PeerId id) {
    return RaftPeerId.valueOf(id.toString());
  }

  private static Optional<PeerId> parsePeerId(RaftPeerId id) {
    try {
      return Optional.of(PeerId.parse(id.toString()));
    } catch (RuntimeException e) {
      LOG.warn("raft peer id {} is not a peer ID", id);
      return Optional.empty();
    }
  }

  private static String shortName(PeerId id) {
    String text = id.toString();
    return text.length() <= 6 ? text : text.substring(text.length() - 6);
  }
}

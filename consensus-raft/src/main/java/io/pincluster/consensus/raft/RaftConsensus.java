package io.pincluster.consensus.raft;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.pincluster.consensus.raft.internal.AppliedIndexWaiters;
import io.pincluster.consensus.raft.internal.Batcher;
import io.pincluster.consensus.raft.internal.CommitRetryPolicy;
import io.pincluster.consensus.raft.internal.ConfChanger;
import io.pincluster.consensus.raft.internal.EntryCodec;
import io.pincluster.consensus.raft.internal.EntrySender;
import io.pincluster.consensus.raft.internal.Failures;
import io.pincluster.consensus.raft.internal.HandOver;
import io.pincluster.consensus.raft.internal.LeaderContact;
import io.pincluster.consensus.raft.internal.LocalRequests;
import io.pincluster.consensus.raft.internal.LocalWrites;
import io.pincluster.consensus.raft.internal.Membership;
import io.pincluster.consensus.raft.internal.PeerEvents;
import io.pincluster.consensus.raft.internal.PeerProxies;
import io.pincluster.consensus.raft.internal.PinStateMachine;
import io.pincluster.consensus.raft.internal.RaftProps;
import io.pincluster.consensus.raft.internal.RaftSetup;
import io.pincluster.consensus.raft.internal.ReplaceableClient;
import io.pincluster.core.ClusterException;
import io.pincluster.core.Consensus;
import io.pincluster.core.IndeterminateCommitException;
import io.pincluster.core.NoLeaderException;
import io.pincluster.core.PeerTableView;
import io.pincluster.core.PinNotFoundException;
import io.pincluster.core.PinStateView;
import io.pincluster.core.api.PeerRecord;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.GoDuration;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import io.pincluster.state.rocksdb.OpResult;
import io.pincluster.state.rocksdb.RocksPinStore;
import io.pincluster.state.rocksdb.StateOp;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.TimeDuration;
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
 *       text. The first start forms the group from the initial peers plus self (at most {@link
 *       #MAX_VOTERS} voters, the rest listeners), or, when {@linkplain RaftSettings#join()
 *       joining}, starts with no configuration and waits to be added. Every later start recovers
 *       the stored configuration (Ratis {@code RECOVER}, never {@code FORMAT}), which wins over the
 *       settings; a changed announce address is then written to the configuration through
 *       consensus.
 *   <li>{@code <data>/ratis} holds Ratis' log and snapshots ({@code sm/snapshot.T_I/}, RocksDB
 *       checkpoints), {@code <data>/db} the live RocksDB state (outside Ratis' {@code sm/} folder,
 *       which a snapshot install replaces), {@code <data>/FORMAT} the format version ({@link
 *       StateFormat}).
 *   <li>Writes: concurrent writes on a peer are coalesced into few Raft entries ({@link Batcher},
 *       at most {@value #MAX_OPS_PER_ENTRY} ops or {@value #MAX_ENTRY_BYTES} bytes each, {@value
 *       #MAX_ENTRIES_IN_FLIGHT} entries in flight, {@code commit_timeout} of linger under load, no
 *       linger when idle). Each entry is sent by the peer's embedded Ratis client, which Ratis
 *       routes to the leader; a write completes only once its entry is applied on this peer too.
 *       Failures: {@link NoLeaderException} when no leader took the write within {@code
 *       wait_for_leader_timeout}; {@link IndeterminateCommitException} when an attempt timed out or
 *       lost its connection after sending; {@link PinNotFoundException} for an absent unpin; a
 *       {@link ClusterException} "too many pending writes" when {@value #MAX_PENDING_WRITES} writes
 *       already wait on this peer.
 *   <li>Membership: {@link #addPeer} and {@link #removePeer} change the Raft configuration through
 *       the leader ({@link ConfChanger}); {@link #onRemoved} tells the owner when this peer was
 *       removed (see {@link PeerEvents}).
 *   <li>Ratis settings from {@code consensus.raft}: see {@link RaftProps}.
 *   <li>Transport: every Ratis connection this peer serves or opens (Raft messages, its write
 *       client, admin and group-management calls) is mutual TLS with the trust in {@link
 *       RaftSettings#tls()}, derived from the cluster secret ({@link ClusterTls}); each start
 *       issues a fresh in-memory certificate for this peer.
 * </ul>
 *
 * <p>Threads: Ratis' own (gRPC, log worker, state machine updater, appenders), plus {@code
 * pinstate-notifier} (the store's listeners), {@code raft-apply-waiter-<peer>} (completes write
 * futures), {@code raft-batcher-<peer>} (group commit), {@code raft-admin-<peer>} (membership
 * changes, peer address refreshes), {@code raft-timer-<peer>} (the snapshot interval, address
 * update retries) and, once, {@code raft-removed-<peer>} (removal listeners). Public methods are
 * thread-safe and non-blocking unless they say otherwise. Write futures complete on a gRPC thread
 * or on {@code raft-apply-waiter-<peer>}: continuations must not block (use the {@code *Async}
 * variants with an executor for slow work).
 */
public final class RaftConsensus implements Consensus, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftConsensus.class);

  /** The one Raft group of a pincluster cluster. */
  public static final RaftGroupId GROUP_ID =
      RaftGroupId.valueOf(UUID.nameUUIDFromBytes("pincluster".getBytes(UTF_8)));

  /** The version of Raft entries this build writes and applies (for {@code /id}). */
  public static final int ENTRY_VERSION = EntryCodec.VERSION;

  /** Group commit: most writes in one Raft entry. */
  public static final int MAX_OPS_PER_ENTRY = 1000;

  /** Group commit: most encoded bytes of writes in one Raft entry. */
  public static final int MAX_ENTRY_BYTES = 1 << 20;

  /** Group commit: most entries sent by one peer and not yet committed. */
  public static final int MAX_ENTRIES_IN_FLIGHT = 8;

  /** Group commit: most writes waiting on one peer to be sent; more are refused. */
  public static final int MAX_PENDING_WRITES = 65536;

  private static final int SERVER_CLOSE_SECONDS = 20;
  private static final Duration SERVER_CLOSE_TIMEOUT = Duration.ofSeconds(SERVER_CLOSE_SECONDS);
  private static final Duration MIN_ADMIN_POLL = Duration.ofMillis(100);
  private static final Duration CATCH_UP_POLL = Duration.ofMillis(50);

  private final RaftSettings settings;
  private final ClusterTls.Credentials credentials;
  private final RocksPinStore store;
  private final AppliedIndexWaiters waiters;
  private final PeerEvents events;
  private final AtomicBoolean refreshQueued = new AtomicBoolean();
  private final PinStateMachine stateMachine;
  private final RaftServer server;
  private final ReplaceableClient clients;
  private final LocalWrites localWrites;
  private final Batcher batcher;
  private final ConfChanger confChanger;
  private final ScheduledExecutorService timer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final LocalRequests local;
  private final AtomicBoolean restartWarned = new AtomicBoolean();

  private RaftConsensus(
      RaftSettings settings,
      ClusterTls.Credentials credentials,
      RocksPinStore store,
      AppliedIndexWaiters waiters,
      PeerEvents events,
      PinStateMachine stateMachine,
      RaftServer server,
      ReplaceableClient clients,
      LocalWrites localWrites,
      CommitRetryPolicy retryPolicy) {
    this.settings = settings;
    this.localWrites = localWrites;
    this.credentials = credentials;
    this.store = store;
    this.waiters = waiters;
    this.events = events;
    this.stateMachine = stateMachine;
    this.server = server;
    this.clients = clients;
    this.local =
        new LocalRequests(
            server, RaftSetup.raftId(settings.self()), settings.config().networkTimeout());
    String name = RaftSetup.shortName(settings.self());
    EntrySender sender =
        new EntrySender(
            clients,
            retryPolicy,
            waiters,
            settings.config().waitForLeaderTimeout(),
            settings.config().networkTimeout(),
            closed::get);
    this.batcher =
        new Batcher(
            "raft-batcher-" + name,
            sender,
            new Batcher.Limits(
                MAX_OPS_PER_ENTRY,
                MAX_ENTRY_BYTES,
                MAX_ENTRIES_IN_FLIGHT,
                MAX_PENDING_WRITES,
                settings.config().commitTimeout()),
            System::nanoTime);
    this.confChanger =
        new ConfChanger(
            "raft-admin-" + name,
            this::newAdminClient,
            this::currentMembership,
            settings
                .config()
                .waitForLeaderTimeout()
                .plus(settings.config().networkTimeout().multipliedBy(2)),
            adminPoll(settings),
            System::nanoTime);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "raft-timer-" + name);
              t.setDaemon(true);
              return t;
            });
    long every = settings.config().snapshotInterval().toMillis();
    timer.scheduleWithFixedDelay(this::snapshotIfChanged, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Checks the state folder's format ({@link StateFormat}), opens the state, starts the Raft server
   * and the client. Returns once the server runs, not necessarily with a leader. The caller owns
   * the result and must close it.
   *
   * @throws ClusterException when the state folder has another format version (the message says
   *     what to do), or the folders, the DB or the server cannot be set up (e.g. the port is
   *     taken); everything started so far is closed again
   */
  public static RaftConsensus start(RaftSettings s) {
    StateFormat.prepare(s.dataFolder());
    RocksPinStore store = null;
    AppliedIndexWaiters waiters = null;
    RaftServer server = null;
    ReplaceableClient clients = null;
    LocalWrites localWrites = null;
    RaftConsensus consensus = null;
    try {
      Files.createDirectories(s.ratisFolder());
      RaftSetup.deleteSnapshotLeftovers(RaftSetup.groupFolder(s));
      boolean fresh = !RaftSetup.hasRaftState(s);
      store = RocksPinStore.open(s.dbFolder());
      waiters =
          new AppliedIndexWaiters(
              "raft-apply-waiter-" + RaftSetup.shortName(s.self()), System::nanoTime);
      LeaderContact contact = new LeaderContact(System::nanoTime);
      PeerEvents events =
          new PeerEvents(
              RaftSetup.raftId(s.self()), RaftSetup.shortName(s.self()), waiters, contact);
      PinStateMachine sm = new PinStateMachine(store, events);
      ClusterTls.Credentials tls = s.tls().issue(s.self().toString());
      server =
          RaftServer.newBuilder()
              .setServerId(RaftSetup.raftId(s.self()))
              .setGroup(fresh && s.join() ? RaftGroup.valueOf(GROUP_ID) : RaftSetup.initialGroup(s))
              .setProperties(RaftProps.server(s))
              .setParameters(tls.ratisParameters())
              .setStateMachine(sm)
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
      localWrites =
          new LocalWrites(
              server,
              RaftSetup.raftId(s.self()),
              s.config().networkTimeout(),
              RaftSetup.shortName(s.self()));
      LocalWrites local = localWrites;
      clients = new ReplaceableClient(() -> RaftSetup.newClient(started, s, tls, policy, local));
      clients.acquire().release(false); // builds the first client now, so bad settings fail here
      consensus =
          new RaftConsensus(
              s, tls, store, waiters, events, sm, server, clients, localWrites, policy);
      consensus.afterStart(fresh);
      return consensus;
    } catch (IOException | RuntimeException e) {
      if (consensus != null) {
        consensus.close();
      } else {
        closeQuietly("raft client", clients);
        closeQuietly("local writes", localWrites);
        closeQuietly("raft server", server);
        closeQuietly("apply waiters", waiters);
        closeQuietly("pin store", store);
      }
      throw new ClusterException(
          "cannot start Raft peer " + s.self() + " on " + s.bind() + ": " + e.getMessage(), e);
    }
  }

  private void afterStart(boolean fresh) throws IOException {
    RaftServer.Division d = division();
    Membership m = Membership.of(d.getRaftConf());
    RaftPeerId self = RaftSetup.raftId(settings.self());
    events.started(
        d.getRaftConf().getLogEntryIndex(),
        m.find(self).isPresent(),
        this::membershipIfRunning,
        conf -> {
          // Ratis reports the configuration again with every chunk of a snapshot being
          // installed: queue one refresh at a time.
          if (refreshQueued.compareAndSet(false, true)
              && !confChanger.execute(
                  () -> {
                    refreshQueued.set(false);
                    refreshPeerAddresses();
                    warnIfPromotedListener();
                  })) {
            refreshQueued.set(false);
          }
        },
        this::askLeaderWhetherRemoved);
    Optional<RaftPeer> me = m.find(self);
    if (me.isPresent() && !settings.announceAddress().equals(me.get().getAddress())) {
      LOG.info(
          "raft address of {} changed from {} to {}; updating the configuration",
          settings.self(),
          me.get().getAddress(),
          settings.announceAddress());
      updateOwnAddress();
    }
    if (settings.join() && !fresh) {
      LOG.info("raft peer {} has state already: recovering it instead of joining", settings.self());
    }
    LOG.info(
        "raft peer {} started on {} (announced as {}, mutual TLS, cluster CA {}){}: voters={}"
            + " listeners={}",
        settings.self(),
        settings.bind(),
        settings.announceAddress(),
        settings.tls().caFingerprint(),
        settings.join() && fresh ? ", waiting to be added" : "",
        m.voters(),
        m.listeners());
  }

  // ---------------------------------------------------------------- writes

  /**
   * Commits {@code ops} and completes with one result per op, in order, once they are applied on
   * this peer. The ops join the peer's group commit: they are queued together (in order, after
   * anything queued before) but may be split over several Raft entries, so they are not applied
   * atomically. Fails as a whole with the first failure of any op: {@link NoLeaderException},
   * {@link IndeterminateCommitException}, or {@link ClusterException} (closed, too many pending
   * writes, or this peer cannot write now: see {@link #cannotWrite}). An op the state machine
   * rejects gets an INVALID result.
   *
   * @throws NullPointerException if {@code ops} or one of its elements is null
   */
  public CompletableFuture<List<OpResult>> commit(List<StateOp> ops) {
    List<byte[]> encoded = new ArrayList<>(ops.size());
    for (StateOp op : ops) {
      encoded.add(EntryCodec.encodeOp(java.util.Objects.requireNonNull(op, "op")));
    }
    return write(
        () -> {
          List<CompletableFuture<OpResult>> each = batcher.submit(encoded);
          return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
              .thenApply(
                  v -> {
                    List<OpResult> out = new ArrayList<>(each.size());
                    each.forEach(f -> out.add(f.join()));
                    return out;
                  });
        });
  }

  private CompletableFuture<OpResult> commitOne(StateOp op) {
    return write(() -> batcher.submit(List.of(EntryCodec.encodeOp(op))).get(0));
  }

  /**
   * Submits a write unless this peer {@linkplain #cannotWrite cannot write now} (then it fails at
   * once with the reason), and gives a failure that happens meanwhile that reason ({@link
   * #explainFailure}).
   */
  private <T> CompletableFuture<T> write(Supplier<CompletableFuture<T>> submit) {
    Optional<String> refusal = cannotWrite();
    if (refusal.isPresent()) {
      return CompletableFuture.failedFuture(new ClusterException(refusal.get()));
    }
    return explainFailure(submit.get());
  }

  /**
   * Why this peer cannot take writes now: its state store waits for disk space (writes resume by
   * themselves once there is room) or applying stopped for good (e.g. its Raft log could not be
   * written; a restart is needed). Writes are refused up front then, instead of waiting for a reply
   * that cannot come and failing as indeterminate.
   */
  public Optional<String> cannotWrite() {
    Optional<String> failure = events.failure();
    return failure.isPresent() ? failure : stateMachine.stalled();
  }

  /**
   * A write that failed while this peer could not write (it was sent before the disk filled up)
   * fails with that reason, as indeterminate: it may be in the Raft log and applied later.
   */
  private <T> CompletableFuture<T> explainFailure(CompletableFuture<T> f) {
    return f.handle(
        (v, e) -> {
          if (e == null) {
            return v;
          }
          Optional<String> why = cannotWrite();
          Throwable cause =
              e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                  ? e.getCause()
                  : e;
          if (why.isPresent() && !(cause instanceof NoLeaderException)) {
            throw new java.util.concurrent.CompletionException(
                new IndeterminateCommitException(
                    why.get() + " (this write was sent before: it may or may not be applied)",
                    cause));
          }
          throw e instanceof java.util.concurrent.CompletionException ce
              ? ce
              : new java.util.concurrent.CompletionException(e);
        });
  }

  /** The Raft entries this peer has proposed for writes so far (group commit makes them few). */
  public long entriesSent() {
    return batcher.entriesSent();
  }

  /**
   * The write requests this peer's client handed to its own server in process (as leader) so far,
   * retries included; the others went to the leader over gRPC.
   */
  public long writesSentInProcess() {
    return localWrites.sent();
  }

  @Override
  public CompletableFuture<Pin> commitPin(Pin pin) {
    return commitOne(new StateOp.PutPin(pin))
        .thenApply(
            r -> {
              requireApplied(r, "pin " + pin.cid());
              return pin;
            });
  }

  @Override
  public CompletableFuture<Boolean> commitReallocation(Pin expected, Pin pin) {
    return commitOne(new StateOp.ReplacePin(expected, pin))
        .thenApply(
            r -> {
              if (r.status() == OpResult.Status.NOT_FOUND) {
                return false;
              }
              requireApplied(r, "re-allocation of " + pin.cid());
              return true;
            });
  }

  @Override
  public CompletableFuture<Pin> commitUnpin(Cid cid) {
    return commitOne(new StateOp.RemovePin(cid))
        .thenApply(
            result -> {
              if (result.status() == OpResult.Status.NOT_FOUND) {
                throw new PinNotFoundException(cid);
              }
              requireApplied(result, "unpin " + cid);
              return result.pin() != null ? result.pin() : Pin.of(cid, PinOptions.DEFAULT);
            });
  }

  @Override
  public CompletableFuture<Void> commitPeerRecord(PeerRecord record) {
    return commitOne(new StateOp.PutPeer(record))
        .thenApply(
            r -> {
              requireApplied(r, "peer record of " + record.id());
              return null;
            });
  }

  private static void requireApplied(OpResult r, String what) {
    if (r.status() == OpResult.Status.INVALID) {
      throw new ClusterException(what + " was rejected: " + r.error());
    }
  }

  // ---------------------------------------------------------------- membership

  /**
   * {@inheritDoc}
   *
   * <p>The peer must be running (started with {@link RaftSettings#join()}) and reachable at {@code
   * raftAddress} (e.g. {@code /ip4/<host>/tcp/<port>} or {@code /dns4/...}); it is first brought up
   * to date, by a snapshot install when this cluster has a snapshot, before the change commits.
   * Fails with {@link NoLeaderException} when no leader took the change within {@code
   * wait_for_leader_timeout} plus twice {@code network_timeout}.
   */
  @Override
  public CompletableFuture<Void> addPeer(PeerId peer, Multiaddr raftAddress) {
    String hostPort;
    try {
      hostPort = raftAddress.hostPort();
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          new ClusterException("raft address of " + peer + " is unusable: " + e.getMessage(), e));
    }
    if (closed.get()) {
      return closedFuture();
    }
    return confChanger.change(
        m -> m.withPeer(RaftSetup.raftId(peer), hostPort, MAX_VOTERS),
        "add peer " + peer + " at " + hostPort);
  }

  /**
   * Asks the cluster that {@code via} (a member, reachable at Raft address {@code viaAddress},
   * {@code host:port}) belongs to to add this peer at {@code selfAddress}: the joining side of
   * {@link #addPeer}, for a peer started with {@link RaftSettings#join()}. The request goes through
   * Raft's admin API to the leader ({@code via} redirects); the rules are those of {@link #addPeer}
   * (voter or listener, idempotent). Blocks until the leader committed the change: at most {@code
   * wait} or the staging timeout ({@link RaftProps#stagingTimeout}), whichever is longer, and
   * beyond that as long as state from the leader keeps arriving; then {@link #awaitCaughtUp} tells
   * when this peer has caught up.
   *
   * @throws ClusterException when the cluster cannot be reached or refuses, or on timeout
   */
  public void requestJoin(PeerId via, String viaAddress, String selfAddress, Duration wait) {
    if (closed.get()) {
      throw new ClusterException("raft consensus is closed");
    }
    RaftPeerId viaId = RaftSetup.raftId(via);
    RaftGroup viaGroup =
        RaftGroup.valueOf(
            GROUP_ID, RaftPeer.newBuilder().setId(viaId).setAddress(viaAddress).build());
    String what = "join the cluster of " + via + " at " + viaAddress;
    // The leader first sends this peer the state (a snapshot as large as the pinset, then the
    // log) and commits the change only then; it gives up once this peer has not answered for the
    // staging timeout. Wait as long as the leader would, and beyond `wait` while state arrives.
    // State arrives a snapshot chunk (4 MB) at a time, while the leader hears this peer's answers
    // to its heartbeats in between: allow a chunk twice the staging timeout.
    Duration staging = RaftProps.stagingTimeout(settings.config());
    Duration patience = wait.compareTo(staging) < 0 ? staging : wait;
    Duration betweenChunks = staging.multipliedBy(2);
    BooleanSupplier receiving = () -> events.leaderContact().within(betweenChunks);
    CompletableFuture<Void> done =
        confChanger.change(
            () -> newAdminClient(viaGroup),
            client -> {
              try {
                return Membership.of(client.getGroupManagementApi(viaId).info(GROUP_ID));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            },
            m -> m.withPeer(RaftSetup.raftId(settings.self()), selfAddress, MAX_VOTERS),
            what,
            patience,
            receiving);
    long end = System.nanoTime() + patience.plus(SERVER_CLOSE_TIMEOUT).toNanos();
    try {
      while (true) {
        try {
          done.get(CATCH_UP_POLL.toMillis() * 10, TimeUnit.MILLISECONDS);
          return;
        } catch (java.util.concurrent.TimeoutException e) {
          if (System.nanoTime() - end >= 0 && !receiving.getAsBoolean()) {
            throw new ClusterException(
                "cannot " + what + ": no answer within " + GoDuration.format(patience), e);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException("interrupted while asking to " + what, e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof ClusterException ce
          ? ce
          : new ClusterException(
              "cannot " + what + ": " + Failures.describe(e.getCause()), e.getCause());
    }
  }

  @Override
  public CompletableFuture<Void> removePeer(PeerId peer) {
    if (closed.get()) {
      return closedFuture();
    }
    return confChanger.change(
        m -> m.withoutPeer(RaftSetup.raftId(peer), this::commitIndexOf), "remove peer " + peer);
  }

  @Override
  public List<PeerId> voters() {
    return membershipIfRunning().map(m -> RaftSetup.ids(m.voters())).orElse(List.of());
  }

  @Override
  public List<PeerId> members() {
    return membershipIfRunning().map(m -> RaftSetup.ids(m.all())).orElse(List.of());
  }

  /** Each member's Raft address ({@code host:port}) in the current configuration. */
  public Map<PeerId, String> raftAddresses() {
    Map<PeerId, String> out = new java.util.TreeMap<>();
    membershipIfRunning()
        .ifPresent(
            m ->
                m.all()
                    .forEach(
                        p ->
                            RaftSetup.parsePeerId(p.getId())
                                .ifPresent(id -> out.put(id, p.getAddress()))));
    return out;
  }

  /** The non-voting members, ordered by peer ID. */
  public List<PeerId> listeners() {
    return membershipIfRunning().map(m -> RaftSetup.ids(m.listeners())).orElse(List.of());
  }

  /** True while this peer runs and is in the current Raft configuration. Non-blocking. */
  public boolean isMember() {
    return !events.isRemoved()
        && membershipIfRunning()
            .flatMap(m -> m.find(RaftSetup.raftId(settings.self())))
            .isPresent();
  }

  /**
   * True when this peer is a voter in the configuration but its Raft division cannot act as one
   * until it restarts: Ratis 3.2 leaves a listener that was added while running in its start-up
   * state, and keeps a promoted listener in the listener role (fixed upstream by RATIS-2378), so
   * such a peer neither votes nor stands for election. Restarting this peer (closing and starting
   * it again on the same folder) fixes it; a warning is logged when it happens. Non-blocking.
   */
  public boolean needsRestart() {
    if (closed.get() || events.failure().isPresent()) {
      return false; // a division that stopped on a failure is not a promoted listener
    }
    try {
      RaftServer.Division d = division();
      boolean voter = Membership.of(d.getRaftConf()).isVoter(d.getId());
      LifeCycle.State state = d.getInfo().getLifeCycleState();
      if (state.isClosingOrClosed()) {
        // Ratis shut it down (e.g. this peer was removed while it was down; its stale configuration
        // may still list it as a voter): not a promoted listener
        return false;
      }
      return voter && (d.getInfo().isListener() || state != LifeCycle.State.RUNNING);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private void warnIfPromotedListener() {
    if (needsRestart() && !restartWarned.getAndSet(true)) {
      LOG.warn(
          "peer {} became a voter but its Raft division still runs as a listener (Ratis 3.2):"
              + " restart this peer so it can vote",
          settings.self());
    }
  }

  /**
   * Runs {@code listener} once, on a new thread named {@code raft-removed-<peer>}, when this peer
   * learns that it was removed from the cluster (at once if it already has). After that this peer
   * no longer replicates: its owner should close it and set its state aside. Not called for this
   * peer's own {@link #close()}.
   */
  public void onRemoved(Runnable listener) {
    events.onRemoved(listener);
  }

  /** Why this peer stopped applying the log for good (e.g. an entry from a newer version). */
  public Optional<String> failure() {
    return events.failure();
  }

  /**
   * Blocks until this peer knows a leader and has applied everything up to the leader's commit
   * index as last reported to it (the leader sends it with every append and heartbeat), at most
   * {@code timeout}. Meant for a peer that was just added (it waits for the leader's first contact,
   * then for the snapshot install and the log), and for listeners, which cannot serve {@link
   * #sync()} in Ratis 3.2. Polls every 50 ms.
   *
   * @return true once caught up, false when {@code timeout} passed first
   * @throws ClusterException when closed or interrupted meanwhile
   */
  public boolean awaitCaughtUp(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!closed.get()) {
      OptionalLong target = leaderCommitIndex();
      long applied = waiters.applied();
      if (target.isPresent() && applied >= target.getAsLong()) {
        return true;
      }
      long left = end - System.nanoTime();
      if (left <= 0) {
        LOG.warn(
            "{} did not catch up with the Raft leader within {}{}",
            settings.self(),
            GoDuration.format(timeout),
            target.isPresent()
                ? " (applied " + applied + " of " + target.getAsLong() + ")"
                : " (no leader has contacted it)");
        return false;
      }
      LockSupport.parkNanos(Math.min(left, CATCH_UP_POLL.toNanos()));
      if (Thread.currentThread().isInterrupted()) {
        throw new ClusterException("interrupted while catching up");
      }
    }
    throw new ClusterException("raft consensus closed while catching up");
  }

  /** The leader's commit index as this peer last heard it, if it knows a leader. */
  private OptionalLong leaderCommitIndex() {
    try {
      RaftServer.Division d = division();
      RaftPeerId leader = d.getInfo().getLeaderId();
      if (leader == null) {
        return OptionalLong.empty();
      }
      if (leader.equals(d.getId())) {
        return OptionalLong.of(d.getRaftLog().getLastCommittedIndex());
      }
      long c = commitIndexOf(leader);
      return c < 0 ? OptionalLong.empty() : OptionalLong.of(c);
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  private long commitIndexOf(RaftPeerId id) {
    try {
      for (CommitInfoProto c : division().getCommitInfos()) {
        if (RaftPeerId.valueOf(c.getServer().getId()).equals(id)) {
          return c.getCommitIndex();
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("no commit infos: {}", e.toString());
    }
    return -1;
  }

  /**
   * Asks the members of {@code lastKnown} in turn for their view of the group until one that leads
   * answers, for at most wait_for_leader_timeout (a new leader may be being elected). Only a
   * leader's answer counts: a lagging follower may not know yet that this peer was added.
   */
  private Optional<String> askLeaderWhetherRemoved(Membership lastKnown) {
    RaftPeerId self = RaftSetup.raftId(settings.self());
    long deadline = System.nanoTime() + settings.config().waitForLeaderTimeout().toNanos();
    while (!closed.get()) {
      for (RaftPeer p : lastKnown.all()) {
        if (p.getId().equals(self) || closed.get()) {
          continue;
        }
        try (RaftClient c = newAdminClient(RaftGroup.valueOf(GROUP_ID, p))) {
          GroupInfoReply info = c.getGroupManagementApi(p.getId()).info(GROUP_ID);
          if (info.getRoleInfoProto().getRole() != RaftPeerRole.LEADER) {
            continue;
          }
          Membership m = Membership.of(info);
          return m.find(self).isPresent()
              ? Optional.empty()
              : Optional.of("the leader " + p.getId() + " no longer lists it (" + m.all() + ")");
        } catch (IOException | RuntimeException e) {
          LOG.debug("no group info from {}: {}", p.getId(), e.toString());
        }
      }
      if (System.nanoTime() - deadline >= 0) {
        break;
      }
      try {
        Thread.sleep(adminPoll(settings).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (closed.get()) {
      return Optional.empty(); // closing anyway
    }
    LOG.warn(
        "no leader among {} answered within {}: cannot tell whether {} was removed",
        RaftSetup.ids(lastKnown.all()),
        GoDuration.format(settings.config().waitForLeaderTimeout()),
        settings.self());
    return Optional.empty();
  }

  private Membership currentMembership() {
    try {
      return Membership.of(division().getRaftConf());
    } catch (IOException e) {
      throw new ClusterException("no Raft group on this peer: " + e.getMessage(), e);
    }
  }

  private Optional<Membership> membershipIfRunning() {
    if (closed.get()) {
      return Optional.empty();
    }
    try {
      return Optional.of(currentMembership());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private void updateOwnAddress() {
    if (closed.get()) {
      return;
    }
    RaftPeerId self = RaftSetup.raftId(settings.self());
    confChanger
        .change(
            m ->
                m.find(self).isPresent()
                    ? m.withPeer(self, settings.announceAddress(), MAX_VOTERS)
                    : m,
            "update the raft address of " + settings.self())
        .whenComplete(
            (v, e) -> {
              if (e != null && !closed.get()) {
                LOG.info(
                    "address update of {} failed, retrying: {}", settings.self(), e.toString());
                retryLater(this::updateOwnAddress);
              }
            });
  }

  private void retryLater(Runnable r) {
    try {
      timer.schedule(r, settings.config().electionTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      LOG.debug("not rescheduled (closing): {}", e.toString());
    }
  }

  private void refreshPeerAddresses() {
    membershipIfRunning().ifPresent(m -> PeerProxies.refresh(server, m.all()));
  }

  private RaftClient newAdminClient() {
    return newAdminClient(RaftSetup.clientGroup(server, settings));
  }

  private RaftClient newAdminClient(RaftGroup group) {
    Duration poll = adminPoll(settings);
    return RaftClient.newBuilder()
        .setClientId(ClientId.randomId())
        .setProperties(RaftProps.client(settings))
        .setParameters(credentials.ratisParameters())
        .setRaftGroup(group)
        .setRetryPolicy(
            RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                3, TimeDuration.valueOf(poll.toMillis(), TimeUnit.MILLISECONDS)))
        .build();
  }

  /** commit_retry_delay, at least {@link #MIN_ADMIN_POLL}. */
  private static Duration adminPoll(RaftSettings s) {
    Duration poll = s.config().commitRetryDelay();
    return poll.compareTo(MIN_ADMIN_POLL) < 0 ? MIN_ADMIN_POLL : poll;
  }

  // ---------------------------------------------------------------- linearizable reads

  /**
   * Completes with this peer's applied index once this peer has applied every write committed
   * before the call, wherever it was submitted (a Raft ReadIndex read: the leader confirms it still
   * leads, from its lease ({@code leader_lease_timeout}) when it holds one, else with a heartbeat
   * round). Non-blocking. Fails with {@link NoLeaderException} when no leader answers; retrying is
   * safe.
   */
  public CompletableFuture<Long> sync() {
    if (closed.get()) {
      return closedFuture();
    }
    return local.readIndex();
  }

  // ---------------------------------------------------------------- snapshots

  /**
   * Takes a snapshot on this peer now, if anything was applied since the last one; completes with
   * the index of the latest snapshot (-1 if none). Ratis then purges the log up to it, keeping
   * {@code trailing_logs} entries. Non-blocking.
   */
  public CompletableFuture<Long> snapshot() {
    if (closed.get()) {
      return closedFuture();
    }
    return local.snapshot();
  }

  /** The index of the latest snapshot on this peer, if any. */
  public Optional<Long> latestSnapshotIndex() {
    return stateMachine.snapshots().latestFound().map(f -> f.termIndex().getIndex());
  }

  private void snapshotIfChanged() {
    try {
      long latest = latestSnapshotIndex().orElse(-1L);
      if (closed.get() || store.appliedIndex() <= latest) {
        return;
      }
      Duration timeout = settings.config().networkTimeout().multipliedBy(2);
      snapshot().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      if (!closed.get()) {
        LOG.warn("periodic snapshot of {} failed: {}", settings.self(), e.toString());
      }
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
      return id == null ? Optional.empty() : RaftSetup.parsePeerId(id);
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

  /**
   * If this peer leads, hands leadership to the first of {@code candidates} (other voters, best
   * first) that takes it, so a planned stop does not cost the others an election timeout. Only
   * voters that answered this leader within the election timeout are asked (a whole cluster
   * stopping leaves none: the last leader then stops at once), each for an equal share of what is
   * left of {@code timeout}. Returns true when this peer no longer leads (or never did).
   */
  public boolean transferLeadership(List<PeerId> candidates, Duration timeout) {
    if (!isLeader()) {
      return true;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    List<PeerId> asked;
    try {
      Set<PeerId> answering = votersAnsweredWithin(settings.config().electionTimeout());
      asked = candidates.stream().filter(answering::contains).toList();
    } catch (IOException | RuntimeException e) {
      LOG.info("leadership transfer failed: {}", e.toString());
      return !isLeader();
    }
    if (asked.isEmpty()) {
      LOG.info(
          "no other voter answered within the election timeout ({}): not handing leadership over",
          settings.config().electionTimeout());
      return !isLeader();
    }
    try (RaftClient admin = newAdminClient()) {
      for (int i = 0; i < asked.size(); i++) {
        PeerId c = asked.get(i);
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          break;
        }
        try {
          RaftClientReply r =
              admin.admin().transferLeadership(RaftSetup.raftId(c), left / (asked.size() - i));
          if (r.isSuccess()) {
            LOG.info("leadership handed to {}", c);
            return true;
          }
          LOG.info("leadership transfer to {} refused: {}", c, r.getException());
        } catch (IOException | RuntimeException e) {
          LOG.info("leadership transfer to {} failed: {}", c, e.toString());
        }
      }
    } catch (IOException e) {
      LOG.info("leadership transfer failed: {}", e.toString());
    }
    return !isLeader();
  }

  /**
   * The other voters that answered this leader within {@code within} (from Ratis' role info); empty
   * unless this peer leads.
   */
  Set<PeerId> votersAnsweredWithin(Duration within) throws IOException {
    Set<RaftPeerId> answered =
        HandOver.answeredWithin(division().getInfo().getRoleInfoProto(), within);
    return voters().stream()
        .filter(v -> !v.equals(settings.self()) && answered.contains(RaftSetup.raftId(v)))
        .collect(Collectors.toUnmodifiableSet());
  }

  /** The index of the last entry applied on this peer, -1 before any. */
  public long appliedIndex() {
    return waiters.applied();
  }

  /** Where this peer's replica stands (see {@link RaftStatus}). Non-blocking; also once closed. */
  public RaftStatus status() {
    boolean leader = false;
    long term = 0;
    long commit = -1;
    if (!closed.get()) {
      try {
        RaftServer.Division d = division();
        leader = d.getInfo().isLeader();
        term = d.getInfo().getCurrentTerm();
        commit = d.getRaftLog().getLastCommittedIndex();
      } catch (IOException | RuntimeException e) {
        LOG.debug("no Raft division to read the status of: {}", e.toString());
      }
    }
    return new RaftStatus(
        leader,
        term,
        commit,
        appliedIndex(),
        latestSnapshotIndex().orElse(-1L),
        stateMachine.snapshots().latestWrittenAt());
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

  /** The first index still in this peer's Raft log (for tests). */
  long logStartIndex() throws IOException {
    return division().getRaftLog().getStartIndex();
  }

  private RaftServer.Division division() throws IOException {
    return server.getDivision(GROUP_ID);
  }

  private static <T> CompletableFuture<T> closedFuture() {
    return CompletableFuture.failedFuture(new ClusterException("raft consensus is closed"));
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Fails writes not yet sent, closes the client (in-flight writes fail as indeterminate), then the
   * server (which applies what is committed, takes a last snapshot, then closes the state machine
   * and the DB), bounded to {@value #SERVER_CLOSE_SECONDS} s; logs what did not stop. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    events.closing();
    stateMachine.abandonStalledApply(); // the server's close waits for the updater otherwise
    closeQuietly("group commit", batcher);
    closeQuietly("membership changes", confChanger);
    timer.shutdownNow();
    closeQuietly("raft client", clients);
    closeQuietly("local writes", localWrites);
    closeBounded("raft server", server, SERVER_CLOSE_TIMEOUT);
    closeQuietly("apply waiters", waiters);
    closeQuietly("pin store", store);
    LOG.info("raft peer {} closed", settings.self());
  }

  private void closeBounded(String what, AutoCloseable c, Duration timeout) {
    Thread t =
        new Thread(
            () -> closeQuietly(what, c), "raft-close-" + RaftSetup.shortName(settings.self()));
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
}

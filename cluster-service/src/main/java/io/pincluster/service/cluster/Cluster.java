package io.pincluster.service.cluster;

import io.pincluster.core.BuildInfo;
import io.pincluster.core.CloseableIterator;
import io.pincluster.core.ClusterApi;
import io.pincluster.core.ClusterException;
import io.pincluster.core.Consensus;
import io.pincluster.core.IpfsConnector;
import io.pincluster.core.PeerMonitor;
import io.pincluster.core.PeerRpc;
import io.pincluster.core.PeerRpcService;
import io.pincluster.core.PinNotFoundException;
import io.pincluster.core.PinTracker;
import io.pincluster.core.api.AddOptions;
import io.pincluster.core.api.AddedOutput;
import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.GlobalRepoGc;
import io.pincluster.core.api.IpfsId;
import io.pincluster.core.api.LocalPinStatus;
import io.pincluster.core.api.PeerInfo;
import io.pincluster.core.api.PeerRecord;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.PinInfoShort;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.PinRequest;
import io.pincluster.core.api.PinResult;
import io.pincluster.core.api.RepoGc;
import io.pincluster.core.api.RepoGcKey;
import io.pincluster.core.api.RepoStat;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.ClusterSection;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's operations: what the REST API offers ({@link ClusterApi}) and what this peer
 * answers to the others ({@link PeerRpcService}). It allocates pins, commits them through consensus
 * and gathers statuses from the peers. Thread-safe; holds no state of its own besides a cached IPFS
 * identity.
 */
public final class Cluster implements ClusterApi, PeerRpcService {
  private static final Logger log = LoggerFactory.getLogger(Cluster.class);

  private final PeerId self;
  private final ClusterSection config;
  private final SelfAddresses addresses;
  private final Consensus consensus;
  private final PinTracker tracker;
  private final IpfsConnector ipfs;
  private final PeerRpc rpc;
  private final ExecutorService fanOut;
  private final Executor streamReaders;
  private final Duration rpcTimeout;
  private final Duration longCallTimeout;
  private final InstantSource clock;
  private final IpfsIdCache ipfsId;
  private final PeerMonitor monitor;
  private final BalancedAllocator allocator;
  private final Repinner repinner;

  /** Pins a bulk request keeps in flight at once. */
  static final int PIN_ALL_WINDOW = 4096;

  /**
   * @param fanOut a bounded, named executor for calls to several peers at once (owned by the
   *     caller)
   * @param streamReaders named threads that read other peers' status streams ahead while this peer
   *     merges them; may refuse (the stream is then read by the merging thread)
   * @param rpcTimeout how long to wait for one peer's answer
   * @param longCallTimeout how long to wait for a peer's recover, sync or garbage collection
   * @param monitor the metrics allocation uses and the peers' health
   * @param allocator orders candidates by the metrics of {@code allocator.balanced.allocate_by}
   */
  public Cluster(
      PeerId self,
      ClusterSection config,
      SelfAddresses addresses,
      Consensus consensus,
      PinTracker tracker,
      IpfsConnector ipfs,
      PeerRpc rpc,
      ExecutorService fanOut,
      Executor streamReaders,
      Duration rpcTimeout,
      Duration longCallTimeout,
      PeerMonitor monitor,
      BalancedAllocator allocator,
      InstantSource clock) {
    this.self = self;
    this.config = config;
    this.addresses = addresses;
    this.consensus = consensus;
    this.tracker = tracker;
    this.ipfs = ipfs;
    this.rpc = rpc;
    this.fanOut = fanOut;
    this.streamReaders = streamReaders;
    this.rpcTimeout = rpcTimeout;
    this.longCallTimeout = longCallTimeout;
    this.clock = clock;
    this.ipfsId = new IpfsIdCache(ipfs, clock);
    this.monitor = monitor;
    this.allocator = allocator;
    this.repinner =
        new Repinner(
            self,
            consensus,
            monitor,
            this,
            config.disableRepinning(),
            config.repinGracePeriod(),
            config.repinMaxInFlight(),
            longCallTimeout,
            clock);
  }

  // ---- ClusterApi ----

  @Override
  public PeerInfo id() {
    List<PeerId> members = consensus.members();
    List<Multiaddr> memberAddresses = new ArrayList<>();
    for (PeerId m : members) {
      consensus
          .peerTable()
          .peer(m)
          .ifPresent(r -> memberAddresses.add(r.raftAddress().withPeerId(m)));
    }
    return new PeerInfo(
        self,
        List.of(addresses.raft().withPeerId(self)),
        members,
        memberAddresses,
        BuildInfo.VERSION,
        "",
        BuildInfo.RPC_PROTOCOL,
        "",
        ipfsId.get(),
        config.peername());
  }

  @Override
  public String version() {
    return BuildInfo.VERSION;
  }

  @Override
  public CloseableIterator<PeerInfo> peers() {
    List<PeerId> members = consensus.members();
    Map<PeerId, CompletableFuture<PeerInfo>> calls = new LinkedHashMap<>();
    for (PeerId m : members) {
      calls.put(
          m, m.equals(self) ? CompletableFuture.completedFuture(id()) : async(() -> rpc.id(m)));
    }
    List<PeerInfo> out = new ArrayList<>();
    calls.forEach(
        (peer, call) -> {
          try {
            out.add(await(call));
          } catch (ClusterException e) {
            out.add(PeerInfo.unreachable(peer, peername(peer), e.getMessage()));
          }
        });
    return CloseableIterator.of(out);
  }

  @Override
  public CompletableFuture<Pin> pin(Cid cid, PinOptions options) {
    try {
      Pin pin = prepare(cid, options);
      return consensus.commitPin(pin);
    } catch (ClusterException | IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CloseableIterator<PinResult> pinAll(Iterator<PinRequest> items) {
    return new PinAllIterator(items, item -> pin(item.cid(), item.options()), PIN_ALL_WINDOW);
  }

  @Override
  public CompletableFuture<PeerInfo> peerAdd(Multiaddr address) {
    Optional<PeerId> peer = address.peerId();
    if (peer.isEmpty()) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "peer address "
                  + address
                  + " has no /p2p/<peer ID>: give its Raft address,"
                  + " e.g. /ip4/10.0.0.4/tcp/9096/p2p/12D3KooW…"));
    }
    Multiaddr raft = address.withoutPeerId();
    return consensus
        .addPeer(peer.get(), raft)
        .thenApply(
            done -> {
              try {
                return rpc.id(peer.get());
              } catch (ClusterException e) {
                // it has not announced its RPC endpoint yet: answer with what is known
                return new PeerInfo(
                    peer.get(),
                    List.of(address),
                    consensus.members(),
                    null,
                    null,
                    null,
                    null,
                    "",
                    null,
                    "");
              }
            });
  }

  /** Re-pinning after failures; the daemon drives its checks. */
  public Repinner repinner() {
    return repinner;
  }

  /**
   * Re-allocates the peer's pins first (a pin that cannot move keeps its allocations and is
   * logged), then removes it from the Raft group.
   */
  @Override
  public CompletableFuture<Void> peerRemove(PeerId peer) {
    if (!consensus.members().contains(peer)) {
      return CompletableFuture.failedFuture(
          new ClusterException("peer " + peer + " is not a member of this cluster"));
    }
    return CompletableFuture.supplyAsync(() -> repinner.vacate(peer), fanOut)
        .thenCompose(
            vacated -> {
              if (!vacated) {
                log.warn("some pins of {} could not be re-allocated before its removal", peer);
              }
              return consensus.removePeer(peer);
            });
  }

  // ---- monitoring ----

  @Override
  public List<String> metricNames() {
    return monitor.metricNames();
  }

  @Override
  public List<io.pincluster.core.api.Metric> latestMetrics(String name) {
    return monitor.latestMetrics(name);
  }

  @Override
  public List<io.pincluster.core.api.Alert> alerts() {
    return monitor.alerts();
  }

  @Override
  public io.pincluster.core.api.ConnectGraph connectGraph() {
    Map<PeerId, CompletableFuture<io.pincluster.core.api.PeerLinks>> calls =
        onEach(consensus.members(), this::localLinks, rpc::links);
    List<io.pincluster.core.api.PeerLinks> links = new ArrayList<>();
    calls.forEach(
        (peer, call) -> {
          try {
            links.add(await(call));
          } catch (ClusterException e) {
            log.info("peer {} left out of the graph: {}", peer, e.getMessage());
          }
        });
    return ConnectGraphs.of(self, links);
  }

  /**
   * Accepts the metrics of members. When a member's ping arrives while it was not healthy here (it
   * just started, or came back), this peer's own latest metrics are sent back to it at once, so a
   * peer that starts after the others learns about them without waiting a whole ping interval.
   */
  @Override
  public void acceptMetrics(List<io.pincluster.core.api.Metric> metrics) {
    List<PeerId> members = consensus.members();
    Set<PeerId> newcomers = new java.util.HashSet<>();
    for (io.pincluster.core.api.Metric m : metrics) {
      if (members.contains(m.peer())) {
        if ("ping".equals(m.name()) && !m.peer().equals(self) && !monitor.isHealthy(m.peer())) {
          newcomers.add(m.peer());
        }
        monitor.accept(m);
      }
    }
    for (PeerId peer : newcomers) {
      try {
        fanOut.execute(() -> sendOwnMetrics(peer));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        log.debug("metrics for {} not sent back: fan-out pool full", peer);
      }
    }
  }

  private void sendOwnMetrics(PeerId peer) {
    List<io.pincluster.core.api.Metric> mine = new ArrayList<>();
    for (String name : monitor.metricNames()) {
      monitor.latestMetrics(name).stream().filter(m -> m.peer().equals(self)).forEach(mine::add);
    }
    try {
      if (!mine.isEmpty()) {
        rpc.sendMetrics(peer, mine);
      }
    } catch (ClusterException e) {
      log.debug("metrics for {} not sent back: {}", peer, e.getMessage());
    }
  }

  @Override
  public io.pincluster.core.api.PeerLinks localLinks() {
    List<String> swarm;
    try {
      swarm = ipfs.swarmPeers();
    } catch (ClusterException e) {
      swarm = List.of();
    }
    List<PeerId> hears = consensus.members().stream().filter(monitor::isHealthy).toList();
    return new io.pincluster.core.api.PeerLinks(
        self, config.peername(), ipfsId.get().id(), swarm, hears);
  }

  @Override
  public CompletableFuture<Pin> pinPath(String path, PinOptions options) {
    try {
      return pin(ipfs.resolve(path), options);
    } catch (ClusterException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Pin> unpinPath(String path) {
    try {
      return unpin(ipfs.resolve(path));
    } catch (ClusterException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CloseableIterator<AddedOutput> add(
      java.io.InputStream body, String contentType, AddOptions options) {
    java.util.function.BiFunction<Cid, String, Pin> pinRoot =
        (root, name) -> {
          if (options.noPin()) {
            return null;
          }
          PinOptions p = options.pin();
          try {
            return pin(root, p.name().isEmpty() ? p.withName(name) : p).join();
          } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
          }
        };
    if (options.format().equals("car")) {
      List<Cid> roots = ipfs.dagImport(body, contentType);
      if (roots.size() != 1) {
        throw new IllegalArgumentException(
            "a CAR to add must have exactly one root, this one has " + roots.size());
      }
      Pin pin = pinRoot.apply(roots.get(0), "");
      return CloseableIterator.of(
          List.of(
              new AddedOutput(
                  "", roots.get(0), 0, 0, pin == null ? List.of() : pin.allocations())));
    }
    return new AddPipeline(ipfs.add(body, contentType, options.ipfsParams()), pinRoot);
  }

  @Override
  public RepoStat repoStat(boolean local) {
    if (local) {
      return ipfs.repoStat();
    }
    Map<PeerId, CompletableFuture<RepoStat>> calls =
        onEach(consensus.members(), ipfs::repoStat, rpc::repoStat);
    long size = 0;
    long max = 0;
    for (var e : calls.entrySet()) {
      try {
        RepoStat r = await(e.getValue());
        size = saturatedAdd(size, r.repoSize());
        max = saturatedAdd(max, r.storageMax());
      } catch (ClusterException ex) {
        log.info("peer {} left out of the summed repo stat: {}", e.getKey(), ex.getMessage());
      }
    }
    return new RepoStat(size, max);
  }

  @Override
  public CompletableFuture<Pin> unpin(Cid cid) {
    // No local pre-check: this peer may lag; the applied result says whether the CID was there.
    return consensus.commitUnpin(cid);
  }

  @Override
  public GlobalPinInfo status(Cid cid, boolean local) {
    return global(cid, local, this::localStatus, rpc::status, rpcTimeout);
  }

  @Override
  public GlobalPinInfo recover(Cid cid, boolean local) {
    return global(cid, local, this::localRecover, rpc::recover, longCallTimeout);
  }

  @Override
  public GlobalPinInfo sync(Cid cid, boolean local) {
    return global(cid, local, this::localSync, rpc::sync, longCallTimeout);
  }

  @Override
  public CloseableIterator<GlobalPinInfo> recoverAll(boolean local) {
    return union(local, this::localRecoverAll, rpc::recoverAll);
  }

  @Override
  public CloseableIterator<GlobalPinInfo> syncAll(boolean local) {
    return union(local, this::localSyncAll, rpc::syncAll);
  }

  @Override
  public GlobalRepoGc ipfsGc(boolean local) {
    Map<PeerId, CompletableFuture<RepoGc>> calls =
        onEach(local ? List.of(self) : consensus.members(), this::localRepoGc, rpc::repoGc);
    Map<String, RepoGc> peerMap = new LinkedHashMap<>();
    calls.forEach(
        (peer, call) -> {
          RepoGc gc;
          try {
            gc = await(call, longCallTimeout);
          } catch (ClusterException e) {
            gc = new RepoGc(peer, peername(peer), List.of(), e.getMessage());
          }
          peerMap.put(peer.toString(), gc);
        });
    return new GlobalRepoGc(peerMap);
  }

  /** A per-CID operation run on this peer or on every member, as a GlobalPinInfo. */
  private GlobalPinInfo global(
      Cid cid,
      boolean local,
      java.util.function.Function<Cid, PinInfo> mine,
      java.util.function.BiFunction<PeerId, Cid, PinInfo> theirs,
      Duration timeout) {
    if (local) {
      return GlobalPinInfo.ofLocal(mine.apply(cid));
    }
    Optional<Pin> pin = consensus.state().get(cid);
    Map<String, CompletableFuture<PinInfoShort>> calls = new LinkedHashMap<>();
    for (PeerId m : consensus.members()) {
      calls.put(m.toString(), onPeer(m, cid, pin.orElse(null), mine, theirs, timeout));
    }
    Map<String, PinInfoShort> peerMap = new LinkedHashMap<>();
    calls.forEach((peer, call) -> peerMap.put(peer, call.join()));
    Pin p = pin.orElse(null);
    return new GlobalPinInfo(
        cid,
        p == null ? "" : p.name(),
        p == null ? List.of() : p.allocations(),
        p == null ? List.of() : p.origins(),
        p == null ? null : p.timestamp(),
        p == null ? Map.of() : p.metadata(),
        peerMap);
  }

  /** Every member's (or this peer's) stream of acted-on CIDs, merged by CID. */
  private CloseableIterator<GlobalPinInfo> union(
      boolean local,
      java.util.function.Supplier<CloseableIterator<PinInfo>> mine,
      java.util.function.Function<PeerId, CloseableIterator<PinInfo>> theirs) {
    Map<String, CloseableIterator<PinInfo>> streams = new LinkedHashMap<>();
    for (PeerId m : local ? List.of(self) : consensus.members()) {
      try {
        streams.put(m.toString(), m.equals(self) ? mine.get() : theirs.apply(m));
      } catch (ClusterException e) {
        log.warn("peer {} did not answer: {}", m, e.getMessage());
      }
    }
    return new UnionByCid(streams);
  }

  @Override
  public CloseableIterator<GlobalPinInfo> statusAll(Set<TrackerStatus> filter, boolean local) {
    if (local) {
      CloseableIterator<PinInfo> mine = localStatusAll();
      return new MergedStatus(mine, self, List.of(), filter, clock);
    }
    List<MergedStatus.PeerStream> others = new ArrayList<>();
    try {
      return mergedStatus(others, filter);
    } catch (RuntimeException e) {
      others.forEach(MergedStatus.PeerStream::close);
      throw e;
    }
  }

  /** Opens the other peers' streams into {@code others} (the caller closes them on failure). */
  private MergedStatus mergedStatus(
      List<MergedStatus.PeerStream> others, Set<TrackerStatus> filter) {
    for (PeerId m : consensus.members()) {
      if (m.equals(self)) {
        continue;
      }
      try {
        CloseableIterator<LocalPinStatus> theirs =
            PrefetchedStream.of(rpc.statusAll(m), streamReaders);
        others.add(new MergedStatus.PeerStream(m, peername(m), theirs, null));
      } catch (ClusterException e) {
        others.add(new MergedStatus.PeerStream(m, peername(m), null, e.getMessage()));
      }
    }
    return new MergedStatus(localStatusAll(), self, others, filter, clock);
  }

  @Override
  public CloseableIterator<Pin> allocations() {
    return consensus.state().list();
  }

  @Override
  public Optional<Pin> allocation(Cid cid) {
    return consensus.state().get(cid);
  }

  // ---- PeerRpcService ----

  @Override
  public PeerInfo localId() {
    return id();
  }

  @Override
  public PinInfo localStatus(Cid cid) {
    IpfsId node = ipfsId.get();
    return tracker.status(cid).withIpfs(node.id(), node.addresses());
  }

  @Override
  public CloseableIterator<PinInfo> localStatusAll() {
    IpfsId node = ipfsId.get();
    return tracker.statusAll().map(i -> i.withIpfs(node.id(), node.addresses()));
  }

  @Override
  public RepoStat localRepoStat() {
    return ipfs.repoStat();
  }

  @Override
  public PinInfo localRecover(Cid cid) {
    return withIpfs(tracker.recover(cid));
  }

  @Override
  public CloseableIterator<PinInfo> localRecoverAll() {
    return tracker.recoverAll().map(this::withIpfs);
  }

  @Override
  public PinInfo localSync(Cid cid) {
    return withIpfs(tracker.sync(cid));
  }

  @Override
  public CloseableIterator<PinInfo> localSyncAll() {
    return tracker.syncAll().map(this::withIpfs);
  }

  @Override
  public RepoGc localRepoGc() {
    List<RepoGcKey> keys = new ArrayList<>();
    try (CloseableIterator<RepoGcKey> gc = ipfs.repoGc()) {
      gc.forEachRemaining(keys::add);
      return new RepoGc(self, config.peername(), keys, "");
    } catch (ClusterException e) {
      return new RepoGc(self, config.peername(), keys, e.getMessage());
    }
  }

  private PinInfo withIpfs(PinInfo info) {
    IpfsId node = ipfsId.get();
    return info.withIpfs(node.id(), node.addresses());
  }

  // ---- internals ----

  /** Applies defaults, validates, allocates and stamps a pin; nothing is committed here. */
  Pin prepare(Cid cid, PinOptions options) {
    if (options.pinUpdate() != null) {
      return prepareUpdate(cid, options);
    }
    int min =
        options.replicationFactorMin() == 0
            ? config.replicationFactorMin()
            : options.replicationFactorMin();
    int max =
        options.replicationFactorMax() == 0
            ? config.replicationFactorMax()
            : options.replicationFactorMax();
    checkReplication(min, max);
    if (!options.expireAt().equals(Pin.ZERO_TIME) && !options.expireAt().isAfter(clock.instant())) {
      throw new IllegalArgumentException(
          "expire_at " + options.expireAt() + " is in the past: the pin would expire at once");
    }
    Pin pin = Pin.of(cid, options).withReplication(min, max);
    Optional<Pin> existing = consensus.state().get(cid);
    List<PeerId> allocations = List.of();
    if (min != -1) {
      List<PeerId> current = existing.map(Pin::allocations).orElse(List.of());
      allocations =
          Allocations.allocate(
              cid, min, max, current, candidates(Set.of()), options.userAllocations(), allocator);
    }
    return pin.withAllocations(allocations).withTimestamp(clock.instant());
  }

  private Candidates candidates(Set<PeerId> excluded) {
    return Candidates.of(consensus.members(), monitor, allocator.allocateBy(), excluded);
  }

  /**
   * {@code pin} re-allocated without {@code excluded} (failed or departing peers): its other
   * allocations are kept and new peers are added only while fewer than its minimum remain (up to
   * its maximum). Nothing is committed here.
   *
   * @return the pin with its new allocations and a new timestamp
   * @throws io.pincluster.core.NotEnoughPeersException when too few peers remain
   */
  Pin reallocate(Pin pin, Set<PeerId> excluded) {
    List<PeerId> remaining = pin.allocations().stream().filter(p -> !excluded.contains(p)).toList();
    List<PeerId> allocations =
        Allocations.allocate(
            pin.cid(),
            pin.replicationFactorMin(),
            pin.replicationFactorMax(),
            remaining,
            candidates(excluded),
            pin.userAllocations(),
            allocator);
    return pin.withAllocations(allocations).withTimestamp(clock.instant());
  }

  /** See {@link Consensus#commitReallocation}. */
  CompletableFuture<Boolean> commitReallocation(Pin expected, Pin pin) {
    return consensus.commitReallocation(expected, pin);
  }

  /**
   * A pin of {@code cid} that replaces {@code options.pinUpdate()}: it keeps the old pin's
   * allocations and options (IPFS Cluster's pin update bypasses allocation), taking the name,
   * expiry and metadata given; the trackers use IPFS {@code pin/update}.
   */
  private Pin prepareUpdate(Cid cid, PinOptions options) {
    Pin from =
        consensus
            .state()
            .get(options.pinUpdate())
            .orElseThrow(() -> new PinNotFoundException(options.pinUpdate()));
    Map<String, String> metadata = new java.util.TreeMap<>(from.metadata());
    metadata.putAll(options.metadata());
    PinOptions merged =
        new PinOptions(
            from.replicationFactorMin(),
            from.replicationFactorMax(),
            options.name().isEmpty() ? from.name() : options.name(),
            from.mode(),
            from.userAllocations(),
            options.expireAt().equals(Pin.ZERO_TIME) ? from.expireAt() : options.expireAt(),
            metadata,
            options.pinUpdate(),
            from.origins());
    return Pin.of(cid, merged).withAllocations(from.allocations()).withTimestamp(clock.instant());
  }

  /** a + b, or Long.MAX_VALUE when that overflows (IPFS nodes report huge storage limits). */
  static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  static void checkReplication(int min, int max) {
    if (min == -1 && max == -1) {
      return;
    }
    if (min < 0 || max < 0) {
      throw new IllegalArgumentException(
          "replication factors must both be -1 (everywhere) or both positive, not "
              + min
              + " and "
              + max);
    }
    if (min > max) {
      throw new IllegalArgumentException(
          "replication factor min (" + min + ") is greater than max (" + max + ")");
    }
  }

  private CompletableFuture<PinInfoShort> onPeer(
      PeerId peer,
      Cid cid,
      Pin pin,
      java.util.function.Function<Cid, PinInfo> mine,
      java.util.function.BiFunction<PeerId, Cid, PinInfo> theirs,
      Duration timeout) {
    String name = peername(peer);
    if (pin == null) {
      return CompletableFuture.completedFuture(
          new PinInfoShort(
              name, "", List.of(), TrackerStatus.UNPINNED, clock.instant(), "", 0, false));
    }
    if (!pin.isAllocatedTo(peer)) {
      return CompletableFuture.completedFuture(
          new PinInfoShort(
              name, "", List.of(), TrackerStatus.REMOTE, clock.instant(), "", 0, false));
    }
    CompletableFuture<PinInfo> call =
        peer.equals(self) ? async(() -> mine.apply(cid)) : async(() -> theirs.apply(peer, cid));
    return call.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(PinInfo::toShort)
        .exceptionally(
            e ->
                new PinInfoShort(
                    name,
                    "",
                    List.of(),
                    TrackerStatus.CLUSTER_ERROR,
                    clock.instant(),
                    rootMessage(e),
                    0,
                    false));
  }

  private String peername(PeerId peer) {
    if (peer.equals(self)) {
      return config.peername();
    }
    return consensus.peerTable().peer(peer).map(PeerRecord::peername).orElse("");
  }

  /**
   * One call per peer, all started at once on the fan-out pool: {@code mine} for this peer, {@code
   * theirs} over peer RPC for the others; in {@code peers} order.
   */
  private <T> Map<PeerId, CompletableFuture<T>> onEach(
      List<PeerId> peers,
      java.util.function.Supplier<T> mine,
      java.util.function.Function<PeerId, T> theirs) {
    Map<PeerId, CompletableFuture<T>> calls = new LinkedHashMap<>();
    for (PeerId m : peers) {
      calls.put(m, m.equals(self) ? async(mine) : async(() -> theirs.apply(m)));
    }
    return calls;
  }

  private <T> CompletableFuture<T> async(java.util.function.Supplier<T> call) {
    return CompletableFuture.supplyAsync(call, fanOut);
  }

  private <T> T await(CompletableFuture<T> call) {
    return await(call, rpcTimeout);
  }

  private <T> T await(CompletableFuture<T> call, Duration timeout) {
    try {
      return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new ClusterException("no answer within " + timeout.toMillis() + "ms");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof ClusterException ce
          ? ce
          : new ClusterException(rootMessage(e), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException("interrupted");
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while ((t instanceof ExecutionException
            || t instanceof java.util.concurrent.CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof TimeoutException ? "no answer in time" : String.valueOf(t.getMessage());
  }
}

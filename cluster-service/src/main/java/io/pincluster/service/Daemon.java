package io.pincluster.service;

import io.pincluster.consensus.raft.ClusterTls;
import io.pincluster.consensus.raft.RaftConsensus;
import io.pincluster.consensus.raft.RaftSettings;
import io.pincluster.consensus.raft.RaftStatus;
import io.pincluster.core.PinStateView;
import io.pincluster.core.api.Metric;
import io.pincluster.core.api.Pin;
import io.pincluster.core.config.ConfigException;
import io.pincluster.core.config.IpfsProxySection;
import io.pincluster.core.config.RestApiSection;
import io.pincluster.core.config.ServiceConfig;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import io.pincluster.informer.DiskInformer;
import io.pincluster.informer.TagsInformer;
import io.pincluster.ipfs.IpfsHttpConnector;
import io.pincluster.ipfsproxy.IpfsProxyServer;
import io.pincluster.monitor.MetricPublisher;
import io.pincluster.monitor.MetricsMonitor;
import io.pincluster.monitor.PingInformer;
import io.pincluster.observations.ClusterMetrics;
import io.pincluster.observations.JvmMetrics;
import io.pincluster.observations.MetricsRegistry;
import io.pincluster.observations.PrometheusServer;
import io.pincluster.peerrpc.HttpPeerRpc;
import io.pincluster.peerrpc.PeerRpcServer;
import io.pincluster.pintracker.MapPinTracker;
import io.pincluster.restapi.RestApiServer;
import io.pincluster.service.cluster.BalancedAllocator;
import io.pincluster.service.cluster.Cluster;
import io.pincluster.service.cluster.ReadAheadPinState;
import io.pincluster.service.cluster.Repinner;
import io.pincluster.service.cluster.SelfAddresses;
import io.pincluster.service.config.ConfigFolder;
import io.pincluster.service.config.Peerstore;
import io.pincluster.state.rocksdb.RocksTrackerStore;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds and starts every component of a peer by hand, in dependency order,
 * and stops them in reverse order (APIs, background tasks, tracker, consensus with RocksDB, IPFS
 * client, lock). Start either completes or undoes what it started.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);

  /** A started component and how to stop it, for ordered shutdown. */
  private record Stoppable(String name, AutoCloseable closeable) {}

  private final Deque<Stoppable> started = new ArrayDeque<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean restartRequested = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private Membership membership;
  private PeerId self;
  private Cluster cluster;
  private RaftConsensus consensus;
  private RestApiServer restApi;
  private MetricsMonitor monitor;
  private PrometheusServer prometheus;
  private IpfsProxyServer ipfsProxy;
  private PeerRpcServer rpcServer;

  private Daemon() {}

  /**
   * How the daemon was asked to start.
   *
   * @param upgrade run pending state-format migrations first ({@code daemon --upgrade})
   * @param bootstrap join the cluster of this peer ({@code --bootstrap /ip4/H/tcp/P/p2p/ID})
   * @param leave leave the cluster on clean shutdown, whatever {@code leave_on_shutdown} says
   */
  public record Options(boolean upgrade, Optional<Multiaddr> bootstrap, boolean leave) {
    public static final Options DEFAULT = new Options(false, Optional.empty(), false);
  }

  /**
   * Starts a peer. Returns once every component listens (a Raft leader may still be pending), or,
   * when joining, once this peer is a member and has caught up.
   *
   * @throws io.pincluster.core.ClusterException when the folder is locked, the config is
   *     inconsistent or a component cannot start; whatever had started is stopped again
   */
  public static Daemon start(
      ConfigFolder folder, ServiceConfig config, Identity identity, Options options) {
    Daemon d = new Daemon();
    try {
      d.startAll(folder, config, identity, options, InstantSource.system());
      return d;
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
  }

  public static Daemon start(ConfigFolder folder, ServiceConfig config, Identity identity) {
    return start(folder, config, identity, Options.DEFAULT);
  }

  private void startAll(
      ConfigFolder folder,
      ServiceConfig config,
      Identity identity,
      Options options,
      InstantSource clock) {
    self = identity.id();
    remember("lock", LockFile.acquire(folder.lockFile()));
    Path dataFolder = config.raft().dataFolder(folder.path());
    membership = new Membership(self, folder, config, options, dataFolder, this::stopAfterRemoval);
    remember("state folder", membership::cleanUpIfGone);
    boolean join = membership.prepareStateFolder();
    Map<PeerId, String> initialPeers = join ? Map.of() : initialPeers(folder, config, dataFolder);
    SelfAddresses addresses =
        SelfAddresses.of(config.cluster(), config.restApi().httpListenMultiaddress().get(0));

    consensus =
        RaftConsensus.start(
            new RaftSettings(
                self,
                bindAddress(config.cluster().listenMultiaddress()),
                addresses.raft().hostPort(),
                dataFolder,
                config.raft(),
                ClusterTls.fromSecret(config.cluster().secretBytes()),
                initialPeers,
                join));
    remember("consensus (Ratis and RocksDB)", consensus);
    remember(
        "hand over leadership",
        () -> consensus.transferLeadership(successors(), LEADERSHIP_TRANSFER_TIMEOUT));
    membership.attach(consensus, addresses);
    if (join) {
      membership.join();
    }
    remember("leave the cluster", membership::leaveIfAsked);

    IpfsHttpConnector ipfs = new IpfsHttpConnector(config.ipfsHttp());
    remember("IPFS connector", ipfs);

    ExecutorService streamReaders = Threads.onDemand("cluster-stream-reader", 16);
    remember("stream reader pool", streamReaders::shutdownNow);
    RocksTrackerStore trackerStore = RocksTrackerStore.open(dataFolder.resolve("tracker"));
    remember("tracker store", trackerStore);
    MapPinTracker tracker =
        new MapPinTracker(
            self,
            config.cluster().peername(),
            config.mapTracker(),
            config.cluster(),
            config.ipfsHttp().pinTimeout(),
            new ReadAheadPinState(consensus.state(), streamReaders),
            ipfs,
            trackerStore,
            clock);
    consensus.state().addListener(trackerFeed(self, tracker));
    tracker.start();
    remember("pin tracker", tracker);

    HttpPeerRpc rpc =
        new HttpPeerRpc(
            config.cluster().secretBytes(),
            consensus.peerTable(),
            config.raft().networkTimeout(),
            config.ipfsHttp().pinTimeout().multipliedBy(2));
    remember("peer RPC client", rpc);
    ExecutorService fanOut = Threads.bounded("cluster-fanout", 16, 1024);
    remember("fan-out pool", fanOut::shutdownNow);
    Duration pingTtl = PingInformer.ttlFor(config.cluster().monitorPingInterval());
    monitor = new MetricsMonitor(config.monBasic(), pingTtl, consensus::members, clock);
    remember("monitor", monitor);
    cluster =
        new Cluster(
            self,
            config.cluster(),
            addresses,
            consensus,
            tracker,
            ipfs,
            rpc,
            fanOut,
            streamReaders,
            config.raft().networkTimeout(),
            config.ipfsHttp().pinTimeout().multipliedBy(2),
            monitor,
            new BalancedAllocator(config.balancedAllocator().allocateBy()),
            clock);

    ScheduledExecutorService background =
        Executors.newSingleThreadScheduledExecutor(Threads.named("cluster-background"));
    remember("background tasks", background::shutdownNow);
    Announcer announcer =
        new Announcer(
            self,
            config.cluster().peername(),
            addresses,
            consensus,
            ipfs,
            config.ipfsHttp().connectSwarmsDelay(),
            clock);
    long every = config.cluster().peerWatchInterval().toMillis();
    background.scheduleWithFixedDelay(announcer::tick, 0, every, TimeUnit.MILLISECONDS);
    background.scheduleWithFixedDelay(this::restartIfPromoted, every, every, TimeUnit.MILLISECONDS);
    ExpiryLoop expiry = new ExpiryLoop(self, consensus, clock);
    long syncEvery = config.cluster().stateSyncInterval().toMillis();
    background.scheduleWithFixedDelay(expiry::run, syncEvery, syncEvery, TimeUnit.MILLISECONDS);

    rpcServer =
        new PeerRpcServer(
            config.cluster().rpcListenMultiaddress(),
            config.cluster().secretBytes(),
            cluster,
            clock);
    rpcServer.start();
    remember("peer RPC server", rpcServer);
    // after the RPC server: peers that hear this peer's first metrics answer with theirs
    startMonitoring(config, monitor, rpc, ipfs, clock);
    startPrometheus(config, tracker, clock);

    restApi = new RestApiServer(resolveFiles(config.restApi(), folder), cluster);
    restApi.start();
    remember("REST API", restApi);
    ipfsProxy = new IpfsProxyServer(resolveFiles(config.ipfsProxy(), folder), cluster, clock);
    ipfsProxy.start();
    remember("IPFS proxy", ipfsProxy);
    // last: the first syncs read the whole pinset and IPFS's pin list, at millions of pins the
    // CPU that starting needs (and, with peers sharing a machine, that their start needs)
    tracker.startLoops();
    log.info(
        "pincluster {} peer {} ({}) ready: REST {} IPFS proxy {} raft {} rpc {}",
        io.pincluster.core.BuildInfo.VERSION,
        self,
        config.cluster().peername(),
        restApi.addresses(),
        ipfsProxy.addresses(),
        addresses.raft(),
        addresses.rpc());
  }

  /**
   * Starts the metric checks, the publication of this peer's metrics (ping, disk, tags) to every
   * member, and the re-pinning checks (thread {@code cluster-repinner}).
   */
  private void startMonitoring(
      ServiceConfig config,
      MetricsMonitor monitor,
      HttpPeerRpc rpc,
      IpfsHttpConnector ipfs,
      InstantSource clock) {
    Duration ping = config.cluster().monitorPingInterval();
    PingInformer pingInformer =
        new PingInformer(self, config.cluster().peername(), ping, () -> cluster.id().ipfs(), clock);
    DiskInformer disk = new DiskInformer(config.diskInformer(), ipfs, self, clock);
    remember("disk informer", disk);
    TagsInformer tags = new TagsInformer(config.tagsInformer(), self, clock);
    List<MetricPublisher.Source> sources =
        List.of(
            MetricPublisher.Source.of(pingInformer, pingInformer.ttl()),
            MetricPublisher.Source.of(disk, disk.ttl()),
            new MetricPublisher.Source("tags", tags.ttl(), tags::metrics));
    MetricPublisher publisher =
        new MetricPublisher(
            self,
            sources,
            monitor,
            rpc,
            consensus::members,
            min(ping, config.raft().networkTimeout()));
    Repinner repinner = cluster.repinner();
    monitor.addAlertListener(repinner::onAlert);
    monitor.start();
    publisher.start();
    remember("metric publisher", publisher);
    ScheduledExecutorService repinning =
        Executors.newSingleThreadScheduledExecutor(Threads.named("cluster-repinner"));
    remember(
        "re-pinning",
        () -> {
          repinner.close();
          repinning.shutdownNow();
        });
    long every = config.monBasic().checkInterval().toMillis();
    repinning.scheduleWithFixedDelay(
        () -> {
          try {
            repinner.check();
          } catch (RuntimeException e) {
            log.warn("re-pinning check failed: {}", e.toString());
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  /**
   * The Prometheus endpoint ({@code observations.metrics}); nothing listens unless {@code
   * enable_stats}. Every figure is read at scrape time from counters (never a pinset scan).
   */
  private void startPrometheus(ServiceConfig config, MapPinTracker tracker, InstantSource clock) {
    MetricsRegistry metrics = new MetricsRegistry();
    JvmMetrics.register(metrics);
    new ClusterMetrics(metrics, clock)
        .pinset(() -> consensus.state().estimatedCount())
        .trackerStatuses(tracker::statusCount)
        .ipfsPins(tracker::ipfsPinCount)
        .stateSyncRunning(() -> !tracker.feedersIdle())
        .pinAdds(tracker::pinCalls, tracker::pinCallErrors)
        .informerDisk(() -> lastValue(monitor.window(config.diskInformer().metricType(), self)))
        .raft(
            () -> {
              RaftStatus s = consensus.status();
              return new ClusterMetrics.RaftFigures(
                  s.leader(), s.term(), s.commitIndex(), s.appliedIndex(), s.latestSnapshotTime());
            })
        .peers(() -> consensus.members().size())
        .alerts(() -> monitor.alerts().size());
    PrometheusServer prometheus = new PrometheusServer(config.metrics(), metrics);
    prometheus.start();
    remember("Prometheus endpoint", prometheus);
    this.prometheus = prometheus;
  }

  /** The value of the newest valid metric in a monitor window, if any. */
  private static OptionalDouble lastValue(List<Metric> window) {
    for (int i = window.size() - 1; i >= 0; i--) {
      Metric m = window.get(i);
      if (m.valid()) {
        try {
          return OptionalDouble.of(Double.parseDouble(m.value()));
        } catch (NumberFormatException e) {
          return OptionalDouble.empty();
        }
      }
    }
    return OptionalDouble.empty();
  }

  /** Where the Prometheus endpoint listens; empty when {@code enable_stats} is false. */
  public List<InetSocketAddress> prometheusAddresses() {
    return prometheus == null ? List.of() : prometheus.addresses();
  }

  /** How long a stopping leader tries to hand leadership over. */
  static final Duration LEADERSHIP_TRANSFER_TIMEOUT = Duration.ofSeconds(5);

  /** The other voters, those this peer hears from (fresh ping) first. */
  private List<PeerId> successors() {
    List<PeerId> healthy = new ArrayList<>();
    List<PeerId> others = new ArrayList<>();
    for (PeerId v : consensus.voters()) {
      if (v.equals(self)) {
        continue;
      }
      (monitor != null && monitor.isHealthy(v) ? healthy : others).add(v);
    }
    healthy.addAll(others);
    return healthy;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** The running cluster operations (for in-process tests and tools). */
  public Cluster cluster() {
    return cluster;
  }

  public PeerId peerId() {
    return self;
  }

  public RaftConsensus consensus() {
    return consensus;
  }

  public List<InetSocketAddress> restAddresses() {
    return restApi.addresses();
  }

  /** Where the IPFS proxy listens (its real ports when the config used port 0). */
  public List<InetSocketAddress> ipfsProxyAddresses() {
    return ipfsProxy.addresses();
  }

  /** True once the daemon has stopped. */
  public boolean isTerminated() {
    return terminated.getCount() == 0;
  }

  /** Blocks until the daemon has stopped (closed, or stopped itself after being removed). */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  /**
   * True when the daemon stopped itself to be restarted: a listener promoted to voter keeps the
   * listener role in Ratis 3.2.0 until its server restarts (RATIS-2378), so it stops cleanly and
   * {@code cluster-service daemon} exits with {@link #EXIT_RESTART} for systemd to start it again.
   */
  public boolean restartRequested() {
    return restartRequested.get();
  }

  /** The exit status asking the service manager for a restart (EX_TEMPFAIL). */
  public static final int EXIT_RESTART = 75;

  private void restartIfPromoted() {
    if (consensus != null
        && consensus.needsRestart()
        && restartRequested.compareAndSet(false, true)) {
      log.warn(
          "this peer was promoted from listener to voter; Ratis applies that only after a restart:"
              + " stopping now (exit status {}) to be restarted",
          EXIT_RESTART);
      Thread t = new Thread(this::close, "cluster-restart");
      t.setDaemon(false);
      t.start();
    }
  }

  /** Called (once, on its own thread) when this peer learns it was removed from the cluster. */
  private void stopAfterRemoval() {
    Thread t =
        new Thread(
            () -> {
              log.warn("this peer was removed from the cluster: shutting down");
              close();
            },
            "cluster-removed");
    t.setDaemon(false);
    t.start();
  }

  /** Stops everything in reverse start order; idempotent; logs each step and what failed. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      closeAll();
    } finally {
      terminated.countDown();
    }
  }

  private void closeAll() {
    while (!started.isEmpty()) {
      Stoppable s = started.pop();
      long t0 = System.nanoTime();
      try {
        s.closeable().close();
        log.info("stopped {} in {} ms", s.name(), (System.nanoTime() - t0) / 1_000_000);
      } catch (Exception e) {
        log.warn("stopping {} failed: {}", s.name(), e.toString());
      }
    }
  }

  private void remember(String name, AutoCloseable c) {
    started.push(new Stoppable(name, c));
  }

  /** Feeds applied pinset changes to the tracker; a pin re-allocated away from here is unpinned. */
  private static PinStateView.PinStateListener trackerFeed(PeerId self, MapPinTracker tracker) {
    return new PinStateView.PinStateListener() {
      @Override
      public void pinned(Pin pin, Pin previous) {
        if (previous != null && previous.isAllocatedTo(self) && !pin.isAllocatedTo(self)) {
          tracker.untrack(previous);
        } else {
          tracker.track(pin);
        }
      }

      @Override
      public void unpinned(Pin pin) {
        tracker.untrack(pin);
      }
    };
  }

  /**
   * Raft addresses of the init_peerset from the peerstore. Only needed to form the group on the
   * very first start; later starts use the stored Raft configuration.
   */
  private static Map<PeerId, String> initialPeers(
      ConfigFolder folder, ServiceConfig config, Path dataFolder) {
    Path peerstoreFile = folder.resolveFile(config.cluster().peerstoreFile());
    Map<PeerId, Multiaddr> known = Peerstore.byPeer(Peerstore.read(peerstoreFile));
    boolean firstStart = !Files.isDirectory(dataFolder.resolve("ratis"));
    Map<PeerId, String> out = new LinkedHashMap<>();
    for (PeerId peer : config.raft().initPeerset()) {
      Multiaddr address = known.get(peer);
      if (address == null) {
        if (firstStart) {
          throw new ConfigException(
              "consensus.raft.init_peerset: peer "
                  + peer
                  + " has no address in the peerstore "
                  + peerstoreFile);
        }
        continue;
      }
      out.put(peer, address.hostPort());
    }
    return out;
  }

  private static InetSocketAddress bindAddress(Multiaddr listen) {
    return new InetSocketAddress(listen.host().orElse("0.0.0.0"), listen.tcpPort().orElseThrow());
  }

  /** The section with its file names resolved against the config folder. */
  private static RestApiSection resolveFiles(RestApiSection c, ConfigFolder folder) {
    return new RestApiSection(
        c.httpListenMultiaddress(),
        resolve(folder, c.sslCertFile()),
        resolve(folder, c.sslKeyFile()),
        c.readTimeout(),
        c.readHeaderTimeout(),
        c.writeTimeout(),
        c.idleTimeout(),
        c.maxHeaderBytes(),
        c.basicAuthCredentials(),
        resolve(folder, c.httpLogFile()),
        c.headers(),
        c.corsAllowedOrigins(),
        c.corsAllowedMethods(),
        c.corsAllowedHeaders(),
        c.corsExposedHeaders(),
        c.corsAllowCredentials(),
        c.corsMaxAge());
  }

  /** The proxy section with {@code log_file} resolved against the config folder. */
  private static IpfsProxySection resolveFiles(IpfsProxySection c, ConfigFolder folder) {
    return new IpfsProxySection(
        c.listenMultiaddress(),
        c.nodeMultiaddress(),
        resolve(folder, c.logFile()),
        c.readTimeout(),
        c.readHeaderTimeout(),
        c.writeTimeout(),
        c.idleTimeout(),
        c.maxHeaderBytes());
  }

  private static String resolve(ConfigFolder folder, String file) {
    return file.isEmpty() ? "" : folder.resolveFile(file).toString();
  }
}

package io.pincluster.restapi;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.ClusterApi;
import io.pincluster.core.PinNotFoundException;
import io.pincluster.core.api.AddOptions;
import io.pincluster.core.api.AddedOutput;
import io.pincluster.core.api.Alert;
import io.pincluster.core.api.ConnectGraph;
import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.GlobalRepoGc;
import io.pincluster.core.api.IpfsId;
import io.pincluster.core.api.Metric;
import io.pincluster.core.api.PeerInfo;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinInfoShort;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.PinRequest;
import io.pincluster.core.api.PinResult;
import io.pincluster.core.api.RepoGc;
import io.pincluster.core.api.RepoGcKey;
import io.pincluster.core.api.RepoStat;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReference;

/** An in-memory ClusterApi that records what the REST API asked of it. */
final class FakeClusterApi implements ClusterApi {
  static final PeerId SELF = Identity.fromSeed(new byte[32]).id();
  static final PeerId OTHER = Identity.fromSeed(filled(32, (byte) 1)).id();
  static final Instant T = Instant.parse("2026-01-02T03:04:05Z");

  final ConcurrentSkipListMap<Cid, Pin> pins = new ConcurrentSkipListMap<>();
  final AtomicReference<PinOptions> lastOptions = new AtomicReference<>();
  final AtomicReference<Set<TrackerStatus>> lastFilter = new AtomicReference<>();
  final AtomicReference<Boolean> lastLocal = new AtomicReference<>();
  final List<String> closedStreams = new java.util.concurrent.CopyOnWriteArrayList<>();
  volatile RuntimeException pinFailure;
  volatile RuntimeException statusAllFailureAfterFirst;

  /** Bulk items received, in order. */
  final List<PinRequest> bulkRequests = java.util.Collections.synchronizedList(new ArrayList<>());

  /** Bulk: thrown when the first result is asked for. */
  volatile RuntimeException pinAllFailure;

  /** Bulk: thrown after this many results (with {@link #pinAllFailure}); -1 never. */
  volatile int pinAllFailAfter = -1;

  /** Bulk: items with this CID fail with this message. */
  volatile Cid refusedCid;

  /** Recover, sync and GC: what was asked, in order ({@code recover <cid> local=false}, …). */
  final List<String> acted = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Recover, sync and GC: thrown instead of answering. */
  volatile RuntimeException actFailure;

  final AtomicReference<Multiaddr> lastPeerAdd = new AtomicReference<>();
  final AtomicReference<PeerId> lastPeerRemove = new AtomicReference<>();
  volatile RuntimeException peerFailure;

  static byte[] filled(int n, byte b) {
    byte[] out = new byte[n];
    java.util.Arrays.fill(out, b);
    return out;
  }

  static Cid cid(String seed) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
      return Cid.v1(Cid.RAW, Multihash.of(Multihash.SHA2_256, digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static PeerInfo peerInfo(PeerId id, String name) {
    return new PeerInfo(
        id,
        List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/9096")),
        List.of(SELF, OTHER),
        List.of(),
        "0.1.0",
        "abc",
        "/pincluster/1.0/rpc",
        "",
        new IpfsId("12D3KooWipfs", List.of("/ip4/127.0.0.1/tcp/4001"), ""),
        name);
  }

  @Override
  public PeerInfo id() {
    return peerInfo(SELF, "self");
  }

  @Override
  public String version() {
    return "0.1.0";
  }

  @Override
  public CloseableIterator<PeerInfo> peers() {
    return tracked("peers", List.of(peerInfo(SELF, "self"), peerInfo(OTHER, "other")));
  }

  @Override
  public CompletableFuture<Pin> pin(Cid cid, PinOptions options) {
    lastOptions.set(options);
    if (pinFailure != null) {
      return CompletableFuture.failedFuture(pinFailure);
    }
    Pin pin = Pin.of(cid, options).withAllocations(List.of(SELF)).withTimestamp(T);
    pins.put(cid, pin);
    return CompletableFuture.supplyAsync(() -> pin);
  }

  /** Paths pinned or unpinned, in order ({@code pin /ipfs/…}, {@code unpin /ipns/…}). */
  final List<String> paths = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * What {@link #pinPath} and {@link #unpinPath} resolve a path to; /ipfs/<cid> resolves itself.
   */
  final Map<String, Cid> resolved = new java.util.concurrent.ConcurrentHashMap<>();

  private Cid resolve(String path) {
    Cid c = resolved.get(path);
    if (c != null) {
      return c;
    }
    String rest = path.startsWith("/ipfs/") || path.startsWith("/ipld/") ? path.substring(6) : null;
    if (rest != null && !rest.contains("/")) {
      return Cid.parse(rest);
    }
    throw new io.pincluster.core.IpfsException("could not resolve " + path);
  }

  @Override
  public CompletableFuture<Pin> pinPath(String path, PinOptions options) {
    paths.add("pin " + path);
    try {
      return pin(resolve(path), options);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Pin> unpinPath(String path) {
    paths.add("unpin " + path);
    try {
      return unpin(resolve(path));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** What {@link #add} was given. */
  final AtomicReference<AddOptions> lastAddOptions = new AtomicReference<>();

  final AtomicReference<String> lastAddContentType = new AtomicReference<>();

  /** The body bytes {@link #add} read (by the default answer). */
  final AtomicReference<byte[]> lastAddBody = new AtomicReference<>();

  /** Answers {@link #add}; by default reads the whole body and answers one root object. */
  volatile java.util.function.Function<java.io.InputStream, CloseableIterator<AddedOutput>>
      addAnswer =
          body -> {
            try {
              byte[] data = body.readAllBytes();
              lastAddBody.set(data);
              Cid root = cid("added " + data.length);
              return CloseableIterator.of(
                  List.of(
                      new AddedOutput("f", null, data.length, 0, List.of()),
                      new AddedOutput("f", root, 0, data.length + 11, List.of(SELF))));
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          };

  @Override
  public CloseableIterator<AddedOutput> add(
      java.io.InputStream body, String contentType, AddOptions options) {
    lastAddOptions.set(options);
    lastAddContentType.set(contentType);
    return addAnswer.apply(body);
  }

  @Override
  public RepoStat repoStat(boolean local) {
    return new RepoStat(local ? 10 : 20, 1000);
  }

  @Override
  public CompletableFuture<Pin> unpin(Cid cid) {
    Pin removed = pins.remove(cid);
    return removed == null
        ? CompletableFuture.failedFuture(new PinNotFoundException(cid))
        : CompletableFuture.completedFuture(removed);
  }

  @Override
  public GlobalPinInfo status(Cid cid, boolean local) {
    lastLocal.set(local);
    Pin pin = pins.get(cid);
    Map<String, PinInfoShort> peerMap = new TreeMap<>();
    peerMap.put(
        SELF.toString(),
        new PinInfoShort(
            "self",
            "12D3KooWipfs",
            List.of("/ip4/127.0.0.1/tcp/4001"),
            pin == null ? TrackerStatus.UNPINNED : TrackerStatus.PINNED,
            T,
            "",
            0,
            false));
    if (!local) {
      peerMap.put(
          OTHER.toString(),
          new PinInfoShort(
              "other", "", List.of(), TrackerStatus.PIN_ERROR, T, "ipfs broke", 2, false));
    }
    return new GlobalPinInfo(
        cid,
        pin == null ? "" : pin.name(),
        pin == null ? List.of() : pin.allocations(),
        List.of(),
        pin == null ? null : pin.timestamp(),
        pin == null ? Map.of() : pin.metadata(),
        peerMap);
  }

  @Override
  public CloseableIterator<GlobalPinInfo> statusAll(Set<TrackerStatus> filter, boolean local) {
    lastFilter.set(filter);
    lastLocal.set(local);
    List<GlobalPinInfo> out = new ArrayList<>();
    for (Cid c : pins.keySet()) {
      out.add(status(c, local));
    }
    CloseableIterator<GlobalPinInfo> items = tracked("statusAll", out);
    RuntimeException failure = statusAllFailureAfterFirst;
    if (failure == null) {
      return items;
    }
    return new CloseableIterator<>() {
      private int served;

      @Override
      public boolean hasNext() {
        if (served >= 1) {
          throw failure;
        }
        return items.hasNext();
      }

      @Override
      public GlobalPinInfo next() {
        served++;
        return items.next();
      }

      @Override
      public void close() {
        items.close();
      }
    };
  }

  /** Answers item by item, reading the next input only when the next result is asked for. */
  @Override
  public CloseableIterator<PinResult> pinAll(Iterator<PinRequest> items) {
    RuntimeException failure = pinAllFailure;
    int failAfter = pinAllFailAfter;
    return new CloseableIterator<>() {
      private int served;

      @Override
      public boolean hasNext() {
        if (failure != null && served >= Math.max(0, failAfter)) {
          throw failure;
        }
        return items.hasNext();
      }

      @Override
      public PinResult next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        served++;
        PinRequest r = items.next();
        bulkRequests.add(r);
        if (!r.isValid()) {
          return new PinResult(r.line(), null, r.error());
        }
        if (r.cid().equals(refusedCid)) {
          return new PinResult(r.line(), r.cid(), "refused by the fake");
        }
        pins.put(r.cid(), Pin.of(r.cid(), r.options()).withTimestamp(T));
        return PinResult.ok(r.line(), r.cid());
      }

      @Override
      public void close() {
        closedStreams.add("pinAll");
      }
    };
  }

  @Override
  public CompletableFuture<PeerInfo> peerAdd(Multiaddr address) {
    lastPeerAdd.set(address);
    if (peerFailure != null) {
      return CompletableFuture.failedFuture(peerFailure);
    }
    return CompletableFuture.supplyAsync(() -> peerInfo(address.peerId().orElseThrow(), "joined"));
  }

  @Override
  public CompletableFuture<Void> peerRemove(PeerId peer) {
    lastPeerRemove.set(peer);
    if (peerFailure != null) {
      return CompletableFuture.failedFuture(peerFailure);
    }
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Recover of a pinned CID: this peer re-queued it ({@code pin_queued}, 3 attempts) and the other
   * is pinned; a CID outside the pinset fails as the pinset does.
   */
  @Override
  public GlobalPinInfo recover(Cid cid, boolean local) {
    act("recover " + cid, local);
    return acted(cid, local, TrackerStatus.PIN_QUEUED, "");
  }

  /** Every pin, as re-queued on this peer. */
  @Override
  public CloseableIterator<GlobalPinInfo> recoverAll(boolean local) {
    act("recoverAll", local);
    List<GlobalPinInfo> out = new ArrayList<>();
    for (Cid c : pins.keySet()) {
      out.add(acted(c, local, TrackerStatus.PIN_QUEUED, ""));
    }
    return tracked("recoverAll", out);
  }

  /** Sync of a pinned CID: IPFS lost it on this peer. */
  @Override
  public GlobalPinInfo sync(Cid cid, boolean local) {
    act("sync " + cid, local);
    return acted(cid, local, TrackerStatus.UNEXPECTEDLY_UNPINNED, UNEXPECTEDLY_UNPINNED);
  }

  @Override
  public CloseableIterator<GlobalPinInfo> syncAll(boolean local) {
    act("syncAll", local);
    List<GlobalPinInfo> out = new ArrayList<>();
    for (Cid c : pins.keySet()) {
      out.add(acted(c, local, TrackerStatus.UNEXPECTEDLY_UNPINNED, UNEXPECTEDLY_UNPINNED));
    }
    return tracked("syncAll", out);
  }

  static final String UNEXPECTEDLY_UNPINNED = "the item should be pinned but it is not";

  /** This peer removed two blocks; the other (unless local) could not reach its IPFS. */
  RepoGc ipfsGcOf(PeerId peer) {
    return peer.equals(SELF)
        ? new RepoGc(
            SELF, "self", List.of(new RepoGcKey(cid("gc1"), ""), new RepoGcKey(cid("gc2"), "")), "")
        : new RepoGc(OTHER, "other", List.of(), "cannot reach IPFS at 127.0.0.1:5001");
  }

  @Override
  public GlobalRepoGc ipfsGc(boolean local) {
    act("ipfsGc", local);
    Map<String, RepoGc> peers = new TreeMap<>();
    peers.put(SELF.toString(), ipfsGcOf(SELF));
    if (!local) {
      peers.put(OTHER.toString(), ipfsGcOf(OTHER));
    }
    return new GlobalRepoGc(peers);
  }

  private void act(String what, boolean local) {
    lastLocal.set(local);
    acted.add(what + " local=" + local);
    RuntimeException failure = actFailure;
    if (failure != null) {
      throw failure;
    }
  }

  private GlobalPinInfo acted(Cid cid, boolean local, TrackerStatus here, String error) {
    Pin pin = pins.get(cid);
    if (pin == null) {
      throw new PinNotFoundException(cid);
    }
    Map<String, PinInfoShort> peerMap = new TreeMap<>();
    peerMap.put(SELF.toString(), new PinInfoShort("self", "", List.of(), here, T, error, 3, false));
    if (!local) {
      peerMap.put(
          OTHER.toString(),
          new PinInfoShort("other", "", List.of(), TrackerStatus.PINNED, T, "", 1, false));
    }
    return new GlobalPinInfo(
        cid, pin.name(), pin.allocations(), List.of(), pin.timestamp(), pin.metadata(), peerMap);
  }

  /** When set, {@link #allocations} answers this instead of the pins. */
  volatile java.util.function.Supplier<CloseableIterator<Pin>> allocationsSource;

  @Override
  public CloseableIterator<Pin> allocations() {
    java.util.function.Supplier<CloseableIterator<Pin>> source = allocationsSource;
    if (source != null) {
      return source.get();
    }
    return tracked("allocations", new ArrayList<>(pins.values()));
  }

  @Override
  public Optional<Pin> allocation(Cid cid) {
    return Optional.ofNullable(pins.get(cid));
  }

  /** The metrics {@link #latestMetrics} answers, by name (names sorted). */
  final Map<String, List<Metric>> metrics = new ConcurrentSkipListMap<>();

  /** What {@link #alerts} answers, newest first. */
  final List<Alert> alertList = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The names {@link #latestMetrics} was asked for, in order. */
  final List<String> metricQueries = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Monitoring: thrown instead of answering. */
  volatile RuntimeException monitorFailure;

  /** A metric published by {@code peer}, received 1s after {@link #T}, expiring 30s after. */
  static Metric metric(String name, PeerId peer, String value, long weight) {
    long received = T.toEpochMilli() * 1_000_000L + 1_000_000_000L;
    return new Metric(
        name,
        peer,
        value,
        received + 30_000_000_000L,
        true,
        weight,
        name.startsWith("tag:"),
        received);
  }

  /** SELF and OTHER, their IPFS nodes connected; OTHER does not hear SELF's pings. */
  static ConnectGraph graph() {
    return new ConnectGraph(
        SELF,
        Map.of(SELF.toString(), "self", OTHER.toString(), "other"),
        Map.of(
            "12D3KooWipfsA", List.of("12D3KooWipfsB"), "12D3KooWipfsB", List.of("12D3KooWipfsA")),
        Map.of(SELF.toString(), List.of(OTHER.toString()), OTHER.toString(), List.of()),
        Map.of(SELF.toString(), true, OTHER.toString(), true),
        Map.of(SELF.toString(), "12D3KooWipfsA", OTHER.toString(), "12D3KooWipfsB"));
  }

  private void monitorCall() {
    RuntimeException failure = monitorFailure;
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public List<String> metricNames() {
    monitorCall();
    return List.copyOf(metrics.keySet());
  }

  @Override
  public List<Metric> latestMetrics(String name) {
    metricQueries.add(name);
    monitorCall();
    return metrics.getOrDefault(name, List.of());
  }

  @Override
  public List<Alert> alerts() {
    monitorCall();
    return List.copyOf(alertList);
  }

  @Override
  public ConnectGraph connectGraph() {
    monitorCall();
    return graph();
  }

  private <T> CloseableIterator<T> tracked(String name, List<T> items) {
    CloseableIterator<T> it = CloseableIterator.of(items);
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public T next() {
        return it.next();
      }

      @Override
      public void close() {
        closedStreams.add(name);
      }
    };
  }
}

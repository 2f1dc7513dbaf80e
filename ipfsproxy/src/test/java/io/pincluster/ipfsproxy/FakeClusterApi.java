package io.pincluster.ipfsproxy;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.ClusterApi;
import io.pincluster.core.ClusterException;
import io.pincluster.core.PinNotFoundException;
import io.pincluster.core.api.AddOptions;
import io.pincluster.core.api.AddedOutput;
import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.GlobalRepoGc;
import io.pincluster.core.api.PeerInfo;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.PinRequest;
import io.pincluster.core.api.PinResult;
import io.pincluster.core.api.RepoStat;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import io.pincluster.testing.Cids;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A hand-written in-memory {@link ClusterApi} for the proxy's tests: a pinset, IPFS paths it
 * resolves from a map, an {@code add} that reads its body as it is consumed, canned repo stats and
 * GC results, injectable failures, and a record of every call. Thread-safe.
 */
final class FakeClusterApi implements ClusterApi {
  final NavigableMap<Cid, Pin> pinset = new ConcurrentSkipListMap<>();
  final Map<String, Cid> paths = new ConcurrentHashMap<>();
  final List<String> calls = new CopyOnWriteArrayList<>();
  final List<AddOptions> addOptions = new CopyOnWriteArrayList<>();
  final AtomicReference<String> failNext = new AtomicReference<>();
  final AtomicReference<RepoStat> repoStat = new AtomicReference<>(new RepoStat(0, 0));
  final AtomicReference<GlobalRepoGc> gc = new AtomicReference<>(new GlobalRepoGc(Map.of()));

  /** When set, {@link #allocations()} lists this instead of the pinset. */
  final AtomicReference<Supplier<CloseableIterator<Pin>>> listing = new AtomicReference<>();

  /** Bytes {@link #add} has read from its body so far. */
  final AtomicLong addRead = new AtomicLong();

  static final PeerId PEER = PeerId.parse("12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo");

  private void maybeFail(String call) {
    calls.add(call);
    String message = failNext.getAndSet(null);
    if (message != null) {
      throw new ClusterException(message);
    }
  }

  @Override
  public CompletableFuture<Pin> pin(Cid cid, PinOptions options) {
    try {
      maybeFail("pin " + cid);
    } catch (ClusterException e) {
      return CompletableFuture.failedFuture(e);
    }
    Pin pin = Pin.of(cid, options).withAllocations(List.of(PEER));
    pinset.put(cid, pin);
    return CompletableFuture.completedFuture(pin);
  }

  @Override
  public CompletableFuture<Pin> pinPath(String path, PinOptions options) {
    calls.add("pinPath " + path);
    return pin(resolve(path), options);
  }

  @Override
  public CompletableFuture<Pin> unpin(Cid cid) {
    try {
      maybeFail("unpin " + cid);
    } catch (ClusterException e) {
      return CompletableFuture.failedFuture(e);
    }
    Pin removed = pinset.remove(cid);
    return removed == null
        ? CompletableFuture.failedFuture(new PinNotFoundException(cid))
        : CompletableFuture.completedFuture(removed);
  }

  @Override
  public CompletableFuture<Pin> unpinPath(String path) {
    calls.add("unpinPath " + path);
    return unpin(resolve(path));
  }

  private Cid resolve(String path) {
    Cid cid = paths.get(path);
    if (cid == null) {
      throw new ClusterException("cannot resolve " + path);
    }
    return cid;
  }

  @Override
  public Optional<Pin> allocation(Cid cid) {
    maybeFail("allocation " + cid);
    return Optional.ofNullable(pinset.get(cid));
  }

  @Override
  public CloseableIterator<Pin> allocations() {
    maybeFail("allocations");
    Supplier<CloseableIterator<Pin>> l = listing.get();
    return l != null ? l.get() : CloseableIterator.of(new ArrayList<>(pinset.values()));
  }

  /**
   * Reads the body as the output is consumed: one progress line per 256 KiB read, then the "added"
   * object (a raw CID of the byte count, named {@code file}), pinned unless {@code noPin}.
   */
  @Override
  public CloseableIterator<AddedOutput> add(InputStream body, String contentType, AddOptions o) {
    maybeFail("add " + contentType);
    addOptions.add(o);
    return new CloseableIterator<>() {
      private final byte[] buffer = new byte[256 * 1024];
      private boolean done;

      @Override
      public boolean hasNext() {
        return !done;
      }

      @Override
      public AddedOutput next() {
        try {
          int n = body.readNBytes(buffer, 0, buffer.length);
          addRead.addAndGet(n);
          if (n == buffer.length) {
            return new AddedOutput("file", null, addRead.get(), 0, List.of());
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        done = true;
        Cid cid = Cids.rawOf(Long.toString(addRead.get()).getBytes());
        List<PeerId> allocations = List.of();
        if (!o.noPin()) {
          allocations = pin(cid, o.pin()).join().allocations();
        }
        return new AddedOutput("file", cid, 0, addRead.get(), allocations);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public RepoStat repoStat(boolean local) {
    maybeFail("repoStat " + local);
    return repoStat.get();
  }

  @Override
  public GlobalRepoGc ipfsGc(boolean local) {
    maybeFail("ipfsGc " + local);
    return gc.get();
  }

  /** {@code n} generated pins in CID order, produced one by one; counts what was produced. */
  static CloseableIterator<Pin> generated(int n, AtomicLong produced) {
    Iterator<Integer> numbers = java.util.stream.IntStream.range(0, n).boxed().iterator();
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return numbers.hasNext();
      }

      @Override
      public Pin next() {
        int i = numbers.next();
        produced.incrementAndGet();
        return Pin.of(Cids.rawOf(("pin " + i).getBytes()), PinOptions.DEFAULT);
      }

      @Override
      public void close() {}
    };
  }

  // ---- not used by the proxy ----

  @Override
  public PeerInfo id() {
    throw new UnsupportedOperationException();
  }

  @Override
  public String version() {
    return "0.1.0-test";
  }

  @Override
  public CloseableIterator<PeerInfo> peers() {
    return CloseableIterator.of(Collections.emptyList());
  }

  @Override
  public GlobalPinInfo status(Cid cid, boolean local) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CloseableIterator<GlobalPinInfo> statusAll(Set<TrackerStatus> filter, boolean local) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CloseableIterator<PinResult> pinAll(Iterator<PinRequest> items) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<PeerInfo> peerAdd(Multiaddr address) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<Void> peerRemove(PeerId peer) {
    throw new UnsupportedOperationException();
  }

  @Override
  public GlobalPinInfo recover(Cid cid, boolean local) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CloseableIterator<GlobalPinInfo> recoverAll(boolean local) {
    throw new UnsupportedOperationException();
  }

  @Override
  public GlobalPinInfo sync(Cid cid, boolean local) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CloseableIterator<GlobalPinInfo> syncAll(boolean local) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<String> metricNames() {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<io.pincluster.core.api.Metric> latestMetrics(String name) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<io.pincluster.core.api.Alert> alerts() {
    throw new UnsupportedOperationException();
  }

  @Override
  public io.pincluster.core.api.ConnectGraph connectGraph() {
    throw new UnsupportedOperationException();
  }
}

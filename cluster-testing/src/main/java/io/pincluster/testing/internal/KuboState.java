package io.pincluster.testing.internal;

import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntPredicate;

/**
 * The in-memory node behind {@code FakeKubo}: pins, blocks, connected peers, request counters and
 * injected failures. Thread-safe: everything is guarded by one lock, and gated pins wait on its
 * condition. Pins and blocks are keyed by multihash, as in Kubo.
 */
public final class KuboState {
  /** How long a gated pin may wait at most, so that no request hangs forever. */
  static final Duration MAX_GATE_WAIT = Duration.ofMinutes(10);

  /** A pin as stored: the CID as it was pinned and its mode. */
  public record PinEntry(Cid cid, PinMode mode) {}

  private record Failure(int remaining, String message) {}

  private final Identity identity = Identity.generate();
  private final KuboDag dag = new KuboDag();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  // All guarded by lock.
  private final Map<Multihash, PinEntry> pins = new LinkedHashMap<>();
  private final Map<Multihash, byte[]> blocks = new LinkedHashMap<>();
  private final Map<String, Long> requests = new HashMap<>();
  private final Map<String, Failure> failures = new HashMap<>();
  private final Set<String> disabled = new java.util.HashSet<>();
  private final Map<String, Map<String, List<String>>> lastParams = new HashMap<>();
  private final Set<Multihash> gates = new LinkedHashSet<>();
  private final Map<Cid, Integer> blocked = new LinkedHashMap<>();
  private final List<Multiaddr> swarmConnects = new ArrayList<>();
  private final Map<PeerId, Multiaddr> peers = new LinkedHashMap<>();
  private List<Multiaddr> swarmAddresses;
  private long repoSize = -1;
  private long storageMax = 10_000_000_000L;
  private int progressSteps;
  private boolean v1InBase58;
  private boolean jsIpfs;
  private Duration latency = Duration.ZERO;
  private boolean garbage;
  private long garbageAnswers;
  private boolean closed;
  // Preloaded recursive pins (preloadRecursivePins): a multihash is either in pins or an entry of
  // preloaded not in gone (removed since, or a repeat in the file), never both.
  private PackedPins preloaded;
  private BitSet gone = new BitSet();

  public KuboState(List<Multiaddr> swarmAddresses) {
    this.swarmAddresses = List.copyOf(swarmAddresses);
  }

  public Identity identity() {
    return identity;
  }

  /** Links between blocks and IPNS records. */
  public KuboDag dag() {
    return dag;
  }

  public PeerId peerId() {
    return identity.id();
  }

  /** The swarm addresses, each followed by {@code /p2p/<id>}. */
  public List<Multiaddr> swarmAddresses() {
    return locked(() -> swarmAddresses.stream().map(a -> a.withPeerId(peerId())).toList());
  }

  public void setSwarmAddresses(List<Multiaddr> addresses) {
    run(() -> swarmAddresses = List.copyOf(addresses));
  }

  // ---- requests and failures ----

  public void countRequest(String cmd) {
    run(() -> requests.merge(cmd, 1L, Long::sum));
  }

  /** Makes {@code cmd} unknown to the node (404, as for a command it does not have). */
  public void setDisabled(String cmd, boolean off) {
    run(
        () -> {
          if (off) {
            disabled.add(cmd);
          } else {
            disabled.remove(cmd);
          }
        });
  }

  public boolean isDisabled(String cmd) {
    return locked(() -> disabled.contains(cmd));
  }

  /** Remembers the query of the latest request of {@code cmd}. */
  public void recordParams(String cmd, Map<String, List<String>> params) {
    run(() -> lastParams.put(cmd, Map.copyOf(params)));
  }

  public Map<String, List<String>> lastParams(String cmd) {
    return locked(() -> lastParams.getOrDefault(cmd, Map.of()));
  }

  public long requestCount(String cmd) {
    return locked(() -> requests.getOrDefault(cmd, 0L));
  }

  public void failNext(String cmd, int times, String message) {
    if (times < 0) {
      throw new IllegalArgumentException("times cannot be negative: " + times);
    }
    run(() -> failures.put(cmd, new Failure(times, message)));
  }

  /** The message of an injected failure for this request of {@code cmd}, consuming it. */
  public Optional<String> takeFailure(String cmd) {
    return locked(
        () -> {
          Failure f = failures.get(cmd);
          if (f == null || f.remaining() <= 0) {
            return Optional.empty();
          }
          failures.put(cmd, new Failure(f.remaining() - 1, f.message()));
          return Optional.of(f.message());
        });
  }

  // ---- pins ----

  public Map<Cid, PinMode> pins() {
    return locked(
        () -> {
          Map<Cid, PinMode> out = new LinkedHashMap<>();
          pins.values().forEach(p -> out.put(p.cid(), p.mode()));
          if (preloaded != null) {
            preloaded.forEach(gone, e -> out.put(preloaded.cid(e), PinMode.RECURSIVE));
          }
          return Collections.unmodifiableMap(out);
        });
  }

  /** Every pin, preloaded ones included (each made an object: see {@link #listing} for many). */
  public List<PinEntry> pinEntries() {
    return locked(
        () -> {
          if (preloaded == null) {
            return List.copyOf(pins.values());
          }
          List<PinEntry> out = new ArrayList<>(pins.values());
          preloaded.forEach(gone, e -> out.add(new PinEntry(preloaded.cid(e), PinMode.RECURSIVE)));
          return List.copyOf(out);
        });
  }

  /**
   * The pins as of now, for listing many without an object per pin: the ones pinned through the API
   * or hooks, then the preloaded ones still pinned (all recursive).
   */
  public record Listing(List<PinEntry> entries, PackedPins preloaded, BitSet skip) {
    /** Calls {@code action} with each preloaded pin still pinned, in file order. */
    public void forEachPreloaded(java.util.function.Consumer<Cid> action) {
      if (preloaded != null) {
        preloaded.forEach(skip, e -> action.accept(preloaded.cid(e)));
      }
    }
  }

  public Listing listing() {
    return locked(
        () ->
            new Listing(
                List.copyOf(pins.values()),
                preloaded,
                preloaded == null ? new BitSet() : (BitSet) gone.clone()));
  }

  /**
   * Adds the recursive pins listed in {@code file} (one CID, or one {@code {"cid":…}} object, a
   * line), kept packed (about 50 bytes a pin); once per node. A CID already pinned becomes
   * recursively pinned as listed in the file. Returns how many distinct pins the file held.
   *
   * @throws IllegalStateException when pins were preloaded already
   * @throws IllegalArgumentException naming the line of a CID that does not parse
   * @throws UncheckedIOException when the file cannot be read
   */
  public int preloadRecursivePins(Path file) {
    PackedPins packed;
    try {
      packed = PackedPins.load(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read pins to preload from " + file, e);
    }
    return locked(
        () -> {
          if (preloaded != null) {
            throw new IllegalStateException("pins were preloaded already");
          }
          preloaded = packed;
          gone = packed.duplicates();
          pins.keySet().removeIf(mh -> packed.indexOf(mh) >= 0);
          changed.signalAll();
          return packed.size() - gone.cardinality();
        });
  }

  /** How many pins the node holds (explicit and preloaded). */
  public long pinCount() {
    return locked(
        () ->
            pins.size() + (preloaded == null ? 0L : preloaded.size() - (long) gone.cardinality()));
  }

  /** The entry of a preloaded pin of {@code mh} still pinned, or -1. */
  private int preloadedEntry(Multihash mh) {
    if (preloaded == null) {
      return -1;
    }
    int e = preloaded.indexOf(mh);
    return e >= 0 && !gone.get(e) ? e : -1;
  }

  /** The pin of {@code mh}, explicit or preloaded; null when not pinned. Under the lock. */
  private PinEntry entry(Multihash mh) {
    PinEntry p = pins.get(mh);
    if (p != null) {
      return p;
    }
    int e = preloadedEntry(mh);
    return e < 0 ? null : new PinEntry(preloaded.cid(e), PinMode.RECURSIVE);
  }

  /** Removes the pin of {@code mh} wherever it is kept; whether it was pinned. Under the lock. */
  private boolean remove(Multihash mh) {
    if (pins.remove(mh) != null) {
      return true;
    }
    int e = preloadedEntry(mh);
    if (e >= 0) {
      gone.set(e);
      return true;
    }
    return false;
  }

  public Optional<PinEntry> pin(Cid cid) {
    return locked(() -> Optional.ofNullable(entry(cid.multihash())));
  }

  /**
   * Pins {@code cid}; recursive over direct upgrades it.
   *
   * @throws KuboError when a direct pin is asked of a recursively pinned CID, as Kubo does
   */
  public void addPin(Cid cid, PinMode mode) {
    run(
        () -> {
          PinEntry existing = entry(cid.multihash());
          if (existing != null && existing.mode() == PinMode.RECURSIVE && mode == PinMode.DIRECT) {
            throw KuboError.of("pin: " + format(cid) + " already pinned recursively");
          }
          remove(cid.multihash());
          pins.put(cid.multihash(), new PinEntry(cid, mode));
        });
  }

  /** Removes the pin; false when {@code cid} was not pinned. */
  public boolean removePin(Cid cid) {
    return locked(() -> remove(cid.multihash()));
  }

  /**
   * Replaces a recursive pin of {@code from} by one of {@code to}, keeping {@code from} unless
   * {@code unpin}.
   *
   * @throws KuboError when {@code from} is not pinned recursively
   */
  public void updatePin(Cid from, Cid to, boolean unpin) {
    run(
        () -> {
          PinEntry old = entry(from.multihash());
          if (old == null || old.mode() != PinMode.RECURSIVE) {
            throw KuboError.of("'from' cid was not recursively pinned already");
          }
          remove(to.multihash());
          pins.put(to.multihash(), new PinEntry(to, PinMode.RECURSIVE));
          if (unpin && !from.multihash().equals(to.multihash())) {
            remove(from.multihash());
          }
        });
  }

  // ---- gates ----

  public void blockPin(Cid cid) {
    run(() -> gates.add(cid.multihash()));
  }

  public void releasePin(Cid cid) {
    run(() -> gates.remove(cid.multihash()));
  }

  /** Whether a gate holds {@code cid}: its content counts as not yet in this node. */
  public boolean isGated(Cid cid) {
    return locked(() -> gates.contains(cid.multihash()));
  }

  public Set<Cid> blockedPins() {
    return locked(() -> Set.copyOf(blocked.keySet()));
  }

  /**
   * Waits while a gate holds {@code cid}. Between short waits it asks {@code clientGone} (given a
   * poll time in ms) whether the client disconnected.
   *
   * @return true to go on pinning; false when the client left or the fake closed
   * @throws KuboError after {@link #MAX_GATE_WAIT}
   */
  public boolean awaitGate(Cid cid, IntPredicate clientGone) {
    long deadline = System.nanoTime() + MAX_GATE_WAIT.toNanos();
    run(() -> blocked.merge(cid, 1, Integer::sum));
    try {
      while (true) {
        boolean gated = locked(() -> waitBriefly(cid));
        if (!gated) {
          // A stop() interrupts the connection thread: the pin must not complete then.
          return !isClosed() && !Thread.currentThread().isInterrupted();
        }
        if (clientGone.test(50)) {
          return false;
        }
        if (System.nanoTime() > deadline) {
          throw KuboError.of("fake: pin of " + cid + " held at a gate for " + MAX_GATE_WAIT);
        }
      }
    } finally {
      run(() -> blocked.computeIfPresent(cid, (k, v) -> v == 1 ? null : v - 1));
    }
  }

  private boolean waitBriefly(Cid cid) {
    if (!gates.contains(cid.multihash()) || closed) {
      return false;
    }
    try {
      changed.await(50, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return gates.contains(cid.multihash()) && !closed;
  }

  // ---- blocks and repo ----

  public Cid putBlock(Cid cid, byte[] data) {
    run(() -> blocks.put(cid.multihash(), data.clone()));
    return cid;
  }

  public Optional<byte[]> block(Cid cid) {
    return locked(() -> Optional.ofNullable(blocks.get(cid.multihash())).map(byte[]::clone));
  }

  /**
   * Removes every block that is neither pinned nor linked below a recursive pin; returns the CIDs
   * removed (raw CIDv1s: the fake keeps no codec per block).
   */
  public List<Cid> gc() {
    return locked(
        () -> {
          Set<Multihash> keep = new java.util.HashSet<>(pins.keySet());
          pins.values().stream()
              .filter(p -> p.mode() == PinMode.RECURSIVE)
              .forEach(p -> dag.refs(p.cid()).forEach(c -> keep.add(c.multihash())));
          if (preloaded != null && !blocks.isEmpty()) {
            preloaded.forEach(
                gone, e -> dag.refs(preloaded.cid(e)).forEach(c -> keep.add(c.multihash())));
          }
          List<Cid> removed = new ArrayList<>();
          blocks
              .entrySet()
              .removeIf(
                  e -> {
                    if (keep.contains(e.getKey()) || preloadedEntry(e.getKey()) >= 0) {
                      return false;
                    }
                    removed.add(Cid.v1(Cid.RAW, e.getKey()));
                    return true;
                  });
          return removed;
        });
  }

  public void setRepoStat(long size, long max) {
    run(
        () -> {
          repoSize = size;
          storageMax = max;
        });
  }

  /** {RepoSize, StorageMax, NumObjects}; RepoSize is the stored bytes unless set explicitly. */
  public long[] repoStat() {
    return locked(
        () -> {
          long size = repoSize;
          if (size < 0) {
            size = blocks.values().stream().mapToLong(b -> b.length).sum();
          }
          return new long[] {size, storageMax, blocks.size()};
        });
  }

  // ---- swarm ----

  public void swarmConnect(Multiaddr address, PeerId peer) {
    run(
        () -> {
          swarmConnects.add(address);
          peers.put(peer, address.withoutPeerId());
        });
  }

  public List<Multiaddr> swarmConnects() {
    return locked(() -> List.copyOf(swarmConnects));
  }

  public Map<PeerId, Multiaddr> peers() {
    return locked(() -> Map.copyOf(peers));
  }

  // ---- output options ----

  public int progressSteps() {
    return locked(() -> progressSteps);
  }

  public void setProgressSteps(int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("progress steps cannot be negative: " + steps);
    }
    run(() -> progressSteps = steps);
  }

  public void setV1InBase58(boolean on) {
    run(() -> v1InBase58 = on);
  }

  /** CID text as this node prints it: canonical, or base58btc for v1 when js-ipfs style is on. */
  public String format(Cid cid) {
    boolean base58 = locked(() -> v1InBase58);
    if (base58 && cid.version() == 1) {
      return "z" + io.pincluster.core.cid.Base58.encode(cid.toBytes());
    }
    return cid.toString();
  }

  /** Whether the node answers as js-ipfs does (see {@code FakeKubo#emulateJsIpfs}). */
  public boolean jsIpfs() {
    return locked(() -> jsIpfs);
  }

  public void setJsIpfs(boolean on) {
    run(() -> jsIpfs = on);
  }

  // ---- garbage ----

  /** Whether every command is answered with garbage (see {@code FakeKubo#setGarbage}). */
  public void setGarbage(boolean on) {
    run(() -> garbage = on);
  }

  /**
   * The garbage answer for the next request, or empty while the node answers properly: odd answers
   * are bytes that are not JSON at all, even ones JSON cut off in the middle of a document.
   */
  public Optional<byte[]> nextGarbage() {
    return locked(
        () -> {
          if (!garbage) {
            return Optional.empty();
          }
          garbageAnswers++;
          String body =
              garbageAnswers % 2 == 1 ? "\u0000\u00ff<html>not json at all\n" : "{\"Pins\":[\"bafy";
          return Optional.of(body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        });
  }

  // ---- latency ----

  public void setLatency(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("latency cannot be negative: " + delay);
    }
    run(() -> latency = delay);
  }

  /**
   * Waits out the configured latency (at most {@link #MAX_GATE_WAIT}); ends early when the fake
   * closes or the thread is interrupted (a stop).
   */
  public void awaitLatency() {
    lock.lock();
    try {
      long left = Math.min(latency.toNanos(), MAX_GATE_WAIT.toNanos());
      while (left > 0 && !closed) {
        left = changed.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  // ---- lifecycle ----

  public void close() {
    run(() -> closed = true);
  }

  public boolean isClosed() {
    return locked(() -> closed);
  }

  private void run(Runnable action) {
    lock.lock();
    try {
      action.run();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private <T> T locked(java.util.function.Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }
}

package io.pincluster.testing;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.IpfsConnector;
import io.pincluster.core.IpfsException;
import io.pincluster.core.api.IpfsAdded;
import io.pincluster.core.api.IpfsId;
import io.pincluster.core.api.IpfsPin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.RepoGcKey;
import io.pincluster.core.api.RepoStat;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.testing.internal.KuboError;
import io.pincluster.testing.internal.Multipart;
import io.pincluster.testing.internal.UnixFsBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-memory {@link IpfsConnector} for unit tests of components that drive IPFS (the pin tracker,
 * informers), with injectable failures, latency and a gate that holds a pin in flight.
 *
 * <p>Thread-safe: all state is guarded by one lock (the pinset is also a concurrent map, so that
 * {@link #pinLs()} streams it without holding the lock); calls that wait (latency, gated pins) wait
 * on its condition, so {@link #releasePin}, {@link #close} and thread interruption wake them. Pins
 * are compared by multihash, as IPFS does: pinning a CIDv0 and asking for its CIDv1 finds it.
 *
 * <p>Failures: {@link #failPins}/{@link #failUnpins} make every pin (and pin update) or unpin fail
 * until turned off; {@link #failNext(int)} fails only the next n pin, pin update or unpin calls;
 * {@link #failNext(Op, int)} the next n calls of one operation; {@link #setUnreachable} fails every
 * call as if the daemon were down (and breaks listings in progress); {@link #breakPinLsAfter}
 * breaks the next listing part-way. Injected failures are {@link IpfsException}s, like the real
 * connector's.
 */
public final class FakeIpfsConnector implements IpfsConnector {
  /** The connector's operations, for counters and targeted failures. */
  public enum Op {
    ID,
    PIN,
    PIN_LOCAL,
    UNPIN,
    PIN_STATUS,
    PIN_LS,
    PIN_UPDATE,
    REPO_STAT,
    REPO_GC,
    SWARM_CONNECT,
    SWARM_PEERS,
    BLOCK_PUT,
    RESOLVE,
    VERSION,
    ADD,
    DAG_IMPORT
  }

  /** The largest add or CAR body the fake reads. */
  public static final int MAX_BODY = 64 * 1024 * 1024;

  private static final Duration DEFAULT_BLOCK_TIMEOUT = Duration.ofMinutes(5);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  // Written under lock; pinLs() reads it without the lock (weakly consistent, like a live node).
  private final Map<Multihash, Map.Entry<Cid, PinMode>> pins = new ConcurrentHashMap<>();

  // All guarded by lock.
  private final Map<Multihash, Cid> blocks = new LinkedHashMap<>();
  private final Map<String, Cid> paths = new HashMap<>();
  private final List<String> extraSwarmPeers = new ArrayList<>();
  private final Map<Op, Long> calls = new EnumMap<>(Op.class);
  private final Map<Op, Integer> failNextByOp = new EnumMap<>(Op.class);
  private final Map<Cid, Integer> pinAttempts = new HashMap<>();
  private final Set<Multihash> gates = new HashSet<>();
  private final Map<Cid, Integer> blocked = new LinkedHashMap<>();
  private final List<Multiaddr> swarmConnects = new ArrayList<>();
  private int failNextWrites;
  private boolean failPins;
  private boolean failUnpins;
  private boolean unreachable;
  private boolean closed;
  private String failureMessage = "injected failure";
  private Duration latency = Duration.ZERO;
  private Duration blockTimeout = DEFAULT_BLOCK_TIMEOUT;
  private RepoStat repoStat = new RepoStat(0, 10L * 1024 * 1024 * 1024);
  private IpfsId id;
  private String version = "0.30.0-fake";
  private long pinLsBreakAfter = -1;
  private Map<String, String> lastAddParams = Map.of();

  /** A fake with a random peer ID and one swarm address. */
  public FakeIpfsConnector() {
    String peer = Identity.generate().id().toString();
    this.id = new IpfsId(peer, List.of("/ip4/127.0.0.1/tcp/4001/p2p/" + peer), "");
  }

  // ---- IpfsConnector ----

  @Override
  public IpfsId id() {
    lock.lock();
    try {
      enter(Op.ID);
      return id;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Pins {@code cid}. Waits while a gate set by {@link #blockPin} holds it (at most the block
   * timeout, then fails like a pin timeout). Pinning directly what is pinned recursively fails, as
   * in Kubo; pinning recursively what is pinned directly upgrades it.
   */
  @Override
  public void pin(Cid cid, PinMode mode) {
    lock.lock();
    try {
      pinAttempts.merge(cid, 1, Integer::sum);
      enter(Op.PIN);
      if (failPins || consumeWriteFailure()) {
        throw new IpfsException("fake IPFS refused pin/add: " + failureMessage);
      }
      waitAtGate(cid);
      Map.Entry<Cid, PinMode> existing = pins.get(cid.multihash());
      if (existing != null && existing.getValue() == PinMode.RECURSIVE && mode == PinMode.DIRECT) {
        throw new IpfsException(
            "fake IPFS refused pin/add: " + cid + " already pinned recursively");
      }
      pins.put(cid.multihash(), Map.entry(cid, mode));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Pins recursively those of {@code cids} not held by a gate ({@link #blockPin}: content the node
   * would have to fetch); none while pins fail ({@link #failPins}, {@link #failNext(int)}, {@link
   * #failNext(Op, int)} of {@code PIN}: those failures are left for {@link #pin}), the node is
   * unreachable or a failure of this operation is injected. Never throws, as the real connector.
   */
  @Override
  public Set<Cid> pinLocal(List<Cid> cids) {
    lock.lock();
    try {
      Set<Cid> pinned = new LinkedHashSet<>();
      try {
        enter(Op.PIN_LOCAL);
      } catch (IpfsException e) {
        return pinned;
      }
      if (failPins || failNextWrites > 0 || failNextByOp.getOrDefault(Op.PIN, 0) > 0) {
        return pinned;
      }
      for (Cid cid : cids) {
        if (!gates.contains(cid.multihash())) {
          pinAttempts.merge(cid, 1, Integer::sum);
          pins.put(cid.multihash(), Map.entry(cid, PinMode.RECURSIVE));
          pinned.add(cid);
        }
      }
      changed.signalAll();
      return pinned;
    } finally {
      lock.unlock();
    }
  }

  /** Unpins {@code cid}; not pinned is success. */
  @Override
  public void unpin(Cid cid) {
    lock.lock();
    try {
      enter(Op.UNPIN);
      if (failUnpins || consumeWriteFailure()) {
        throw new IpfsException("fake IPFS refused pin/rm: " + failureMessage);
      }
      pins.remove(cid.multihash());
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<PinMode> pinStatus(Cid cid) {
    lock.lock();
    try {
      enter(Op.PIN_STATUS);
      return Optional.ofNullable(pins.get(cid.multihash())).map(Map.Entry::getValue);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Every pin, streamed from the live pinset (weakly consistent: pins changed while the listing
   * runs may or may not show, as with a real node). Counted and failed as {@link Op#PIN_LS}; the
   * iterator fails mid-stream when the fake becomes unreachable or closes, or after {@link
   * #breakPinLsAfter} items.
   */
  @Override
  public CloseableIterator<IpfsPin> pinLs() {
    long breakAfter;
    lock.lock();
    try {
      enter(Op.PIN_LS);
      breakAfter = pinLsBreakAfter;
      pinLsBreakAfter = -1;
    } finally {
      lock.unlock();
    }
    return new PinListing(pins.values().iterator(), breakAfter);
  }

  /**
   * Pins {@code to} recursively ({@code from} stays pinned), as a pin of {@code to}: counted in
   * {@link #pinAttempts}, failed by {@link #failPins} and {@link #failNext(int)}, held by a gate on
   * {@code to}. Counted as {@link Op#PIN_UPDATE}.
   */
  @Override
  public void pinUpdate(Cid from, Cid to) {
    lock.lock();
    try {
      pinAttempts.merge(to, 1, Integer::sum);
      enter(Op.PIN_UPDATE);
      if (failPins || consumeWriteFailure()) {
        throw new IpfsException("fake IPFS refused pin/update: " + failureMessage);
      }
      waitAtGate(to);
      pins.put(to.multihash(), Map.entry(to, PinMode.RECURSIVE));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Removes every stored block ({@link #blockPut}) that is not pinned; lists them. */
  @Override
  public CloseableIterator<RepoGcKey> repoGc() {
    lock.lock();
    try {
      enter(Op.REPO_GC);
      List<RepoGcKey> removed = new ArrayList<>();
      blocks
          .entrySet()
          .removeIf(
              e -> {
                boolean garbage = !pins.containsKey(e.getKey());
                if (garbage) {
                  removed.add(new RepoGcKey(e.getValue(), ""));
                }
                return garbage;
              });
      return CloseableIterator.of(removed);
    } finally {
      lock.unlock();
    }
  }

  /** The peer IDs of every {@code …/p2p/<id>} address connected to, then {@link #addSwarmPeer}s. */
  @Override
  public List<String> swarmPeers() {
    lock.lock();
    try {
      enter(Op.SWARM_PEERS);
      Set<String> out = new LinkedHashSet<>();
      swarmConnects.forEach(a -> a.peerId().ifPresent(p -> out.add(p.toString())));
      out.addAll(extraSwarmPeers);
      return List.copyOf(out);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stores a block; {@code format} {@code raw} (default), {@code v0}/{@code protobuf}, {@code
   * dag-pb} or {@code cbor}/{@code dag-cbor} chooses the CID, as Kubo does.
   */
  @Override
  public Cid blockPut(byte[] data, String format) {
    lock.lock();
    try {
      enter(Op.BLOCK_PUT);
      Multihash mh = Multihash.of(Multihash.SHA2_256, Cids.sha256(data));
      String f = format == null || format.isBlank() ? "raw" : format;
      Cid cid =
          switch (f) {
            case "raw" -> Cid.v1(Cid.RAW, mh);
            case "v0", "protobuf" -> Cid.v0(mh);
            case "dag-pb" -> Cid.v1(Cid.DAG_PB, mh);
            case "cbor", "dag-cbor" -> Cid.v1(0x71, mh);
            default -> throw new IpfsException("fake IPFS refused block/put: unknown format " + f);
          };
      blocks.put(mh, cid);
      return cid;
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@code /ipfs/<cid>} (or a bare CID) resolves to itself; other paths, {@code /ipns/} names
   * included, resolve only as set with {@link #setPath} or {@link #setIpns}.
   */
  @Override
  public Cid resolve(String path) {
    lock.lock();
    try {
      enter(Op.RESOLVE);
      Cid mapped = paths.get(path);
      if (mapped != null) {
        return mapped;
      }
      String p = path.startsWith("/ipfs/") ? path.substring("/ipfs/".length()) : path;
      try {
        return Cid.parse(p);
      } catch (IllegalArgumentException e) {
        throw new IpfsException("fake IPFS refused resolve: could not resolve " + path);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Reads the whole multipart body (at most {@link #MAX_BODY} bytes), builds the UnixFS DAG of its
   * files and directories as Kubo would ({@code cid-version}, {@code raw-leaves}, {@code
   * chunker=size-N}, {@code hash}, {@code wrap-with-directory}, {@code progress}), stores the
   * blocks (unpinned: {@link #repoGc} removes them unless pinned) and answers Kubo's output lines.
   * Counted and failed as {@link Op#ADD}; the parameters are kept for {@link #lastAddParams}.
   */
  @Override
  public CloseableIterator<IpfsAdded> add(
      InputStream body, String contentType, Map<String, String> params) {
    enterUnlocked(Op.ADD);
    byte[] data = readBody("add", body);
    UnixFsBuilder.Result result;
    try {
      List<Multipart.Part> parts = Multipart.parts(contentType, data);
      result = UnixFsBuilder.build(parts, UnixFsBuilder.Options.fromParams(params::get));
    } catch (KuboError e) {
      throw new IpfsException("fake IPFS refused add: " + e.getMessage());
    }
    lock.lock();
    try {
      lastAddParams = Map.copyOf(params);
      result.blocks().keySet().forEach(c -> blocks.put(c.multihash(), c));
    } finally {
      lock.unlock();
    }
    return CloseableIterator.of(
        result.events().stream()
            .map(e -> new IpfsAdded(e.name(), e.cid(), e.bytes(), e.size()))
            .toList());
  }

  /**
   * Reads the whole multipart body, stores the blocks of each CAR part and returns their roots
   * (nothing is pinned). Counted and failed as {@link Op#DAG_IMPORT}.
   */
  @Override
  public List<Cid> dagImport(InputStream body, String contentType) {
    enterUnlocked(Op.DAG_IMPORT);
    byte[] data = readBody("dag/import", body);
    List<Cid> roots = new ArrayList<>();
    List<Cid> stored = new ArrayList<>();
    try {
      for (Multipart.Part p : Multipart.parts(contentType, data)) {
        CarFiles.Car car = CarFiles.read(p.content());
        roots.addAll(car.roots());
        stored.addAll(car.blocks().keySet());
      }
    } catch (KuboError | IllegalArgumentException e) {
      throw new IpfsException("fake IPFS refused dag/import: " + e.getMessage());
    }
    lock.lock();
    try {
      stored.forEach(c -> blocks.put(c.multihash(), c));
    } finally {
      lock.unlock();
    }
    return List.copyOf(roots);
  }

  private void enterUnlocked(Op op) {
    lock.lock();
    try {
      enter(op);
    } finally {
      lock.unlock();
    }
  }

  private static byte[] readBody(String cmd, InputStream body) {
    try (InputStream in = body) {
      byte[] data = in.readNBytes(MAX_BODY + 1);
      if (data.length > MAX_BODY) {
        throw new IpfsException("fake IPFS refused " + cmd + ": body over " + MAX_BODY + " bytes");
      }
      return data;
    } catch (IOException e) {
      throw new IpfsException("fake IPFS: reading the " + cmd + " body failed: " + e, e);
    }
  }

  @Override
  public String version() {
    lock.lock();
    try {
      enter(Op.VERSION);
      return version;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public RepoStat repoStat() {
    lock.lock();
    try {
      enter(Op.REPO_STAT);
      return repoStat;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void swarmConnect(Multiaddr address) {
    lock.lock();
    try {
      enter(Op.SWARM_CONNECT);
      swarmConnects.add(address);
    } finally {
      lock.unlock();
    }
  }

  /** Idempotent. Wakes waiting calls, which then fail; later calls fail too. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ---- test hooks: failures and timing ----

  /** While on, every pin fails. Returns this. */
  public FakeIpfsConnector failPins(boolean fail) {
    return set(() -> failPins = fail);
  }

  /** While on, every unpin fails. Returns this. */
  public FakeIpfsConnector failUnpins(boolean fail) {
    return set(() -> failUnpins = fail);
  }

  /** The next {@code n} pin or unpin calls fail (after which they work again). Returns this. */
  public FakeIpfsConnector failNext(int n) {
    checkCount(n);
    return set(() -> failNextWrites = n);
  }

  /** The next {@code n} calls of {@code op} fail. Returns this. */
  public FakeIpfsConnector failNext(Op op, int n) {
    checkCount(n);
    return set(() -> failNextByOp.put(op, n));
  }

  /** The text injected failures carry (default "injected failure"). Returns this. */
  public FakeIpfsConnector failureMessage(String message) {
    return set(() -> failureMessage = message);
  }

  /** While on, every call fails as if the daemon were down. Returns this. */
  public FakeIpfsConnector setUnreachable(boolean down) {
    return set(() -> unreachable = down);
  }

  /** Every call waits this long before doing anything (default zero). Returns this. */
  public FakeIpfsConnector setLatency(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("latency cannot be negative: " + delay);
    }
    return set(() -> latency = delay);
  }

  /** How long a gated pin waits before failing with a timeout (default 5 minutes). Returns this. */
  public FakeIpfsConnector setBlockTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("block timeout must be > 0: " + timeout);
    }
    return set(() -> blockTimeout = timeout);
  }

  /** Pins of {@code cid} (any version, same multihash) wait until {@link #releasePin}. */
  public FakeIpfsConnector blockPin(Cid cid) {
    return set(() -> gates.add(cid.multihash()));
  }

  /** Lets waiting and future pins of {@code cid} through. */
  public FakeIpfsConnector releasePin(Cid cid) {
    return set(() -> gates.remove(cid.multihash()));
  }

  /** The next {@link #pinLs()} listing fails after {@code items} items. Returns this. */
  public FakeIpfsConnector breakPinLsAfter(long items) {
    if (items < 0) {
      throw new IllegalArgumentException("items cannot be negative: " + items);
    }
    return set(() -> pinLsBreakAfter = items);
  }

  /** Removes every gate. */
  public FakeIpfsConnector releaseAll() {
    return set(gates::clear);
  }

  // ---- test hooks: state ----

  /** A snapshot of the pins (in no particular order), keyed by the CID each was pinned with. */
  public Map<Cid, PinMode> pinned() {
    lock.lock();
    try {
      return snapshot();
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@code cid} (compared by multihash) is pinned, in any mode. */
  public boolean isPinned(Cid cid) {
    lock.lock();
    try {
      return pins.containsKey(cid.multihash());
    } finally {
      lock.unlock();
    }
  }

  /** Pins behind the connector's back (simulates another client of the node). No counters. */
  public FakeIpfsConnector putPin(Cid cid, PinMode mode) {
    return set(() -> pins.put(cid.multihash(), Map.entry(cid, mode)));
  }

  /** Unpins behind the connector's back (simulates an unexpected unpin or GC). No counters. */
  public FakeIpfsConnector removePin(Cid cid) {
    return set(() -> pins.remove(cid.multihash()));
  }

  /** The CIDs whose pin calls are waiting at a gate right now. */
  public Set<Cid> blockedPins() {
    lock.lock();
    try {
      return Set.copyOf(blocked.keySet());
    } finally {
      lock.unlock();
    }
  }

  /** How many times {@code op} was called (including calls that failed). */
  public long calls(Op op) {
    lock.lock();
    try {
      return calls.getOrDefault(op, 0L);
    } finally {
      lock.unlock();
    }
  }

  /** How many times {@code cid} was passed to {@link #pin} (including failed attempts). */
  public int pinAttempts(Cid cid) {
    lock.lock();
    try {
      return pinAttempts.getOrDefault(cid, 0);
    } finally {
      lock.unlock();
    }
  }

  /** The addresses passed to {@link #swarmConnect}, in order. */
  public List<Multiaddr> swarmConnects() {
    lock.lock();
    try {
      return List.copyOf(swarmConnects);
    } finally {
      lock.unlock();
    }
  }

  public FakeIpfsConnector setRepoStat(long repoSize, long storageMax) {
    return set(() -> repoStat = new RepoStat(repoSize, storageMax));
  }

  /** {@link #resolve} of exactly {@code path} answers {@code target}. Returns this. */
  public FakeIpfsConnector setPath(String path, Cid target) {
    return set(() -> paths.put(path, target));
  }

  /** {@link #resolve} of {@code /ipns/<name>} answers {@code target}. Returns this. */
  public FakeIpfsConnector setIpns(String name, Cid target) {
    return setPath("/ipns/" + name, target);
  }

  /** {@link #swarmPeers} also lists {@code peerId}. Returns this. */
  public FakeIpfsConnector addSwarmPeer(String peerId) {
    return set(() -> extraSwarmPeers.add(peerId));
  }

  public FakeIpfsConnector setVersion(String text) {
    return set(() -> version = text);
  }

  /** Whether a block of {@code cid}'s multihash is stored ({@link #blockPut}, not yet GCed). */
  public boolean hasBlock(Cid cid) {
    lock.lock();
    try {
      return blocks.containsKey(cid.multihash());
    } finally {
      lock.unlock();
    }
  }

  public FakeIpfsConnector setId(IpfsId newId) {
    return set(() -> id = newId);
  }

  /** The parameters of the latest {@link #add} (empty before any). */
  public Map<String, String> lastAddParams() {
    lock.lock();
    try {
      return lastAddParams;
    } finally {
      lock.unlock();
    }
  }

  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  // ---- internals (lock held) ----

  private void enter(Op op) {
    calls.merge(op, 1L, Long::sum);
    checkOpen();
    if (!latency.isZero()) {
      long deadline = System.nanoTime() + latency.toNanos();
      long left;
      while (!closed && (left = deadline - System.nanoTime()) > 0) {
        await(left, "waiting out the fake's latency");
      }
      checkOpen();
    }
    if (unreachable) {
      throw new IpfsException("cannot reach IPFS at fake: connection refused");
    }
    Integer n = failNextByOp.get(op);
    if (n != null && n > 0) {
      failNextByOp.put(op, n - 1);
      throw new IpfsException("fake IPFS refused " + op + ": " + failureMessage);
    }
  }

  private void waitAtGate(Cid cid) {
    if (!gates.contains(cid.multihash())) {
      return;
    }
    blocked.merge(cid, 1, Integer::sum);
    changed.signalAll();
    try {
      long deadline = System.nanoTime() + blockTimeout.toNanos();
      while (gates.contains(cid.multihash()) && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IpfsException(
              "fake IPFS: pin/add of " + cid + " timed out after " + blockTimeout + " at a gate");
        }
        await(left, "pinning " + cid);
      }
      checkOpen();
    } finally {
      blocked.computeIfPresent(cid, (k, v) -> v == 1 ? null : v - 1);
    }
  }

  private void await(long nanos, String what) {
    try {
      changed.awaitNanos(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IpfsException("interrupted while " + what, e);
    }
  }

  private boolean consumeWriteFailure() {
    if (failNextWrites > 0) {
      failNextWrites--;
      return true;
    }
    return false;
  }

  private void checkOpen() {
    if (closed) {
      throw new IpfsException("fake IPFS connector is closed");
    }
  }

  private Map<Cid, PinMode> snapshot() {
    Map<Cid, PinMode> out = new LinkedHashMap<>();
    pins.values().forEach(e -> out.put(e.getKey(), e.getValue()));
    return Collections.unmodifiableMap(out);
  }

  private FakeIpfsConnector set(Runnable change) {
    lock.lock();
    try {
      change.run();
      changed.signalAll();
      return this;
    } finally {
      lock.unlock();
    }
  }

  /** A live listing of the pins: fails once the fake is unreachable or closed, or after a limit. */
  private final class PinListing implements CloseableIterator<IpfsPin> {
    private final Iterator<Map.Entry<Cid, PinMode>> it;
    private final long breakAfter;
    private long served;
    private boolean done;

    PinListing(Iterator<Map.Entry<Cid, PinMode>> it, long breakAfter) {
      this.it = it;
      this.breakAfter = breakAfter;
    }

    @Override
    public boolean hasNext() {
      if (done) {
        return false;
      }
      lock.lock();
      try {
        if (closed || unreachable || (breakAfter >= 0 && served >= breakAfter)) {
          done = true;
          throw new IpfsException("fake IPFS broke off pin/ls after " + served + " pins");
        }
      } finally {
        lock.unlock();
      }
      if (!it.hasNext()) {
        done = true;
      }
      return !done;
    }

    @Override
    public IpfsPin next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Map.Entry<Cid, PinMode> e = it.next();
      served++;
      return new IpfsPin(e.getKey(), e.getValue());
    }

    @Override
    public void close() {
      done = true;
    }
  }

  private static void checkCount(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("count cannot be negative: " + n);
    }
  }
}

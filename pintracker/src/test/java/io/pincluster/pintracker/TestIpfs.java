package io.pincluster.pintracker;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.IpfsConnector;
import io.pincluster.core.IpfsException;
import io.pincluster.core.api.IpfsId;
import io.pincluster.core.api.IpfsPin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.RepoGcKey;
import io.pincluster.core.api.RepoStat;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import io.pincluster.core.peer.Multiaddr;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-memory IPFS node for the tracker's tests: pins by multihash, gates that hold a pin or unpin
 * in flight (interrupting the caller cancels the call, as the real connector does), injectable
 * failures (every pin, every unpin, pin/ls after n items, unreachable), and a log of the calls in
 * order. Thread-safe: one lock.
 */
public final class TestIpfs implements IpfsConnector {
  public enum Call {
    PIN,
    /** {@link #pinNew}: also counted as what {@link #pin} then does. */
    PIN_NEW,
    /** {@link #pinLocal}: once a call; each CID it pins is logged. */
    PIN_LOCAL,
    UNPIN,
    PIN_STATUS,
    PIN_LS,
    PIN_UPDATE,
    SWARM_CONNECT
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<Multihash, IpfsPin> pins = new LinkedHashMap<>();
  private final Map<Call, Integer> calls = new EnumMap<>(Call.class);
  private final List<String> log = new ArrayList<>();
  private final Set<Multihash> pinGates = new HashSet<>();
  private final Set<Multihash> unpinGates = new HashSet<>();
  private final Set<Multihash> waiting = new HashSet<>();
  private String pinFailure;
  private String unpinFailure;
  private boolean unreachable;
  private int pinLsFailAfter = -1;
  private boolean holdBatches;
  private boolean holdingBatch;

  // ---- IpfsConnector

  /** Counts the call as {@link Call#PIN_NEW}, then behaves as {@link #pin}. */
  @Override
  public void pinNew(Cid cid, PinMode mode) {
    lock.lock();
    try {
      calls.merge(Call.PIN_NEW, 1, Integer::sum);
    } finally {
      lock.unlock();
    }
    pin(cid, mode);
  }

  /**
   * Like the real connector, idempotent: a CID already pinned in {@code mode} is left alone after a
   * status check, counted as {@link Call#PIN_STATUS}, not as {@link Call#PIN} (no {@code pin/add}
   * sent).
   */
  @Override
  public void pin(Cid cid, PinMode mode) {
    lock.lock();
    try {
      IpfsPin held = pins.get(cid.multihash());
      if (held != null && !unreachable && held.mode() == mode) {
        enter(Call.PIN_STATUS, cid);
        return;
      }
      enter(Call.PIN, cid);
      if (pinFailure != null) {
        throw new IpfsException("pin/add " + cid + ": " + pinFailure);
      }
      awaitGate(pinGates, cid, "pinning");
      IpfsPin old = pins.get(cid.multihash());
      if (old == null || old.mode() != PinMode.RECURSIVE) {
        pins.put(cid.multihash(), new IpfsPin(cid, mode));
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Pins recursively those of {@code cids} not held at a gate (a gated CID stands for content the
   * node must fetch); none while pins fail or the node is unreachable (never throws, as the real
   * connector).
   */
  @Override
  public Set<Cid> pinLocal(List<Cid> cids) {
    lock.lock();
    try {
      calls.merge(Call.PIN_LOCAL, 1, Integer::sum);
      Set<Cid> pinned = new HashSet<>();
      holdingBatch = true;
      changed.signalAll();
      try {
        while (holdBatches) {
          changed.await(); // a cancel interrupts it: like the real connector, nothing pinned
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return pinned;
      } finally {
        holdingBatch = false;
      }
      if (unreachable || pinFailure != null) {
        return pinned;
      }
      for (Cid cid : cids) {
        if (!pinGates.contains(cid.multihash())) {
          log.add(Call.PIN_LOCAL + " " + cid);
          pins.put(cid.multihash(), new IpfsPin(cid, PinMode.RECURSIVE));
          pinned.add(cid);
        }
      }
      changed.signalAll();
      return pinned;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void unpin(Cid cid) {
    lock.lock();
    try {
      enter(Call.UNPIN, cid);
      if (unpinFailure != null) {
        throw new IpfsException("pin/rm " + cid + ": " + unpinFailure);
      }
      awaitGate(unpinGates, cid, "unpinning");
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
      enter(Call.PIN_STATUS, cid);
      return Optional.ofNullable(pins.get(cid.multihash())).map(IpfsPin::mode);
    } finally {
      lock.unlock();
    }
  }

  /** A snapshot streamed item by item; fails after {@link #failPinLsAfter} items if set. */
  @Override
  public CloseableIterator<IpfsPin> pinLs() {
    List<IpfsPin> snapshot;
    int failAfter;
    lock.lock();
    try {
      enter(Call.PIN_LS, null);
      snapshot = new ArrayList<>(pins.values());
      failAfter = pinLsFailAfter;
    } finally {
      lock.unlock();
    }
    return new CloseableIterator<>() {
      private int served;

      @Override
      public boolean hasNext() {
        if (failAfter >= 0 && served >= failAfter) {
          throw new IpfsException("cannot reach IPFS at test: connection reset during pin/ls");
        }
        return served < snapshot.size();
      }

      @Override
      public IpfsPin next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return snapshot.get(served++);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void pinUpdate(Cid from, Cid to) {
    lock.lock();
    try {
      enter(Call.PIN_UPDATE, to);
      if (pinFailure != null) {
        throw new IpfsException("pin/update " + to + ": " + pinFailure);
      }
      pins.put(to.multihash(), new IpfsPin(to, PinMode.RECURSIVE));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void swarmConnect(Multiaddr address) {
    lock.lock();
    try {
      enter(Call.SWARM_CONNECT, null);
      log.add("connect " + address);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public IpfsId id() {
    return new IpfsId("test", List.of(), "");
  }

  @Override
  public RepoStat repoStat() {
    return new RepoStat(0, 1L << 30);
  }

  @Override
  public CloseableIterator<RepoGcKey> repoGc() {
    return CloseableIterator.of(List.of());
  }

  @Override
  public List<String> swarmPeers() {
    return List.of();
  }

  @Override
  public Cid blockPut(byte[] data, String format) {
    throw new UnsupportedOperationException("not needed by the tracker");
  }

  @Override
  public CloseableIterator<io.pincluster.core.api.IpfsAdded> add(
      java.io.InputStream body, String contentType, java.util.Map<String, String> params) {
    throw new UnsupportedOperationException("not needed by the tracker");
  }

  @Override
  public List<Cid> dagImport(java.io.InputStream body, String contentType) {
    throw new UnsupportedOperationException("not needed by the tracker");
  }

  @Override
  public Cid resolve(String path) {
    throw new UnsupportedOperationException("not needed by the tracker");
  }

  @Override
  public String version() {
    return "test";
  }

  @Override
  public void close() {}

  // ---- test hooks

  public TestIpfs failPins(String message) {
    return set(() -> pinFailure = message);
  }

  public TestIpfs failUnpins(String message) {
    return set(() -> unpinFailure = message);
  }

  public TestIpfs unreachable(boolean down) {
    return set(() -> unreachable = down);
  }

  /** pin/ls streams {@code n} items, then fails; -1 turns it off. */
  public TestIpfs failPinLsAfter(int n) {
    return set(() -> pinLsFailAfter = n);
  }

  /** While on, {@link #pinLocal} waits (until turned off or interrupted). */
  public TestIpfs holdBatches(boolean on) {
    return set(() -> holdBatches = on);
  }

  /** True while a {@link #pinLocal} call waits, held by {@link #holdBatches}. */
  public boolean isHoldingBatch() {
    lock.lock();
    try {
      return holdingBatch;
    } finally {
      lock.unlock();
    }
  }

  public TestIpfs blockPin(Cid cid) {
    return set(() -> pinGates.add(cid.multihash()));
  }

  public TestIpfs blockUnpin(Cid cid) {
    return set(() -> unpinGates.add(cid.multihash()));
  }

  public TestIpfs release(Cid cid) {
    return set(
        () -> {
          pinGates.remove(cid.multihash());
          unpinGates.remove(cid.multihash());
        });
  }

  public TestIpfs releaseAll() {
    return set(
        () -> {
          pinGates.clear();
          unpinGates.clear();
        });
  }

  /** True while a pin or unpin of {@code cid} waits at a gate. */
  public boolean isWaiting(Cid cid) {
    lock.lock();
    try {
      return waiting.contains(cid.multihash());
    } finally {
      lock.unlock();
    }
  }

  /** Pins behind the tracker's back (a user, another client). */
  public TestIpfs putPin(Cid cid, PinMode mode) {
    return set(() -> pins.put(cid.multihash(), new IpfsPin(cid, mode)));
  }

  /** Unpins behind the tracker's back (a user, a GC). */
  public TestIpfs removePin(Cid cid) {
    return set(() -> pins.remove(cid.multihash()));
  }

  public boolean isPinned(Cid cid) {
    lock.lock();
    try {
      return pins.containsKey(cid.multihash());
    } finally {
      lock.unlock();
    }
  }

  public Optional<PinMode> mode(Cid cid) {
    lock.lock();
    try {
      return Optional.ofNullable(pins.get(cid.multihash())).map(IpfsPin::mode);
    } finally {
      lock.unlock();
    }
  }

  public int pinCount() {
    lock.lock();
    try {
      return pins.size();
    } finally {
      lock.unlock();
    }
  }

  public int calls(Call call) {
    lock.lock();
    try {
      return calls.getOrDefault(call, 0);
    } finally {
      lock.unlock();
    }
  }

  /** The calls that name a CID or address, in order ("PIN <cid>", "connect <addr>", …). */
  public List<String> log() {
    lock.lock();
    try {
      return List.copyOf(log);
    } finally {
      lock.unlock();
    }
  }

  // ---- internals (lock held)

  private void enter(Call call, Cid cid) {
    calls.merge(call, 1, Integer::sum);
    if (cid != null && call != Call.PIN_STATUS) {
      log.add(call + " " + cid);
    }
    if (unreachable) {
      throw new IpfsException("cannot reach IPFS at test: connection refused");
    }
  }

  private void awaitGate(Set<Multihash> gates, Cid cid, String what) {
    Multihash mh = cid.multihash();
    if (!gates.contains(mh)) {
      return;
    }
    waiting.add(mh);
    changed.signalAll();
    try {
      long left = TimeUnit.SECONDS.toNanos(60);
      while (gates.contains(mh)) {
        if (left <= 0) {
          throw new IpfsException(what + " " + cid + " timed out at a test gate");
        }
        try {
          left = changed.awaitNanos(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IpfsException("interrupted while " + what + " " + cid + " (call cancelled)");
        }
      }
    } finally {
      waiting.remove(mh);
    }
  }

  private TestIpfs set(Runnable change) {
    lock.lock();
    try {
      change.run();
      changed.signalAll();
      return this;
    } finally {
      lock.unlock();
    }
  }
}

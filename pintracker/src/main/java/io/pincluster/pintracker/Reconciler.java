package io.pincluster.pintracker;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.IpfsPin;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.cid.Cid;
import io.pincluster.pintracker.TrackerStore.Entry;
import io.pincluster.pintracker.internal.PinQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The level-triggered side of the tracker: the feeder passes that pull work from the pinset and the
 * store as queue slots free, the IPFS sync, and recover. Every loop streams (the pinset in chunks,
 * the store through its iterators, IPFS's pin list through the connector's stream), so memory does
 * not grow with the number of pins.
 *
 * <p>Passes run on the feeder threads and block while their queue is full; everything else runs on
 * the caller's thread. Changes to one CID happen under its stripe lock, after re-reading what they
 * depend on, so a pass working from a stale chunk never undoes a newer track or untrack.
 */
final class Reconciler {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  /** Pins read from the pinset at a time (each chunk is one short-lived snapshot). */
  static final int CHUNK = 256;

  /** At most this many CIDs whose error an IPFS sync cleared are reported by syncAll. */
  static final int MAX_CLEARED_REPORTED = 10_000;

  private static final Duration SPACE_WAIT = Duration.ofMillis(500);

  private final Core core;
  private final ReentrantLock ipfsSyncLock = new ReentrantLock();
  private volatile Cid pinCursor; // where the pinset pass resumes (feeder thread only writes)
  private volatile long lastListed = -1; // pins listed by the last completed IPFS sync

  Reconciler(Core core) {
    this.core = core;
  }

  // ---------------------------------------------------------------- requests

  void requestPinsetPass() {
    core.pinFeeder.request("pinset", this::pinsetPass);
  }

  void requestTrackedPass() {
    core.unpinFeeder.request("tracked", this::trackedPass);
  }

  void requestRetries() {
    core.pinFeeder.request("retry-pins", () -> retryPass(true));
    core.unpinFeeder.request("retry-unpins", () -> retryPass(false));
  }

  // ---------------------------------------------------------------- passes (feeder threads)

  /**
   * One full turn over the pinset, starting after where the last pass stopped: queues every pin
   * allocated here that is not known pinned, queued, or failed (a requeued failure counts as not
   * failed), waiting for room as needed; claims pins allocated here that IPFS already holds.
   */
  void pinsetPass() {
    Cid start = pinCursor;
    Cid cursor = start;
    boolean wrapped = start == null;
    while (!core.closed.get()) {
      List<Pin> chunk = readChunk(cursor);
      if (chunk.isEmpty()) {
        if (wrapped) {
          return;
        }
        wrapped = true;
        cursor = null;
        continue;
      }
      for (Pin pin : chunk) {
        if (wrapped && start != null && pin.cid().compareTo(start) > 0) {
          return;
        }
        if (!feedPin(pin)) {
          return;
        }
        cursor = pin.cid();
        pinCursor = cursor;
      }
    }
  }

  private List<Pin> readChunk(Cid after) {
    List<Pin> out = new ArrayList<>(CHUNK);
    try (CloseableIterator<Pin> it = core.state.listFrom(after)) {
      while (out.size() < CHUNK && it.hasNext()) {
        out.add(it.next());
      }
    }
    return out;
  }

  /**
   * Every known pin the cluster owns here that the pinset no longer allocates here: queued for
   * unpinning, waiting for room as needed.
   */
  void trackedPass() {
    try (CloseableIterator<KnownPin> it = core.store.pinned(null)) {
      while (it.hasNext() && !core.closed.get()) {
        KnownPin known = it.next();
        if (known.tracked() && !isWantedHere(known.cid()) && !feedUnpin(known.cid())) {
          return;
        }
      }
    }
  }

  /** Requeued failures of one kind: queued again (or dropped when no longer wanted). */
  void retryPass(boolean pins) {
    try (CloseableIterator<Failure> it = core.store.failures(null)) {
      while (it.hasNext() && !core.closed.get()) {
        Failure f = it.next();
        if (!f.requeued() || f.kind().wantsPin() != pins) {
          continue;
        }
        Optional<Pin> pin = core.state.get(f.cid());
        boolean wanted = pin.isPresent() && core.isAllocatedHere(pin.get());
        if (pins && wanted) {
          if (!feedPin(pin.get())) {
            return;
          }
        } else if (!pins && !wanted) {
          if (!feedUnpin(f.cid())) {
            return;
          }
        } else {
          dropStale(f);
        }
      }
    }
  }

  private boolean isWantedHere(Cid cid) {
    return core.state.get(cid).filter(core::isAllocatedHere).isPresent();
  }

  /** Queues a pin op for {@code listed} if it needs one; false when interrupted or closed. */
  private boolean feedPin(Pin listed) {
    while (!core.closed.get()) {
      synchronized (core.table.lock(listed.cid())) {
        if (tryFeedPin(listed)) {
          return true;
        }
      }
      if (!awaitSpace(core.table.pins, core.feederReserve())) {
        return false;
      }
    }
    return false;
  }

  /** Lock held. False when the queue is full. */
  private boolean tryFeedPin(Pin listed) {
    Cid cid = listed.cid();
    if (!core.isAllocatedHere(listed) || core.table.get(cid) != null) {
      return true;
    }
    Entry entry = core.store.get(cid);
    KnownPin known = entry.pinned().orElse(null);
    if (known != null && known.satisfies(listed.mode())) {
      claim(known, listed);
      return true;
    }
    Failure failure = entry.failure().orElse(null);
    if (failure != null && !failure.requeued()) {
      return true;
    }
    Optional<Pin> now = core.state.get(cid); // the chunk may be stale
    if (now.isEmpty() || !core.isAllocatedHere(now.get())) {
      return true;
    }
    int attempts = Core.carriedAttempts(Op.Type.PIN, entry);
    return core.queuePin(now.get(), attempts, false, core.feederReserve()) != null;
  }

  /** Lock held. Marks a pin IPFS holds for a pin allocated here as the cluster's own. */
  private void claim(KnownPin known, Pin pin) {
    if (!known.tracked() || !known.cid().equals(pin.cid())) {
      core.store.putPinned(new KnownPin(pin.cid(), known.mode(), true));
    }
  }

  /** Queues an unpin op for {@code cid} if it needs one; false when interrupted or closed. */
  private boolean feedUnpin(Cid cid) {
    while (!core.closed.get()) {
      synchronized (core.table.lock(cid)) {
        if (tryFeedUnpin(cid)) {
          return true;
        }
      }
      if (!awaitSpace(core.table.unpins, 0)) {
        return false;
      }
    }
    return false;
  }

  /** Lock held. False when the queue is full. */
  private boolean tryFeedUnpin(Cid cid) {
    if (core.table.get(cid) != null) {
      return true;
    }
    Optional<Pin> pin = core.state.get(cid);
    if (pin.isPresent() && core.isAllocatedHere(pin.get())) {
      return true;
    }
    Entry entry = core.store.get(cid);
    Failure failure = entry.failure().filter(f -> !f.kind().wantsPin()).orElse(null);
    boolean tracked = entry.pinned().map(KnownPin::tracked).orElse(false);
    if ((failure == null && !tracked) || (failure != null && !failure.requeued())) {
      return true;
    }
    Pin subject = pin.orElseGet(() -> Core.bare(cid));
    return core.queueUnpin(subject, Core.carriedAttempts(Op.Type.UNPIN, entry), false) != null;
  }

  private boolean awaitSpace(PinQueue<Op> queue, int reserve) {
    try {
      queue.awaitSpace(SPACE_WAIT, reserve);
      return !core.closed.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Forgets {@code f} when it is still the CID's failure and no op runs. */
  private void dropStale(Failure f) {
    synchronized (core.table.lock(f.cid())) {
      if (core.table.get(f.cid()) != null) {
        return;
      }
      Optional<Failure> current = core.store.get(f.cid()).failure();
      if (current.isPresent() && current.get().kind() == f.kind()) {
        core.store.removeFailure(f.cid());
      }
    }
  }

  // ---------------------------------------------------------------- IPFS sync

  /**
   * Brings the known-pinned view in line with IPFS's pin list, then marks the pins allocated here
   * that IPFS lost since the last sync as unexpectedly_unpinned and clears the failures IPFS
   * resolved. When the listing fails, no pin is dropped or marked (pins it listed may be recorded).
   * One at a time; {@code cleared} (may be null) receives at most {@link #MAX_CLEARED_REPORTED}
   * CIDs whose failure was cleared.
   */
  IpfsSyncReport ipfsSync(Collection<Cid> cleared) {
    try {
      ipfsSyncLock.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return IpfsSyncReport.abandoned(0, "interrupted while waiting for another IPFS sync");
    }
    Instant started = core.clock.instant();
    try (TrackerStore.Rebuild rebuild = core.store.beginRebuild()) {
      long listed = 0;
      try (CloseableIterator<IpfsPin> it = core.ipfs.pinLs()) {
        while (it.hasNext()) {
          if (core.closed.get() || Thread.currentThread().isInterrupted()) {
            return IpfsSyncReport.abandoned(listed, "the pin tracker is closing");
          }
          IpfsPin pin = it.next();
          rebuild.add(pin.cid(), pin.mode());
          listed++;
        }
      } catch (RuntimeException e) {
        log.warn("IPFS sync abandoned after {} pins, no pin dropped: {}", listed, e.getMessage());
        return IpfsSyncReport.abandoned(listed, String.valueOf(e.getMessage()));
      }
      long missing = markLost(rebuild);
      rebuild.commit();
      lastListed = listed;
      long resolved = clearResolved(cleared);
      log.info(
          "IPFS sync: {} pins listed, {} found missing, {} errors cleared, in {} s"
              + " (set ipfs_sync_interval well above this)",
          listed,
          missing,
          resolved,
          Duration.between(started, core.clock.instant()).toSeconds());
      return new IpfsSyncReport(true, listed, missing, resolved, "");
    } finally {
      ipfsSyncLock.unlock();
    }
  }

  /** How many pins IPFS listed in the last completed IPFS sync; empty before the first. */
  OptionalLong lastListed() {
    long n = lastListed;
    return n < 0 ? OptionalLong.empty() : OptionalLong.of(n);
  }

  private long markLost(TrackerStore.Rebuild rebuild) {
    long n = 0;
    try (CloseableIterator<KnownPin> lost = rebuild.lost()) {
      while (lost.hasNext()) {
        KnownPin known = lost.next();
        synchronized (core.table.lock(known.cid())) {
          if (markMissing(known.cid(), rebuild)) {
            n++;
          }
        }
      }
    }
    return n;
  }

  /** Lock held. */
  private boolean markMissing(Cid cid, TrackerStore.Rebuild rebuild) {
    if (core.table.get(cid) != null || rebuild.has(cid)) {
      return false;
    }
    Optional<Pin> pin = core.state.get(cid);
    if (pin.isEmpty() || !core.isAllocatedHere(pin.get())) {
      return false;
    }
    if (core.store.get(cid).failure().isPresent()) {
      return false;
    }
    core.putFailure(
        new Failure(
            pin.get().cid(),
            Failure.Kind.UNEXPECTEDLY_UNPINNED,
            Core.NOT_PINNED,
            0,
            core.clock.instant(),
            false));
    return true;
  }

  private long clearResolved(Collection<Cid> cleared) {
    long n = 0;
    try (CloseableIterator<Failure> it = core.store.failures(null)) {
      while (it.hasNext()) {
        Failure f = it.next();
        synchronized (core.table.lock(f.cid())) {
          if (core.table.get(f.cid()) == null && resolve(f.cid())) {
            n++;
            if (cleared != null && cleared.size() < MAX_CLEARED_REPORTED) {
              cleared.add(f.cid());
            }
          }
        }
      }
    }
    return n;
  }

  /** Lock held. Clears the failure of {@code cid} when the known-pinned view resolves it. */
  private boolean resolve(Cid cid) {
    Entry entry = core.store.get(cid);
    Failure failure = entry.failure().orElse(null);
    if (failure == null) {
      return false;
    }
    KnownPin known = entry.pinned().orElse(null);
    if (!failure.kind().wantsPin()) {
      if (known == null) {
        core.store.removeFailure(cid);
        return true;
      }
      return false;
    }
    Optional<Pin> pin = core.state.get(cid);
    if (pin.isPresent() && known != null && known.satisfies(pin.get().mode())) {
      core.store.removeFailure(cid);
      claim(known, pin.get());
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- recover

  /**
   * Marks {@code f} for a retry (the feeders then queue it as room frees); a failure no longer
   * relevant (its pin is gone, or is wanted the other way now) is dropped. Returns the status to
   * report, or null when nothing was requeued.
   */
  PinInfo requeue(Failure f) {
    Cid cid = f.cid();
    synchronized (core.table.lock(cid)) {
      if (core.table.get(cid) != null) {
        return null;
      }
      Failure current = core.store.get(cid).failure().orElse(null);
      if (current == null || current.requeued()) {
        return null;
      }
      Pin pin = core.state.get(cid).orElse(null);
      if (current.kind().wantsPin() != core.isAllocatedHere(pin)) {
        core.store.removeFailure(cid);
        return null;
      }
      Failure again = current.requeue();
      core.putFailure(again);
      return core.fromFailure(cid, pin, again);
    }
  }
}

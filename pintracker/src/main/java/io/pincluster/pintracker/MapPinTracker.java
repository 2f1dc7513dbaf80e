package io.pincluster.pintracker;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.ClusterException;
import io.pincluster.core.IpfsConnector;
import io.pincluster.core.IpfsException;
import io.pincluster.core.PinStateView;
import io.pincluster.core.PinTracker;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.ClusterSection;
import io.pincluster.core.config.MapTrackerSection;
import io.pincluster.core.peer.PeerId;
import io.pincluster.pintracker.Op.Phase;
import io.pincluster.pintracker.Op.Type;
import io.pincluster.pintracker.TrackerStore.Entry;
import io.pincluster.pintracker.internal.PinQueue;
import io.pincluster.pintracker.internal.Streams;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pin tracker ({@code pin_tracker.maptracker}): keeps this peer's IPFS node in line with what
 * the pinset allocates to it, and reports the local status of every CID.
 *
 * <p>Design notes.
 *
 * <ul>
 *   <li><b>Desired state</b> is the pinset ({@link PinStateView}, streamed in CID order). <b>What
 *       IPFS holds</b>, the <b>failures</b> and the pins found missing live in a local {@link
 *       TrackerStore} (RocksDB in the daemon), never on the heap. The heap holds only the queued
 *       and running operations, at most {@code max_pin_queue_size} per queue (plus the few a user
 *       is waiting on through {@link #recover}). Statuses are derived from the three (see {@link
 *       #status}); {@link #statusAll} streams the pinset and looks each CID up, with no IPFS call.
 *   <li><b>A full queue is not an error.</b> {@link #track} offers the pin to a bounded queue; when
 *       it is full the pin simply stays {@code pin_queued} (allocated here, not known pinned, no
 *       failure) and the feeder thread, which turns over the pinset in CID order and waits for
 *       room, queues it later; it leaves a tenth of the queue free, so pins committed now go ahead
 *       of the backlog it pulls. The same holds for unpins (a pin the cluster made here that is no
 *       longer wanted shows {@code unpin_queued} until its unpin runs).
 *   <li><b>Ops.</b> At most one per CID, in {@link OpTable}; a CID's op and its store records
 *       change together under the CID's stripe lock. An op of the other type cancels a queued op
 *       and interrupts a running one (the connector then cancels its HTTP call); the new op waits
 *       for the interrupted call to end before its own. A new pin of the same CID updates the op.
 *       Success records what IPFS now holds and clears the failure; failure records a {@link
 *       Failure} with the attempt count, carried over when the CID is tried again.
 *   <li><b>Ownership.</b> A pin the cluster pinned, or that IPFS holds for a pin allocated here, is
 *       <em>tracked</em>; only tracked pins are ever unpinned. A pin a user made by hand for a CID
 *       the cluster does not allocate here is left alone.
 *   <li><b>Reconciliation</b> (level-triggered, streaming): the state sync asks the feeders to turn
 *       over the pinset (queue what is missing) and the tracked pins (unpin what is no longer
 *       wanted here); the IPFS sync rebuilds the known-pinned view from {@code pin/ls} (a failure
 *       mid-listing changes nothing), marks pins allocated here that IPFS lost as {@code
 *       unexpectedly_unpinned} and clears failures IPFS resolved; recover requeues failures, which
 *       then wait for room like any pin. Expiry is not the tracker's business (one peer unpins
 *       expired pins through consensus).
 * </ul>
 *
 * <p>Threads: {@code pintracker-pin-N} (×{@code concurrent_pins}, priority queue first), {@code
 * pintracker-unpin}, {@code pintracker-feeder} (pinset and pin retries), {@code
 * pintracker-unpin-feeder} (tracked pins and unpin retries), {@code pintracker-sync} (the three
 * loops, one after another). {@link #close()} stops them in reverse order, bounded.
 */
public final class MapPinTracker implements PinTracker {
  private static final Logger log = LoggerFactory.getLogger(MapPinTracker.class);

  /** The error text of a pin IPFS lost ("unexpectedly_unpinned"), as IPFS Cluster words it. */
  public static final String NOT_PINNED = Core.NOT_PINNED;

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
  private static final int RECOVER_NUDGE_EVERY = 256;

  /** Pins whose store records {@link #statusAll} reads together: one multi-get instead of many. */
  private static final int STATUS_BATCH = 512;

  private final Core core;
  private final Reconciler reconciler;
  private final Pinner pinner;
  private final Duration stateSyncInterval;
  private final Duration ipfsSyncInterval;
  private final Duration recoverInterval;
  private final boolean scheduleLoops;
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean loopsStarted = new AtomicBoolean();
  private volatile ScheduledExecutorService scheduler;

  /**
   * A tracker for peer {@code self}. Nothing runs until {@link #start()}. Reads the failures the
   * store holds once, to count them (see {@link #statusCount}).
   *
   * @param cluster gives the loop intervals: {@code state_sync_interval}, {@code
   *     ipfs_sync_interval}, {@code pin_recover_interval}
   * @param pinTimeout how long {@link #recover(Cid)} waits for the operation it queued, and an op
   *     for an interrupted predecessor on its CID (the IPFS calls themselves are bounded by the
   *     connector)
   * @param store the local store (the daemon's RocksDB one, at {@code <data_folder>/tracker}); the
   *     caller owns it and closes it after this tracker
   */
  public MapPinTracker(
      PeerId self,
      String peername,
      MapTrackerSection config,
      ClusterSection cluster,
      Duration pinTimeout,
      PinStateView state,
      IpfsConnector ipfs,
      TrackerStore store,
      InstantSource clock) {
    this(
        self,
        peername,
        config,
        cluster.stateSyncInterval(),
        cluster.ipfsSyncInterval(),
        cluster.pinRecoverInterval(),
        pinTimeout,
        state,
        ipfs,
        store,
        clock,
        true);
  }

  /**
   * {@code scheduleLoops} false: {@link #startLoops()} runs no loop; tests call the run methods.
   */
  MapPinTracker(
      PeerId self,
      String peername,
      MapTrackerSection config,
      Duration stateSyncInterval,
      Duration ipfsSyncInterval,
      Duration recoverInterval,
      Duration pinTimeout,
      PinStateView state,
      IpfsConnector ipfs,
      TrackerStore store,
      InstantSource clock,
      boolean scheduleLoops) {
    requirePositive("pin timeout", pinTimeout);
    requirePositive("state_sync_interval", stateSyncInterval);
    requirePositive("ipfs_sync_interval", ipfsSyncInterval);
    requirePositive("pin_recover_interval", recoverInterval);
    this.core =
        new Core(
            Objects.requireNonNull(self, "self"),
            peername == null ? "" : peername,
            Objects.requireNonNull(config, "config"),
            pinTimeout,
            Objects.requireNonNull(state, "state"),
            Objects.requireNonNull(ipfs, "ipfs"),
            Objects.requireNonNull(store, "store"),
            Objects.requireNonNull(clock, "clock"));
    this.reconciler = new Reconciler(core);
    this.pinner = new Pinner(ipfs);
    this.stateSyncInterval = stateSyncInterval;
    this.ipfsSyncInterval = ipfsSyncInterval;
    this.recoverInterval = recoverInterval;
    this.scheduleLoops = scheduleLoops;
  }

  private static void requirePositive(String what, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be > 0: " + d);
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Starts the workers and the feeders, which take the pinset's changes from then on; the loops
   * wait for {@link #startLoops()}. Idempotent.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  public void start() {
    if (core.closed.get()) {
      throw new IllegalStateException("the pin tracker is closed");
    }
    if (!started.compareAndSet(false, true)) {
      return;
    }
    for (int i = 0; i < core.config.concurrentPins(); i++) {
      workers.add(startThread("pintracker-pin-" + i, core.table.pins));
    }
    workers.add(startThread("pintracker-unpin", core.table.unpins));
    core.pinFeeder.start();
    core.unpinFeeder.start();
  }

  /**
   * Starts the loops: right away one IPFS sync, state sync and recover (in that order, so what IPFS
   * already holds is known before anything is queued), then each on its own interval. The daemon
   * calls it once it serves: the first syncs read the whole pinset and IPFS's pin list, which at
   * millions of pins takes the CPU its start needs. Idempotent; nothing to do when built without
   * loops.
   *
   * @throws IllegalStateException before {@link #start()} or after {@link #close()}
   */
  public void startLoops() {
    if (core.closed.get()) {
      throw new IllegalStateException("the pin tracker is closed");
    }
    if (!started.get()) {
      throw new IllegalStateException("start the pin tracker before its loops");
    }
    if (!loopsStarted.compareAndSet(false, true)) {
      return;
    }
    if (scheduleLoops) {
      ScheduledExecutorService s =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "pintracker-sync");
                t.setDaemon(true);
                return t;
              });
      scheduler = s;
      // Three tasks, not one: whatever one of them throws, the others still run.
      s.execute(() -> loop("IPFS sync", this::runIpfsSync));
      s.execute(() -> loop("state sync", this::runStateSync));
      s.execute(() -> loop("recover", this::runRecover));
      every(s, stateSyncInterval, "state sync", this::runStateSync);
      every(s, ipfsSyncInterval, "IPFS sync", this::runIpfsSync);
      every(s, recoverInterval, "recover", this::runRecover);
      if (core.closed.get()) {
        s.shutdownNow(); // closed meanwhile, maybe before close() saw the scheduler
      }
    }
  }

  private Thread startThread(String name, PinQueue<Op> queue) {
    Thread t = new Thread(new Worker(core, queue, pinner, reconciler), name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void every(
      ScheduledExecutorService s, Duration interval, String what, Runnable task) {
    long ms = interval.toMillis();
    s.scheduleWithFixedDelay(() -> loop(what, task), ms, ms, TimeUnit.MILLISECONDS);
  }

  private static void loop(String what, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.warn("pin tracker {} failed: {}", what, e.toString());
    }
  }

  /**
   * Stops the loops, the feeders and the workers (interrupting IPFS calls in flight, which are not
   * recorded as errors), waiting at most 10 s in all and logging what did not stop. Wakes callers
   * waiting in {@link #recover}. Does not close the store or the connector. Idempotent.
   */
  @Override
  public void close() {
    if (!core.closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
    ScheduledExecutorService s = scheduler;
    if (s != null) {
      s.shutdownNow();
    }
    core.pinFeeder.close(remaining(deadline));
    core.unpinFeeder.close(remaining(deadline));
    workers.forEach(Thread::interrupt);
    for (Thread t : workers) {
      join(t, deadline);
    }
    if (s != null) {
      try {
        if (!s.awaitTermination(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn("pintracker-sync did not stop within {}", CLOSE_TIMEOUT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    core.table.settleAll();
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
  }

  private static void join(Thread t, long deadline) {
    try {
      t.join(remaining(deadline).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      log.warn("pin tracker thread {} did not stop within {}", t.getName(), CLOSE_TIMEOUT);
    }
  }

  // ---------------------------------------------------------------- track / untrack

  /**
   * {@code pin} was committed. Allocated here: queued for pinning (a same-CID unpin is cancelled; a
   * queued or running pin is updated); when the queue is full it stays {@code pin_queued} and the
   * feeder queues it later. Not allocated here: as {@link #untrack}. Never blocks, never throws.
   */
  @Override
  public void track(Pin pin) {
    if (core.closed.get()) {
      return;
    }
    if (!core.isAllocatedHere(pin)) {
      untrack(pin);
      return;
    }
    boolean queued;
    try {
      synchronized (core.table.lock(pin.cid())) {
        queued = trackLocked(pin);
      }
    } catch (RuntimeException e) {
      log.error("cannot track {}: {}", pin.cid(), e.toString());
      queued = false;
    }
    if (!queued) {
      reconciler.requestPinsetPass();
    }
  }

  /** Lock held. False when the queue was full. */
  private boolean trackLocked(Pin pin) {
    Op op = core.table.get(pin.cid());
    if (op != null && op.type == Type.PIN) {
      if (op.phase == Phase.RUNNING && op.differsForIpfs(pin)) {
        op.rerun = true;
      }
      op.pin = pin;
      return true;
    }
    if (op != null) {
      core.table.cancel(op);
    }
    long failureWrites = core.table.failureWrites(pin.cid()); // before the entry is read
    Entry entry = core.store.get(pin.cid());
    Op queued = core.queuePin(pin, Core.carriedAttempts(Type.PIN, entry), false);
    if (queued != null) {
      // the shared empty entry: a queue of new pins then holds no entry object a pin
      queued.entryAtQueue = entry.equals(Entry.EMPTY) ? Entry.EMPTY : entry;
      queued.failureWritesAtQueue = failureWrites;
      return true;
    }
    // Committing a pin again retries it, whether it waits for room or had failed.
    entry
        .failure()
        .filter(f -> f.kind().wantsPin() && !f.requeued())
        .ifPresent(f -> core.putFailure(f.requeue()));
    return false;
  }

  /**
   * {@code pin} was removed from the pinset, or is no longer allocated here: a pin op of it is
   * cancelled, its pin failures forgotten, and if the cluster pinned it here it is queued for
   * unpinning (when the queue is full, the unpin feeder finds it later). Never blocks or throws.
   */
  @Override
  public void untrack(Pin pin) {
    if (core.closed.get()) {
      return;
    }
    boolean queued;
    try {
      synchronized (core.table.lock(pin.cid())) {
        queued = untrackLocked(pin);
      }
    } catch (RuntimeException e) {
      log.error("cannot untrack {}: {}", pin.cid(), e.toString());
      queued = false;
    }
    if (!queued) {
      reconciler.requestTrackedPass();
    }
  }

  /** Lock held. False when the queue was full. */
  private boolean untrackLocked(Pin pin) {
    Op op = core.table.get(pin.cid());
    if (op != null && op.type == Type.UNPIN) {
      op.pin = pin;
      return true;
    }
    boolean wasRunning = op != null && op.phase == Phase.RUNNING;
    if (op != null) {
      core.table.cancel(op);
    }
    Entry entry = core.store.get(pin.cid());
    if (entry.failure().filter(f -> f.kind().wantsPin()).isPresent()) {
      core.store.removeFailure(pin.cid());
    }
    boolean tracked = entry.pinned().map(KnownPin::tracked).orElse(false);
    if (!tracked && !wasRunning) {
      return true;
    }
    return core.queueUnpin(pin, Core.carriedAttempts(Type.UNPIN, entry), false) != null;
  }

  // ---------------------------------------------------------------- status

  /**
   * The status of {@code cid}: its op if one is queued or running; else derived from the pinset and
   * the store, and for a pin allocated here with no failure confirmed by a live {@code pin/ls}
   * (known pinned but gone → unexpectedly_unpinned; not processed yet but already in IPFS →
   * pinned). A store or IPFS failure is a cluster_error.
   */
  @Override
  public PinInfo status(Cid cid) {
    Op.View op = core.opView(cid);
    if (op != null) {
      return core.derive(cid, op, null, Entry.EMPTY);
    }
    Pin pin = null;
    PinInfo derived;
    try {
      pin = core.state.get(cid).orElse(null);
      derived = core.derive(cid, null, pin, core.store.get(cid));
    } catch (RuntimeException e) {
      return core.clusterError(cid, pin, e);
    }
    TrackerStatus s = derived.status();
    if (!core.isAllocatedHere(pin)
        || (s != TrackerStatus.PINNED && s != TrackerStatus.PIN_QUEUED)) {
      return derived;
    }
    try {
      Optional<PinMode> live = core.ipfs.pinStatus(cid);
      if (live.isPresent() && new KnownPin(cid, live.get(), true).satisfies(pin.mode())) {
        return core.info(cid, pin, TrackerStatus.PINNED, core.clock.instant(), "", 0, false);
      }
      if (s == TrackerStatus.PINNED) {
        return core.info(
            cid,
            pin,
            TrackerStatus.UNEXPECTEDLY_UNPINNED,
            core.clock.instant(),
            NOT_PINNED,
            0,
            false);
      }
      return derived;
    } catch (ClusterException e) {
      return core.clusterError(cid, pin, e);
    }
  }

  /**
   * The status of every pin in the pinset, in CID order, streamed from the pinset with one store
   * read per {@value #STATUS_BATCH} pins and no IPFS call. The caller closes it.
   */
  @Override
  public CloseableIterator<PinInfo> statusAll() {
    return Streams.inBatches(core.state.list(), STATUS_BATCH, core::deriveAll);
  }

  /** The status of {@code cid} from the pinset and the store only (no IPFS call). */
  private PinInfo knownStatus(Cid cid) {
    Op.View op = core.opView(cid);
    if (op != null) {
      return core.derive(cid, op, null, Entry.EMPTY);
    }
    Pin pin = null;
    try {
      pin = core.state.get(cid).orElse(null);
      return core.derive(cid, null, pin, core.store.get(cid));
    } catch (RuntimeException e) {
      return core.clusterError(cid, pin, e);
    }
  }

  // ---------------------------------------------------------------- recover and sync

  /**
   * When {@code cid} is pin_error or unexpectedly_unpinned (still allocated here), or unpin_error,
   * queues its operation at the head of its queue and waits up to the pin timeout for it; returns
   * the resulting status (still pinning when it took longer). Other statuses are returned as they
   * are.
   */
  @Override
  public PinInfo recover(Cid cid) {
    PinInfo current = status(cid);
    TrackerStatus s = current.status();
    boolean wantsPin = s == TrackerStatus.PIN_ERROR || s == TrackerStatus.UNEXPECTEDLY_UNPINNED;
    if (!wantsPin && s != TrackerStatus.UNPIN_ERROR) {
      return current;
    }
    Op op;
    try {
      synchronized (core.table.lock(cid)) {
        op = core.table.get(cid);
        if (op == null) {
          op = wantsPin ? forcePin(cid) : forceUnpin(cid);
        }
      }
    } catch (RuntimeException e) {
      return core.clusterError(cid, null, e);
    }
    if (op == null) {
      return status(cid);
    }
    try {
      op.settled.get(core.opTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      log.info("recover {}: not done within {}", cid, core.opTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return status(cid);
  }

  /** Lock held. */
  private Op forcePin(Cid cid) {
    Optional<Pin> pin = core.state.get(cid);
    if (pin.isEmpty() || !core.isAllocatedHere(pin.get())) {
      return null;
    }
    Entry entry = core.store.get(cid);
    return core.queuePin(pin.get(), Core.carriedAttempts(Type.PIN, entry), true);
  }

  /** Lock held. */
  private Op forceUnpin(Cid cid) {
    Optional<Pin> pin = core.state.get(cid);
    if (pin.isPresent() && core.isAllocatedHere(pin.get())) {
      return null;
    }
    Entry entry = core.store.get(cid);
    Pin subject = pin.orElseGet(() -> Core.bare(cid));
    return core.queueUnpin(subject, Core.carriedAttempts(Type.UNPIN, entry), true);
  }

  /**
   * Requeues every failure still relevant (pin_error, unexpectedly_unpinned, unpin_error; stale
   * ones are dropped), lazily as the stream is read; streams each one's new status (pin_queued or
   * unpin_queued). The feeders queue them as room frees. The caller closes it.
   */
  @Override
  public CloseableIterator<PinInfo> recoverAll() {
    CloseableIterator<PinInfo> requeued =
        core.store.failures(null).map(reconciler::requeue).filter(Objects::nonNull);
    return Streams.onProgress(requeued, RECOVER_NUDGE_EVERY, reconciler::requestRetries);
  }

  /**
   * Checks {@code cid} against IPFS now: pinned there → known pinned (a pin failure cleared); not
   * pinned → forgotten as pinned (a pin allocated here that was known pinned becomes
   * unexpectedly_unpinned; an unpin failure is cleared). Returns the resulting status; an IPFS
   * failure is a cluster_error.
   */
  @Override
  public PinInfo sync(Cid cid) {
    Optional<PinMode> live;
    try {
      live = core.ipfs.pinStatus(cid);
    } catch (ClusterException e) {
      return core.clusterError(cid, core.state.get(cid).orElse(null), e);
    }
    try {
      synchronized (core.table.lock(cid)) {
        syncLocked(cid, live);
      }
    } catch (RuntimeException e) {
      return core.clusterError(cid, null, e);
    }
    return knownStatus(cid);
  }

  /** Lock held. */
  private void syncLocked(Cid cid, Optional<PinMode> live) {
    Entry entry = core.store.get(cid);
    Pin pin = core.state.get(cid).orElse(null);
    boolean allocated = core.isAllocatedHere(pin);
    KnownPin known = entry.pinned().orElse(null);
    Failure failure = entry.failure().orElse(null);
    boolean idle = core.table.get(cid) == null;
    if (live.isPresent()) {
      Cid name = allocated ? pin.cid() : known != null ? known.cid() : cid;
      KnownPin now =
          new KnownPin(name, live.get(), allocated || (known != null && known.tracked()));
      core.store.putPinned(now);
      boolean resolved = !allocated || now.satisfies(pin.mode());
      if (idle && failure != null && failure.kind().wantsPin() && resolved) {
        core.store.removeFailure(cid);
      }
      return;
    }
    if (known != null) {
      core.store.removePinned(cid);
    }
    if (idle && failure != null && !failure.kind().wantsPin()) {
      core.store.removeFailure(cid);
    } else if (idle && allocated && known != null && failure == null) {
      core.putFailure(
          new Failure(
              pin.cid(),
              Failure.Kind.UNEXPECTEDLY_UNPINNED,
              NOT_PINNED,
              0,
              core.clock.instant(),
              false));
    }
  }

  /**
   * Runs an IPFS sync now (see {@link #runIpfsSync}); streams the statuses it cleared (at most
   * 10,000 of them), then every CID still in error. The caller closes it.
   *
   * @throws IpfsException when IPFS failed mid-listing (nothing was changed)
   */
  @Override
  public CloseableIterator<PinInfo> syncAll() {
    List<Cid> cleared = new ArrayList<>();
    IpfsSyncReport report = reconciler.ipfsSync(cleared);
    if (!report.completed()) {
      throw new IpfsException("IPFS sync failed, nothing was changed: " + report.error());
    }
    CloseableIterator<PinInfo> changed = CloseableIterator.of(cleared).map(this::knownStatus);
    CloseableIterator<PinInfo> errors = core.store.failures(null).map(f -> knownStatus(f.cid()));
    return Streams.concat(changed, errors);
  }

  // ---------------------------------------------------------------- loops

  /**
   * The state sync: asks the feeder to turn over the pinset (queue what is allocated here and not
   * pinned) and the unpin feeder to turn over the tracked pins (unpin what is no longer in the
   * pinset or no longer allocated here). Returns at once; the passes run on the feeder threads.
   */
  public void runStateSync() {
    reconciler.requestPinsetPass();
    reconciler.requestTrackedPass();
  }

  /**
   * The IPFS sync, on the calling thread: streams {@code pin/ls} into a new known-pinned view; if
   * IPFS fails mid-listing nothing changes; else the view replaces the old one, pins allocated here
   * that IPFS lost become unexpectedly_unpinned, and failures IPFS resolved are cleared. Runs one
   * at a time.
   */
  public IpfsSyncReport runIpfsSync() {
    return reconciler.ipfsSync(null);
  }

  /**
   * The recover loop: requeues every relevant failure (see {@link #recoverAll}); returns how many.
   */
  public long runRecover() {
    long n = 0;
    try (CloseableIterator<PinInfo> it = recoverAll()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    if (n > 0) {
      log.info("recover: {} CIDs requeued", n);
    }
    return n;
  }

  // ---------------------------------------------------------------- introspection

  /** The number of operations queued or running (for tests and metrics). */
  public int operationCount() {
    return core.table.size();
  }

  /** The number of pin operations waiting in the pin queues (for metrics). */
  public int queuedPins() {
    return core.table.pins.size();
  }

  /** The statuses {@link #statusCount} and {@link #statusCounts} count. */
  public static final Set<TrackerStatus> COUNTED_STATUSES =
      Collections.unmodifiableSet(
          EnumSet.of(
              TrackerStatus.PIN_QUEUED,
              TrackerStatus.PINNING,
              TrackerStatus.UNPIN_QUEUED,
              TrackerStatus.UNPINNING,
              TrackerStatus.PIN_ERROR,
              TrackerStatus.UNPIN_ERROR,
              TrackerStatus.UNEXPECTEDLY_UNPINNED));

  /**
   * What this tracker holds in one status, counted as it changes (O(1), no store or pinset read;
   * for metrics). Not a census of {@link #statusAll()}:
   *
   * <ul>
   *   <li>{@code pin_queued}, {@code pinning}, {@code unpin_queued}, {@code unpinning}: operations
   *       in the queues or running. A pin waiting for queue room (the feeder has not taken it yet)
   *       shows {@code pin_queued} in {@link #status} but is not counted;
   *   <li>{@code pin_error}, {@code unpin_error}, {@code unexpectedly_unpinned}: CIDs with such an
   *       unresolved failure in the store, including failures left by an earlier run. A failure
   *       stays counted while its retry is queued or running, until the retry succeeds or the CID
   *       is no longer wanted that way.
   * </ul>
   *
   * @throws IllegalArgumentException for a status not in {@link #COUNTED_STATUSES}
   */
  public long statusCount(TrackerStatus status) {
    return switch (status) {
      case PIN_QUEUED -> core.table.count(Type.PIN, Phase.QUEUED);
      case PINNING -> core.table.count(Type.PIN, Phase.RUNNING);
      case UNPIN_QUEUED -> core.table.count(Type.UNPIN, Phase.QUEUED);
      case UNPINNING -> core.table.count(Type.UNPIN, Phase.RUNNING);
      case PIN_ERROR -> core.store.failureCount(Failure.Kind.PIN_ERROR);
      case UNPIN_ERROR -> core.store.failureCount(Failure.Kind.UNPIN_ERROR);
      case UNEXPECTEDLY_UNPINNED -> core.store.failureCount(Failure.Kind.UNEXPECTEDLY_UNPINNED);
      default ->
          throw new IllegalArgumentException(
              "the tracker does not count " + status.wire() + ": only " + COUNTED_STATUSES);
    };
  }

  /** {@link #statusCount} of every status in {@link #COUNTED_STATUSES}; unmodifiable. */
  public Map<TrackerStatus, Long> statusCounts() {
    Map<TrackerStatus, Long> out = new EnumMap<>(TrackerStatus.class);
    COUNTED_STATUSES.forEach(s -> out.put(s, statusCount(s)));
    return Collections.unmodifiableMap(out);
  }

  /**
   * The {@code pin/add} and {@code pin/update} calls this tracker made to IPFS since it was created
   * (pins IPFS already held are not pinned again, so not counted).
   */
  public long pinCalls() {
    return pinner.pinCalls();
  }

  /** The calls counted by {@link #pinCalls()} that failed; cancelled ones are not failures. */
  public long pinCallErrors() {
    return pinner.pinCallErrors();
  }

  /**
   * How many pins IPFS listed in the last completed IPFS sync ({@code pin/ls}); empty before the
   * first one completed.
   */
  public OptionalLong ipfsPinCount() {
    return reconciler.lastListed();
  }

  /**
   * True when neither feeder has a pass pending or running: no state sync (pinset or tracked-pin
   * pass) and no retry pass is under way.
   */
  public boolean feedersIdle() {
    return core.pinFeeder.idle() && core.unpinFeeder.idle();
  }
}

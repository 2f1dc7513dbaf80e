package io.pincluster.pintracker;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.ClusterException;
import io.pincluster.core.IpfsConnector;
import io.pincluster.core.PinStateView;
import io.pincluster.core.PinTracker;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.MapTrackerSection;
import io.pincluster.core.peer.PeerId;
import io.pincluster.pintracker.internal.Operation;
import io.pincluster.pintracker.internal.Operation.Phase;
import io.pincluster.pintracker.internal.Operation.Type;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pin tracker: keeps this peer's IPFS node in line with what the pinset allocates to it.
 *
 * <p>Design notes. Operations live in a map keyed by CID (at most one per CID); the pin and unpin
 * queues only carry CIDs, so a newer operation simply replaces the older one in the map and the
 * worker that later takes the CID acts on whatever is current. A worker moves an operation to a new
 * phase with a compare-and-set on the map, so it never overwrites an operation that replaced it.
 * {@code concurrent_pins} workers take pins; one worker takes unpins. Both queues are bounded by
 * {@code max_pin_queue_size}; a CID that finds its queue full is marked with an error (it is
 * retried by recover/reconciliation, and nothing is lost from the pinset). A successful operation
 * is removed from the map: from then on the status is derived from the pinset and IPFS itself.
 *
 * <p>Threads: {@code pintracker-pin-N} ×concurrent_pins, {@code pintracker-unpin}.
 */
public final class MapPinTracker implements PinTracker {
  private static final Logger log = LoggerFactory.getLogger(MapPinTracker.class);
  static final String QUEUE_FULL =
      "pin/unpin operation queue is full. Try increasing max_pin_queue_size";
  static final String NOT_PINNED = "the item should be pinned but it is not";

  private final PeerId self;
  private final String peername;
  private final MapTrackerSection config;
  private final PinStateView state;
  private final IpfsConnector ipfs;
  private final InstantSource clock;
  private final Map<Cid, Operation> ops = new ConcurrentHashMap<>();
  private final BlockingQueue<Cid> pinQueue;
  private final BlockingQueue<Cid> unpinQueue;
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  public MapPinTracker(
      PeerId self,
      String peername,
      MapTrackerSection config,
      PinStateView state,
      IpfsConnector ipfs,
      InstantSource clock) {
    this.self = self;
    this.peername = peername;
    this.config = config;
    this.state = state;
    this.ipfs = ipfs;
    this.clock = clock;
    this.pinQueue = new ArrayBlockingQueue<>(config.maxPinQueueSize());
    this.unpinQueue = new ArrayBlockingQueue<>(config.maxPinQueueSize());
  }

  /**
   * Starts the workers and queues every pin of the pinset allocated here (a pin already in IPFS
   * costs one {@code pin/ls}). Idempotent.
   */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    for (int i = 0; i < config.concurrentPins(); i++) {
      workers.add(startWorker("pintracker-pin-" + i, pinQueue));
    }
    workers.add(startWorker("pintracker-unpin", unpinQueue));
    try (CloseableIterator<Pin> pins = state.list()) {
      while (pins.hasNext()) {
        Pin pin = pins.next();
        if (pin.isAllocatedTo(self)) {
          enqueue(Type.PIN, pin);
        }
      }
    }
  }

  @Override
  public void track(Pin pin) {
    if (pin.isAllocatedTo(self)) {
      enqueue(Type.PIN, pin);
    } else {
      Operation op = ops.get(pin.cid());
      if (op != null && op.type() == Type.PIN) {
        // No longer ours: whatever was started locally is undone.
        enqueue(Type.UNPIN, pin);
      }
    }
  }

  @Override
  public void untrack(Pin pin) {
    if (pin.isAllocatedTo(self) || ops.containsKey(pin.cid())) {
      enqueue(Type.UNPIN, pin);
    }
  }

  @Override
  public PinInfo status(Cid cid) {
    Operation op = ops.get(cid);
    if (op != null) {
      return info(cid, op.pin(), op.status(), op.timestamp(), op.error(), op.attempts());
    }
    Optional<Pin> pin = state.get(cid);
    return pin.map(this::statusFromIpfs)
        .orElseGet(() -> info(cid, null, TrackerStatus.UNPINNED, clock.instant(), "", 0));
  }

  @Override
  public CloseableIterator<PinInfo> statusAll() {
    return state.list().map(pin -> status(pin.cid()));
  }

  /** The number of operations queued, running or failed (for tests and metrics). */
  public int operationCount() {
    return ops.size();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    workers.forEach(Thread::interrupt);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    for (Thread t : workers) {
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      if (t.isAlive()) {
        log.warn("pin tracker worker {} did not stop within 5s", t.getName());
      }
    }
  }

  private PinInfo statusFromIpfs(Pin pin) {
    if (!pin.isAllocatedTo(self)) {
      return info(pin.cid(), pin, TrackerStatus.REMOTE, clock.instant(), "", 0);
    }
    try {
      Optional<PinMode> mode = ipfs.pinStatus(pin.cid());
      boolean satisfied =
          mode.isPresent() && (mode.get() == PinMode.RECURSIVE || pin.mode() == PinMode.DIRECT);
      return satisfied
          ? info(pin.cid(), pin, TrackerStatus.PINNED, clock.instant(), "", 0)
          : info(
              pin.cid(), pin, TrackerStatus.UNEXPECTEDLY_UNPINNED, clock.instant(), NOT_PINNED, 0);
    } catch (ClusterException e) {
      return info(pin.cid(), pin, TrackerStatus.CLUSTER_ERROR, clock.instant(), e.getMessage(), 0);
    }
  }

  private PinInfo info(
      Cid cid, Pin pin, TrackerStatus status, java.time.Instant ts, String error, int attempts) {
    return PinInfo.of(cid, pin, self, peername, status, ts, error, attempts);
  }

  private void enqueue(Type type, Pin pin) {
    Operation previous = ops.get(pin.cid());
    int attempts = previous != null && previous.type() == type ? previous.attempts() : 0;
    if (previous != null
        && previous.type() == type
        && previous.phase() != Phase.ERROR
        && previous.pin().equals(pin)) {
      return; // already queued or running with the same pin
    }
    Operation op = Operation.queued(type, pin, clock.instant(), attempts);
    ops.put(pin.cid(), op);
    BlockingQueue<Cid> queue = type == Type.PIN ? pinQueue : unpinQueue;
    if (!queue.offer(pin.cid())) {
      ops.replace(pin.cid(), op, op.failed(clock.instant(), QUEUE_FULL));
      log.warn("{} queue full ({} items): {} marked {}", type, queue.size(), pin.cid(), QUEUE_FULL);
    }
  }

  private Thread startWorker(String name, BlockingQueue<Cid> queue) {
    Thread t = new Thread(() -> work(queue), name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void work(BlockingQueue<Cid> queue) {
    while (!closed.get()) {
      Cid cid;
      try {
        cid = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      Operation op = ops.get(cid);
      if (op == null || op.phase() != Phase.QUEUED) {
        continue;
      }
      boolean isPinQueue = queue == pinQueue;
      if ((op.type() == Type.PIN) != isPinQueue) {
        continue; // replaced by an operation of the other type; its own queue handles it
      }
      Operation running = op.inProgress(clock.instant());
      if (!ops.replace(cid, op, running)) {
        continue;
      }
      run(cid, running);
    }
  }

  private void run(Cid cid, Operation op) {
    try {
      if (op.type() == Type.PIN) {
        Optional<PinMode> current = ipfs.pinStatus(cid);
        boolean done =
            current.isPresent()
                && (current.get() == PinMode.RECURSIVE || op.pin().mode() == PinMode.DIRECT);
        if (!done) {
          ipfs.pin(cid, op.pin().mode());
        }
      } else {
        ipfs.unpin(cid);
      }
      ops.remove(cid, op);
    } catch (ClusterException e) {
      log.warn("{} of {} failed (attempt {}): {}", op.type(), cid, op.attempts(), e.getMessage());
      ops.replace(cid, op, op.failed(clock.instant(), e.getMessage()));
    } catch (RuntimeException e) {
      log.error("{} of {} failed unexpectedly", op.type(), cid, e);
      ops.replace(cid, op, op.failed(clock.instant(), String.valueOf(e)));
    }
  }
}

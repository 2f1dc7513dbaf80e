package io.pincluster.service.cluster;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.ClusterException;
import io.pincluster.core.Consensus;
import io.pincluster.core.PeerMonitor;
import io.pincluster.core.api.Alert;
import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.PeerId;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic re-pinning after peer failures (reference §5 {@code repinFromPeer}, with the storms and
 * the leader dependency of IPFS Cluster removed).
 *
 * <p>Every {@code check} ({@code monitor.monbasic.check_interval}) this peer looks at the members'
 * health as its monitor sees it (a fresh {@code ping}). A member unhealthy for {@code
 * cluster.repin_grace_period} is <em>failed</em>. When the set of failed members changes (or the
 * previous pass could not finish) one pass streams the pinset: a pin allocated to a failed member
 * whose healthy allocations are fewer than its {@code replication_factor_min} is re-allocated with
 * every unhealthy member excluded (its healthy allocations kept, new peers added up to max) — but
 * only by its <em>actor</em>, the healthy member closest to the CID by XOR distance, so the work is
 * spread over the survivors and needs no particular leader. Pins still at or above min are not
 * touched; a member that comes back within the grace period causes no movement. Commits are
 * conditional ({@link Consensus#commitReallocation}): a pin removed or changed meanwhile is left
 * alone. At most {@code cluster.repin_max_in_flight} commits are in flight. Without a Raft majority
 * nothing can be committed: the pass logs why and is retried at the next check.
 *
 * <p>{@link #vacate} does the same for a peer being removed ({@code peers rm}), for every pin and
 * on this peer, dropping the peer from the allocations.
 *
 * <p>Runs on the caller's thread ({@link #check()} is driven by the daemon's scheduler); not
 * reentrant.
 */
public final class Repinner {
  private static final Logger log = LoggerFactory.getLogger(Repinner.class);

  private final PeerId self;
  private final Consensus consensus;
  private final PeerMonitor monitor;
  private final Cluster cluster;
  private final boolean disabled;
  private final Duration grace;
  private final int maxInFlight;
  private final Duration commitTimeout;
  private final InstantSource clock;
  private final Map<PeerId, Instant> unhealthySince = new HashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private Set<PeerId> handled = Set.of();

  /**
   * @param disabled {@code cluster.disable_repinning}: failures are still noticed and alerted, but
   *     nothing moves
   * @param commitTimeout how long one pass waits for its last commits
   */
  public Repinner(
      PeerId self,
      Consensus consensus,
      PeerMonitor monitor,
      Cluster cluster,
      boolean disabled,
      Duration grace,
      int maxInFlight,
      Duration commitTimeout,
      InstantSource clock) {
    this.self = self;
    this.consensus = consensus;
    this.monitor = monitor;
    this.cluster = cluster;
    this.disabled = disabled;
    this.grace = grace;
    this.maxInFlight = maxInFlight;
    this.commitTimeout = commitTimeout;
    this.clock = clock;
  }

  /** Logs ping alerts as they are raised (called on the monitor's thread; never blocks). */
  public void onAlert(Alert alert) {
    if ("ping".equals(alert.name())) {
      log.warn(
          "peer {} stopped answering (ping expired){}",
          alert.peer(),
          disabled
              ? "; re-pinning is disabled (cluster.disable_repinning)"
              : "; its pins move if it is not back within " + grace);
    }
  }

  /** One check: notes who is unhealthy and re-allocates when the failed set changed. */
  public void check() {
    if (closed.get()) {
      return;
    }
    List<PeerId> members = consensus.members();
    Instant now = clock.instant();
    unhealthySince.keySet().retainAll(members);
    Set<PeerId> unhealthy = new HashSet<>();
    for (PeerId p : members) {
      if (monitor.isHealthy(p)) {
        unhealthySince.remove(p);
      } else {
        unhealthy.add(p);
        unhealthySince.putIfAbsent(p, now);
      }
    }
    Set<PeerId> failed = new HashSet<>();
    unhealthySince.forEach(
        (p, since) -> {
          if (!since.plus(grace).isAfter(now)) {
            failed.add(p);
          }
        });
    if (disabled || failed.isEmpty() || unhealthy.contains(self)) {
      handled = Set.copyOf(failed);
      return;
    }
    if (failed.equals(handled)) {
      return;
    }
    List<PeerId> healthy = members.stream().filter(p -> !unhealthy.contains(p)).sorted().toList();
    log.info("re-allocating the pins of failed peers {} (healthy: {})", failed, healthy.size());
    if (pass(failed, unhealthy, healthy, false)) {
      handled = Set.copyOf(failed);
    }
  }

  /**
   * Re-allocates every pin allocated to {@code peer} before it is removed: the peer is dropped from
   * the allocations and replaced where the remaining ones fall below min. Runs on the calling
   * thread.
   *
   * @return true when every such pin was re-allocated (or needed nothing)
   */
  public boolean vacate(PeerId peer) {
    List<PeerId> members = consensus.members();
    Set<PeerId> excluded = new HashSet<>(Set.of(peer));
    members.stream().filter(p -> !monitor.isHealthy(p)).forEach(excluded::add);
    List<PeerId> healthy = members.stream().filter(p -> !excluded.contains(p)).sorted().toList();
    log.info("re-allocating the pins of {} before it is removed", peer);
    return pass(Set.of(peer), excluded, healthy, true);
  }

  /**
   * One pass over the pinset.
   *
   * @param allPins true: act on every pin (vacate), false: only on those this peer is the actor of
   * @return true when every pin that needed it was re-allocated
   */
  private boolean pass(
      Set<PeerId> failed, Set<PeerId> excluded, List<PeerId> healthy, boolean allPins) {
    Semaphore slots = new Semaphore(maxInFlight);
    AtomicInteger moved = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    AtomicBoolean complete = new AtomicBoolean(true);
    try (CloseableIterator<Pin> pins = consensus.state().list()) {
      while (pins.hasNext() && !closed.get()) {
        Pin pin = pins.next();
        if (!needsMoving(pin, failed, excluded, allPins)) {
          continue;
        }
        if (!allPins && !self.equals(actor(pin.cid(), healthy))) {
          continue;
        }
        Pin target;
        try {
          target = cluster.reallocate(pin, excluded);
        } catch (ClusterException e) {
          complete.set(false);
          if (failures.getAndIncrement() == 0) {
            log.warn("cannot re-allocate {}: {}", pin.cid(), e.getMessage());
          }
          continue;
        }
        if (target.allocations().equals(pin.allocations())) {
          continue;
        }
        slots.acquire();
        CompletableFuture<Boolean> commit = cluster.commitReallocation(pin, target);
        commit.whenComplete(
            (applied, error) -> {
              slots.release();
              if (error != null) {
                complete.set(false);
                if (failures.getAndIncrement() == 0) {
                  log.warn("re-allocation of {} not committed: {}", pin.cid(), rootMessage(error));
                }
              } else if (applied) {
                moved.incrementAndGet();
              }
            });
      }
      if (!slots.tryAcquire(maxInFlight, commitTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        complete.set(false);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (RuntimeException e) {
      log.warn("re-allocation pass stopped: {}", e.toString());
      return false;
    }
    log.info(
        "re-allocation pass done: {} pins moved, {} failures{}",
        moved.get(),
        failures.get(),
        complete.get() ? "" : " (retried at the next check)");
    return complete.get() && !closed.get();
  }

  /**
   * True when {@code pin} is allocated to a failed peer and, for a failure, fewer than its minimum
   * of its allocations are healthy ({@code allPins}: whenever it is allocated to the peer).
   */
  static boolean needsMoving(Pin pin, Set<PeerId> failed, Set<PeerId> excluded, boolean allPins) {
    if (pin.replicationFactorMin() == -1 || pin.allocations().isEmpty()) {
      return false; // pinned everywhere: nothing to move
    }
    if (pin.allocations().stream().noneMatch(failed::contains)) {
      return false;
    }
    if (allPins) {
      return true;
    }
    long healthy = pin.allocations().stream().filter(p -> !excluded.contains(p)).count();
    return healthy < pin.replicationFactorMin();
  }

  /** The healthy member closest to {@code cid} by XOR distance of their SHA-256 digests. */
  static PeerId actor(Cid cid, List<PeerId> healthy) {
    byte[] target = sha256(cid.multihash().bytes());
    PeerId best = null;
    byte[] bestDistance = null;
    for (PeerId p : healthy) {
      byte[] d = sha256(p.multihash().bytes());
      for (int i = 0; i < d.length; i++) {
        d[i] ^= target[i];
      }
      if (bestDistance == null || Arrays.compareUnsigned(d, bestDistance) < 0) {
        best = p;
        bestDistance = d;
      }
    }
    return best;
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /** Stops a pass in progress at the next pin; idempotent. */
  public void close() {
    closed.set(true);
  }
}

package io.pincluster.monitor;

import io.pincluster.core.PeerMonitor;
import io.pincluster.core.api.Alert;
import io.pincluster.core.api.Metric;
import io.pincluster.core.config.GoDuration;
import io.pincluster.core.config.MonBasicSection;
import io.pincluster.core.peer.PeerId;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer monitor ({@code monitor.monbasic}): keeps the metrics peers publish and raises an alert
 * when the latest metric of a member expires.
 *
 * <p>Design notes. Every metric accepted is stamped with {@code received_at} and appended to the
 * window of its (name, peer), which keeps the last {@value #WINDOW}; invalid metrics are dropped.
 * Every {@code check_interval} the checker ({@link #check()}) looks at the latest metric of every
 * window of every current member:
 *
 * <ul>
 *   <li>expired and not yet alerted: one {@link Alert} is raised and the (name, peer) is marked;
 *   <li>fresh: the mark is cleared (so is a metric arriving: {@link #accept}), and the next expiry
 *       raises a new alert.
 * </ul>
 *
 * A member with no {@code ping} at all gets a {@code ping} alert once the monitor has been running
 * for one ping TTL (peers already down when this one starts are noticed); its metric has an empty
 * value, {@code valid=false} and {@code expire} = the moment the monitor stopped waiting. Windows
 * and marks of peers that are no longer members are dropped at each check. Unlike IPFS Cluster v1,
 * an alert is not repeated while the metric stays expired.
 *
 * <p>Threads and locks: one lock (this object's monitor) guards the windows, the marks and the
 * alert history; it is held only for map work, never while calling the members supplier or the
 * listeners. {@link #accept} runs on the caller's thread (peer RPC workers, the publisher); checks
 * run on the {@code monitor-checker} thread, which also calls the listeners. Thread-safe.
 */
public final class MetricsMonitor implements PeerMonitor {
  private static final Logger log = LoggerFactory.getLogger(MetricsMonitor.class);

  /** How many metrics are kept per (name, peer). */
  public static final int WINDOW = 25;

  /** How many alerts {@link #alerts()} keeps. */
  public static final int MAX_ALERTS = 1000;

  /** The liveness metric every peer publishes. */
  public static final String PING = "ping";

  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

  private record Key(String name, PeerId peer) {}

  private final Duration checkInterval;
  private final Duration pingTtl;
  private final Supplier<? extends Collection<PeerId>> members;
  private final InstantSource clock;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final List<Consumer<Alert>> listeners = new CopyOnWriteArrayList<>();

  // Guarded by this.
  private final Map<Key, ArrayDeque<Metric>> windows = new HashMap<>();
  private final Set<Key> alerted = new HashSet<>();
  private final ArrayDeque<Alert> alerts = new ArrayDeque<>();
  private Instant startedAt;

  private final Object lifecycle = new Object();
  private ScheduledFuture<?> task; // guarded by lifecycle
  private boolean closed; // guarded by lifecycle

  /**
   * A monitor with its own {@code monitor-checker} thread.
   *
   * @param pingTtl how long a {@code ping} lives (twice {@code cluster.monitor_ping_interval}); a
   *     member never heard from is alerted once the monitor has run this long
   * @param members the current members, the only peers checked; called on the checker thread
   */
  public MetricsMonitor(
      MonBasicSection config,
      Duration pingTtl,
      Supplier<? extends Collection<PeerId>> members,
      InstantSource clock) {
    this(config, checkTtl(pingTtl), members, clock, checkerThread(), true);
  }

  /**
   * A monitor that checks on {@code scheduler}, which the caller owns ({@link #close()} cancels the
   * check but does not shut it down).
   */
  public MetricsMonitor(
      MonBasicSection config,
      Duration pingTtl,
      Supplier<? extends Collection<PeerId>> members,
      InstantSource clock,
      ScheduledExecutorService scheduler) {
    this(config, pingTtl, members, clock, scheduler, false);
  }

  private MetricsMonitor(
      MonBasicSection config,
      Duration pingTtl,
      Supplier<? extends Collection<PeerId>> members,
      InstantSource clock,
      ScheduledExecutorService scheduler,
      boolean ownsScheduler) {
    this.checkInterval = Objects.requireNonNull(config, "config").checkInterval();
    this.pingTtl = checkTtl(pingTtl);
    this.members = Objects.requireNonNull(members, "members");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.ownsScheduler = ownsScheduler;
    this.startedAt = clock.instant();
  }

  private static Duration checkTtl(Duration pingTtl) {
    Objects.requireNonNull(pingTtl, "pingTtl");
    if (pingTtl.isZero() || pingTtl.isNegative()) {
      throw new IllegalArgumentException(
          "ping TTL (" + GoDuration.format(pingTtl) + ") must be > 0");
    }
    return pingTtl;
  }

  private static ScheduledExecutorService checkerThread() {
    // One periodic task: the scheduler's (unbounded) queue never holds more than it.
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, "monitor-checker");
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Starts checking every {@code check_interval}; the never-heard-from wait starts now. Idempotent.
   *
   * @throws IllegalStateException once closed
   */
  public void start() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("the peer monitor is closed");
      }
      if (task != null) {
        return;
      }
      synchronized (this) {
        startedAt = clock.instant();
      }
      long every = checkInterval.toMillis();
      task =
          scheduler.scheduleWithFixedDelay(this::checkSafely, every, every, TimeUnit.MILLISECONDS);
      log.debug("peer monitor checking every {}", GoDuration.format(checkInterval));
    }
  }

  @Override
  public void accept(Metric metric) {
    Objects.requireNonNull(metric, "metric");
    if (!metric.valid() || metric.name() == null || metric.peer() == null) {
      return;
    }
    Instant now = clock.instant();
    long nanos = Metric.unixNanos(now);
    Metric stamped =
        new Metric(
            metric.name(),
            metric.peer(),
            metric.value(),
            metric.expire(),
            true,
            metric.weight(),
            metric.partitionable(),
            nanos);
    Key key = new Key(metric.name(), metric.peer());
    synchronized (this) {
      ArrayDeque<Metric> window = windows.computeIfAbsent(key, k -> new ArrayDeque<>(WINDOW));
      if (window.size() == WINDOW) {
        window.removeFirst();
      }
      window.addLast(stamped);
      if (!stamped.expiredAt(nanos)) {
        alerted.remove(key);
      }
    }
  }

  @Override
  public List<Metric> latestMetrics(String name) {
    long now = Metric.unixNanos(clock.instant());
    List<Metric> out = new ArrayList<>();
    synchronized (this) {
      windows.forEach(
          (key, window) -> {
            Metric latest = window.peekLast();
            if (key.name().equals(name) && latest != null && !latest.expiredAt(now)) {
              out.add(latest);
            }
          });
    }
    out.sort(Comparator.comparing(Metric::peer));
    return out;
  }

  /** Every metric held for (name, peer), oldest first (at most {@value #WINDOW}). */
  public List<Metric> window(String name, PeerId peer) {
    synchronized (this) {
      ArrayDeque<Metric> window = windows.get(new Key(name, peer));
      return window == null ? List.of() : List.copyOf(window);
    }
  }

  @Override
  public List<String> metricNames() {
    Set<String> names = new TreeSet<>();
    synchronized (this) {
      windows.keySet().forEach(k -> names.add(k.name()));
    }
    return List.copyOf(names);
  }

  @Override
  public boolean isHealthy(PeerId peer) {
    long now = Metric.unixNanos(clock.instant());
    synchronized (this) {
      ArrayDeque<Metric> window = windows.get(new Key(PING, peer));
      Metric latest = window == null ? null : window.peekLast();
      return latest != null && !latest.expiredAt(now);
    }
  }

  @Override
  public List<Alert> alerts() {
    synchronized (this) {
      return List.copyOf(alerts);
    }
  }

  @Override
  public void addAlertListener(Consumer<Alert> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  private void checkSafely() {
    try {
      check();
    } catch (RuntimeException e) {
      // An exception would cancel the periodic task: log it and check again next time.
      log.warn("peer monitor check failed: {}", e.toString(), e);
    }
  }

  /**
   * One check of every member's latest metrics; raises the alerts due and calls the listeners on
   * the calling thread. Runs on the checker thread; tests call it directly.
   */
  void check() {
    Set<PeerId> current = Set.copyOf(members.get());
    Instant now = clock.instant();
    long nanos = Metric.unixNanos(now);
    List<Alert> raised = new ArrayList<>();
    synchronized (this) {
      windows.keySet().removeIf(k -> !current.contains(k.peer()));
      alerted.removeIf(k -> !current.contains(k.peer()));
      windows.forEach(
          (key, window) -> {
            Metric latest = window.peekLast();
            if (latest == null || !latest.expiredAt(nanos)) {
              alerted.remove(key);
            } else if (alerted.add(key)) {
              raised.add(Alert.of(latest, now));
            }
          });
      raised.sort(Comparator.comparing(Alert::peer).thenComparing(Alert::name));
      Instant gaveUpAt = startedAt.plus(pingTtl);
      if (!now.isBefore(gaveUpAt)) {
        for (PeerId peer : new TreeSet<>(current)) {
          Key key = new Key(PING, peer);
          if (!windows.containsKey(key) && alerted.add(key)) {
            Metric never =
                new Metric(PING, peer, "", Metric.unixNanos(gaveUpAt), false, 0, false, 0);
            raised.add(Alert.of(never, now));
          }
        }
      }
      for (Alert a : raised) {
        alerts.addFirst(a);
        if (alerts.size() > MAX_ALERTS) {
          alerts.removeLast();
        }
      }
    }
    raised.forEach(this::notifyListeners);
  }

  private void notifyListeners(Alert alert) {
    log.debug("alert: {} of peer {} expired", alert.name(), alert.peer());
    for (Consumer<Alert> listener : listeners) {
      try {
        listener.accept(alert);
      } catch (RuntimeException e) {
        log.warn("alert listener {} failed on {}: {}", listener, alert.name(), e.toString(), e);
      }
    }
  }

  /**
   * Stops checking (metrics are still accepted and answered). Idempotent; waits at most 5 s for its
   * own checker thread and logs when it did not stop.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      if (task != null) {
        task.cancel(false);
      }
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
      try {
        if (!scheduler.awaitTermination(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn("monitor-checker did not stop within {}", GoDuration.format(SHUTDOWN_WAIT));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

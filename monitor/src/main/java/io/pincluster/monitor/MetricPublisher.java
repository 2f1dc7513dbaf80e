package io.pincluster.monitor;

import io.pincluster.core.Informer;
import io.pincluster.core.PeerMonitor;
import io.pincluster.core.PeerRpc;
import io.pincluster.core.api.Metric;
import io.pincluster.core.config.GoDuration;
import io.pincluster.core.peer.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this peer's metrics: each {@link Source} is read every TTL/2 (every TTL/4 after a
 * failed or invalid reading); its valid metrics are handed to the local monitor and sent to every
 * other member over peer RPC, in parallel, each send bounded by {@code sendTimeout} and never
 * retried (the next reading replaces a lost one). Invalid metrics are not published. No leader is
 * involved: every peer tells every member.
 *
 * <p>A member that cannot be reached is logged once at info when it starts failing (and once when
 * it is back), otherwise at debug.
 *
 * <p>Threads: {@code monitor-publisher-N}, one per source, so a source that blocks (IPFS {@code
 * repo/stat}) never delays the ping; {@code monitor-send-N} ({@value #SEND_THREADS} threads, at
 * most {@value #SEND_QUEUE} sends waiting; beyond that a send is skipped and logged). Both may be
 * injected instead; then {@link #close()} does not shut them down. Thread-safe.
 */
public final class MetricPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricPublisher.class);

  static final int SEND_THREADS = 8;
  static final int SEND_QUEUE = 256;
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

  /**
   * Something read on a timer: an {@link Informer} ({@link #of}) or any reading of several metrics
   * (the tags).
   *
   * @param name for logs
   * @param ttl how long its metrics live: read every {@code ttl/2}, {@code ttl/4} after a failure
   * @param reading may block and throw; an empty list publishes nothing and is not a failure
   */
  public record Source(String name, Duration ttl, Supplier<List<Metric>> reading) {
    public Source {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("a metric source needs a name");
      }
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.toMillis() < 4) {
        throw new IllegalArgumentException(
            "metric TTL of " + name + " (" + GoDuration.format(ttl) + ") must be >= 4ms");
      }
      Objects.requireNonNull(reading, "reading");
    }

    /** Reads {@code informer}'s one metric. */
    public static Source of(Informer informer, Duration ttl) {
      return new Source(informer.name(), ttl, () -> List.of(informer.metric()));
    }

    Duration period() {
      return ttl.dividedBy(2);
    }

    Duration retry() {
      return ttl.dividedBy(4);
    }
  }

  private final PeerId self;
  private final List<Source> sources;
  private final PeerMonitor local;
  private final PeerRpc rpc;
  private final Supplier<? extends Collection<PeerId>> members;
  private final Duration sendTimeout;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService sendPool;
  private final boolean ownsExecutors;
  private final Set<PeerId> failing = ConcurrentHashMap.newKeySet();
  private final Set<String> failingSources = ConcurrentHashMap.newKeySet();

  private final Object lifecycle = new Object();
  private boolean started; // guarded by lifecycle
  private volatile boolean closed;

  /**
   * A publisher with its own threads.
   *
   * @param local this peer's monitor (gets every valid metric first)
   * @param members the current members; this peer is skipped
   * @param sendTimeout how long one reading waits for its sends; must be positive
   */
  public MetricPublisher(
      PeerId self,
      List<Source> sources,
      PeerMonitor local,
      PeerRpc rpc,
      Supplier<? extends Collection<PeerId>> members,
      Duration sendTimeout) {
    this(
        self,
        sources,
        local,
        rpc,
        members,
        sendTimeout,
        publisherThreads(sources.size()),
        sendPool(),
        true);
  }

  /** A publisher on the caller's executors ({@link #close()} does not shut them down). */
  public MetricPublisher(
      PeerId self,
      List<Source> sources,
      PeerMonitor local,
      PeerRpc rpc,
      Supplier<? extends Collection<PeerId>> members,
      Duration sendTimeout,
      ScheduledExecutorService scheduler,
      ExecutorService sendPool) {
    this(self, sources, local, rpc, members, sendTimeout, scheduler, sendPool, false);
  }

  private MetricPublisher(
      PeerId self,
      List<Source> sources,
      PeerMonitor local,
      PeerRpc rpc,
      Supplier<? extends Collection<PeerId>> members,
      Duration sendTimeout,
      ScheduledExecutorService scheduler,
      ExecutorService sendPool,
      boolean ownsExecutors) {
    this.self = Objects.requireNonNull(self, "self");
    this.sources = List.copyOf(sources);
    this.local = Objects.requireNonNull(local, "local");
    this.rpc = Objects.requireNonNull(rpc, "rpc");
    this.members = Objects.requireNonNull(members, "members");
    this.sendTimeout = Objects.requireNonNull(sendTimeout, "sendTimeout");
    if (sendTimeout.isZero() || sendTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "metrics send timeout (" + GoDuration.format(sendTimeout) + ") must be > 0");
    }
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.sendPool = Objects.requireNonNull(sendPool, "sendPool");
    this.ownsExecutors = ownsExecutors;
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.getAndIncrement());
      t.setDaemon(true);
      return t;
    };
  }

  private static ScheduledExecutorService publisherThreads(int sources) {
    // Each source has at most one pending task, so the queue holds at most `sources` tasks.
    ScheduledThreadPoolExecutor s =
        new ScheduledThreadPoolExecutor(Math.max(1, sources), named("monitor-publisher"));
    s.setRemoveOnCancelPolicy(true);
    return s;
  }

  private static ExecutorService sendPool() {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            SEND_THREADS,
            SEND_THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(SEND_QUEUE),
            named("monitor-send"),
            new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * Reads every source now, then on its period. Idempotent.
   *
   * @throws IllegalStateException once closed
   */
  public void start() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("the metric publisher is closed");
      }
      if (started) {
        return;
      }
      started = true;
      sources.forEach(s -> schedule(s, Duration.ZERO));
    }
  }

  private void schedule(Source source, Duration delay) {
    if (closed) {
      return;
    }
    try {
      scheduler.schedule(() -> run(source), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      if (!closed) {
        log.warn("cannot schedule the {} metric: {}", source.name(), e.toString());
      }
    }
  }

  private void run(Source source) {
    if (closed) {
      return;
    }
    Duration next;
    try {
      next = publish(source);
    } catch (RuntimeException e) {
      log.warn("publishing the {} metric failed: {}", source.name(), e.toString(), e);
      next = source.retry();
    }
    schedule(source, next);
  }

  /**
   * One reading of {@code source}: publishes its valid metrics and waits (at most the send timeout)
   * for them to be sent.
   *
   * @return when to read it again: its period, or its retry delay after a failed or invalid reading
   */
  Duration publish(Source source) {
    List<Metric> read;
    try {
      read = source.reading().get();
    } catch (RuntimeException e) {
      readingFailed(source, e.toString());
      return source.retry();
    }
    List<Metric> valid = new ArrayList<>();
    for (Metric m : read) {
      if (m != null && m.valid()) {
        valid.add(m);
      }
    }
    if (!valid.isEmpty()) {
      valid.forEach(local::accept);
      List<Metric> metrics = List.copyOf(valid);
      for (PeerId peer : send(metrics)) {
        resend(peer, metrics, FIRST_RESEND, source.period());
      }
    }
    if (valid.size() < read.size()) {
      readingFailed(source, "the reading is invalid");
      return source.retry();
    }
    if (failingSources.remove(source.name())) {
      log.info("the {} metric is published again", source.name());
    }
    return source.period();
  }

  private void readingFailed(Source source, String why) {
    String retry = GoDuration.format(source.retry());
    if (failingSources.add(source.name())) {
      log.warn("the {} metric is not published: {} (retrying every {})", source.name(), why, retry);
    } else {
      log.debug("the {} metric is not published: {} (retry in {})", source.name(), why, retry);
    }
  }

  /** The first delay before sending again to a peer that a reading could not reach. */
  static final Duration FIRST_RESEND = Duration.ofMillis(250);

  /**
   * Sends {@code metrics} again to {@code peer} after {@code delay}, doubling the delay after each
   * failure until it reaches half of {@code period} (the next reading takes over). A peer that was
   * not reachable yet (starting, or its address not yet in the peer table) thus gets this peer's
   * metrics soon after it is, not a whole period later.
   */
  private void resend(PeerId peer, List<Metric> metrics, Duration delay, Duration period) {
    if (closed || delay.multipliedBy(2).compareTo(period) > 0) {
      return;
    }
    Runnable attempt =
        () -> {
          try {
            rpc.sendMetrics(peer, metrics);
            succeeded(peer);
          } catch (RuntimeException e) {
            resend(peer, metrics, delay.multipliedBy(2), period);
          }
        };
    try {
      scheduler.schedule(
          () -> {
            try {
              sendPool.execute(attempt);
            } catch (RejectedExecutionException e) {
              log.debug("metrics for {} not resent: the send queue is full or closed", peer);
            }
          },
          delay.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("metrics for {} not resent: closed", peer);
    }
  }

  /**
   * Sends {@code metrics} to every other member in parallel; waits at most the send timeout.
   *
   * @return the peers that could not be reached
   */
  private List<PeerId> send(List<Metric> metrics) {
    List<PeerId> unreached = new ArrayList<>();
    Map<PeerId, Future<?>> sends = new LinkedHashMap<>();
    for (PeerId peer : members.get()) {
      if (peer.equals(self)) {
        continue;
      }
      try {
        sends.put(peer, sendPool.submit(() -> rpc.sendMetrics(peer, metrics)));
      } catch (RejectedExecutionException e) {
        failed(peer, "the send queue is full (" + SEND_QUEUE + ") or closed");
        unreached.add(peer);
      }
    }
    long deadline = System.nanoTime() + sendTimeout.toNanos();
    for (Map.Entry<PeerId, Future<?>> e : sends.entrySet()) {
      try {
        e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        succeeded(e.getKey());
      } catch (ExecutionException ex) {
        failed(e.getKey(), String.valueOf(ex.getCause()));
        unreached.add(e.getKey());
      } catch (TimeoutException ex) {
        e.getValue().cancel(true);
        failed(e.getKey(), "no answer within " + GoDuration.format(sendTimeout));
        unreached.add(e.getKey());
      } catch (InterruptedException ex) {
        sends.values().forEach(f -> f.cancel(true));
        Thread.currentThread().interrupt();
        return List.of();
      }
    }
    return unreached;
  }

  private void failed(PeerId peer, String why) {
    if (failing.add(peer)) {
      log.info("cannot send metrics to peer {}: {} (logged at debug until it recovers)", peer, why);
    } else {
      log.debug("cannot send metrics to peer {}: {}", peer, why);
    }
  }

  private void succeeded(PeerId peer) {
    if (failing.remove(peer)) {
      log.info("sending metrics to peer {} again", peer);
    }
  }

  /**
   * Stops publishing. Idempotent; waits at most 5 s for its own threads and logs the ones that did
   * not stop.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (!ownsExecutors) {
      return;
    }
    scheduler.shutdownNow();
    sendPool.shutdownNow();
    try {
      long wait = SHUTDOWN_WAIT.toMillis();
      if (!scheduler.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
        log.warn(
            "monitor-publisher threads did not stop within {}", GoDuration.format(SHUTDOWN_WAIT));
      }
      if (!sendPool.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
        log.warn("monitor-send threads did not stop within {}", GoDuration.format(SHUTDOWN_WAIT));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.pincluster.ipfs.internal;

import io.pincluster.core.IpfsException;
import io.pincluster.core.peer.Multiaddr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delayed, best-effort {@code swarm/connect} to the other peers' IPFS nodes that a connector
 * runs after start ({@code connect_swarms_delay}). Owns one daemon thread, {@code
 * ipfs-connect-swarms}, created on first use and ended by {@link #close()}. Thread-safe.
 */
public final class SwarmConnects implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SwarmConnects.class);

  private final Consumer<Multiaddr> connect;
  private final String node;
  private final List<CompletableFuture<Integer>> pending = new ArrayList<>();
  private ScheduledThreadPoolExecutor scheduler;
  private boolean closed;

  /**
   * @param connect connects the node to one address, throwing {@link IpfsException} on failure
   */
  public SwarmConnects(Consumer<Multiaddr> connect, String node) {
    this.connect = connect;
    this.node = node;
  }

  /**
   * After {@code delay}, connects to every address {@code addresses} supplies then.
   *
   * @return how many connects succeeded; cancelled by {@link #close()}
   */
  public synchronized CompletableFuture<Integer> connectAfter(
      Duration delay, Supplier<? extends Collection<Multiaddr>> addresses) {
    CompletableFuture<Integer> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(new CancellationException("the connector is closed"));
      return result;
    }
    pending.removeIf(CompletableFuture::isDone);
    pending.add(result);
    Future<?> task =
        scheduler()
            .schedule(
                () -> {
                  try {
                    result.complete(connectAll(addresses.get()));
                  } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                  }
                },
                delay.toNanos(),
                TimeUnit.NANOSECONDS);
    result.whenComplete((n, e) -> task.cancel(true));
    return result;
  }

  /** Idempotent: cancels what is scheduled and interrupts what runs. */
  @Override
  public void close() {
    ScheduledThreadPoolExecutor s;
    synchronized (this) {
      closed = true;
      pending.forEach(f -> f.cancel(false));
      pending.clear();
      s = scheduler;
    }
    if (s != null) {
      s.shutdownNow();
    }
  }

  private int connectAll(Collection<Multiaddr> addresses) {
    int connected = 0;
    for (Multiaddr address : addresses) {
      if (Thread.currentThread().isInterrupted()) {
        break;
      }
      try {
        connect.accept(address);
        connected++;
        log.debug("IPFS at {} connected to {}", node, address);
      } catch (IpfsException e) {
        log.info("IPFS at {} could not connect to {}: {}", node, address, e.getMessage());
      }
    }
    return connected;
  }

  private ScheduledThreadPoolExecutor scheduler() {
    if (scheduler == null) {
      scheduler =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "ipfs-connect-swarms");
                t.setDaemon(true);
                return t;
              });
      scheduler.setRemoveOnCancelPolicy(true);
      scheduler.setKeepAliveTime(30, TimeUnit.SECONDS);
      scheduler.allowCoreThreadTimeOut(true);
    }
    return scheduler;
  }
}

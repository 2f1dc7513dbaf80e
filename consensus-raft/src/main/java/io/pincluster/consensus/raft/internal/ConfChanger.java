package io.pincluster.consensus.raft.internal;

import io.pincluster.core.ClusterException;
import io.pincluster.core.NoLeaderException;
import io.pincluster.core.config.GoDuration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.ReconfigurationTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies membership changes through the Raft leader, one at a time, on one thread.
 *
 * <p>Each change is a function of the current {@link Membership}. It is sent with {@code
 * setConfiguration} in COMPARE_AND_SET mode against the membership it was computed from, so two
 * concurrent changes (from this peer or another) cannot overwrite each other: the loser is
 * recomputed from the newer configuration and sent again. Refusals (no leader, a change already in
 * progress, a stale local view) are retried every {@code poll} until {@code deadline} has passed; a
 * {@link ClusterException} thrown by the change function (not a member, the last member) fails at
 * once. A change may also be given a test of progress (a joining peer that receives its state from
 * the leader, which brings it up to date before it commits the change): once sent, the change is
 * then watched, not sent again, while the test holds, also past {@code deadline}. The request never
 * uses the array overload of {@code setConfiguration}, which drops the voters in Ratis 3.2.
 *
 * <p>Thread-safe. Bounded: at most {@value #QUEUE} changes wait; more are refused.
 */
public final class ConfChanger implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfChanger.class);
  static final int QUEUE = 16;

  private final Supplier<RaftClient> clients;
  private final Supplier<Membership> current;
  private final Duration deadline;
  private final Duration poll;
  private final LongSupplier nanoTime;
  private final ThreadPoolExecutor executor;
  private final Set<CompletableFuture<Void>> outstanding = ConcurrentHashMap.newKeySet();

  /**
   * @param clients builds a client that reaches the group (closed after each change)
   * @param current this peer's view of the current configuration
   * @param deadline how long one change may keep being retried
   */
  public ConfChanger(
      String threadName,
      Supplier<RaftClient> clients,
      Supplier<Membership> current,
      Duration deadline,
      Duration poll,
      LongSupplier nanoTime) {
    this.clients = clients;
    this.current = current;
    this.deadline = deadline;
    this.poll = poll;
    this.nanoTime = nanoTime;
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Runs {@code task} on the changer's thread (for short chores that must not run on Ratis'); false
   * when it was skipped because the queue is full or the changer closed.
   */
  public boolean execute(Runnable task) {
    try {
      executor.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      LOG.warn("membership thread busy or closed; skipped {}", task);
      return false;
    }
  }

  /**
   * Changes the configuration to {@code change.apply(current)}; completes once the leader has
   * committed it, or at once when it changes nothing. {@code what} names the change in errors.
   */
  public CompletableFuture<Void> change(UnaryOperator<Membership> change, String what) {
    return change(clients, c -> current.get(), change, what, deadline, () -> false);
  }

  /**
   * As {@link #change(UnaryOperator, String)}, with another way to reach the group and to read its
   * configuration (for a peer that is not a member yet), another deadline, and watched beyond the
   * deadline (until the configuration shows the change) while {@code progressing} holds.
   */
  public CompletableFuture<Void> change(
      Supplier<RaftClient> clientFactory,
      Function<RaftClient, Membership> currentFrom,
      UnaryOperator<Membership> change,
      String what,
      Duration deadline,
      BooleanSupplier progressing) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    outstanding.add(done);
    done.whenComplete((v, e) -> outstanding.remove(done));
    try {
      executor.execute(
          () -> {
            try {
              run(clientFactory, currentFrom, change, what, deadline, progressing);
              done.complete(null);
            } catch (RuntimeException e) {
              done.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(
          new ClusterException(
              "cannot " + what + ": " + QUEUE + " membership changes are already waiting"));
    }
    return done;
  }

  private void run(
      Supplier<RaftClient> clientFactory,
      Function<RaftClient, Membership> currentFrom,
      UnaryOperator<Membership> change,
      String what,
      Duration deadline,
      BooleanSupplier progressing) {
    long end = nanoTime.getAsLong() + deadline.toNanos();
    Throwable last = null;
    boolean extended = false;
    boolean sent = false;
    try (RaftClient client = clientFactory.get()) {
      while (true) {
        // Once sent, the change is only watched while it progresses, and past the deadline: a new
        // request is refused while the leader works on the first (a stack trace in its log each
        // time), and once the leader gave up it would start over (send a joining peer its
        // snapshot again).
        boolean watchOnly = nanoTime.getAsLong() - end >= 0 || (sent && progressing.getAsBoolean());
        try {
          Membership from = currentFrom.apply(client);
          Membership to = change.apply(from);
          if (to.sameAs(from)) {
            return;
          }
          if (!watchOnly) {
            sent = true;
            RaftClientReply reply = client.admin().setConfiguration(arguments(from, to));
            if (reply.isSuccess()) {
              LOG.info(
                  "{}: configuration is now voters={} listeners={}",
                  what,
                  to.voters(),
                  to.listeners());
              return;
            }
            last = reply.getException();
          }
        } catch (IOException | UncheckedIOException e) {
          last = e instanceof UncheckedIOException u ? u.getCause() : e;
        }
        if (last instanceof ReconfigurationTimeoutException) {
          throw new ClusterException(
              "cannot "
                  + what
                  + ": the new peer did not catch up in time; is it running and reachable? ("
                  + last.getMessage()
                  + ")",
              last);
        }
        if (nanoTime.getAsLong() - end >= 0) {
          if (!progressing.getAsBoolean()) {
            throw new NoLeaderException(
                "cannot "
                    + what
                    + ": no leader accepted the change within "
                    + GoDuration.format(deadline)
                    + (extended ? " and while it progressed" : "")
                    + " (last error: "
                    + describe(last)
                    + ")",
                last);
          }
          if (!extended) {
            extended = true;
            LOG.info(
                "{}: still in progress after {}; watching it while it progresses",
                what,
                GoDuration.format(deadline));
          }
        }
        LOG.debug("{}: retrying after {}", what, describe(last));
        LockSupport.parkNanos(poll.toNanos());
        if (Thread.currentThread().isInterrupted()) {
          throw new ClusterException("cannot " + what + ": raft consensus is closing");
        }
      }
    } catch (IOException e) {
      throw new ClusterException("cannot " + what + ": " + e.getMessage(), e);
    }
  }

  private static SetConfigurationRequest.Arguments arguments(Membership from, Membership to) {
    return SetConfigurationRequest.Arguments.newBuilder()
        .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
        .setServersInCurrentConf(from.voters())
        .setListenersInCurrentConf(from.listeners())
        .setServersInNewConf(to.voters())
        .setListenersInNewConf(to.listeners())
        .build();
  }

  private static String describe(Throwable t) {
    return t == null ? "none" : Failures.describe(t);
  }

  /** Stops the thread; changes not done by then fail. Idempotent. */
  @Override
  public void close() {
    executor.shutdownNow();
    ClusterException closed =
        new ClusterException(
            "raft consensus closed while the change was pending; it may or may not have been made");
    outstanding.forEach(f -> f.completeExceptionally(closed));
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("membership thread did not stop within 5s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

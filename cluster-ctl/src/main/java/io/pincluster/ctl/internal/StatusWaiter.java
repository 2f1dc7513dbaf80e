package io.pincluster.ctl.internal;

import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.PinInfoShort;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.GoDuration;
import io.pincluster.ctl.client.RequestTimeoutException;
import io.pincluster.ctl.client.RestClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * {@code --wait} of {@code pin add}, {@code pin rm}, {@code pin update} and {@code add}: polls
 * {@code GET /pins/{cid}} every {@code interval} until the target status is reached, as IPFS
 * Cluster's {@code client.WaitFor}, showing the progress after each poll ({@link WaitProgress}).
 *
 * <p>The target is reached when at least {@code limit} peers report it, or, with {@code limit <=
 * 0}, when every peer does ({@code remote} peers are ignored when waiting for {@code pinned}). A
 * peer reporting {@code undefined}, {@code cluster_error}, {@code pin_error} or {@code unpin_error}
 * ends the wait with an error (exit 2). Not thread-safe; one wait at a time. Time and sleeping are
 * injected so tests run without real delays.
 */
public final class StatusWaiter {
  private final RestClient client;
  private final Sleeper sleeper;
  private final LongSupplier nanoTime;
  private final Duration interval;
  private final WaitProgress progress;

  /**
   * @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime})
   * @param interval the pause before each poll; must be > 0
   * @param progress where the progress is shown ({@link WaitProgress#none()} for nowhere)
   */
  public StatusWaiter(
      RestClient client,
      Sleeper sleeper,
      LongSupplier nanoTime,
      Duration interval,
      WaitProgress progress) {
    this.client = Objects.requireNonNull(client, "client");
    this.progress = Objects.requireNonNull(progress, "progress");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be > 0: " + interval);
    }
    this.interval = interval;
  }

  /**
   * Blocks until {@code cid} reaches {@code target} and returns the last status seen.
   *
   * @param timeout the longest to wait; {@link Duration#ZERO} waits until the target or an error
   * @throws CtlException exit 2 when a peer reports an error status, exit 62 when {@code timeout}
   *     passes first
   * @throws InterruptedException when the thread is interrupted while waiting
   */
  public GlobalPinInfo waitFor(Cid cid, TrackerStatus target, int limit, Duration timeout)
      throws InterruptedException {
    try {
      return poll(cid, target, limit, timeout);
    } finally {
      progress.clear();
    }
  }

  private GlobalPinInfo poll(Cid cid, TrackerStatus target, int limit, Duration timeout)
      throws InterruptedException {
    boolean bounded = !timeout.isZero();
    long start = nanoTime.getAsLong();
    long deadline = start + (bounded ? timeout.toNanos() : 0);
    GlobalPinInfo last = null;
    while (true) {
      Duration pause = interval;
      if (bounded) {
        Duration remaining = Duration.ofNanos(deadline - nanoTime.getAsLong());
        if (remaining.isNegative() || remaining.isZero()) {
          throw timedOut(cid, target, limit, timeout, last);
        }
        pause = remaining.compareTo(interval) < 0 ? remaining : interval;
      }
      sleeper.sleep(pause);
      RestClient polling = client;
      if (bounded) {
        Duration remaining = Duration.ofNanos(deadline - nanoTime.getAsLong());
        if (remaining.isNegative() || remaining.isZero()) {
          throw timedOut(cid, target, limit, timeout, last);
        }
        polling = client.withTimeoutAtMost(remaining);
      }
      try {
        last = polling.status(cid, false);
      } catch (RequestTimeoutException e) {
        if (bounded && deadline - nanoTime.getAsLong() <= 0) {
          throw timedOut(cid, target, limit, timeout, last);
        }
        throw e;
      }
      Duration elapsed = Duration.ofNanos(nanoTime.getAsLong() - start);
      progress.update(cid, target, count(last, target), needed(last, target, limit), elapsed);
      if (reached(last, target, limit)) {
        return last;
      }
    }
  }

  /**
   * True when {@code status} shows {@code target} on enough peers.
   *
   * @throws CtlException (exit 2) when a peer reports an error or undefined status
   */
  static boolean reached(GlobalPinInfo status, TrackerStatus target, int limit) {
    for (Map.Entry<String, PinInfoShort> e : status.peerMap().entrySet()) {
      TrackerStatus s = e.getValue().status();
      if (s == TrackerStatus.UNDEFINED || s.isError()) {
        String error = e.getValue().error().isEmpty() ? "" : ": " + e.getValue().error();
        throw new CtlException(
            "waiting for pin status: "
                + peerName(e)
                + " reports "
                + s.wire()
                + error
                + " while waiting for "
                + target.wire(),
            CtlException.EXIT_API_ERROR);
      }
    }
    if (limit > 0) {
      return count(status, target) >= limit;
    }
    for (PinInfoShort s : status.peerMap().values()) {
      boolean ignored = s.status() == TrackerStatus.REMOTE && target == TrackerStatus.PINNED;
      if (!ignored && s.status() != target) {
        return false;
      }
    }
    return true;
  }

  /** How many peers must report {@code target}: {@code limit}, or every peer that counts. */
  static long needed(GlobalPinInfo status, TrackerStatus target, int limit) {
    if (limit > 0) {
      return limit;
    }
    return status.peerMap().values().stream()
        .filter(s -> !(s.status() == TrackerStatus.REMOTE && target == TrackerStatus.PINNED))
        .count();
  }

  private static long count(GlobalPinInfo status, TrackerStatus target) {
    return status.peerMap().values().stream().filter(s -> s.status() == target).count();
  }

  private static String peerName(Map.Entry<String, PinInfoShort> e) {
    String name = e.getValue().peername();
    return name.isEmpty() ? "peer " + e.getKey() : "peer " + name + " (" + e.getKey() + ")";
  }

  private static CtlException timedOut(
      Cid cid, TrackerStatus target, int limit, Duration timeout, GlobalPinInfo last) {
    String need = limit > 0 ? limit + " peers" : "all peers";
    String seen =
        last == null
            ? "no status received"
            : count(last, target) + " of " + last.peerMap().size() + " peers " + target.wire();
    return new CtlException(
        "waiting for pin status: "
            + cid
            + " did not reach "
            + target.wire()
            + " on "
            + need
            + " within "
            + GoDuration.format(timeout)
            + " ("
            + seen
            + ")",
        CtlException.EXIT_DEADLINE);
  }
}

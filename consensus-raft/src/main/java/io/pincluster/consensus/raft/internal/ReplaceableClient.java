package io.pincluster.consensus.raft.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Ratis client that is replaced after a failed write.
 *
 * <p>Why: Ratis' ordered async API keeps requests in a sliding window, and once one request fails
 * for good (retries exhausted, or a non-retryable error) the window fails every request queued
 * behind it and rejects all later ones ("SlidingWindow$Client … is closed"). So after a failed
 * write the client is retired: new writes get a fresh client, and the retired one is closed once
 * its last in-flight write has completed.
 *
 * <p>Thread-safe; one short lock around the bookkeeping (never held while sending or closing).
 */
public final class ReplaceableClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplaceableClient.class);

  private final Supplier<RaftClient> factory;
  private final Object lock = new Object();
  private final List<Slot> retired = new ArrayList<>(); // guarded by lock
  private Slot current; // guarded by lock
  private boolean closed; // guarded by lock

  private static final class Slot {
    final RaftClient client;
    int inFlight;
    boolean isRetired;

    Slot(RaftClient client) {
      this.client = client;
    }
  }

  /** A client handed out for one write; call {@link #release} exactly once when it completes. */
  public final class Lease {
    private final Slot slot;

    private Lease(Slot slot) {
      this.slot = slot;
    }

    public RaftClient client() {
      return slot.client;
    }

    /**
     * Retires the client if it is still the current one, without ending this write's use of it (for
     * a write given up on while its request may still be pending): later writes get a fresh client,
     * this one closes once its last write is released.
     */
    public void retire() {
      synchronized (lock) {
        if (slot == current) {
          slot.isRetired = true;
          retired.add(slot);
          current = null;
          LOG.debug("retiring raft client {} after a write got no answer", slot.client.getId());
        }
      }
    }

    /**
     * Ends this write's use of the client; {@code failed} retires the client if it is still the
     * current one.
     */
    public void release(boolean failed) {
      RaftClient toClose = null;
      synchronized (lock) {
        slot.inFlight--;
        if (failed && slot == current) {
          slot.isRetired = true;
          retired.add(slot);
          current = null;
          LOG.debug("retiring raft client {} after a failed write", slot.client.getId());
        }
        if (slot.isRetired && slot.inFlight == 0 && retired.remove(slot)) {
          toClose = slot.client;
        }
      }
      closeQuietly(toClose);
    }
  }

  /**
   * @param factory builds a new client; called lazily, at most once per retired client
   */
  public ReplaceableClient(Supplier<RaftClient> factory) {
    this.factory = factory;
  }

  /**
   * The current client, counted as in use until {@link Lease#release}.
   *
   * @throws IllegalStateException if closed
   */
  public Lease acquire() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("raft client is closed");
      }
      if (current == null) {
        current = new Slot(factory.get());
      }
      current.inFlight++;
      return new Lease(current);
    }
  }

  /** Closes the current and every retired client; in-flight writes fail. Idempotent. */
  @Override
  public void close() {
    List<Slot> toClose = new ArrayList<>();
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (current != null) {
        toClose.add(current);
      }
      toClose.addAll(retired);
      current = null;
      retired.clear();
    }
    toClose.forEach(s -> closeQuietly(s.client));
  }

  private static void closeQuietly(RaftClient c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("closing raft client {} failed: {}", c.getId(), e.toString());
    }
  }
}

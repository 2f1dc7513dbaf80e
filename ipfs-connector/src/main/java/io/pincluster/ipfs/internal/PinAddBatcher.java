package io.pincluster.ipfs.internal;

import io.pincluster.core.IpfsException;
import io.pincluster.core.cid.Cid;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Groups the {@code pin/add} calls of recursive pins whose DAG the node already holds (fetched by
 * {@code refs -r} just before) into calls of several CIDs each ({@code pin/add?arg=a&arg=b…}, which
 * Kubo and js-ipfs both take). Group commit: a pin that finds fewer than {@code maxInFlight} calls
 * in flight sends at once, alone; the others queue, and when a call ends the first queued pin sends
 * the queue's head (at most {@code maxBatch}) for them all. No pin waits for a timer. Each node
 * call costs about as much as the pin it carries (bench figure 7), so under load this saves most of
 * them.
 *
 * <p>Only for DAGs the node holds: a call fetching content would make every pin in it wait for the
 * slowest. A call of several CIDs that fails (one CID refused, timeout, connection) is not reported
 * to its pins: each then sends its own {@code pin/add} alone and gets its own answer. A call of one
 * CID reports its failure as is.
 *
 * <p>Interrupts: a pin interrupted while queued leaves the queue unsent and fails; one already in a
 * call in flight waits for that call to end (bounded by the call's pin_timeout) and returns its
 * outcome with the interrupt flag set, so that when {@link #pin} returns no call for the CID is in
 * flight. Thread-safe; the calling threads do the calls, there is no thread of its own.
 */
public final class PinAddBatcher {
  /** Sends one {@code pin/add} of {@code cids}; returns once the node confirmed them all. */
  public interface Sender {
    /**
     * @throws IpfsException when the node refused, timed out or could not be reached
     */
    void pinAdd(List<Cid> cids);
  }

  private final Sender sender;
  private final int maxBatch;
  private final int maxInFlight;
  private final Object lock = new Object();
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>(); // guarded by lock
  private int inFlight; // guarded by lock; calls sent or about to be, by a promoted waiter

  /** One pin waiting for, or sending, its call. Fields guarded by the batcher's lock. */
  private static final class Waiter {
    final Cid cid;
    boolean mustSend; // promoted: this waiter's thread sends the next call
    boolean done;
    boolean retryAlone; // its call of several CIDs failed
    RuntimeException failure; // its call of one CID failed

    Waiter(Cid cid) {
      this.cid = cid;
    }
  }

  /**
   * @param maxBatch the most CIDs in one call (≥ 1)
   * @param maxInFlight the most calls in flight at once (≥ 1)
   */
  public PinAddBatcher(Sender sender, int maxBatch, int maxInFlight) {
    if (maxBatch < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException("maxBatch and maxInFlight must be at least 1");
    }
    this.sender = sender;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
  }

  /**
   * Pins {@code cid} recursively, in a call of its own or shared; returns once the node confirmed
   * it.
   *
   * @throws IpfsException as {@link Sender#pinAdd} for a call of this CID alone, or when
   *     interrupted before its call was sent
   */
  public void pin(Cid cid) {
    Waiter me = new Waiter(cid);
    synchronized (lock) {
      if (inFlight < maxInFlight) { // the queue is empty: a free slot is never left unused
        inFlight++;
        me.mustSend = true;
      } else {
        queue.add(me);
      }
    }
    boolean interrupted = false;
    try {
      while (true) {
        List<Waiter> call;
        synchronized (lock) {
          while (!me.mustSend && !me.done) {
            try {
              lock.wait();
            } catch (InterruptedException e) {
              interrupted = true;
              if (queue.remove(me)) { // still queued: not taken into a call, not promoted
                throw new IpfsException("interrupted while waiting to send pin/add of " + cid);
              }
            }
          }
          if (me.done) {
            break;
          }
          me.mustSend = false;
          call = takeCall(me);
        }
        send(call);
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (me.retryAlone) {
      sender.pinAdd(List.of(cid));
    } else if (me.failure != null) {
      throw me.failure;
    }
  }

  /** Lock held. The promoted waiter and the queue's head, at most maxBatch in all. */
  private List<Waiter> takeCall(Waiter first) {
    List<Waiter> call = new ArrayList<>(Math.min(maxBatch, queue.size() + 1));
    call.add(first);
    while (call.size() < maxBatch && !queue.isEmpty()) {
      call.add(queue.poll());
    }
    return call;
  }

  /** Sends one call, records its outcome, and hands the slot to the next queued pin. */
  private void send(List<Waiter> call) {
    List<Cid> cids = new ArrayList<>(call.size());
    call.forEach(w -> cids.add(w.cid));
    RuntimeException failure = null;
    Error error = null;
    try {
      sender.pinAdd(cids);
    } catch (RuntimeException e) {
      failure = e;
    } catch (Error e) { // recorded first: a waiter left waiting would hold every later pin
      error = e;
      failure = new IpfsException("pin/add failed: " + e, e);
    }
    synchronized (lock) {
      for (Waiter w : call) {
        w.done = true;
        if (failure != null && call.size() == 1) {
          w.failure = failure;
        } else if (failure != null) {
          w.retryAlone = true;
        }
      }
      Waiter next = queue.poll();
      if (next != null) {
        next.mustSend = true;
      } else {
        inFlight--;
      }
      lock.notifyAll();
    }
    if (error != null) {
      throw error;
    }
  }
}

package io.pincluster.ipfs.internal;

import io.pincluster.core.IpfsException;
import io.pincluster.core.cid.Cid;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Groups node calls that take several CIDs ({@code pin/add?arg=a&arg=b…}, {@code
 * refs?arg=a&arg=b…}, which Kubo and js-ipfs both take) so that CIDs ready at about the same time
 * share one call. Group commit: a CID that finds fewer than {@code maxInFlight} calls in flight is
 * sent at once, alone; the others queue, and when a call ends the first queued CID sends the
 * queue's head (at most {@code maxBatch}) for them all. No CID waits for a timer. Each node call
 * costs about as much as the pin it carries (bench figure 7), so under load this saves most of
 * them. Every CID of a call gets the call's one result.
 *
 * <p>Only for calls the node answers from what it holds: a call fetching content would make every
 * CID in it wait for the slowest. A call of several CIDs that fails (one CID refused, timeout,
 * connection) is not reported to its CIDs: each is then sent again alone and gets its own answer. A
 * call of one CID reports its failure as is.
 *
 * <p>Interrupts: a CID interrupted while queued leaves the queue unsent and fails; one already in a
 * call in flight waits for that call to end (bounded by the call's own timeout) and returns its
 * outcome with the interrupt flag set, so that when {@link #call} returns no call for the CID is in
 * flight. Thread-safe; the calling threads do the calls, there is no thread of its own.
 *
 * @param <R> what one call answers (for all of its CIDs)
 */
public final class SharedCalls<R> {
  /** Sends one call for {@code cids}; returns once the node answered for them all. */
  public interface Sender<R> {
    /**
     * @throws IpfsException when the node refused, timed out or could not be reached
     */
    R call(List<Cid> cids);
  }

  private final Sender<R> sender;
  private final int maxBatch;
  private final int maxInFlight;
  private final Object lock = new Object();
  private final ArrayDeque<Waiter<R>> queue = new ArrayDeque<>(); // guarded by lock
  private int inFlight; // guarded by lock; calls sent or about to be, by a promoted waiter

  /** One CID waiting for, or sending, its call. Fields guarded by the lock of its SharedCalls. */
  private static final class Waiter<R> {
    final Cid cid;
    boolean mustSend; // promoted: this waiter's thread sends the next call
    boolean done;
    boolean retryAlone; // its call of several CIDs failed
    RuntimeException failure; // its call of one CID failed
    R result; // its call's answer, when it succeeded

    Waiter(Cid cid) {
      this.cid = cid;
    }
  }

  /**
   * @param maxBatch the most CIDs in one call (≥ 1)
   * @param maxInFlight the most calls in flight at once (≥ 1)
   */
  public SharedCalls(Sender<R> sender, int maxBatch, int maxInFlight) {
    if (maxBatch < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException("maxBatch and maxInFlight must be at least 1");
    }
    this.sender = sender;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
  }

  /**
   * Sends {@code cid} in a call of its own or shared; returns that call's answer once the node gave
   * it.
   *
   * @throws IpfsException as {@link Sender#call} for a call of this CID alone, or when interrupted
   *     before its call was sent
   */
  public R call(Cid cid) {
    Waiter<R> me = new Waiter<>(cid);
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
        List<Waiter<R>> call;
        synchronized (lock) {
          while (!me.mustSend && !me.done) {
            try {
              lock.wait();
            } catch (InterruptedException e) {
              interrupted = true;
              if (queue.remove(me)) { // still queued: not taken into a call, not promoted
                throw new IpfsException("interrupted while waiting to send a call for " + cid);
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
      return sender.call(List.of(cid));
    } else if (me.failure != null) {
      throw me.failure;
    }
    return me.result;
  }

  /** Lock held. The promoted waiter and the queue's head, at most maxBatch in all. */
  private List<Waiter<R>> takeCall(Waiter<R> first) {
    List<Waiter<R>> call = new ArrayList<>(Math.min(maxBatch, queue.size() + 1));
    call.add(first);
    while (call.size() < maxBatch && !queue.isEmpty()) {
      call.add(queue.poll());
    }
    return call;
  }

  /** Sends one call, records its outcome, and hands the slot to the next queued CID. */
  private void send(List<Waiter<R>> call) {
    List<Cid> cids = new ArrayList<>(call.size());
    call.forEach(w -> cids.add(w.cid));
    R result = null;
    RuntimeException failure = null;
    Error error = null;
    try {
      result = sender.call(cids);
    } catch (RuntimeException e) {
      failure = e;
    } catch (Error e) { // recorded first: a waiter left waiting would hold every later pin
      error = e;
      failure = new IpfsException("the call failed: " + e, e);
    }
    synchronized (lock) {
      for (Waiter<R> w : call) {
        w.done = true;
        w.result = result;
        if (failure != null && call.size() == 1) {
          w.failure = failure;
        } else if (failure != null) {
          w.retryAlone = true;
        }
      }
      Waiter<R> next = queue.poll();
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

package io.pincluster.faults.net;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rule and the open connections of one link of a {@link FaultProxy}. Thread-safe: the rule is
 * guarded by this object's monitor, whose {@code notifyAll} wakes forwarding threads waiting in
 * {@link #awaitForward}.
 */
final class Link {
  private final String name;
  private final Set<Splice> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private LinkState state = LinkState.PASS; // guarded by this
  private long delayNanos; // guarded by this
  private boolean closed; // guarded by this

  Link(String name) {
    this.name = name;
  }

  String name() {
    return name;
  }

  synchronized LinkState state() {
    return state;
  }

  synchronized Duration delay() {
    return Duration.ofNanos(delayNanos);
  }

  /** Sets the rule; with {@link LinkState#CUT} also resets every open connection. */
  void set(LinkState newState) {
    synchronized (this) {
      state = newState;
      notifyAll();
    }
    if (newState == LinkState.CUT) {
      resetAll();
    }
  }

  synchronized void delay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay of " + name + " (" + delay + ") must be >= 0");
    }
    delayNanos = delay.toNanos();
    notifyAll();
  }

  /** Stops every wait for good and resets every open connection. Idempotent. */
  void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    resetAll();
  }

  /**
   * Blocks until bytes read at {@code readAtNanos} ({@link System#nanoTime}) may be forwarded: the
   * link passes and the delay has elapsed since then. Returns false when they must not be forwarded
   * (the link is cut or closed): the caller resets the connection.
   */
  boolean awaitForward(long readAtNanos) throws InterruptedException {
    synchronized (this) {
      while (true) {
        if (closed || state == LinkState.CUT) {
          return false;
        }
        if (state == LinkState.PASS) {
          long wait = readAtNanos + delayNanos - System.nanoTime();
          if (wait <= 0) {
            return true;
          }
          TimeUnit.NANOSECONDS.timedWait(this, wait);
        } else {
          wait(); // BLACKHOLE: until the rule changes
        }
      }
    }
  }

  /** Registers an open connection; false (not registered) when the link is cut or closed. */
  boolean register(Splice s) {
    open.add(s);
    synchronized (this) {
      if (closed || state == LinkState.CUT) {
        open.remove(s);
        return false;
      }
    }
    accepted.incrementAndGet();
    return true;
  }

  void unregister(Splice s) {
    open.remove(s);
  }

  int openConnections() {
    return open.size();
  }

  long forwardedConnections() {
    return accepted.get();
  }

  private void resetAll() {
    for (Splice s : List.copyOf(open)) {
      s.reset();
    }
  }
}

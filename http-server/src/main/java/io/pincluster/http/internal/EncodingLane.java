package io.pincluster.http.internal;

import io.pincluster.core.Handoff;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second stage of a streamed response: an encoder thread turns the items the worker hands over
 * into NDJSON lines and gathers them into chunks, while the worker reads the next items (from
 * RocksDB, from other peers), so one large listing uses two cores. Items are handed over one by one
 * as they come ({@link Handoff}: a slow stream's line waits about a millisecond at most); the queue
 * is bounded, so a slow client still slows the worker down (the encoder waits for the channel, the
 * queue fills, the worker waits).
 *
 * <p>Protocol: the worker calls {@link #hand} per item (false once the encoder stopped: stop
 * reading), then {@link #finish}, or {@link #cancel} when it gives up. The encoder stops on its own
 * when an item cannot be encoded ({@link #error}) or the client is gone ({@link #aborted}; also
 * after any unexpected failure, so a broken stream never ends as a complete one).
 */
final class EncodingLane implements Runnable {
  /** Items queued between the two threads: enough to ride out scheduling, bounded memory. */
  static final int CAPACITY = 1024;

  private static final int DRAIN = 256;
  private static final Object END = new Object();
  private static final Logger LOG = LoggerFactory.getLogger(EncodingLane.class);

  private final LineWriter lines;
  private final Handoff<Object> queue = new Handoff<>(CAPACITY);
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile boolean stopped;
  private volatile boolean cancelled;
  private volatile boolean aborted;
  private volatile String error = "";

  EncodingLane(LineWriter lines) {
    this.lines = lines;
  }

  /**
   * On the worker: queues {@code item} for encoding, waiting while the queue is full.
   *
   * @return false when the encoder has stopped (the item is dropped; read no more)
   * @throws InterruptedException when the worker is interrupted (then {@link #cancel})
   */
  boolean hand(Object item) throws InterruptedException {
    return !stopped && queue.put(item, () -> stopped);
  }

  /**
   * On the worker, after the last item: waits until every handed item is encoded and gathered (or
   * the encoder stopped).
   *
   * @throws InterruptedException when the worker is interrupted (then {@link #cancel})
   */
  void finish() throws InterruptedException {
    hand(END);
    done.await();
  }

  /** On the worker, when it gives up: the encoder stops soon without encoding what is queued. */
  void cancel() {
    cancelled = true;
    stopped = true;
  }

  /** After {@link #finish}: why encoding stopped early (empty if it did not). */
  String error() {
    return error;
  }

  /** After {@link #finish}: whether the connection closed or the encoder was interrupted. */
  boolean aborted() {
    return aborted;
  }

  /** On the encoder thread. */
  @Override
  public void run() {
    List<Object> batch = new ArrayList<>(DRAIN);
    try {
      while (queue.take(batch, DRAIN, () -> cancelled) > 0) {
        for (Object item : batch) {
          if (item == END || cancelled || !encode(item)) {
            return;
          }
        }
        batch.clear();
      }
    } catch (InterruptedException e) {
      aborted = true;
    } catch (RuntimeException | Error e) {
      // the channel's event loop is gone, or a bug: the body cannot be finished properly
      LOG.warn("stream encoder failed: {}", e.toString());
      aborted = true;
    } finally {
      stopped = true;
      queue.clear();
      done.countDown();
    }
  }

  /** Encodes and gathers one item; false when the stream must stop. */
  private boolean encode(Object item) {
    if (lines.write(item)) {
      return true;
    }
    if (lines.error().isEmpty()) {
      aborted = true;
    } else {
      error = lines.error();
    }
    return false;
  }
}

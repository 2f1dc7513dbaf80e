package io.pincluster.http.internal;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The body of a request whose route streams it: a bounded buffer between the connection's event
 * loop (which offers the chunks as they are decoded) and one reader on any thread (the handler, or
 * a thread it hands the stream to).
 *
 * <p>Back-pressure: once {@link #HIGH_WATER} bytes wait unread, {@link #wantsMore()} turns false
 * and the connection stops reading from the socket (so the client's writes block in TCP); when the
 * reader has drained the buffer below {@link #LOW_WATER} it calls {@code resume}, which the
 * connection runs on its event loop to start reading again. A single socket read may overshoot the
 * high water mark by what it decoded, never more.
 *
 * <p>Ends: {@link #end()} after the last chunk (reads then return -1 once drained), {@link
 * #fail(IOException)} when the connection broke (reads throw it), {@link #close()} by the reader or
 * the server (unread and later chunks are dropped). A reader that waits longer than {@code
 * idleTimeout} for the next byte gets an {@link IOException}; zero means no limit.
 *
 * <p>Thread-safe: one lock guards the buffer; {@code resume} runs outside it.
 */
final class BodyStream extends InputStream {
  static final int HIGH_WATER = 64 * 1024;
  static final int LOW_WATER = 16 * 1024;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
  private final Runnable resume;
  private final Duration idleTimeout;
  private int headOffset;
  private long buffered;
  private long received;
  private boolean ended;
  private boolean closed;
  private boolean paused;
  private IOException failure;

  /**
   * @param resume called (on the reader's thread) when the buffer drained after being full
   * @param idleTimeout the longest a read waits for data; zero for no limit
   */
  BodyStream(Runnable resume, Duration idleTimeout) {
    this.resume = resume;
    this.idleTimeout = idleTimeout;
  }

  // --- event-loop side ---

  /** Adds the readable bytes of {@code buf} (copied; the caller releases it). */
  void offer(ByteBuf buf) {
    int n = buf.readableBytes();
    if (n == 0) {
      return;
    }
    lock.lock();
    try {
      received += n;
      if (closed || ended || failure != null) {
        return;
      }
      byte[] chunk = new byte[n];
      buf.readBytes(chunk);
      chunks.add(chunk);
      buffered += n;
      if (buffered >= HIGH_WATER) {
        paused = true;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The last chunk arrived. */
  void end() {
    lock.lock();
    try {
      ended = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The body cannot be completed (connection closed or malformed); pending reads throw {@code e}.
   */
  void fail(IOException e) {
    lock.lock();
    try {
      if (!ended && failure == null) {
        failure = e;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** False while the buffer is full and the reader has not drained it. */
  boolean wantsMore() {
    lock.lock();
    try {
      return closed || !paused;
    } finally {
      lock.unlock();
    }
  }

  /** Whether the whole body arrived. */
  boolean isComplete() {
    lock.lock();
    try {
      return ended;
    } finally {
      lock.unlock();
    }
  }

  // --- reader side ---

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    boolean wake;
    int n;
    lock.lock();
    try {
      if (!awaitData()) {
        return -1;
      }
      n = copy(b, off, len);
      wake = paused && buffered < LOW_WATER;
      if (wake) {
        paused = false;
      }
    } finally {
      lock.unlock();
    }
    if (wake) {
      resume.run();
    }
    return n;
  }

  /** Waits for a chunk; false at the end of the body. Holds the lock. */
  private boolean awaitData() throws IOException {
    long deadline = idleTimeout.isZero() ? 0 : System.nanoTime() + idleTimeout.toNanos();
    while (chunks.isEmpty()) {
      if (closed) {
        throw new IOException("the request body stream is closed");
      }
      if (failure != null) {
        throw new IOException(failure.getMessage(), failure);
      }
      if (ended) {
        return false;
      }
      try {
        if (deadline == 0) {
          changed.await();
        } else {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new IOException(
                "the client sent no request body data for " + idleTimeout.toMillis() + " ms");
          }
          changed.await(left, TimeUnit.NANOSECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading the request body");
      }
    }
    return true;
  }

  private int copy(byte[] b, int off, int len) {
    int n = 0;
    while (n < len && !chunks.isEmpty()) {
      byte[] head = chunks.peek();
      int take = Math.min(len - n, head.length - headOffset);
      System.arraycopy(head, headOffset, b, off + n, take);
      n += take;
      headOffset += take;
      if (headOffset == head.length) {
        chunks.poll();
        headOffset = 0;
      }
    }
    buffered -= n;
    return n;
  }

  @Override
  public int available() {
    lock.lock();
    try {
      return (int) Math.min(Integer.MAX_VALUE, buffered);
    } finally {
      lock.unlock();
    }
  }

  /** Drops what is buffered and everything still to come; later reads throw. Idempotent. */
  @Override
  public void close() {
    boolean wake;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      chunks.clear();
      buffered = 0;
      wake = paused;
      paused = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (wake) {
      resume.run();
    }
  }

  /** Bytes received from the client so far (also those dropped after a close). */
  long received() {
    lock.lock();
    try {
      return received;
    } finally {
      lock.unlock();
    }
  }
}

package io.pincluster.http.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.util.concurrent.TimeUnit;

/**
 * Gathers the lines of a streamed response into chunks of up to {@link #CHUNK_BYTES}, so a fast
 * stream (a listing of millions of pins) costs one write and flush per chunk instead of per line,
 * while a slow stream (progress lines minutes apart) still reaches the client promptly: a line
 * waits at most {@link #MAX_DELAY_MILLIS} before the event loop sends what was gathered.
 *
 * <p>Order: every chunk is handed to the channel's event loop as a task, in the order the chunks
 * were cut (under this object's monitor), whether the streaming thread or the delay timer cuts it,
 * so chunks and anything the streaming thread writes afterwards through the same context (the last
 * chunk) reach the socket in order. Thread-safe; {@link #add} and {@link #flush} are called by the
 * one thread that streams, the timer runs on the event loop.
 */
final class ChunkCoalescer {
  static final int CHUNK_BYTES = 32 * 1024;
  static final long MAX_DELAY_MILLIS = 5;

  private final ChannelHandlerContext ctx;
  private byte[] buf = new byte[CHUNK_BYTES];
  private int len;
  private boolean timerSet;

  ChunkCoalescer(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** Adds one line; sends the gathered chunk first when the line would not fit. */
  synchronized void add(byte[] line) {
    if (len + line.length > buf.length) {
      cut();
    }
    if (line.length >= buf.length) {
      send(line, line.length);
      return;
    }
    System.arraycopy(line, 0, buf, len, line.length);
    len += line.length;
    if (!timerSet) {
      timerSet = true;
      ctx.executor().schedule(this::onTimer, MAX_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Whether a full chunk's worth is gathered (the caller may check writability before more). */
  synchronized boolean full() {
    return len >= CHUNK_BYTES / 2;
  }

  /** Sends what is gathered now. */
  synchronized void flush() {
    cut();
  }

  private synchronized void onTimer() {
    timerSet = false;
    cut();
  }

  private void cut() {
    if (len == 0) {
      return;
    }
    byte[] out = buf;
    int n = len;
    buf = new byte[CHUNK_BYTES];
    len = 0;
    send(out, n);
  }

  private void send(byte[] bytes, int n) {
    DefaultHttpContent chunk = new DefaultHttpContent(Unpooled.wrappedBuffer(bytes, 0, n));
    ctx.executor().execute(() -> ctx.writeAndFlush(chunk));
  }
}

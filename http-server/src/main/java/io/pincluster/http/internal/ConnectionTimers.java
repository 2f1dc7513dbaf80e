package io.pincluster.http.internal;

import io.netty.channel.ChannelHandlerContext;
import io.pincluster.http.HttpServerOptions;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-header, read, write and idle timeouts of one connection, as Go's {@code net/http}
 * applies them. A request is "being read" from its first byte (or the connection's opening, for the
 * first request) until its body is complete; the header and read timers run meanwhile. The write
 * timer runs from the end of a request's headers until its response is written. The idle timer runs
 * while the connection waits for its next request. Any expiry closes the connection.
 *
 * <p>Event-loop confined: every method runs on the channel's event loop.
 */
final class ConnectionTimers {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionTimers.class);

  private final HttpServerOptions options;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> header;
  private ScheduledFuture<?> read;
  private ScheduledFuture<?> idle;
  private boolean reading;
  private boolean closed;

  ConnectionTimers(HttpServerOptions options) {
    this.options = options;
  }

  void opened(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    startReading();
  }

  /** Bytes arrived from the client (before decoding). */
  void bytesArrived() {
    idle = cancel(idle);
    if (!reading) {
      startReading();
    }
  }

  void headersRead() {
    header = cancel(header);
  }

  void bodyRead() {
    header = cancel(header);
    read = cancel(read);
    reading = false;
  }

  /** The connection has nothing to do until the client sends more. */
  void idle() {
    if (!reading && idle == null) {
      idle = schedule(options.effectiveIdleTimeout(), "idle timeout");
    }
  }

  /** A write timer for one response; the caller cancels it when the response is written. */
  ScheduledFuture<?> startWriteTimer() {
    return schedule(options.writeTimeout(), "write timeout");
  }

  void closed() {
    closed = true;
    header = cancel(header);
    read = cancel(read);
    idle = cancel(idle);
  }

  private void startReading() {
    reading = true;
    header = cancel(header);
    read = cancel(read);
    header = schedule(options.effectiveReadHeaderTimeout(), "read header timeout");
    read = schedule(options.readTimeout(), "read timeout");
  }

  private ScheduledFuture<?> schedule(Duration d, String what) {
    if (d.isZero() || closed || ctx == null) {
      return null;
    }
    return ctx.executor().schedule(() -> expire(what, d), d.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void expire(String what, Duration d) {
    LOG.debug(
        "{}: closing connection from {}: {} ({})",
        options.name(),
        ctx.channel().remoteAddress(),
        what,
        d);
    ctx.close();
  }

  static ScheduledFuture<?> cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
    return null;
  }
}

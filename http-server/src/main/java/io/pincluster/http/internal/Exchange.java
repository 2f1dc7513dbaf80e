package io.pincluster.http.internal;

import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.pincluster.http.AccessLog;
import io.pincluster.http.Request;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One request and the progress of its response. Created on the event loop; the worker that answers
 * it records the status and byte count; completion happens once, on the event loop.
 */
final class Exchange {
  final HttpConnection connection;
  final String method;
  final String uri;
  final String protocol;
  final Map<String, List<String>> headers;
  final byte[] body;

  /** The body of a streaming route, else null. */
  final BodyStream bodyStream;

  final boolean keepAlive;
  final boolean http10;
  final Instant received;
  final long startNanos;
  final ScheduledFuture<?> writeTimer;

  /** Event loop only: the client expects {@code 100 Continue} before it sends the body. */
  boolean continuePending;

  private volatile int status;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicBoolean completed = new AtomicBoolean();

  /** Listeners on the channel's close future for {@link Request#onClientGone}; guarded by this. */
  private final List<GenericFutureListener<Future<? super Void>>> goneListeners = new ArrayList<>();

  Exchange(
      HttpConnection connection,
      String method,
      String uri,
      String protocol,
      Map<String, List<String>> headers,
      byte[] body,
      BodyStream bodyStream,
      boolean keepAlive,
      Instant received,
      long startNanos,
      ScheduledFuture<?> writeTimer) {
    this.connection = connection;
    this.method = method;
    this.uri = uri;
    this.protocol = protocol;
    this.headers = headers;
    this.body = body;
    this.bodyStream = bodyStream;
    this.keepAlive = keepAlive;
    this.http10 = protocol.equals("HTTP/1.0");
    this.received = received;
    this.startNanos = startNanos;
    this.writeTimer = writeTimer;
  }

  /** Builds the request; may throw an HttpException (400) for a malformed query. */
  Request toRequest() {
    Request r =
        bodyStream != null
            ? Request.streaming(method, uri, protocol, headers, bodyStream, remoteAddress())
            : new Request(method, uri, protocol, headers, body, remoteAddress());
    return r.withClientGoneHook(this::onClientGone);
  }

  /** Runs {@code action} if the connection closes before this exchange completed. */
  private void onClientGone(Runnable action) {
    GenericFutureListener<Future<? super Void>> listener =
        f -> {
          if (!completed.get()) {
            action.run();
          }
        };
    synchronized (this) {
      if (completed.get()) {
        return;
      }
      goneListeners.add(listener);
      connection.closeFuture().addListener(listener);
    }
  }

  /** After completion: the close listeners are no longer needed (the connection may live on). */
  void releaseGoneListeners() {
    synchronized (this) {
      if (goneListeners.isEmpty()) {
        return;
      }
      ChannelFuture closeFuture = connection.closeFuture();
      goneListeners.forEach(closeFuture::removeListener);
      goneListeners.clear();
    }
  }

  /** True for a streamed body that has not fully arrived. */
  boolean bodyUnfinished() {
    return bodyStream != null && !bodyStream.isComplete();
  }

  InetSocketAddress remoteAddress() {
    return connection.remoteAddress();
  }

  void status(int s) {
    status = s;
  }

  void addBytes(long n) {
    bytes.addAndGet(n);
  }

  /** True the first time only. */
  boolean markCompleted() {
    return completed.compareAndSet(false, true);
  }

  AccessLog.Entry logEntry(long nowNanos) {
    return new AccessLog.Entry(
        remoteAddress(),
        method,
        uri,
        protocol,
        status,
        bytes.get(),
        received,
        Duration.ofNanos(nowNanos - startNanos));
  }
}

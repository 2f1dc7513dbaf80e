package io.pincluster.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.pincluster.http.Response;
import io.pincluster.http.Router;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: aggregates each request (bounded by the body limit), hands complete
 * requests one at a time to the worker pool, and answers pipelined requests in order.
 *
 * <p>Streamed bodies: when the route of a request takes its body as a stream ({@link
 * Router#streamsBody}), the request is handed over as soon as its headers arrive and its body
 * chunks go into a bounded {@link BodyStream}. While it is answered, the channel's write buffer may
 * hold {@link io.pincluster.http.HttpServerOptions#duplexBufferBytes()} instead of 64 KiB. When its
 * response is done before the body ended, the rest of the body is discarded and the connection is
 * closed (lingering, as for errors).
 *
 * <p>Threading: every field except the writability lock is confined to the channel's event loop.
 * Workers call only {@link #awaitWritable()}, {@link #ctx()} and {@link #abort(Exchange)}; body
 * readers call {@link #resumeReading()}. Read interest ({@link #updateAutoRead()}) is switched off
 * while a complete request waits behind the one being answered, so a client cannot queue work
 * faster than it is answered, and while a streamed body's buffer is full.
 *
 * <p>Errors found while decoding (431 headers too large, 413 body too large, 400 malformed) are
 * answered with {@code Connection: close}; the server then stops writing and discards input for a
 * short while so the client can read the answer before the connection closes.
 */
public final class HttpConnection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);
  private static final int MAX_PIPELINED = 32;
  private static final long LINGER_MILLIS = 2000;

  private final ServerContext server;
  private final ConnectionTimers timers;
  private final ReentrantLock writability = new ReentrantLock();
  private final Condition writabilityChanged = writability.newCondition();
  private volatile ChannelHandlerContext ctx;

  private Partial partial;

  /** The exchange whose streamed body is arriving (active or pending), else null. */
  private Exchange streamingIn;

  private final ArrayDeque<Exchange> pending = new ArrayDeque<>();
  private Exchange active;
  private boolean failed;
  private boolean closeRequested;

  /** A request whose body is still arriving. */
  private record Partial(
      HttpRequest head,
      Instant received,
      long startNanos,
      ByteArrayOutputStream body,
      ScheduledFuture<?> writeTimer) {}

  HttpConnection(ServerContext server, ConnectionTimers timers) {
    this.server = server;
    this.timers = timers;
  }

  ChannelHandlerContext ctx() {
    return ctx;
  }

  /** The channel's close future. */
  public ChannelFuture closeFuture() {
    return ctx.channel().closeFuture();
  }

  /** Closes now, whatever is in flight. */
  public void forceClose() {
    ctx.channel().close();
  }

  InetSocketAddress remoteAddress() {
    SocketAddress a = ctx == null ? null : ctx.channel().remoteAddress();
    return a instanceof InetSocketAddress i ? i : null;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    server.opened(this);
    timers.opened(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    server.closed(this);
    timers.closed();
    if (partial != null) {
      ConnectionTimers.cancel(partial.writeTimer());
      partial = null;
    }
    if (streamingIn != null) {
      streamingIn.bodyStream.fail(
          new IOException("the connection closed before the request body ended"));
      streamingIn = null;
    }
    for (Exchange e : pending) {
      ConnectionTimers.cancel(e.writeTimer);
    }
    pending.clear();
    signalWritability();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    signalWritability();
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug(
        "{}: connection from {} failed: {}",
        server.options.name(),
        ctx.channel().remoteAddress(),
        cause.toString());
    ctx.close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (failed) {
        return;
      }
      if (msg instanceof HttpRequest head) {
        onHead(head);
      }
      if (!failed && msg instanceof HttpContent content) {
        onContent(content);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onHead(HttpRequest head) {
    timers.headersRead();
    if (head.decoderResult().isFailure()) {
      Throwable cause = head.decoderResult().cause();
      if (cause instanceof TooLongHttpHeaderException
          || cause instanceof TooLongHttpLineException) {
        fail(431, "request header fields too large");
      } else {
        fail(400, "bad request: " + Router.messageOf(cause));
      }
      return;
    }
    String expect = head.headers().get(HttpHeaderNames.EXPECT);
    if (expect != null && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect)) {
      fail(417, "expectation failed");
      return;
    }
    if (server.router.streamsBody(head.method().name(), rawPath(head.uri()))) {
      onStreamingHead(head);
      return;
    }
    long length = HttpUtil.getContentLength(head, -1L);
    if (length > server.options.maxBodyBytes()) {
      fail(413, tooLarge());
      return;
    }
    if (HttpUtil.is100ContinueExpected(head) && active == null && pending.isEmpty()) {
      ctx.writeAndFlush(
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    }
    partial =
        new Partial(
            head,
            server.clock.instant(),
            System.nanoTime(),
            new ByteArrayOutputStream(),
            timers.startWriteTimer());
  }

  private static String rawPath(String uri) {
    String target = PathCodec.originForm(uri);
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  /** Hands the request over now; its body follows through a {@link BodyStream}. */
  private void onStreamingHead(HttpRequest head) {
    BodyStream body = new BodyStream(this::resumeReading, server.options.effectiveIdleTimeout());
    Exchange e =
        toExchange(
            head,
            server.clock.instant(),
            System.nanoTime(),
            new byte[0],
            body,
            timers.startWriteTimer());
    e.continuePending = HttpUtil.is100ContinueExpected(head);
    streamingIn = e;
    enqueue(e);
  }

  private void onStreamedContent(HttpContent content) {
    Exchange e = streamingIn;
    if (content.decoderResult().isFailure()) {
      fail(400, "bad request: " + Router.messageOf(content.decoderResult().cause()));
      return;
    }
    e.bodyStream.offer(content.content());
    if (content instanceof LastHttpContent) {
      timers.bodyRead();
      e.bodyStream.end();
      streamingIn = null;
    }
    updateAutoRead();
  }

  private String tooLarge() {
    return "request body too large (limit " + server.options.maxBodyBytes() + " bytes)";
  }

  private void onContent(HttpContent content) {
    if (partial == null) {
      if (streamingIn != null) {
        onStreamedContent(content);
      }
      return;
    }
    if (content.decoderResult().isFailure()) {
      fail(400, "bad request: " + Router.messageOf(content.decoderResult().cause()));
      return;
    }
    ByteBuf buf = content.content();
    int n = buf.readableBytes();
    if (partial.body().size() + (long) n > server.options.maxBodyBytes()) {
      fail(413, tooLarge());
      return;
    }
    if (n > 0) {
      byte[] chunk = new byte[n];
      buf.readBytes(chunk);
      partial.body().write(chunk, 0, n);
    }
    if (content instanceof LastHttpContent) {
      timers.bodyRead();
      Partial p = partial;
      Exchange e =
          toExchange(
              p.head(), p.received(), p.startNanos(), p.body().toByteArray(), null, p.writeTimer());
      partial = null;
      enqueue(e);
    }
  }

  private Exchange toExchange(
      HttpRequest head,
      Instant received,
      long startNanos,
      byte[] body,
      BodyStream bodyStream,
      ScheduledFuture<?> writeTimer) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : head.headers().names()) {
      headers.put(name, new ArrayList<>(head.headers().getAll(name)));
    }
    return new Exchange(
        this,
        head.method().name(),
        head.uri(),
        head.protocolVersion().text(),
        headers,
        body,
        bodyStream,
        HttpUtil.isKeepAlive(head),
        received,
        startNanos,
        writeTimer);
  }

  private void enqueue(Exchange e) {
    pending.add(e);
    if (pending.size() > MAX_PIPELINED) {
      LOG.debug(
          "{}: closing connection from {}: more than {} pipelined requests",
          server.options.name(),
          remoteAddress(),
          MAX_PIPELINED);
      ctx.close();
      return;
    }
    if (active == null) {
      dispatchNext();
    } else {
      updateAutoRead();
    }
  }

  private void dispatchNext() {
    Exchange next = pending.poll();
    updateAutoRead();
    if (next == null) {
      if (partial == null && streamingIn == null) {
        if (closeRequested) {
          ctx.close();
        } else {
          timers.idle();
        }
      }
      return;
    }
    active = next;
    if (next.bodyStream != null) {
      startDuplex(next);
    }
    try {
      server.workers.execute(() -> server.writer.answer(next));
    } catch (RejectedExecutionException e) {
      server.writer.writeBody(next, busy(), false);
    }
  }

  /** Before a streaming request is answered: a larger write buffer, and 100 Continue if due. */
  private void startDuplex(Exchange e) {
    int high = server.options.duplexBufferBytes();
    ctx.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(high / 2, high));
    if (e.continuePending) {
      e.continuePending = false;
      ctx.writeAndFlush(
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    }
  }

  /**
   * Reads from the socket when nothing waits to be answered and the streamed body arriving (if any)
   * has room; stops reading otherwise. Event loop only.
   */
  private void updateAutoRead() {
    if (failed) {
      return;
    }
    boolean want = pending.isEmpty() && (streamingIn == null || streamingIn.bodyStream.wantsMore());
    ChannelConfig config = ctx.channel().config();
    if (config.isAutoRead() != want) {
      config.setAutoRead(want);
    }
  }

  /** From a body reader: the streamed body's buffer has room again. Thread-safe. */
  void resumeReading() {
    try {
      ctx.executor().execute(this::updateAutoRead);
    } catch (RejectedExecutionException e) {
      // the event loop is shutting down: nothing more will be read anyway
    }
  }

  static Response busy() {
    return Response.error(503, "server busy: too many requests waiting for a worker");
  }

  /**
   * Called on the event loop when the response of {@code e} has been written (or failed).
   *
   * @param close close the connection now (the response said {@code Connection: close})
   */
  void completed(Exchange e, boolean close) {
    if (!e.markCompleted()) {
      return;
    }
    e.releaseGoneListeners();
    ConnectionTimers.cancel(e.writeTimer);
    server.log(e.logEntry(System.nanoTime()));
    if (active == e) {
      active = null;
    }
    if (e.bodyStream != null && endDuplex(e)) {
      return;
    }
    if (failed) {
      linger();
      return;
    }
    if (close || closeRequested || server.closing()) {
      ctx.close();
      return;
    }
    dispatchNext();
  }

  /**
   * After a streaming request was answered: the normal write buffer again; its body stream closed
   * (dropping what the handler left unread). When the body has not fully arrived, discards the rest
   * while lingering, then closes; returns true then.
   */
  private boolean endDuplex(Exchange e) {
    ctx.channel().config().setWriteBufferWaterMark(ServerContext.WRITE_BUFFER);
    boolean unfinished = e.bodyUnfinished();
    e.bodyStream.close();
    if (!unfinished) {
      return false;
    }
    if (streamingIn == e) {
      streamingIn = null;
    }
    LOG.debug(
        "{}: closing connection from {}: {} {} was answered before its body ended",
        server.options.name(),
        remoteAddress(),
        e.method,
        e.uri);
    failed = true;
    linger();
    return true;
  }

  /** From a worker: the response of {@code e} cannot be finished (client gone, shutdown). */
  void abort(Exchange e) {
    Channel ch = ctx.channel();
    ch.close();
    try {
      ch.eventLoop().execute(() -> completed(e, true));
    } catch (RejectedExecutionException ignored) {
      // the event loop is shutting down; nothing left to log to
    }
  }

  /** Answers a request that cannot be decoded or accepted, then closes the connection. */
  private void fail(int status, String message) {
    failed = true;
    if (partial != null) {
      ConnectionTimers.cancel(partial.writeTimer());
    }
    HttpRequest head = partial == null ? null : partial.head();
    partial = null;
    if (streamingIn != null) {
      streamingIn.bodyStream.fail(new IOException("the request body is malformed: " + message));
      streamingIn = null;
    }
    if (active != null) {
      // A response is still being written: an error cannot be sent in order.
      ctx.close();
      return;
    }
    Exchange e =
        new Exchange(
            this,
            head == null ? "-" : head.method().name(),
            head == null ? "-" : head.uri(),
            head == null ? "HTTP/1.1" : head.protocolVersion().text(),
            Map.of(),
            new byte[0],
            null,
            false,
            server.clock.instant(),
            System.nanoTime(),
            null);
    active = e;
    server.writer.writeBody(e, Response.error(status, message), true);
  }

  /** Stops writing, keeps discarding input so the client reads the answer, then closes. */
  private void linger() {
    Channel ch = ctx.channel();
    ch.config().setAutoRead(true);
    if (ch instanceof SocketChannel sc && ctx.pipeline().get(SslHandler.class) == null) {
      sc.shutdownOutput();
      ctx.executor().schedule(() -> ch.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    } else {
      ch.close();
    }
  }

  /**
   * Asks the connection to close once its current response is written (immediately when idle).
   * Thread-safe.
   */
  public void requestClose() {
    try {
      ctx.executor()
          .execute(
              () -> {
                closeRequested = true;
                if (active == null && partial == null && pending.isEmpty()) {
                  ctx.close();
                }
              });
    } catch (RejectedExecutionException e) {
      ctx.channel().close();
    }
  }

  /**
   * Blocks the calling worker until the channel accepts more output without growing its buffer past
   * the high water mark.
   *
   * @return false when the channel closed or the thread was interrupted
   */
  boolean awaitWritable() {
    Channel ch = ctx.channel();
    if (ch.isWritable()) {
      return true;
    }
    writability.lock();
    try {
      while (!ch.isWritable()) {
        if (!ch.isActive()) {
          return false;
        }
        writabilityChanged.await(1, TimeUnit.SECONDS);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      writability.unlock();
    }
  }

  private void signalWritability() {
    writability.lock();
    try {
      writabilityChanged.signalAll();
    } finally {
      writability.unlock();
    }
  }
}

package io.pincluster.http.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.pincluster.core.CloseableIterator;
import io.pincluster.http.Request;
import io.pincluster.http.Response;
import io.pincluster.http.Router;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs handlers and writes their responses. {@link #answer} runs on a worker thread; {@link
 * #writeBody} may run on any thread (it only enqueues writes). Streams and raw bodies are written
 * by the worker that produced them: one item (or one read of the body) at a time, waiting for the
 * channel to become writable before each, so a slow client slows the producer down instead of
 * filling memory. A stream's items are encoded by an encoder thread when one is free ({@link
 * EncodingLane}: the worker keeps reading items meanwhile), else by the worker. Raw bodies: see
 * {@link RawBodyWriter}.
 */
final class ResponseWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ResponseWriter.class);

  private final ServerContext server;
  private final RawBodyWriter raw;

  ResponseWriter(ServerContext server) {
    this.server = server;
    this.raw = new RawBodyWriter(server, this);
  }

  /** On a worker: runs the router for {@code e} and writes what it answers. */
  void answer(Exchange e) {
    Response r;
    try {
      Request request = e.toRequest();
      r = server.router.handle(request);
    } catch (Throwable t) {
      r = server.router.errorResponse(t);
    }
    write(e, r);
  }

  private void write(Exchange e, Response r) {
    try {
      switch (r.kind()) {
        case BODY -> writeBody(e, r, false);
        case STREAM -> writeStream(e, r);
        case ASYNC -> writeWhenDone(e, r);
        case RAW -> raw.write(e, r);
      }
    } catch (RuntimeException ex) {
      // A bug (e.g. an invalid header name): the response cannot be sent, drop the connection.
      LOG.warn(
          "{}: cannot answer {} {}: {}", server.options.name(), e.method, e.uri, ex.toString());
      e.connection.abort(e);
    }
  }

  /** Writes a complete response; the connection completes the exchange once it is flushed. */
  void writeBody(Exchange e, Response r, boolean forceClose) {
    boolean close = forceClose || !e.keepAlive || server.closing() || e.bodyUnfinished();
    int status = r.status();
    byte[] body = r.body();
    DefaultFullHttpResponse resp =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(status),
            Unpooled.wrappedBuffer(body),
            headersFor(e, r, close),
            new DefaultHttpHeaders());
    if (status >= 200 && status != 204 && status != 304) {
      HttpUtil.setContentLength(resp, body.length);
    }
    e.status(status);
    e.addBytes(body.length);
    e.connection
        .ctx()
        .writeAndFlush(resp)
        .addListener(f -> e.connection.completed(e, close || !f.isSuccess()));
  }

  private void writeWhenDone(Exchange e, Response async) {
    async
        .future()
        .whenComplete(
            (value, failure) -> {
              Runnable task = () -> write(e, resolve(value, failure).withHeadersOf(async));
              try {
                server.workers.execute(task);
              } catch (RejectedExecutionException rejected) {
                if (value instanceof Response r && r.kind() == Response.Kind.STREAM) {
                  closeQuietly(e, r.items());
                }
                if (value instanceof Response r && r.kind() == Response.Kind.RAW) {
                  r.bodySource().close();
                }
                writeBody(e, HttpConnection.busy().withHeadersOf(async), false);
              }
            });
  }

  private Response resolve(Object value, Throwable failure) {
    if (failure != null) {
      return server.router.errorResponse(failure);
    }
    if (value instanceof Response r) {
      return r;
    }
    try {
      return Response.ok(value);
    } catch (RuntimeException ex) {
      return server.router.errorResponse(ex);
    }
  }

  private void writeStream(Exchange e, Response r) {
    CloseableIterator<?> items = r.items();
    try {
      streamItems(e, r, items);
    } catch (Throwable t) {
      LOG.warn("{}: stream of {} {} failed: {}", server.options.name(), e.method, e.uri, t);
      e.connection.abort(e);
    } finally {
      closeQuietly(e, items);
    }
  }

  private void closeQuietly(Exchange e, CloseableIterator<?> items) {
    try {
      items.close();
    } catch (RuntimeException ex) {
      LOG.warn("{}: closing the stream of {} failed: {}", server.options.name(), e.uri, ex);
    }
  }

  private void streamItems(Exchange e, Response r, CloseableIterator<?> items) {
    Object item;
    try {
      if (!items.hasNext()) {
        writeBody(e, streamHeaders(Response.noContent(), r), false);
        return;
      }
      item = items.next();
    } catch (RuntimeException ex) {
      writeBody(e, streamHeaders(server.router.errorResponse(ex), r), false);
      return;
    }
    boolean chunked = !e.http10;
    boolean close = !e.keepAlive || !chunked || server.closing();
    DefaultHttpResponse head =
        new DefaultHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, headersFor(e, r, close));
    if (chunked) {
      head.headers().set(HttpHeaderNames.TRAILER, Response.STREAM_ERROR_TRAILER);
      HttpUtil.setTransferEncodingChunked(head, true);
    }
    e.status(200);
    ChannelHandlerContext ctx = e.connection.ctx();
    ctx.write(head);
    ChunkCoalescer chunks = new ChunkCoalescer(ctx);
    LineWriter lines = new LineWriter(e, chunks);
    EncodingLane lane = new EncodingLane(lines);
    String error =
        startLane(lane) ? streamThroughLane(items, item, lane) : streamInline(items, item, lines);
    if (error == null) {
      e.connection.abort(e);
      return;
    }
    chunks.flush();
    finish(e, ctx, chunked, close, error);
  }

  private boolean startLane(EncodingLane lane) {
    try {
      server.encoders.execute(lane);
      return true;
    } catch (RejectedExecutionException busy) {
      return false;
    }
  }

  /**
   * Reads the items after {@code first} and hands them to the encoder thread; returns the stream's
   * error (empty when none), or null when the connection must be dropped.
   */
  private String streamThroughLane(CloseableIterator<?> items, Object first, EncodingLane lane) {
    String readError = "";
    boolean finished = false;
    try {
      try {
        Object item = first;
        while (lane.hand(item) && items.hasNext()) {
          item = items.next();
        }
      } catch (RuntimeException ex) {
        readError = Router.messageOf(ex);
      }
      lane.finish();
      finished = true;
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      if (!finished) {
        lane.cancel(); // interrupted, or an Error on its way up: stop the encoder too
      }
    }
    if (lane.aborted()) {
      return null;
    }
    return lane.error().isEmpty() ? readError : lane.error();
  }

  /**
   * Encodes on the worker itself (no encoder thread free); same results as {@link
   * #streamThroughLane}.
   */
  private String streamInline(CloseableIterator<?> items, Object first, LineWriter lines) {
    Object item = first;
    try {
      while (lines.write(item)) {
        if (!items.hasNext()) {
          return "";
        }
        item = items.next();
      }
      return lines.error().isEmpty() ? null : lines.error();
    } catch (RuntimeException ex) {
      return Router.messageOf(ex);
    }
  }

  private void finish(
      Exchange e, ChannelHandlerContext ctx, boolean chunked, boolean close, String error) {
    if (!error.isEmpty()) {
      LOG.debug(
          "{}: stream of {} {} ended with: {}", server.options.name(), e.method, e.uri, error);
    }
    LastHttpContent last = new DefaultLastHttpContent();
    if (chunked) {
      last.trailingHeaders().set(Response.STREAM_ERROR_TRAILER, headerValue(error));
    }
    ctx.writeAndFlush(last).addListener(f -> e.connection.completed(e, close || !f.isSuccess()));
  }

  /** A stream's own answer (204 or 500) with the stream's headers and the trailer declaration. */
  private static Response streamHeaders(Response answer, Response stream) {
    return answer
        .withHeadersOf(stream)
        .withHeader(HttpHeaderNames.TRAILER.toString(), Response.STREAM_ERROR_TRAILER);
  }

  /** The configured extra headers, the response's own, and the connection header. */
  HttpHeaders headersFor(Exchange e, Response r, boolean close) {
    HttpHeaders h = new DefaultHttpHeaders();
    server.options.extraHeaders().forEach((k, vs) -> vs.forEach(v -> h.add(k, headerValue(v))));
    if (r.kind() != Response.Kind.RAW
        && r.header(HttpHeaderNames.CONTENT_TYPE.toString()).isEmpty()) {
      h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    }
    for (Map.Entry<String, String> entry : r.headers()) {
      h.add(entry.getKey(), headerValue(entry.getValue()));
    }
    if (close) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (e.http10) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return h;
  }

  /** A header value without line breaks or other control characters. */
  static String headerValue(String v) {
    if (v == null) {
      return "";
    }
    StringBuilder sb = null;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        if (sb == null) {
          sb = new StringBuilder(v.substring(0, i));
        }
        sb.append(' ');
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? v : sb.toString();
  }
}

package io.pincluster.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.pincluster.http.BodySource;
import io.pincluster.http.Response;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@link Response.Kind#RAW} responses on the worker that produced them: the head at once,
 * then one read of the {@link BodySource} at a time (at most {@link #CHUNK} bytes), each written
 * after the channel became writable, so the source is read only as fast as the client takes it.
 *
 * <p>Framing: a known content length is sent as {@code Content-Length} (the source must yield
 * exactly that many bytes); otherwise HTTP/1.1 clients get a chunked body ending with the source's
 * trailers, HTTP/1.0 clients a body delimited by closing the connection. {@code HEAD} requests and
 * 1xx/204/304 answers get the head only. A source that fails (or yields the wrong length) makes the
 * writer drop the connection: the client sees a truncated response instead of a complete-looking
 * one.
 */
final class RawBodyWriter {
  private static final Logger LOG = LoggerFactory.getLogger(RawBodyWriter.class);

  /** The most one read of the source may return: one chunk on the wire. */
  static final int CHUNK = 64 * 1024;

  private final ServerContext server;
  private final ResponseWriter writer;

  RawBodyWriter(ServerContext server, ResponseWriter writer) {
    this.server = server;
    this.writer = writer;
  }

  void write(Exchange e, Response r) {
    BodySource body = r.bodySource();
    try {
      writeFrom(e, r, body);
    } catch (IOException | RuntimeException ex) {
      LOG.debug(
          "{}: the body of {} {} failed, dropping the connection: {}",
          server.options.name(),
          e.method,
          e.uri,
          ex.toString());
      e.connection.abort(e);
    } finally {
      try {
        body.close();
      } catch (RuntimeException ex) {
        LOG.warn("{}: closing the body of {} failed: {}", server.options.name(), e.uri, ex);
      }
    }
  }

  private void writeFrom(Exchange e, Response r, BodySource body) throws IOException {
    int status = r.status();
    boolean head = e.method.equals("HEAD");
    boolean noBody = head || status < 200 || status == 204 || status == 304;
    long length = noBody ? -1 : r.contentLength();
    boolean chunked = !noBody && length < 0 && !e.http10;
    boolean untilClose = !noBody && length < 0 && e.http10;
    boolean close = !e.keepAlive || server.closing() || untilClose;
    HttpHeaders h = writer.headersFor(e, r, close);
    h.remove(HttpHeaderNames.TRANSFER_ENCODING);
    if (!head || status == 204 || status == 304) {
      h.remove(HttpHeaderNames.CONTENT_LENGTH);
    }
    if (!chunked) {
      h.remove(HttpHeaderNames.TRAILER);
    }
    if (length >= 0) {
      h.set(HttpHeaderNames.CONTENT_LENGTH, length);
    } else if (chunked) {
      h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    e.status(status);
    ChannelHandlerContext ctx = e.connection.ctx();
    ctx.writeAndFlush(
        new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), h));
    if (!noBody && !copy(e, ctx, body, length)) {
      return;
    }
    LastHttpContent last = new DefaultLastHttpContent();
    if (chunked) {
      addTrailers(last, body.trailers());
    }
    ctx.writeAndFlush(last).addListener(f -> e.connection.completed(e, close || !f.isSuccess()));
  }

  /** Copies the body; false when the client went away (the exchange is then aborted). */
  private boolean copy(Exchange e, ChannelHandlerContext ctx, BodySource body, long length)
      throws IOException {
    byte[] buffer = new byte[CHUNK];
    long sent = 0;
    while (true) {
      int n = body.read(buffer);
      if (n < 0) {
        break;
      }
      if (n == 0) {
        throw new IOException(
            "the body source returned no bytes (it must block until it has some)");
      }
      if (length >= 0 && sent + n > length) {
        throw new IOException("the body is longer than its content length " + length);
      }
      if (!e.connection.awaitWritable()) {
        e.connection.abort(e);
        return false;
      }
      ByteBuf out = ctx.alloc().buffer(n).writeBytes(buffer, 0, n);
      ctx.writeAndFlush(new DefaultHttpContent(out));
      sent += n;
      e.addBytes(n);
    }
    if (length >= 0 && sent != length) {
      throw new IOException("the body ended after " + sent + " of " + length + " bytes");
    }
    return true;
  }

  private static void addTrailers(LastHttpContent last, Map<String, List<String>> trailers) {
    trailers.forEach(
        (name, values) ->
            values.forEach(v -> last.trailingHeaders().add(name, ResponseWriter.headerValue(v))));
  }
}

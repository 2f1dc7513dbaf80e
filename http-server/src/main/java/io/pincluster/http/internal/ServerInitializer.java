package io.pincluster.http.internal;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.pincluster.http.HttpServerOptions;

/**
 * Builds each connection's pipeline: [TLS] → activity → HTTP codec → flush merging → connection.
 */
public final class ServerInitializer extends ChannelInitializer<SocketChannel> {
  private final ServerContext server;

  public ServerInitializer(ServerContext server) {
    this.server = server;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    HttpServerOptions o = server.options;
    ConnectionTimers timers = new ConnectionTimers(o);
    ChannelPipeline p = ch.pipeline();
    if (o.sslContext() != null) {
      p.addLast("tls", o.sslContext().newHandler(ch.alloc()));
    }
    p.addLast("activity", new ActivityDetector(timers));
    p.addLast(
        "codec",
        new HttpServerCodec(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(o.maxHeaderBytes())
                .setMaxHeaderSize(o.maxHeaderBytes())
                .setMaxChunkSize(16 * 1024)));
    // Streams flush after every item; this merges the flushes queued within one event-loop turn
    // into one write (each item still leaves before the loop sleeps).
    p.addLast("flush", new FlushConsolidationHandler(256, true));
    p.addLast("http", new HttpConnection(server, timers));
  }
}

package io.pincluster.http.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Sits before the HTTP decoder and tells the timers when raw bytes arrive. */
final class ActivityDetector extends ChannelInboundHandlerAdapter {
  private final ConnectionTimers timers;

  ActivityDetector(ConnectionTimers timers) {
    this.timers = timers;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    timers.bytesArrived();
    ctx.fireChannelRead(msg);
  }
}

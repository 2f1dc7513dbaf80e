package io.pincluster.http.internal;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads named {@code <prefix>-1}, {@code <prefix>-2}, … */
public final class NamedThreadFactory implements ThreadFactory {
  private final String prefix;
  private final boolean netty;
  private final AtomicInteger counter = new AtomicInteger();

  /**
   * @param netty create Netty's {@link FastThreadLocalThread}s (for event loops)
   */
  public NamedThreadFactory(String prefix, boolean netty) {
    this.prefix = prefix;
    this.netty = netty;
  }

  @Override
  public Thread newThread(Runnable r) {
    String name = prefix + "-" + counter.incrementAndGet();
    Thread t = netty ? new FastThreadLocalThread(r, name) : new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}

package io.pincluster.consensus.raft;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback TCP proxy to {@code 127.0.0.1:target} that forwards what its clients send at most
 * {@code bytesPerSecond} on each connection (a slow link), and the answers at full speed; it can
 * also hold back what clients send for a while, or cut the link for good. Threads are named {@code
 * throttled-proxy-*}; {@link #close()} stops them and closes every connection.
 */
final class ThrottledTcpProxy implements AutoCloseable {
  private static final int BUFFER = 16 * 1024;

  private final ServerSocket server;
  private final int target;
  private final long bytesPerSecond;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicLong forwarded = new AtomicLong();
  private volatile boolean closed;
  private volatile boolean cut;
  private volatile long stalledUntil = System.nanoTime();

  private ThrottledTcpProxy(ServerSocket server, int target, long bytesPerSecond) {
    this.server = server;
    this.target = target;
    this.bytesPerSecond = bytesPerSecond;
  }

  static ThrottledTcpProxy start(int target, long bytesPerSecond) throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    ThrottledTcpProxy proxy = new ThrottledTcpProxy(server, target, bytesPerSecond);
    thread("throttled-proxy-accept", proxy::acceptLoop).start();
    return proxy;
  }

  int port() {
    return server.getLocalPort();
  }

  /** Forwards nothing from clients for {@code pause} from now on (a stalled peer or link). */
  void stall(Duration pause) {
    stalledUntil = System.nanoTime() + pause.toNanos();
  }

  /**
   * Cuts the link for good: resets every connection (what it held back is lost) and resets each new
   * one as soon as it is accepted.
   */
  void cut() {
    cut = true;
    sockets.forEach(ThrottledTcpProxy::reset);
  }

  /** Bytes forwarded from clients to the target so far. */
  long forwarded() {
    return forwarded.get();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        if (cut) {
          reset(client);
          continue;
        }
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        sockets.add(client);
        sockets.add(upstream);
        thread("throttled-proxy-up", () -> pump(client, upstream, true)).start();
        thread("throttled-proxy-down", () -> pump(upstream, client, false)).start();
      } catch (IOException e) {
        if (!closed) {
          throw new IllegalStateException("proxy accept failed", e);
        }
      }
    }
  }

  private void pump(Socket from, Socket to, boolean throttled) {
    byte[] buf = new byte[BUFFER];
    long next = System.nanoTime(); // when the link is free again (idle time is not saved up)
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        if (throttled) {
          parkUntil(stalledUntil);
          parkUntil(next);
          next = Math.max(next, System.nanoTime()) + n * 1_000_000_000L / bytesPerSecond;
          forwarded.addAndGet(n);
        }
        if (cut) {
          break;
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // the other side closed: close both
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void parkUntil(long nanos) {
    for (long wait = nanos - System.nanoTime(); wait > 0; wait = nanos - System.nanoTime()) {
      LockSupport.parkNanos(wait);
    }
  }

  private static Thread thread(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException e) {
      // closed already
    }
    closeQuietly(s);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    sockets.forEach(ThrottledTcpProxy::closeQuietly);
  }
}

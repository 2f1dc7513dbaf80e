package io.pincluster.faults.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One forwarded connection: the accepted client socket, the socket to the destination and two
 * forwarding threads, {@code <link>-c<N>-up} (client to destination, which also connects) and
 * {@code <link>-c<N>-down}. Every chunk passes {@link Link#awaitForward} before it is written, so
 * the link's rule and delay apply to bytes already in flight. An end of stream is passed on as a
 * half close; an error, a cut or a {@link #reset} resets both sockets. {@code onDone} runs once,
 * when both threads have finished.
 */
final class Splice {
  private final Link link;
  private final Socket client;
  private final Socket upstream = new Socket();
  private final InetSocketAddress target;
  private final FaultProxyConfig config;
  private final Runnable onDone;
  private final String name;
  private final AtomicBoolean reset = new AtomicBoolean();
  private final AtomicInteger running = new AtomicInteger(2);

  Splice(
      Link link,
      Socket client,
      InetSocketAddress target,
      FaultProxyConfig config,
      String name,
      Runnable onDone) {
    this.link = link;
    this.client = client;
    this.target = target;
    this.config = config;
    this.name = name;
    this.onDone = onDone;
  }

  /** Starts the up thread, which connects (once the link lets it) and then forwards. */
  void start() {
    Thread up = new Thread(this::connectAndForwardUp, name + "-up");
    up.setDaemon(true);
    up.start();
  }

  /** Resets both sockets (RST); the forwarding threads then end. Idempotent. */
  void reset() {
    if (!reset.compareAndSet(false, true)) {
      return;
    }
    abort(client);
    abort(upstream);
  }

  private void connectAndForwardUp() {
    try {
      if (!link.register(this)) {
        reset();
        threadDone();
        threadDone();
        return;
      }
      // a silent partition holds a new connection unconnected until it heals
      if (!link.awaitForward(System.nanoTime())) {
        throw new IOException(link.name() + " is cut");
      }
      upstream.connect(target, (int) config.connectTimeout().toMillis());
    } catch (IOException | InterruptedException e) {
      reset();
      threadDone();
      threadDone();
      return;
    }
    Thread down = new Thread(() -> forward(upstream, client), name + "-down");
    down.setDaemon(true);
    down.start();
    forward(client, upstream);
  }

  private void forward(Socket from, Socket to) {
    byte[] buf = new byte[config.bufferBytes()];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      while (true) {
        int n = in.read(buf);
        if (n < 0) {
          to.shutdownOutput();
          break;
        }
        if (!link.awaitForward(System.nanoTime())) {
          reset();
          break;
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      reset();
    } finally {
      threadDone();
    }
  }

  private void threadDone() {
    if (running.decrementAndGet() == 0) {
      close(client);
      close(upstream);
      link.unregister(this);
      onDone.run();
    }
  }

  private static void abort(Socket s) {
    try {
      s.setSoLinger(true, 0); // close with RST
    } catch (IOException e) {
      // not connected or already closed: close() below is enough
    }
    close(s);
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}

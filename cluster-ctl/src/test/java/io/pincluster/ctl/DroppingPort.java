package io.pincluster.ctl;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A port that accepts every connection, reads up to {@code readBytes} of the request and closes the
 * connection without answering: a server that dies while a request is on its way.
 */
final class DroppingPort implements AutoCloseable {
  private final ServerSocket socket;
  private final Thread acceptor;
  private final int readBytes;
  private final AtomicInteger connections = new AtomicInteger();

  DroppingPort(int readBytes) throws IOException {
    this.readBytes = readBytes;
    socket = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
    acceptor = new Thread(this::serve, "dropping-port-" + socket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String multiaddr() {
    return "/ip4/127.0.0.1/tcp/" + socket.getLocalPort();
  }

  int port() {
    return socket.getLocalPort();
  }

  /** Connections accepted so far. */
  int connections() {
    return connections.get();
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket s = socket.accept()) {
        connections.incrementAndGet();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        int total = 0;
        while (total < readBytes) {
          int n = in.read(buf, 0, Math.min(buf.length, readBytes - total));
          if (n < 0) {
            break;
          }
          total += n;
        }
      } catch (IOException closed) {
        if (socket.isClosed()) {
          return;
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

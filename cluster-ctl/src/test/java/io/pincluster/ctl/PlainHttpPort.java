package io.pincluster.ctl;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A port that answers every connection with {@code 400 Bad Request} and closes it, as an HTTP
 * server does when a TLS client hello arrives: lets tests see cluster-ctl speak TLS to it.
 */
final class PlainHttpPort implements AutoCloseable {
  private final ServerSocket socket;
  private final Thread acceptor;

  PlainHttpPort() throws IOException {
    socket = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
    acceptor = new Thread(this::serve, "plain-http-port-" + socket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  String multiaddr() {
    return "/ip4/127.0.0.1/tcp/" + port();
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket s = socket.accept();
          OutputStream out = s.getOutputStream()) {
        out.write(
            "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException closed) {
        return;
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

package io.pincluster.testing.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A minimal HTTP/1.1 server for test fakes: keep-alive, Content-Length and chunked request bodies,
 * {@code Expect: 100-continue}, and responses that are either whole or chunked streams.
 *
 * <p>Why not the JDK's {@code HttpServer}: a fake daemon must notice when a client gives up on a
 * request that hangs (a gated {@code pin/add}), and {@code HttpServer} gives a handler no way to
 * see the connection close. Here each connection is served by one thread, which can poll the socket
 * ({@link HttpCall#clientGone}).
 *
 * <p>Threads: one acceptor ({@code <name>-accept}) and at most {@code maxConnections} connection
 * threads ({@code <name>-conn-N}, no queue: a connection beyond the limit gets a 503 and is
 * closed). Idle keep-alive connections are closed after {@link #IDLE_TIMEOUT_MS}. Request heads are
 * limited to 64 KiB and bodies to {@link #MAX_BODY} bytes.
 */
public final class MiniHttpServer implements AutoCloseable {
  static final int IDLE_TIMEOUT_MS = 60_000;
  static final int MAX_BODY = 64 * 1024 * 1024;
  private static final int MAX_HEAD = 64 * 1024;

  private final ServerSocket serverSocket;
  private final ThreadPoolExecutor connections;
  private final Thread acceptor;
  private final Consumer<HttpCall> handler;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Binds {@code host:port} (port 0 picks a free one) and starts serving.
   *
   * @param handler called on a connection thread for each request; must answer it (a handler that
   *     throws gets a 500 if nothing was sent yet, else the connection is closed)
   * @throws UncheckedIOException when the port cannot be bound
   */
  public MiniHttpServer(
      String name, String host, int port, int maxConnections, Consumer<HttpCall> handler) {
    this.handler = handler;
    try {
      this.serverSocket = new ServerSocket();
      serverSocket.setReuseAddress(true);
      serverSocket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 128);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
    }
    AtomicInteger n = new AtomicInteger();
    this.connections =
        new ThreadPoolExecutor(
            0,
            maxConnections,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> daemon(r, name + "-conn-" + n.incrementAndGet()));
    this.acceptor = daemon(this::acceptLoop, name + "-accept");
    acceptor.start();
  }

  public int port() {
    return serverSocket.getLocalPort();
  }

  /** Idempotent: stops accepting, closes every connection, and waits up to 5 s for threads. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      serverSocket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    open.forEach(MiniHttpServer::closeQuietly);
    connections.shutdownNow();
    try {
      acceptor.join(5_000);
      connections.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public boolean isClosed() {
    return closed;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      if (closed) {
        // stopping: a connection that slipped in is dropped, as a stopped node would (no 503)
        closeQuietly(socket);
        return;
      }
      try {
        open.add(socket);
        connections.execute(() -> serve(socket));
      } catch (RejectedExecutionException e) {
        if (closed) {
          open.remove(socket);
          closeQuietly(socket);
        } else {
          refuse(socket);
        }
      }
    }
  }

  private void refuse(Socket socket) {
    try (socket) {
      socket
          .getOutputStream()
          .write(
              ("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
    } catch (IOException ignored) {
      // the client is gone anyway
    } finally {
      open.remove(socket);
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      BufferedInputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      // buffered: a response's head, a chunk's size, data and CRLF leave in one segment (every
      // write of HttpCall flushes), not one each (TCP_NODELAY)
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
      while (!closed) {
        socket.setSoTimeout(IDLE_TIMEOUT_MS);
        HttpCall call = readRequest(socket, in, out);
        if (call == null) {
          return;
        }
        dispatch(call, out);
        if (call.broken() || "close".equalsIgnoreCase(call.header("connection"))) {
          return;
        }
      }
    } catch (SocketTimeoutException | SocketException e) {
      // idle timeout or reset: drop the connection
    } catch (IOException | UncheckedIOException e) {
      // client went away or sent garbage
    } finally {
      open.remove(socket);
    }
  }

  private void dispatch(HttpCall call, OutputStream out) throws IOException {
    try {
      handler.accept(call);
    } catch (UncheckedIOException e) {
      throw e;
    } catch (RuntimeException e) {
      if (!call.responded()) {
        call.respond(500, "text/plain", ("internal error: " + e).getBytes(StandardCharsets.UTF_8));
        return;
      }
      throw new IOException("handler failed mid-response", e);
    }
    if (!call.responded()) {
      call.respond(500, "text/plain", "no response".getBytes(StandardCharsets.UTF_8));
    } else if (call.streaming()) {
      call.endStream(null);
    }
    out.flush();
  }

  /** Reads one request; null at a clean end of the connection. */
  private static HttpCall readRequest(Socket socket, BufferedInputStream in, OutputStream out)
      throws IOException {
    String requestLine = readLine(in, true);
    if (requestLine == null) {
      return null;
    }
    String[] parts = requestLine.split(" ");
    if (parts.length != 3) {
      throw new IOException("bad request line: " + requestLine);
    }
    Map<String, String> headers = new HashMap<>();
    int headBytes = requestLine.length();
    for (String line = readLine(in, false); !line.isEmpty(); line = readLine(in, false)) {
      headBytes += line.length();
      if (headBytes > MAX_HEAD) {
        throw new IOException("request head larger than " + MAX_HEAD + " bytes");
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.put(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
    }
    if ("100-continue".equalsIgnoreCase(headers.get("expect"))) {
      out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    byte[] body = readBody(in, headers);
    String target = parts[1];
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    Map<String, List<String>> query = q < 0 ? Map.of() : parseQuery(target.substring(q + 1));
    return new HttpCall(parts[0], path, query, headers, body, socket, in, out);
  }

  private static byte[] readBody(InputStream in, Map<String, String> headers) throws IOException {
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = readLine(in, false);
        int semi = sizeLine.indexOf(';');
        int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (size == 0) {
          while (!readLine(in, false).isEmpty()) {
            // skip trailers
          }
          return body.toByteArray();
        }
        if (body.size() + size > MAX_BODY) {
          throw new IOException("request body larger than " + MAX_BODY + " bytes");
        }
        body.write(in.readNBytes(size));
        readLine(in, false);
      }
    }
    String length = headers.get("content-length");
    if (length == null) {
      return new byte[0];
    }
    long n = Long.parseLong(length.trim());
    if (n < 0 || n > MAX_BODY) {
      throw new IOException("bad request body length " + n);
    }
    byte[] body = in.readNBytes((int) n);
    if (body.length != n) {
      throw new IOException("request body ended after " + body.length + " of " + n + " bytes");
    }
    return body;
  }

  /** A CRLF- or LF-terminated line; null at end of stream when {@code eofOk}. */
  private static String readLine(InputStream in, boolean eofOk) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (eofOk && line.size() == 0) {
          return null;
        }
        throw new IOException("connection closed mid-request");
      }
      if (b == '\n') {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      if (line.size() >= MAX_HEAD) {
        throw new IOException("request line longer than " + MAX_HEAD + " bytes");
      }
      line.write(b);
    }
  }

  static Map<String, List<String>> parseQuery(String query) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // best effort
    }
  }
}

package io.pincluster.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One kept-alive HTTP/1.1 connection over a blocking socket, for the load generator's one-pin
 * requests: a request is a few bytes written and an answer read on the caller's thread, where
 * {@code java.net.http} spends over twice the CPU (its selector thread, futures and publishers),
 * CPU that the peers share on one machine. Answers are read whole (Content-Length, chunked, or
 * until the server closes); the connection is opened again when the server closed it ({@code
 * Connection: close}), and a request that fails on a kept-alive connection is sent once more on a
 * new one (the server may have closed it while idle; a one-pin {@code POST} is idempotent). One
 * thread at a time; not for large bodies (bounded by {@link #MAX_BODY}).
 */
final class PlainHttpConnection implements AutoCloseable {
  /** The largest answer body read (a one-pin answer is under 1 KB). */
  static final int MAX_BODY = 1 << 20;

  private static final int MAX_HEAD_LINE = 8192;

  /** A status and body. */
  record Answer(int status, String body) {}

  private final String host;
  private final int port;
  private final int timeoutMillis;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  /** To {@code base}'s host and port ({@code http://host:port}); nothing is opened yet. */
  PlainHttpConnection(URI base, Duration timeout) {
    if (!"http".equals(base.getScheme()) || base.getHost() == null || base.getPort() < 0) {
      throw new IllegalArgumentException("need http://host:port, not " + base);
    }
    this.host = base.getHost();
    this.port = base.getPort();
    this.timeoutMillis = Math.toIntExact(timeout.toMillis());
  }

  /** {@code POST path} with an empty body; answers the status and body. */
  Answer postEmpty(String path) throws IOException {
    byte[] request =
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: "
                + host
                + ":"
                + port
                + "\r\nContent-Length: 0\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    boolean fresh = socket == null;
    try {
      return exchange(request);
    } catch (IOException e) {
      close();
      if (fresh) {
        throw e;
      }
      return exchange(request); // the server may have closed a kept-alive connection: once more
    }
  }

  private Answer exchange(byte[] request) throws IOException {
    if (socket == null) {
      Socket s = new Socket();
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(host, port), timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      socket = s;
      in = new BufferedInputStream(s.getInputStream(), 8192);
      out = s.getOutputStream();
    }
    out.write(request);
    out.flush();
    String statusLine = line();
    if (statusLine == null) {
      throw new IOException("connection closed before an answer");
    }
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.x status line: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    long length = -1;
    boolean chunked = false;
    boolean closeAfter = parts[0].equals("HTTP/1.0");
    for (String h; (h = line()) != null && !h.isEmpty(); ) {
      int colon = h.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> closeAfter = value.equalsIgnoreCase("close");
        default -> {}
      }
    }
    String body;
    if (chunked) {
      body = readChunked();
    } else if (length >= 0) {
      body = new String(readExactly(length), StandardCharsets.UTF_8);
    } else {
      body = new String(readToEnd(), StandardCharsets.UTF_8);
      closeAfter = true;
    }
    if (closeAfter) {
      close();
    }
    return new Answer(status, body);
  }

  private String readChunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line();
      if (size == null) {
        throw new IOException("connection closed inside a chunked body");
      }
      int semi = size.indexOf(';');
      long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
      if (n == 0) {
        for (String trailer; (trailer = line()) != null && !trailer.isEmpty(); ) {
          // trailers are not needed here
        }
        return body.toString(StandardCharsets.UTF_8);
      }
      if (body.size() + n > MAX_BODY) {
        throw new IOException("answer body over " + MAX_BODY + " bytes");
      }
      body.write(readExactly(n));
      line(); // the CRLF after the chunk
    }
  }

  private byte[] readExactly(long n) throws IOException {
    if (n > MAX_BODY) {
      throw new IOException("answer body of " + n + " bytes, over " + MAX_BODY);
    }
    byte[] b = in.readNBytes((int) n);
    if (b.length != n) {
      throw new IOException("connection closed after " + b.length + " of " + n + " body bytes");
    }
    return b;
  }

  /** The rest of the stream (an answer without a length ends when the server closes). */
  private byte[] readToEnd() throws IOException {
    byte[] b = in.readNBytes(MAX_BODY + 1);
    if (b.length > MAX_BODY) {
      throw new IOException("answer body over " + MAX_BODY + " bytes");
    }
    return b;
  }

  /** A CRLF- (or LF-) ended line without its end; null at the end of the stream. */
  private String line() throws IOException {
    StringBuilder b = new StringBuilder(64);
    for (int c; (c = in.read()) != -1; ) {
      if (c == '\n') {
        int len = b.length();
        if (len > 0 && b.charAt(len - 1) == '\r') {
          b.setLength(len - 1);
        }
        return b.toString();
      }
      if (b.length() >= MAX_HEAD_LINE) {
        throw new IOException("answer line over " + MAX_HEAD_LINE + " bytes");
      }
      b.append((char) c);
    }
    return b.length() == 0 ? null : b.toString();
  }

  /** Closes the socket, if open; the next request opens another. Idempotent. */
  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // nothing to release beyond the socket
      }
      socket = null;
      in = null;
      out = null;
    }
  }
}

package io.pincluster.service;

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
 * A minimal HTTP/1.1 client over a plain socket, so tests can send what well-behaved clients refuse
 * to (bad percent-escapes, unknown methods, oversized headers). One request per connection ({@code
 * Connection: close}); the answer is read to EOF, bounded by a read timeout.
 */
final class RawHttp {
  /** A parsed answer; {@code body} is de-chunked. */
  record Answer(int status, String headers, String body) {}

  private final String host;
  private final int port;
  private final Duration timeout;

  RawHttp(String baseUrl, Duration timeout) {
    URI u = URI.create(baseUrl);
    this.host = u.getHost();
    this.port = u.getPort();
    this.timeout = timeout;
  }

  /**
   * Sends one request and reads the answer. A server may answer an oversized body early and close;
   * a failed write is then ignored and the answer read anyway.
   */
  Answer send(String method, String target, String contentType, byte[] body, String... headers)
      throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      StringBuilder h = new StringBuilder();
      h.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
      h.append("Host: ").append(host).append(':').append(port).append("\r\n");
      h.append("Connection: close\r\n");
      if (contentType != null) {
        h.append("Content-Type: ").append(contentType).append("\r\n");
      }
      if (body != null) {
        h.append("Content-Length: ").append(body.length).append("\r\n");
      }
      for (String extra : headers) {
        h.append(extra).append("\r\n");
      }
      h.append("\r\n");
      OutputStream out = s.getOutputStream();
      try {
        out.write(h.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
          out.write(body);
        }
        out.flush();
      } catch (IOException e) {
        // the server answered early and closed; read what it said
      }
      return parse(readAll(s.getInputStream()));
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) >= 0) {
      b.write(buf, 0, n);
    }
    return b.toByteArray();
  }

  static Answer parse(byte[] raw) throws IOException {
    String all = new String(raw, StandardCharsets.ISO_8859_1);
    int end = all.indexOf("\r\n\r\n");
    if (!all.startsWith("HTTP/1.1 ") || end < 0) {
      throw new IOException("not an HTTP answer: " + abbreviate(all));
    }
    String head = all.substring(0, end);
    int status = Integer.parseInt(head.substring(9, 12));
    byte[] rest = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
    if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
      rest = dechunk(rest);
    }
    return new Answer(status, head, new String(rest, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(byte[] in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < in.length) {
      int lineEnd = indexOfCrlf(in, i);
      if (lineEnd < 0) {
        break;
      }
      String size = new String(in, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";")[0];
      int n = Integer.parseInt(size.trim(), 16);
      if (n == 0) {
        break;
      }
      out.write(in, lineEnd + 2, Math.min(n, in.length - lineEnd - 2));
      i = lineEnd + 2 + n + 2;
    }
    return out.toByteArray();
  }

  private static int indexOfCrlf(byte[] b, int from) {
    for (int i = from; i + 1 < b.length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}

package io.pincluster.testing.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request read by {@link MiniHttpServer} and the means to answer it: either one whole
 * response ({@link #respond}) or a chunked stream of lines ({@link #startStream}, {@link #line},
 * {@link #endStream}). Used by one handler thread at a time; not thread-safe.
 */
public final class HttpCall {
  private final String method;
  private final String path;
  private final Map<String, List<String>> query;
  private final Map<String, String> headers;
  private final byte[] body;
  private final Socket socket;
  private final BufferedInputStream in;
  private final OutputStream out;
  private boolean responded;
  private boolean streaming;
  private boolean broken;

  HttpCall(
      String method,
      String path,
      Map<String, List<String>> query,
      Map<String, String> headers,
      byte[] body,
      Socket socket,
      BufferedInputStream in,
      OutputStream out) {
    this.method = method;
    this.path = path;
    this.query = query;
    this.headers = headers;
    this.body = body;
    this.socket = socket;
    this.in = in;
    this.out = out;
  }

  public String method() {
    return method;
  }

  /** The path without the query string. */
  public String path() {
    return path;
  }

  /** Every value of a query parameter, in order (empty when absent). */
  public List<String> params(String name) {
    return query.getOrDefault(name, List.of());
  }

  /** Every query parameter, in order. */
  public Map<String, List<String>> query() {
    return query;
  }

  /** The first value of a query parameter, or {@code fallback}. */
  public String param(String name, String fallback) {
    List<String> values = params(name);
    return values.isEmpty() ? fallback : values.get(0);
  }

  /**
   * A boolean query parameter; a bare {@code ?flag} or {@code flag=} counts as true, as in Kubo.
   */
  public boolean flag(String name, boolean fallback) {
    List<String> values = params(name);
    if (values.isEmpty()) {
      return fallback;
    }
    String v = values.get(0).toLowerCase(Locale.ROOT);
    return v.isEmpty() || v.equals("true") || v.equals("1");
  }

  /** A request header (case-insensitive name), or null. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  public byte[] body() {
    return body;
  }

  /** Sends one complete response. */
  public void respond(int status, String contentType, byte[] content) {
    checkNotResponded();
    responded = true;
    String head =
        statusLine(status)
            + "Content-Type: "
            + contentType
            + "\r\nContent-Length: "
            + content.length
            + "\r\n\r\n";
    write(head.getBytes(StandardCharsets.ISO_8859_1), content);
  }

  /** Starts a chunked response, with Kubo's streaming headers. */
  public void startStream(int status, String contentType) {
    checkNotResponded();
    responded = true;
    streaming = true;
    String head =
        statusLine(status)
            + "Content-Type: "
            + contentType
            + "\r\nTransfer-Encoding: chunked"
            + "\r\nX-Chunked-Output: 1\r\nX-Stream-Output: 1\r\nTrailer: X-Stream-Error\r\n\r\n";
    write(head.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Sends one chunk (e.g. one NDJSON line, newline included) and flushes it. */
  public void chunk(byte[] data) {
    if (!streaming) {
      throw new IllegalStateException("startStream first");
    }
    if (data.length == 0) {
      return;
    }
    byte[] size = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    write(size, data, "\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  /** Ends a chunked response; {@code streamError} non-null sends Kubo's X-Stream-Error trailer. */
  public void endStream(String streamError) {
    if (!streaming) {
      throw new IllegalStateException("startStream first");
    }
    streaming = false;
    String end =
        streamError == null
            ? "0\r\n\r\n"
            : "0\r\nX-Stream-Error: " + oneLine(streamError) + "\r\n\r\n";
    write(end.getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * Whether the client has closed its side of the connection. Waits up to {@code millis} for a sign
   * of it; a client that sent more bytes (pipelining) counts as present.
   */
  public boolean clientGone(int millis) {
    if (broken) {
      return true;
    }
    try {
      if (in.available() > 0) {
        return false;
      }
      int previous = socket.getSoTimeout();
      socket.setSoTimeout(Math.max(1, millis));
      try {
        in.mark(1);
        int b = in.read();
        if (b < 0) {
          broken = true;
          return true;
        }
        in.reset();
        return false;
      } catch (SocketTimeoutException e) {
        return false;
      } finally {
        socket.setSoTimeout(previous);
      }
    } catch (IOException e) {
      broken = true;
      return true;
    }
  }

  boolean responded() {
    return responded;
  }

  boolean streaming() {
    return streaming;
  }

  boolean broken() {
    return broken;
  }

  private void write(byte[]... parts) {
    try {
      for (byte[] p : parts) {
        out.write(p);
      }
      out.flush();
    } catch (IOException e) {
      broken = true;
      throw new UncheckedIOException("client went away", e);
    }
  }

  private void checkNotResponded() {
    if (responded) {
      throw new IllegalStateException("already responded to " + path);
    }
  }

  private static String statusLine(int status) {
    return "HTTP/1.1 " + status + " " + reason(status) + "\r\n";
  }

  private static String oneLine(String s) {
    return s.replace('\r', ' ').replace('\n', ' ');
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 413 -> "Payload Too Large";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }
}

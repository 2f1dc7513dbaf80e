package io.pincluster.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A bare HTTP/1.1 client on a socket, full duplex: one thread may write a request body while
 * another reads the answer (OkHttp, like most clients, sends the whole body first). Decodes chunked
 * answers line by line and keeps their trailers.
 */
final class RawConnection implements AutoCloseable {
  /** The status line and headers of an answer (header names lower-cased). */
  record Head(int status, Map<String, String> headers) {
    boolean chunked() {
      return "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final Map<String, String> trailers = new LinkedHashMap<>();
  private long chunkLeft;
  private boolean bodyDone;
  private boolean firstChunk = true;

  /**
   * @param socketBuffers the socket's send and receive buffer sizes, or 0 for the defaults
   */
  RawConnection(String base, int socketBuffers) throws IOException {
    int port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
    socket = new Socket();
    if (socketBuffers > 0) {
      socket.setReceiveBufferSize(socketBuffers);
      socket.setSendBufferSize(socketBuffers);
    }
    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    socket.setSoTimeout(20_000);
    in = new BufferedInputStream(socket.getInputStream(), 8192);
    out = socket.getOutputStream();
  }

  void write(String text) throws IOException {
    write(text.getBytes(StandardCharsets.UTF_8));
  }

  void write(byte[] data) throws IOException {
    out.write(data);
    out.flush();
  }

  /** One chunk of a chunked request body. */
  void writeChunk(byte[] data) throws IOException {
    out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(data);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** The last chunk of a chunked request body. */
  void endChunks() throws IOException {
    write("0\r\n\r\n");
  }

  Head readHead() throws IOException {
    String status = readLine(in);
    if (status == null) {
      throw new IOException("the server closed the connection before answering");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    String line;
    while ((line = readLine(in)) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    chunkLeft = 0;
    bodyDone = false;
    firstChunk = true;
    trailers.clear();
    return new Head(Integer.parseInt(status.split(" ")[1]), headers);
  }

  /** The next line of a chunked answer body, or null at its end (trailers are then read). */
  String readChunkedLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = readChunkedByte()) >= 0) {
      if (b == '\n') {
        return line.toString(StandardCharsets.UTF_8);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
  }

  /** A body of {@code Content-Length} bytes. */
  String readBody(Head head) throws IOException {
    int n = Integer.parseInt(head.headers().getOrDefault("content-length", "0"));
    return new String(in.readNBytes(n), StandardCharsets.UTF_8);
  }

  Map<String, String> trailers() {
    return trailers;
  }

  /** True when the server closed the connection (reads end), false when it sends more. */
  boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (java.net.SocketException reset) {
      return true;
    }
  }

  private int readChunkedByte() throws IOException {
    if (bodyDone) {
      return -1;
    }
    if (chunkLeft == 0) {
      if (!firstChunk) {
        readLine(in); // the CRLF after the previous chunk
      }
      firstChunk = false;
      String size = readLine(in);
      if (size == null) {
        throw new IOException("the connection closed inside a chunked body");
      }
      chunkLeft = Long.parseLong(size.split(";")[0].trim(), 16);
      if (chunkLeft == 0) {
        readTrailers();
        bodyDone = true;
        return -1;
      }
    }
    int b = in.read();
    if (b < 0) {
      throw new IOException("the connection closed inside a chunk");
    }
    chunkLeft--;
    return b;
  }

  private void readTrailers() throws IOException {
    String line;
    while ((line = readLine(in)) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      trailers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

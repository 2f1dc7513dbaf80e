package io.pincluster.http;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.ApiError;
import io.pincluster.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * What a handler answers. Immutable; the factories serialize JSON bodies right away (on the calling
 * worker thread) with {@link Json}. Every response the server writes carries {@code Content-Type:
 * application/json} (unless set here; not for raw responses) and the configured extra headers.
 *
 * <p>Four kinds:
 *
 * <ul>
 *   <li>{@link Kind#BODY}: a status and a complete body (possibly empty);
 *   <li>{@link Kind#STREAM}: NDJSON from an iterator. The server sends 204 when it is empty, the
 *       router's error response (500 unless mapped) when it fails before the first item, otherwise
 *       200, one JSON document and a newline per item flushed one by one, and the trailer {@code
 *       X-Stream-Error} (empty when the iterator ended normally, else the failure's message). The
 *       server always closes the iterator, also when the client goes away;
 *   <li>{@link Kind#ASYNC}: a future; on completion (on a worker thread) a {@code Response} value
 *       is sent as is, any other value as a 200 JSON body, a failure through the router's error
 *       mapping. Headers added to an async response are added to what it resolves to;
 *   <li>{@link Kind#RAW}: any status, the headers set here as they are (no default content type),
 *       and a body pulled from a {@link BodySource} as the client accepts it: with its content
 *       length when known, else chunked (HTTP/1.1, with the source's trailers) or delimited by
 *       closing the connection (HTTP/1.0). The server frames the body itself: {@code
 *       Content-Length}, {@code Transfer-Encoding} and {@code Connection} headers set here are
 *       replaced (a {@code HEAD} answer keeps the {@code Content-Length} set here), and {@code
 *       Trailer} is dropped when the response is not chunked. A source that fails mid-body makes
 *       the server drop the connection. The server always closes the source. Meant for proxies.
 * </ul>
 */
public final class Response {
  /** The header listing trailers, and the trailer that reports a stream's late failure. */
  public static final String STREAM_ERROR_TRAILER = "X-Stream-Error";

  public enum Kind {
    BODY,
    STREAM,
    ASYNC,
    RAW
  }

  private final Kind kind;
  private final int status;
  private final byte[] body;
  private final CloseableIterator<?> items;
  private final CompletionStage<?> future;
  private final BodySource source;
  private final long contentLength;
  private final List<Map.Entry<String, String>> headers;

  private Response(
      Kind kind,
      int status,
      byte[] body,
      CloseableIterator<?> items,
      CompletionStage<?> future,
      List<Map.Entry<String, String>> headers) {
    this(kind, status, body, items, future, null, -1, headers);
  }

  private Response(
      Kind kind,
      int status,
      byte[] body,
      CloseableIterator<?> items,
      CompletionStage<?> future,
      BodySource source,
      long contentLength,
      List<Map.Entry<String, String>> headers) {
    this.kind = kind;
    this.status = status;
    this.body = body;
    this.items = items;
    this.future = future;
    this.source = source;
    this.contentLength = contentLength;
    this.headers = List.copyOf(headers);
  }

  /** 200 with {@code value} as JSON. */
  public static Response ok(Object value) {
    return json(200, value);
  }

  /** {@code status} with {@code value} as JSON (followed by a newline, as Go's encoder writes). */
  public static Response json(int status, Object value) {
    checkStatus(status);
    return new Response(Kind.BODY, status, Json.writeLine(value), null, null, List.of());
  }

  /** {@code status} with these exact body bytes. */
  public static Response bytes(int status, byte[] body) {
    checkStatus(status);
    return new Response(Kind.BODY, status, body.clone(), null, null, List.of());
  }

  /** 204 No Content. */
  public static Response noContent() {
    return empty(204);
  }

  /** {@code status} with an empty body. */
  public static Response empty(int status) {
    checkStatus(status);
    return new Response(Kind.BODY, status, new byte[0], null, null, List.of());
  }

  /** {@code status} with the body {@code {"code": status, "message": message}}. */
  public static Response error(int status, String message) {
    return json(status, new ApiError(status, message == null ? "" : message));
  }

  /** A redirect ({@code 307} keeps the method) to {@code location}, with an empty body. */
  public static Response redirect(int status, String location) {
    return empty(status).withHeader("Location", location);
  }

  /** An NDJSON stream of {@code items}; the server takes ownership and closes it. */
  public static Response stream(CloseableIterator<?> items) {
    return new Response(
        Kind.STREAM, 200, null, Objects.requireNonNull(items, "items"), null, List.of());
  }

  /** A response sent when {@code future} completes (see the class comment). */
  public static Response async(CompletionStage<?> future) {
    return new Response(
        Kind.ASYNC, 200, null, null, Objects.requireNonNull(future, "future"), List.of());
  }

  /**
   * A raw response of unknown length (see {@link Kind#RAW}); the server takes ownership of {@code
   * body} and closes it.
   */
  public static Response raw(int status, BodySource body) {
    return raw(status, -1, body);
  }

  /**
   * A raw response (see {@link Kind#RAW}); the server takes ownership of {@code body} and closes
   * it.
   *
   * @param contentLength the exact number of bytes {@code body} yields, or -1 when unknown; a body
   *     that yields another number of bytes makes the server drop the connection
   */
  public static Response raw(int status, long contentLength, BodySource body) {
    checkStatus(status);
    if (contentLength < -1) {
      throw new IllegalArgumentException("content length " + contentLength + " is not >= -1");
    }
    return new Response(
        Kind.RAW,
        status,
        null,
        null,
        null,
        Objects.requireNonNull(body, "body"),
        contentLength,
        List.of());
  }

  private static void checkStatus(int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status " + status + " is not an HTTP status");
    }
  }

  /** This response with one more header value. */
  public Response withHeader(String name, String value) {
    List<Map.Entry<String, String>> h = new ArrayList<>(headers);
    h.add(Map.entry(name, value));
    return new Response(kind, status, body, items, future, source, contentLength, h);
  }

  /** This response with the headers of {@code other} added after its own. */
  public Response withHeadersOf(Response other) {
    if (other.headers.isEmpty()) {
      return this;
    }
    List<Map.Entry<String, String>> h = new ArrayList<>(headers);
    h.addAll(other.headers);
    return new Response(kind, status, body, items, future, source, contentLength, h);
  }

  public Kind kind() {
    return kind;
  }

  /**
   * The status of a body or raw response; 200 for streams and futures (what they send when they
   * work).
   */
  public int status() {
    return status;
  }

  /** The body of a {@link Kind#BODY} response (do not modify); null for the other kinds. */
  public byte[] body() {
    return body;
  }

  /** The items of a {@link Kind#STREAM} response; null for the other kinds. */
  public CloseableIterator<?> items() {
    return items;
  }

  /** The future of an {@link Kind#ASYNC} response; null for the other kinds. */
  public CompletionStage<?> future() {
    return future;
  }

  /** The body of a {@link Kind#RAW} response; null for the other kinds. */
  public BodySource bodySource() {
    return source;
  }

  /** The content length of a {@link Kind#RAW} response, -1 when unknown (and for other kinds). */
  public long contentLength() {
    return contentLength;
  }

  /** Headers set by the handler and filters, in order; unmodifiable. */
  public List<Map.Entry<String, String>> headers() {
    return headers;
  }

  /** The first value of a header set on this response. */
  public java.util.Optional<String> header(String name) {
    return headers.stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  @Override
  public String toString() {
    return kind + " " + status;
  }
}

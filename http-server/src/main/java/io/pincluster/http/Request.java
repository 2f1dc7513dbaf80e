package io.pincluster.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.pincluster.http.internal.PathCodec;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * An HTTP request: method, raw target, decoded query, headers (case-insensitive names), the body
 * and the path parameters of the matched route.
 *
 * <p>The body is either aggregated (the default: received completely, bounded by the server's body
 * limit, read with {@link #body()}) or, for routes added with {@link
 * Router.Builder#routeStreamingBody}, streamed: the handler runs as soon as the headers arrive and
 * reads the body from {@link #bodyStream()} while it arrives, with no size limit.
 *
 * <p>Immutable apart from the body stream (the body array is not copied: do not modify it); safe to
 * share between threads.
 */
public final class Request {
  private final String method;
  private final String uri;
  private final String protocol;
  private final String rawPath;
  private final String rawQuery;
  private final Map<String, List<String>> query;
  private final Map<String, List<String>> headers;
  private final byte[] body;
  private final InputStream bodyStream;
  private final InetSocketAddress remoteAddress;
  private final Map<String, String> pathParams;
  private final Consumer<Runnable> clientGoneHook;

  /**
   * @param uri the request target as sent: origin form ({@code /a/b?x=1}) or absolute form
   * @param headers header name to values; names are matched case-insensitively
   * @throws HttpException 400 when the query is malformed
   */
  public Request(
      String method,
      String uri,
      String protocol,
      Map<String, List<String>> headers,
      byte[] body,
      InetSocketAddress remoteAddress) {
    this(method, uri, protocol, headers, body == null ? new byte[0] : body, null, remoteAddress);
  }

  /**
   * A request whose body is read from {@code body} as it arrives (see {@link #bodyStream()}).
   *
   * @throws HttpException 400 when the query is malformed
   */
  public static Request streaming(
      String method,
      String uri,
      String protocol,
      Map<String, List<String>> headers,
      InputStream body,
      InetSocketAddress remoteAddress) {
    return new Request(
        method, uri, protocol, headers, null, Objects.requireNonNull(body, "body"), remoteAddress);
  }

  private Request(
      String method,
      String uri,
      String protocol,
      Map<String, List<String>> headers,
      byte[] body,
      InputStream bodyStream,
      InetSocketAddress remoteAddress) {
    this.method = Objects.requireNonNull(method, "method");
    this.uri = Objects.requireNonNull(uri, "uri");
    this.protocol = Objects.requireNonNull(protocol, "protocol");
    String target = PathCodec.originForm(uri);
    int q = target.indexOf('?');
    this.rawPath = q < 0 ? target : target.substring(0, q);
    this.rawQuery = q < 0 ? "" : target.substring(q + 1);
    this.query = parseQuery(rawQuery);
    TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> h.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
    h.replaceAll((k, v) -> List.copyOf(v));
    this.headers = Collections.unmodifiableMap(h);
    this.body = body;
    this.bodyStream = bodyStream;
    this.remoteAddress = remoteAddress;
    this.pathParams = Map.of();
    this.clientGoneHook = null;
  }

  private Request(Request r, Map<String, String> pathParams, Consumer<Runnable> clientGoneHook) {
    this.method = r.method;
    this.uri = r.uri;
    this.protocol = r.protocol;
    this.rawPath = r.rawPath;
    this.rawQuery = r.rawQuery;
    this.query = r.query;
    this.headers = r.headers;
    this.body = r.body;
    this.bodyStream = r.bodyStream;
    this.remoteAddress = r.remoteAddress;
    this.pathParams = Map.copyOf(pathParams);
    this.clientGoneHook = clientGoneHook;
  }

  private static Map<String, List<String>> parseQuery(String rawQuery) {
    if (rawQuery.isEmpty()) {
      return Map.of();
    }
    try {
      Map<String, List<String>> decoded =
          new QueryStringDecoder(rawQuery, StandardCharsets.UTF_8, false, 1024).parameters();
      Map<String, List<String>> out = new LinkedHashMap<>();
      decoded.forEach((k, v) -> out.put(k, List.copyOf(v)));
      return Collections.unmodifiableMap(out);
    } catch (IllegalArgumentException e) {
      throw new HttpException(400, "malformed query: " + e.getMessage(), e);
    }
  }

  /** This request with the path parameters of a matched route. */
  public Request withPathParams(Map<String, String> params) {
    return new Request(this, params, clientGoneHook);
  }

  /**
   * This request with the means behind {@link #onClientGone}: {@code hook} receives each action
   * registered there. Set by the server that received the request.
   */
  public Request withClientGoneHook(Consumer<Runnable> hook) {
    return new Request(this, pathParams, Objects.requireNonNull(hook, "hook"));
  }

  /**
   * Runs {@code action} once if the client's connection closes (the client went away, a timeout
   * expired, the server stopped) before the response to this request was completely written; never
   * after that. It runs on an I/O thread, so it must not block: meant to cancel work done for the
   * client, e.g. an upstream call. Thread-safe. Does nothing for a request that no server received
   * (one built in a test).
   */
  public void onClientGone(Runnable action) {
    Objects.requireNonNull(action, "action");
    if (clientGoneHook != null) {
      clientGoneHook.accept(action);
    }
  }

  public String method() {
    return method;
  }

  /** The request target as sent, e.g. {@code /pins?filter=pinned} (what access logs show). */
  public String uri() {
    return uri;
  }

  /** E.g. {@code HTTP/1.1}. */
  public String protocol() {
    return protocol;
  }

  /** The path as sent (still percent-encoded), without the query. */
  public String rawPath() {
    return rawPath;
  }

  /** The query as sent (still percent-encoded), without {@code ?}; empty when there is none. */
  public String rawQuery() {
    return rawQuery;
  }

  /** The path and query as sent: what a request signature covers. */
  public String rawPathAndQuery() {
    return rawQuery.isEmpty() ? rawPath : rawPath + "?" + rawQuery;
  }

  /** Decoded query parameters, in the order sent; unmodifiable. */
  public Map<String, List<String>> query() {
    return query;
  }

  /** The first value of a query parameter. */
  public Optional<String> queryParam(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The first value of a query parameter, or {@code fallback} when absent. */
  public String queryParam(String name, String fallback) {
    return queryParam(name).orElse(fallback);
  }

  /** Path parameters of the matched route ({@code {cid}} → value), decoded. */
  public Map<String, String> pathParams() {
    return pathParams;
  }

  /**
   * A path parameter of the matched route.
   *
   * @throws IllegalArgumentException when the route has no such parameter (a programming error)
   */
  public String pathParam(String name) {
    String v = pathParams.get(name);
    if (v == null) {
      throw new IllegalArgumentException("route has no path parameter {" + name + "}");
    }
    return v;
  }

  /** Every header, names case-insensitive; unmodifiable. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The first value of a header. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /**
   * The aggregated body.
   *
   * @throws IllegalStateException when the body is streamed (read it with {@link #bodyStream()})
   */
  public byte[] body() {
    if (bodyStream != null) {
      throw new IllegalStateException(
          "the body of " + this + " is streamed: read it with bodyStream()");
    }
    return body;
  }

  /** Whether the body is streamed (the route was added with {@code routeStreamingBody}). */
  public boolean hasStreamingBody() {
    return bodyStream != null;
  }

  /**
   * The body as a stream. For a streamed body this is the live stream: reads block until the client
   * sends more (at most the server's idle timeout, then they throw), return -1 at the end of the
   * body, and throw an {@link java.io.IOException} when the connection broke. The server reads from
   * the client only as fast as this stream is read, and stops reading once a small buffer (64 KiB)
   * is full. One reader at a time, on any thread. Whatever the handler leaves unread is discarded
   * and the connection is closed after the response. For an aggregated body this is a new stream
   * over {@link #body()}.
   */
  public InputStream bodyStream() {
    return bodyStream != null ? bodyStream : new ByteArrayInputStream(body);
  }

  /** The client's address; null when unknown. */
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  @Override
  public String toString() {
    return method + " " + uri;
  }
}

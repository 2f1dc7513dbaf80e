package io.pincluster.ipfsproxy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.IpfsException;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.ConfigException;
import io.pincluster.core.json.Json;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.http.BodySource;
import io.pincluster.http.HttpException;
import io.pincluster.http.Request;
import io.pincluster.http.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;
import okio.BufferedSink;

/**
 * The IPFS node behind the proxy ({@code node_multiaddress}), reached with OkHttp: forwards calls
 * unchanged as a reverse proxy, and makes the few calls the intercepted commands need ({@code
 * resolve}).
 *
 * <p>Forwarding: method, path and query as sent; headers minus the hop-by-hop ones (and {@code
 * Host}, which OkHttp sets for the node); the body streamed from the client to the node as it
 * arrives; the answer's status, headers, body and trailers streamed back as the client reads them
 * (see {@link BodySource}). Nothing is buffered whole. When the client goes away the upstream call
 * is cancelled. {@code Accept-Encoding} is passed as sent ({@code identity} when absent) so OkHttp
 * never decompresses.
 *
 * <p>Timeouts: connecting is bounded by {@link #CONNECT_TIMEOUT}; reading and writing are not, as
 * in IPFS Cluster's proxy (Go's reverse proxy): {@code cat}, {@code pubsub/sub} or {@code
 * dht/findprovs} legitimately stay silent for long. What bounds a forwarded call is the client
 * (leaving cancels it) and the proxy's own {@code read_timeout} and {@code write_timeout}, which
 * close the client connection and so cancel the call.
 *
 * <p>Thread-safe. Calls run on the calling (worker) thread; OkHttp adds only its shared {@code
 * OkHttp TaskRunner} housekeeping thread (pool eviction).
 */
public final class Upstream implements AutoCloseable {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Hop-by-hop headers (RFC 9110 §7.6.1, plus what Go's reverse proxy strips). */
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "proxy-connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");

  private final HttpUrl base;
  private final String hostPort;
  private final OkHttpClient client;

  /**
   * @param key the config key of {@code node}, for messages
   * @throws ConfigException naming {@code key} when {@code node} is not {@code
   *     /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>}
   */
  public Upstream(String key, Multiaddr node) {
    List<Multiaddr.Component> c = node.components();
    if (c.size() != 2
        || !c.get(1).protocol().equals("tcp")
        || !Set.of("ip4", "ip6", "dns", "dns4", "dns6").contains(c.get(0).protocol())) {
      throw new ConfigException(
          key + " (" + node + ") is not supported: use /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>");
    }
    int port = Integer.parseInt(c.get(1).value());
    this.base = new HttpUrl.Builder().scheme("http").host(c.get(0).value()).port(port).build();
    this.hostPort = node.hostPort();
    this.client =
        new OkHttpClient.Builder()
            .protocols(List.of(Protocol.HTTP_1_1))
            .connectTimeout(CONNECT_TIMEOUT)
            .readTimeout(Duration.ZERO)
            .writeTimeout(Duration.ZERO)
            .callTimeout(Duration.ZERO)
            .retryOnConnectionFailure(false)
            .followRedirects(false)
            .followSslRedirects(false)
            .connectionPool(new ConnectionPool(16, 1, TimeUnit.MINUTES))
            .build();
  }

  /** {@code host:port} of the node, for messages. */
  public String hostPort() {
    return hostPort;
  }

  /** Forwards {@code req} unchanged and streams the node's answer back. */
  public Response forward(Request req) throws IOException {
    return toRaw(req, execute(req, req.rawQuery()));
  }

  /**
   * Sends {@code req} to the node with {@code rawQuery} instead of its own query; the caller reads
   * and closes the answer (see {@link #toRaw} to pass it on).
   *
   * @throws HttpException 502 when the node cannot be reached
   * @throws IOException when the call was cancelled (the client went away) or broke while the body
   *     was sent
   */
  public okhttp3.Response execute(Request req, String rawQuery) throws IOException {
    String target = req.rawPath() + (rawQuery.isEmpty() ? "" : "?" + rawQuery);
    HttpUrl url = HttpUrl.parse(base + target.substring(1));
    if (url == null) {
      throw KuboError.badArgument("cannot forward the request target " + target);
    }
    okhttp3.Request.Builder b = new okhttp3.Request.Builder().url(url);
    Set<String> connectionTokens = connectionTokens(req.headers().get("Connection"));
    req.headers()
        .forEach(
            (name, values) -> {
              if (forwardable(name, connectionTokens) && !name.equalsIgnoreCase("Content-Type")) {
                values.forEach(v -> b.addHeader(name, v));
              }
            });
    if (req.header("Accept-Encoding").isEmpty()) {
      b.header("Accept-Encoding", "identity");
    }
    RequestBody body = bodyOf(req);
    if (body == null) {
      req.header("Content-Type").ifPresent(v -> b.header("Content-Type", v));
    }
    b.method(req.method(), body);
    Call call = client.newCall(b.build());
    req.onClientGone(call::cancel);
    try {
      return call.execute();
    } catch (IOException e) {
      if (call.isCanceled()) {
        throw new IOException("cancelled: the client went away", e);
      }
      if (req.hasStreamingBody() && !(e instanceof ConnectException)) {
        throw e;
      }
      throw new HttpException(502, unreachable(e));
    }
  }

  /**
   * The node's answer as a raw response: status, headers minus the hop-by-hop ones, body and
   * trailers streamed. Takes ownership of {@code answer}.
   */
  public static Response toRaw(Request req, okhttp3.Response answer) {
    ResponseBody body = answer.body();
    boolean head = req.method().equals("HEAD");
    long length = head ? -1 : body.contentLength();
    Response out = Response.raw(answer.code(), length, new AnswerBody(answer));
    Headers h = answer.headers();
    Set<String> connectionTokens = connectionTokens(h.values("Connection"));
    for (int i = 0; i < h.size(); i++) {
      String name = h.name(i);
      boolean framing = name.equalsIgnoreCase("Content-Length") && !head;
      if (framing) {
        continue;
      }
      if (forwardable(name, connectionTokens) || name.equalsIgnoreCase("Trailer")) {
        out = out.withHeader(name, h.value(i));
      }
    }
    return out;
  }

  /**
   * Resolves an IPFS path to the CID it names ({@code resolve}).
   *
   * @throws HttpException 502 when the node cannot be reached
   * @throws IpfsException with the node's message when it refuses
   */
  public Cid resolve(String path) {
    HttpUrl url =
        base.newBuilder().addPathSegments("api/v0/resolve").addQueryParameter("arg", path).build();
    okhttp3.Request request =
        new okhttp3.Request.Builder().url(url).post(RequestBody.EMPTY).build();
    try (okhttp3.Response r = client.newCall(request).execute()) {
      JsonNode json = Json.mapper().readTree(r.body().byteStream());
      if (!r.isSuccessful()) {
        String message = json.path("Message").asText("HTTP " + r.code());
        throw new IpfsException(message);
      }
      String resolved = json.path("Path").asText("");
      String text = resolved.startsWith("/ipfs/") ? resolved.substring(6) : resolved;
      int slash = text.indexOf('/');
      return Cid.parse(slash < 0 ? text : text.substring(0, slash));
    } catch (IOException e) {
      throw new HttpException(502, unreachable(e));
    } catch (IllegalArgumentException e) {
      throw new IpfsException("IPFS resolved " + path + " to something that is not a CID", e);
    }
  }

  private String unreachable(IOException e) {
    String why =
        e instanceof ConnectException
            ? "connection refused"
            : e instanceof SocketTimeoutException ? "timed out" : KuboError.messageOf(e);
    return "cannot reach IPFS at " + hostPort + ": " + why;
  }

  private static RequestBody bodyOf(Request req) {
    String method = req.method();
    if (method.equals("GET") || method.equals("HEAD")) {
      return null;
    }
    MediaType type = req.header("Content-Type").map(MediaType::parse).orElse(null);
    long length = req.header("Content-Length").map(Upstream::parseLength).orElse(-1L);
    boolean hasBody = length > 0 || req.header("Transfer-Encoding").isPresent();
    if (!hasBody) {
      return requiresBody(method) || length == 0 ? RequestBody.create(new byte[0], type) : null;
    }
    return new StreamedBody(req.bodyStream(), type, length);
  }

  private static boolean requiresBody(String method) {
    return switch (method) {
      case "POST", "PUT", "PATCH", "PROPPATCH", "REPORT" -> true;
      default -> false;
    };
  }

  private static long parseLength(String v) {
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw KuboError.badArgument("invalid Content-Length " + v);
    }
  }

  private static Set<String> connectionTokens(List<String> values) {
    Set<String> out = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    if (values != null) {
      for (String v : values) {
        for (String token : v.split(",")) {
          if (!token.isBlank()) {
            out.add(token.trim());
          }
        }
      }
    }
    return out;
  }

  private static boolean forwardable(String name, Set<String> connectionTokens) {
    String n = name.toLowerCase(Locale.ROOT);
    return !HOP_BY_HOP.contains(n)
        && !n.equals("host")
        && !n.equals("content-length")
        && !n.equals("expect")
        && !connectionTokens.contains(n);
  }

  /** Releases pooled connections. Calls in flight end when their clients' connections close. */
  @Override
  public void close() {
    client.connectionPool().evictAll();
  }

  /** A client's request body, streamed to the node as it arrives. */
  private static final class StreamedBody extends RequestBody {
    private final InputStream in;
    private final MediaType type;
    private final long length;

    StreamedBody(InputStream in, MediaType type, long length) {
      this.in = in;
      this.type = type;
      this.length = length;
    }

    @Override
    public MediaType contentType() {
      return type;
    }

    @Override
    public long contentLength() {
      return length;
    }

    @Override
    public boolean isOneShot() {
      return true;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        sink.write(buffer, 0, n);
      }
    }
  }

  /** The node's answer body, read as the client takes it; its trailers once it ended. */
  private static final class AnswerBody implements BodySource {
    private final okhttp3.Response answer;
    private final InputStream in;

    AnswerBody(okhttp3.Response answer) {
      this.answer = answer;
      this.in = answer.body().byteStream();
    }

    @Override
    public int read(byte[] buffer) throws IOException {
      int n;
      do {
        n = in.read(buffer, 0, buffer.length);
      } while (n == 0);
      return n;
    }

    @Override
    public Map<String, List<String>> trailers() {
      try {
        Headers t = answer.trailers();
        Map<String, List<String>> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String name : t.names()) {
          out.put(name, t.values(name));
        }
        return out;
      } catch (IOException | IllegalStateException e) {
        return Map.of();
      }
    }

    @Override
    public void close() {
      answer.close();
    }
  }
}

package io.pincluster.ctl.client;

import io.pincluster.core.BuildInfo;
import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.AddedOutput;
import io.pincluster.core.api.Alert;
import io.pincluster.core.api.ApiError;
import io.pincluster.core.api.ConnectGraph;
import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.GlobalRepoGc;
import io.pincluster.core.api.Metric;
import io.pincluster.core.api.PeerInfo;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.PinResult;
import io.pincluster.core.api.PinType;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.api.Version;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.GoDuration;
import io.pincluster.core.json.Json;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;
import okhttp3.Credentials;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * A client of pincluster's REST API (IPFS Cluster's {@code api/rest/client}). JSON is read and
 * written with {@link Json} into the core records.
 *
 * <p>Thread-safe; every method blocks until the answer (or, for streams, the first bytes of it)
 * arrives, bounded by the {@link RestClientConfig} timeouts. Collections that the API streams as
 * NDJSON come back as a {@link CloseableIterator} that reads one line per item; the caller must
 * close it. Failures are {@link RestClientException}s: {@link ApiErrorException} when the API
 * answered with an error object, {@link StreamErrorException} when a stream ended with a non-empty
 * {@code X-Stream-Error} trailer, {@link RequestTimeoutException}, {@link TransportException}. Pin
 * and unpin are idempotent on the server, so retrying them after a timeout is safe.
 *
 * <p>With several base URLs a call that cannot reach one host goes to the next (see {@link
 * Failover} for the exact rules); API errors never move to another host.
 */
public final class RestClient implements AutoCloseable {
  /** The largest non-streamed answer or streamed line accepted. */
  static final long MAX_BODY_BYTES = 16L * 1024 * 1024;

  private static final long MAX_ERROR_BODY_BYTES = 64L * 1024;
  private static final String STREAM_ERROR = "X-Stream-Error";
  private static final MediaType NDJSON = MediaType.get("application/x-ndjson");

  private final RestClientConfig config;
  private final OkHttpClient http;
  private final Failover hosts;
  private final DebugLog debug;

  /**
   * A client for {@code config}; it holds a connection pool that {@link #close()} releases.
   *
   * @throws IllegalStateException when the JVM cannot set up TLS for an https base URL
   */
  public RestClient(RestClientConfig config) {
    this(config, HttpClients.create(config), new Failover(config.baseUrls()));
  }

  private RestClient(RestClientConfig config, OkHttpClient http, Failover hosts) {
    this.config = config;
    this.http = http;
    this.hosts = hosts;
    this.debug = config.debug() == null ? null : new DebugLog(config.debug());
  }

  public RestClientConfig config() {
    return config;
  }

  /**
   * A client sharing this one's connections whose calls take at most {@code limit} (or this
   * client's timeout when that is shorter).
   */
  public RestClient withTimeoutAtMost(Duration limit) {
    if (limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("limit must be > 0: " + limit);
    }
    Duration t =
        config.timeout().isZero() || limit.compareTo(config.timeout()) < 0
            ? limit
            : config.timeout();
    return new RestClient(config.withTimeout(t), http.newBuilder().callTimeout(t).build(), hosts);
  }

  /** {@code GET /id}: the peer serving the API. */
  public PeerInfo id() {
    return getOne(get(url("id")), PeerInfo.class);
  }

  /** {@code GET /version}. */
  public Version version() {
    return getOne(get(url("version")), Version.class);
  }

  /** {@code GET /peers}, streamed: every cluster member, unreachable ones with their error. */
  public CloseableIterator<PeerInfo> peers() {
    return stream(get(url("peers")), PeerInfo.class);
  }

  /** {@code POST /pins/{cid}} with {@code options} as query parameters: the committed pin. */
  public Pin pin(Cid cid, PinOptions options) {
    return pin(cid, options, null);
  }

  /**
   * {@code POST /pins/{cid}} with {@code options} (a {@code pinUpdate} CID is sent as {@code
   * pin-update}) and {@code expire-in}: the committed pin.
   *
   * @param expireIn the pin expires this long after the server received it; null for never (or
   *     {@code options.expireAt()})
   */
  public Pin pin(Cid cid, PinOptions options, Duration expireIn) {
    return pinAt(url("pins", cid.toString()), options, expireIn);
  }

  /**
   * {@code POST /pins/ipfs|ipns|ipld/…}: pins what an IPFS path resolves to (resolved by the
   * cluster through IPFS); the committed pin carries the resolved CID.
   *
   * @param path an IPFS path, see {@link #checkIpfsPath}
   */
  public Pin pinPath(String path, PinOptions options, Duration expireIn) {
    return pinAt(pathUrl(path), options, expireIn);
  }

  private Pin pinAt(HttpUrl at, PinOptions options, Duration expireIn) {
    HttpUrl.Builder url = at.newBuilder();
    pinQuery(options, expireIn).forEach(url::addEncodedQueryParameter);
    Request request = request(url.build()).post(RequestBody.create(new byte[0])).build();
    return getOne(request, Pin.class);
  }

  /** {@code DELETE /pins/ipfs|ipns|ipld/…}: unpins what an IPFS path resolves to. */
  public Pin unpinPath(String path) {
    return getOne(request(pathUrl(path)).delete().build(), Pin.class);
  }

  /**
   * Checks that {@code path} is an IPFS path the API takes: {@code /ipfs/<cid>[/…]}, {@code
   * /ipld/<cid>[/…]} or {@code /ipns/<name>[/…]}.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static void checkIpfsPath(String path) {
    String[] parts = path.split("/", -1);
    boolean known =
        parts.length >= 3
            && parts[0].isEmpty()
            && (parts[1].equals("ipfs") || parts[1].equals("ipns") || parts[1].equals("ipld"));
    if (!known || parts[2].isEmpty()) {
      throw new IllegalArgumentException(
          "\""
              + path
              + "\" is neither a CID nor an IPFS path (/ipfs/<cid>/…, /ipns/<name>/…,"
              + " /ipld/<cid>/…)");
    }
    if (!parts[1].equals("ipns")) {
      Cid.parse(parts[2]);
    }
  }

  private HttpUrl pathUrl(String path) {
    checkIpfsPath(path);
    HttpUrl.Builder url = url("pins").newBuilder();
    for (String segment : path.substring(1).split("/")) {
      if (!segment.isEmpty()) {
        url.addPathSegment(segment);
      }
    }
    return url.build();
  }

  /**
   * {@code POST /add}: uploads a multipart body written by {@code body} while the call runs, once
   * (the request never goes to a second host once writing started). The answer is one {@link
   * AddedOutput} per object added, the root last (with its allocations when pinned): read as the
   * server streams it, or from the one JSON array it sends at the end when {@code
   * params.streamChannels()} is false.
   *
   * @param contentType {@code multipart/form-data; boundary=…}
   */
  public CloseableIterator<AddedOutput> add(AddParams params, String contentType, BodyWriter body) {
    HttpUrl.Builder url = url("add").newBuilder();
    params.query().forEach(url::addEncodedQueryParameter);
    Request request =
        request(url.build()).post(new StreamedBody(MediaType.get(contentType), body)).build();
    return params.streamChannels()
        ? stream(request, AddedOutput.class)
        : streamArray(request, AddedOutput.class);
  }

  /**
   * {@code POST /pins}: pins every item of an NDJSON body (pin objects, CIDs), streamed both ways.
   * The body is written by {@code body} while the call runs, once (the request goes to another host
   * only when no connection could be opened: its body cannot be read twice). The answer is one
   * {@link PinResult} per item, in input order, read as it arrives.
   *
   * <p>Like most HTTP/1.1 clients, OkHttp sends the whole body before it reads the answer, while
   * the server answers as it reads; the server can hold about 1 MiB of answer meanwhile. So a
   * caller should send a large input as several requests of some thousand lines each (see {@code
   * lineOffset}), not as one.
   *
   * @param defaults pin options for the items that do not set them (as query parameters)
   * @param expireIn expiry for the items that do not set one, or null
   * @param lineOffset the server numbers the body's lines from {@code lineOffset + 1}
   */
  public CloseableIterator<PinResult> pinAll(
      BodyWriter body, PinOptions defaults, Duration expireIn, long lineOffset) {
    if (lineOffset < 0) {
      throw new IllegalArgumentException("lineOffset cannot be negative: " + lineOffset);
    }
    HttpUrl.Builder url = url("pins").newBuilder();
    pinQuery(defaults, expireIn).forEach(url::addEncodedQueryParameter);
    if (lineOffset > 0) {
      url.addQueryParameter("line-offset", Long.toString(lineOffset));
    }
    Request request = request(url.build()).post(new StreamedBody(NDJSON, body)).build();
    return stream(request, PinResult.class);
  }

  /** {@code POST /peers}: adds the peer at {@code address} ({@code …/tcp/P/p2p/<id>}). */
  public PeerInfo peerAdd(Multiaddr address) {
    String json = Json.toText(Map.of("peer_id", address.toString()));
    RequestBody body = RequestBody.create(json, MediaType.get("application/json"));
    return getOne(request(url("peers")).post(body).build(), PeerInfo.class);
  }

  /** {@code DELETE /peers/{peer}}: removes a peer from the cluster. */
  public void peerRemove(PeerId peer) {
    Request request = request(url("peers", peer.toString())).delete().build();
    try (Response response = execute(request)) {
      checkStatus(request, response);
    }
  }

  /** Writes a request body as it is sent. */
  @FunctionalInterface
  public interface BodyWriter {
    /** Writes the whole body to {@code out} (do not close it). */
    void writeTo(OutputStream out) throws IOException;
  }

  /** {@code DELETE /pins/{cid}}: the removed pin; a 404 {@link ApiErrorException} if unknown. */
  public Pin unpin(Cid cid) {
    return getOne(request(url("pins", cid.toString())).delete().build(), Pin.class);
  }

  /** {@code GET /allocations}, streamed: the pinset, restricted to {@code types} (empty = all). */
  public CloseableIterator<Pin> allocations(Set<PinType> types) {
    HttpUrl.Builder url = url("allocations").newBuilder();
    if (!types.isEmpty()) {
      url.addEncodedQueryParameter(
          "filter", commaList(types.stream().map(PinType::wire).sorted().toList()));
    }
    return stream(get(url.build()), Pin.class);
  }

  /** {@code GET /allocations/{cid}}: one pin; a 404 {@link ApiErrorException} if unknown. */
  public Pin allocation(Cid cid) {
    return getOne(get(url("allocations", cid.toString())), Pin.class);
  }

  /** {@code GET /pins/{cid}}: the status of {@code cid} on every peer, or on this one. */
  public GlobalPinInfo status(Cid cid, boolean local) {
    HttpUrl.Builder url = url("pins", cid.toString()).newBuilder();
    if (local) {
      url.addQueryParameter("local", "true");
    }
    return getOne(get(url.build()), GlobalPinInfo.class);
  }

  /**
   * {@code GET /pins}, streamed: the status of every pin.
   *
   * @param filter a status filter as {@code status --filter} takes it ({@code pinned,error}), or
   *     empty for all
   * @throws IllegalArgumentException when {@code filter} names no known status
   */
  public CloseableIterator<GlobalPinInfo> statusAll(String filter, boolean local) {
    HttpUrl.Builder url = url("pins").newBuilder();
    if (filter != null && !filter.isBlank()) {
      TrackerStatus.parseFilter(filter);
      url.addEncodedQueryParameter("filter", commaList(List.of(filter.trim().split(","))));
    }
    if (local) {
      url.addQueryParameter("local", "true");
    }
    return stream(get(url.build()), GlobalPinInfo.class);
  }

  /** {@code GET /pins?cids=…}, streamed: the status of each of {@code cids}. */
  public CloseableIterator<GlobalPinInfo> statusCids(List<Cid> cids, boolean local) {
    if (cids.isEmpty()) {
      throw new IllegalArgumentException("statusCids needs at least one CID");
    }
    HttpUrl.Builder url = url("pins").newBuilder();
    url.addEncodedQueryParameter("cids", commaList(cids.stream().map(Cid::toString).toList()));
    if (local) {
      url.addQueryParameter("local", "true");
    }
    return stream(get(url.build()), GlobalPinInfo.class);
  }

  /**
   * {@code POST /pins/{cid}/recover}: re-queues {@code cid} where it is in error (on every peer, or
   * on the contacted one with {@code local}) and answers its resulting status. The server waits for
   * the operations (up to its pin timeout), so this may take long.
   */
  public GlobalPinInfo recover(Cid cid, boolean local) {
    return patient()
        .getOne(post(local(url("pins", cid.toString(), "recover"), local)), GlobalPinInfo.class);
  }

  /** {@code POST /pins/recover}, streamed: the status of each CID in error that was re-queued. */
  public CloseableIterator<GlobalPinInfo> recoverAll(boolean local) {
    return stream(post(local(url("pins", "recover"), local)), GlobalPinInfo.class);
  }

  /**
   * {@code POST /pins/{cid}/sync} (Raft era): checks {@code cid} against IPFS now and answers its
   * status.
   */
  public GlobalPinInfo sync(Cid cid, boolean local) {
    return patient()
        .getOne(post(local(url("pins", cid.toString(), "sync"), local)), GlobalPinInfo.class);
  }

  /**
   * {@code POST /pins/sync} (Raft era), streamed: the statuses that changed or are in error after
   * checking every pin against IPFS.
   */
  public CloseableIterator<GlobalPinInfo> syncAll(boolean local) {
    return stream(post(local(url("pins", "sync"), local)), GlobalPinInfo.class);
  }

  /**
   * {@code POST /ipfs/gc}: runs IPFS garbage collection on every peer (or the contacted one); the
   * answer is awaited as for {@link #recover}.
   */
  public GlobalRepoGc ipfsGc(boolean local) {
    return patient().getOne(post(local(url("ipfs", "gc"), local)), GlobalRepoGc.class);
  }

  /** {@code GET /monitor/metrics}: the names of the metrics the contacted peer holds. */
  public List<String> metricNames() {
    return getList(get(url("monitor", "metrics")), String[].class);
  }

  /**
   * {@code GET /monitor/metrics/{name}}: the latest valid metric called {@code name} of every peer,
   * as the contacted peer holds them (empty when nobody publishes it).
   *
   * @throws IllegalArgumentException when {@code name} is blank
   */
  public List<Metric> metrics(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a metric name cannot be blank");
    }
    return getList(get(url("monitor", "metrics", name)), Metric[].class);
  }

  /** {@code GET /health/alerts}: the latest alerts (metrics that expired), newest first. */
  public List<Alert> alerts() {
    return getList(get(url("health", "alerts")), Alert[].class);
  }

  /**
   * {@code GET /health/graph}: who can reach whom among the cluster peers and their IPFS daemons.
   * The contacted peer asks every member, so this may take up to its peer RPC timeout.
   */
  public ConnectGraph connectGraph() {
    return getOne(get(url("health", "graph")), ConnectGraph.class);
  }

  /**
   * This client, with the read timeout of the calls that wait for IPFS work on the server; shares
   * this one's connections.
   */
  private RestClient patient() {
    Duration wait = RestClientConfig.WAITING_CALL_READ_TIMEOUT;
    if (config.readTimeout().compareTo(wait) >= 0) {
      return this;
    }
    return new RestClient(
        config.withReadTimeout(wait), http.newBuilder().readTimeout(wait).build(), hosts);
  }

  /** Releases idle connections. Idempotent. */
  @Override
  public void close() {
    http.connectionPool().evictAll();
  }

  /**
   * The query parameters of a pin request, as IPFS Cluster's {@code PinOptions.ToQuery}, already
   * percent-encoded (lists keep their commas readable).
   */
  static Map<String, String> pinQuery(PinOptions o, Duration expireIn) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("replication-min", Integer.toString(o.replicationFactorMin()));
    q.put("replication-max", Integer.toString(o.replicationFactorMax()));
    if (!o.name().isEmpty()) {
      q.put("name", encode(o.name()));
    }
    if (o.mode() == PinMode.DIRECT) {
      q.put("mode", o.mode().wire());
    }
    if (!o.userAllocations().isEmpty()) {
      q.put(
          "user-allocations",
          commaList(o.userAllocations().stream().map(PeerId::toString).toList()));
    }
    if (!o.expireAt().equals(Pin.ZERO_TIME)) {
      q.put("expire-at", encode(o.expireAt().toString()));
    }
    if (expireIn != null && !expireIn.isZero()) {
      q.put("expire-in", GoDuration.format(expireIn));
    }
    o.metadata().forEach((k, v) -> q.put(encode("meta-" + k), encode(v)));
    if (o.pinUpdate() != null) {
      q.put("pin-update", o.pinUpdate().toString());
    }
    if (!o.origins().isEmpty()) {
      q.put("origins", commaList(o.origins().stream().map(Multiaddr::toString).toList()));
    }
    return q;
  }

  /** Items percent-encoded one by one and joined with bare commas. */
  private static String commaList(List<String> items) {
    return items.stream().map(RestClient::encode).collect(Collectors.joining(","));
  }

  /** Percent-encoding for a query component (spaces as %20, not +). */
  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private HttpUrl url(String... segments) {
    HttpUrl.Builder b = hosts.first().newBuilder();
    for (String s : segments) {
      b.addPathSegment(s);
    }
    return b.build();
  }

  private Request.Builder request(HttpUrl url) {
    Request.Builder b =
        new Request.Builder()
            .url(url)
            .header("Accept", "application/json")
            .header("User-Agent", "pincluster-ctl/" + BuildInfo.VERSION);
    if (config.username() != null) {
      b.header(
          "Authorization",
          Credentials.basic(config.username(), config.password(), StandardCharsets.UTF_8));
    }
    return b;
  }

  private Request get(HttpUrl url) {
    return request(url).get().build();
  }

  /** A {@code POST} with an empty body. */
  private Request post(HttpUrl url) {
    return request(url).post(RequestBody.create(new byte[0])).build();
  }

  /** {@code url} with {@code local=true} when {@code local}. */
  private static HttpUrl local(HttpUrl url, boolean local) {
    return local ? url.newBuilder().addQueryParameter("local", "true").build() : url;
  }

  private Response execute(Request request) {
    return hosts.execute(http, request, config, debug);
  }

  private <T> T getOne(Request request, Class<T> type) {
    return getOne(request, type, (sent, value) -> value);
  }

  /**
   * A call whose answer is one JSON value of {@code type}, handed to {@code then} with the request
   * as sent to the host that answered.
   */
  private <T, R> R getOne(Request request, Class<T> type, BiFunction<Request, T, R> then) {
    try (Response response = execute(request)) {
      Request sent = response.request(); // on the host that answered
      checkStatus(sent, response);
      String text;
      try {
        text = readBounded(response.body(), MAX_BODY_BYTES);
      } catch (IOException e) {
        throw IoFailures.of(config, sent, e);
      }
      if (debug != null) {
        debug.body(text);
      }
      return then.apply(sent, decode(sent, type).apply(text));
    }
  }

  /**
   * A call whose answer is one (small) JSON array; {@code null} (Go's nil slice) reads as empty, a
   * null item is an undecodable answer.
   */
  private <T> List<T> getList(Request request, Class<T[]> type) {
    return getOne(
        request,
        type,
        (sent, items) -> {
          if (items == null) {
            return List.of();
          }
          for (T item : items) {
            if (item == null) {
              throw undecodable(sent, "the array has a null item", null);
            }
          }
          return List.of(items);
        });
  }

  private <T> CloseableIterator<T> stream(Request request, Class<T> type) {
    Response response = execute(request);
    Request sent = response.request(); // on the host that answered
    try {
      checkStatus(sent, response);
      if (response.code() == 204) {
        response.close();
        return CloseableIterator.of(List.of());
      }
    } catch (RuntimeException e) {
      response.close();
      throw e;
    }
    Function<String, T> decode = decode(sent, type);
    Function<String, T> echoing =
        debug == null
            ? decode
            : line -> {
              debug.body(line);
              return decode.apply(line);
            };
    return new NdjsonIterator<>(new StreamLines(sent, response), echoing, MAX_BODY_BYTES);
  }

  /** A call whose answer is one JSON array, read one item at a time. */
  private <T> CloseableIterator<T> streamArray(Request request, Class<T> type) {
    Response response = execute(request);
    Request sent = response.request(); // on the host that answered
    try {
      checkStatus(sent, response);
      if (response.code() == 204) {
        response.close();
        return CloseableIterator.of(List.of());
      }
    } catch (RuntimeException e) {
      response.close();
      throw e;
    }
    CloseableIterator<T> items =
        new JsonArrayIterator<>(
            response.body().byteStream(),
            type,
            e -> IoFailures.of(config, sent, e),
            why -> undecodable(sent, why, null));
    if (debug == null) {
      return items;
    }
    return items.map(
        item -> {
          debug.body(Json.toText(item));
          return item;
        });
  }

  private TransportException undecodable(Request request, String why, Throwable cause) {
    return new TransportException(
        "cannot decode the answer to "
            + request.method()
            + " "
            + request.url().encodedPath()
            + " from "
            + IoFailures.hostPort(request.url())
            + ": "
            + why,
        cause);
  }

  private <T> Function<String, T> decode(Request request, Class<T> type) {
    return text -> {
      try {
        return Json.read(text.getBytes(StandardCharsets.UTF_8), type);
      } catch (IllegalArgumentException e) {
        throw undecodable(request, e.getMessage(), e);
      }
    };
  }

  private void checkStatus(Request request, Response response) {
    if (response.isSuccessful()) {
      return;
    }
    String text;
    try {
      text = readBounded(response.body(), MAX_ERROR_BODY_BYTES);
    } catch (IOException e) {
      text = "";
    }
    if (debug != null && !text.isEmpty()) {
      debug.body(text);
    }
    throw new ApiErrorException(response.code(), apiError(response, text));
  }

  private static ApiError apiError(Response response, String body) {
    try {
      ApiError e = Json.read(body.getBytes(StandardCharsets.UTF_8), ApiError.class);
      if (e != null && e.message() != null) {
        return e.code() == 0 ? new ApiError(response.code(), e.message()) : e;
      }
    } catch (IllegalArgumentException notAnApiError) {
      // Fall through: not a JSON error object (e.g. a proxy's HTML page).
    }
    String text = body.strip();
    if (text.isEmpty()) {
      text = response.message().isEmpty() ? "HTTP " + response.code() : response.message();
    }
    return new ApiError(response.code(), text);
  }

  private static String readBounded(ResponseBody body, long max) throws IOException {
    BufferedSource source = body.source();
    if (source.request(max + 1)) {
      throw new IOException("the answer is longer than " + max + " bytes");
    }
    return source.readUtf8();
  }

  /** The body of a streamed answer, with its trailer check. */
  private final class StreamLines implements NdjsonIterator.Lines {
    private final Request request;
    private final Response response;

    StreamLines(Request request, Response response) {
      this.request = request;
      this.response = response;
    }

    @Override
    public BufferedSource source() {
      return response.body().source();
    }

    @Override
    public void onEnd() throws IOException {
      Headers trailers = response.trailers();
      if (debug != null) {
        debug.trailers(trailers);
      }
      String error = trailers.get(STREAM_ERROR);
      if (error == null || error.isEmpty()) {
        error = response.header(STREAM_ERROR, "");
      }
      if (!error.isEmpty()) {
        throw new StreamErrorException(
            request.method()
                + " "
                + request.url().encodedPath()
                + ": the server reported an error after streaming part of the answer: "
                + error);
      }
    }

    @Override
    public RuntimeException failure(IOException e) {
      return IoFailures.of(config, request, e);
    }

    @Override
    public void close() {
      response.close();
    }
  }
}

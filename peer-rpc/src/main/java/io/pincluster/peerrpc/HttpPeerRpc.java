package io.pincluster.peerrpc;

import io.pincluster.core.BuildInfo;
import io.pincluster.core.CloseableIterator;
import io.pincluster.core.PeerRpc;
import io.pincluster.core.PeerTableView;
import io.pincluster.core.PeerUnreachableException;
import io.pincluster.core.api.ApiError;
import io.pincluster.core.api.LocalPinStatus;
import io.pincluster.core.api.Metric;
import io.pincluster.core.api.PeerInfo;
import io.pincluster.core.api.PeerLinks;
import io.pincluster.core.api.PeerRecord;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.RepoGc;
import io.pincluster.core.api.RepoStat;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.GoDuration;
import io.pincluster.core.json.Json;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import io.pincluster.peerrpc.internal.Hmac;
import io.pincluster.peerrpc.internal.NdjsonIterator;
import io.pincluster.peerrpc.internal.RequestSigner;
import io.pincluster.peerrpc.internal.RpcPaths;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Calls other peers' {@link PeerRpcServer} over HTTP, signing every request with the cluster
 * secret. Peers are found in the peer table ({@link PeerRecord#rpcAddress()}).
 *
 * <p>Two bounds apply. {@code timeout} bounds connecting to a peer, and for the quick calls ({@link
 * #id}, {@link #status}, {@link #repoStat}, {@link #sendMetrics}, {@link #links}) each read and
 * write and the whole call; {@link #statusAll} may stream for longer, but each read is bounded by
 * it. {@code longCallTimeout} bounds the calls that wait for IPFS work on the peer: {@link
 * #recover} of one CID (the peer waits for the re-queued pin, up to its pin timeout), {@link #sync}
 * of one CID and {@link #repoGc} (whole call and each read), and each read of the {@link
 * #recoverAll} and {@link #syncAll} streams (a peer may scan long between two items). Callers
 * usually pass twice the pin timeout.
 *
 * <p>Any failure — the peer is not in the table, cannot be reached, times out, answers a non-2xx
 * status or invalid JSON — is a {@link PeerUnreachableException} naming the peer and the cause. A
 * timeout of {@link #recover}, {@link #sync} or {@link #repoGc} is indeterminate: the peer may have
 * done the work; all three are safe to repeat.
 *
 * <p>Thread-safe. Uses OkHttp's connection pool (its own {@code OkHttp} threads); {@link #close()}
 * releases it.
 */
public final class HttpPeerRpc implements PeerRpc {
  private static final int MAX_ERROR_BODY = 4096;
  private static final byte[] NO_BODY = new byte[0];
  private static final MediaType JSON = MediaType.get("application/json");

  private final RequestSigner signer;
  private final PeerTableView peers;
  private final Duration timeout;
  private final Duration longCallTimeout;
  private final OkHttpClient client;
  private final OkHttpClient longClient;

  /** A client with the system clock whose long calls are bounded by {@code timeout} too. */
  public HttpPeerRpc(byte[] secret, PeerTableView peers, Duration timeout) {
    this(secret, peers, timeout, timeout, InstantSource.system());
  }

  /** A client whose long calls are bounded by {@code timeout} too. */
  public HttpPeerRpc(byte[] secret, PeerTableView peers, Duration timeout, InstantSource clock) {
    this(secret, peers, timeout, timeout, clock);
  }

  /** A client with the system clock. */
  public HttpPeerRpc(
      byte[] secret, PeerTableView peers, Duration timeout, Duration longCallTimeout) {
    this(secret, peers, timeout, longCallTimeout, InstantSource.system());
  }

  /**
   * @param secret the cluster secret (copied); must not be empty
   * @param timeout bound of connecting and of each quick call; must be positive
   * @param longCallTimeout bound of the calls that wait for IPFS work (see the class comment); must
   *     be at least {@code timeout}
   * @param clock stamps requests (peers refuse stamps more than 30 s off their clock)
   * @throws IllegalArgumentException naming the bad timeout
   */
  public HttpPeerRpc(
      byte[] secret,
      PeerTableView peers,
      Duration timeout,
      Duration longCallTimeout,
      InstantSource clock) {
    this.signer = new RequestSigner(secret, clock);
    this.peers = Objects.requireNonNull(peers, "peers");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.longCallTimeout = Objects.requireNonNull(longCallTimeout, "longCallTimeout");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException(
          "peer RPC timeout (" + GoDuration.format(timeout) + ") must be > 0");
    }
    if (longCallTimeout.compareTo(timeout) < 0) {
      throw new IllegalArgumentException(
          "peer RPC long call timeout ("
              + GoDuration.format(longCallTimeout)
              + ") must be >= the timeout ("
              + GoDuration.format(timeout)
              + ")");
    }
    this.client =
        new OkHttpClient.Builder()
            .connectTimeout(timeout)
            .readTimeout(timeout)
            .writeTimeout(timeout)
            .followRedirects(false)
            .build();
    this.longClient =
        client.newBuilder().readTimeout(longCallTimeout).writeTimeout(longCallTimeout).build();
  }

  /** Where one peer is reached. */
  private record Target(PeerId id, Multiaddr address, HttpUrl base) {
    String describe() {
      return "peer " + id + " at " + address;
    }
  }

  /** One kind of call: its method, how long it may take, and on which client. */
  private enum Kind {
    /** A quick question: {@code GET}, bounded by the timeout. */
    QUICK("GET"),
    /** A quick delivery with a JSON body: {@code POST}, bounded by the timeout. */
    SEND("POST"),
    /** Work on the peer: {@code POST}, bounded by the long call timeout. */
    ACT("POST");

    final String method;

    Kind(String method) {
      this.method = method;
    }
  }

  @Override
  public PeerInfo id(PeerId peer) {
    return call(peer, Kind.QUICK, RpcPaths.ID, PeerInfo.class);
  }

  @Override
  public PinInfo status(PeerId peer, Cid cid) {
    return call(peer, Kind.QUICK, RpcPaths.STATUS + "/" + cid, PinInfo.class);
  }

  @Override
  public RepoStat repoStat(PeerId peer) {
    return call(peer, Kind.QUICK, RpcPaths.REPOSTAT, RepoStat.class);
  }

  /** Streams the peer's answer line by line; the caller closes the iterator. */
  @Override
  public CloseableIterator<LocalPinStatus> statusAll(PeerId peer) {
    return stream(peer, Kind.QUICK, RpcPaths.STATUS, LocalPinStatus.class, "status");
  }

  /** Bounded by the long call timeout: the peer waits for the re-queued operation. */
  @Override
  public PinInfo recover(PeerId peer, Cid cid) {
    return call(peer, Kind.ACT, RpcPaths.RECOVER + "/" + cid, PinInfo.class);
  }

  /** Streams the status of each CID the peer re-queued; the caller closes the iterator. */
  @Override
  public CloseableIterator<PinInfo> recoverAll(PeerId peer) {
    return stream(peer, Kind.ACT, RpcPaths.RECOVER, PinInfo.class, "recover");
  }

  @Override
  public PinInfo sync(PeerId peer, Cid cid) {
    return call(peer, Kind.ACT, RpcPaths.SYNC + "/" + cid, PinInfo.class);
  }

  /** Streams the statuses that changed or are in error; the caller closes the iterator. */
  @Override
  public CloseableIterator<PinInfo> syncAll(PeerId peer) {
    return stream(peer, Kind.ACT, RpcPaths.SYNC, PinInfo.class, "sync");
  }

  @Override
  public RepoGc repoGc(PeerId peer) {
    return call(peer, Kind.ACT, RpcPaths.REPOGC, RepoGc.class);
  }

  /**
   * Posts {@code metrics} as a JSON array; the peer answers 204 once its monitor has them. Bounded
   * by the (short) timeout and never retried: the next publication replaces a lost one.
   */
  @Override
  public void sendMetrics(PeerId peer, List<Metric> metrics) {
    Objects.requireNonNull(metrics, "metrics");
    Target t = target(peer);
    Call call = client.newCall(request(t, Kind.SEND, RpcPaths.METRICS, Json.write(metrics)));
    call.timeout().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    try (Response r = call.execute()) {
      if (!r.isSuccessful() || !sameProtocol(r)) {
        throw failed(t, r);
      }
    } catch (IOException e) {
      throw unreachable(t, Kind.SEND, e);
    }
  }

  @Override
  public PeerLinks links(PeerId peer) {
    return call(peer, Kind.QUICK, RpcPaths.LINKS, PeerLinks.class);
  }

  private <T> CloseableIterator<T> stream(
      PeerId peer, Kind kind, String path, Class<T> type, String what) {
    Target t = target(peer);
    Response r;
    try {
      r = clientFor(kind).newCall(request(t, kind, path, NO_BODY)).execute();
    } catch (IOException e) {
      throw unreachable(t, kind, e);
    }
    if (!r.isSuccessful() || !sameProtocol(r)) {
      try (r) {
        throw failed(t, r);
      }
    }
    if (r.code() == 204) {
      r.close();
      return CloseableIterator.of(List.of());
    }
    return new NdjsonIterator<>(r, type, t.describe(), what);
  }

  private <T> T call(PeerId peer, Kind kind, String path, Class<T> type) {
    Target t = target(peer);
    Call call = clientFor(kind).newCall(request(t, kind, path, NO_BODY));
    call.timeout().timeout(boundOf(kind).toMillis(), TimeUnit.MILLISECONDS);
    try (Response r = call.execute()) {
      if (!r.isSuccessful() || !sameProtocol(r)) {
        throw failed(t, r);
      }
      byte[] body = r.body().bytes();
      try {
        return Json.read(body, type);
      } catch (IllegalArgumentException e) {
        throw new PeerUnreachableException(
            t.describe() + " sent an invalid " + type.getSimpleName() + ": " + e.getMessage(), e);
      }
    } catch (IOException e) {
      throw unreachable(t, kind, e);
    }
  }

  private OkHttpClient clientFor(Kind kind) {
    return kind == Kind.ACT ? longClient : client;
  }

  private Duration boundOf(Kind kind) {
    return kind == Kind.ACT ? longCallTimeout : timeout;
  }

  private Target target(PeerId peer) {
    PeerRecord record =
        peers
            .peer(peer)
            .orElseThrow(
                () -> new PeerUnreachableException("peer " + peer + " is not in the peer table"));
    Multiaddr address = record.rpcAddress();
    if (address == null) {
      throw new PeerUnreachableException("peer " + peer + " announced no RPC address");
    }
    try {
      String host = address.host().orElseThrow(() -> new IllegalArgumentException("no host"));
      int port = address.tcpPort().orElseThrow(() -> new IllegalArgumentException("no tcp port"));
      HttpUrl base = new HttpUrl.Builder().scheme("http").host(host).port(port).build();
      return new Target(peer, address, base);
    } catch (IllegalArgumentException e) {
      throw new PeerUnreachableException(
          "peer " + peer + " has an unusable RPC address " + address + ": " + e.getMessage(), e);
    }
  }

  /** A signed request; the signature covers {@code body} (empty for {@code GET}). */
  private Request request(Target t, Kind kind, String path, byte[] body) {
    HttpUrl url = t.base().newBuilder().encodedPath(path).build();
    String target =
        url.encodedPath() + (url.encodedQuery() == null ? "" : "?" + url.encodedQuery());
    RequestSigner.SignedHeaders h = signer.sign(kind.method, target, body);
    RequestBody requestBody =
        "GET".equals(kind.method) ? null : RequestBody.create(body, body.length == 0 ? null : JSON);
    return new Request.Builder()
        .url(url)
        .method(kind.method, requestBody)
        .header(Hmac.TIMESTAMP_HEADER, h.timestamp())
        .header(Hmac.NONCE_HEADER, h.nonce())
        .header(Hmac.SIGNATURE_HEADER, h.signature())
        .header(Hmac.PROTOCOL_HEADER, BuildInfo.RPC_PROTOCOL)
        .build();
  }

  private PeerUnreachableException unreachable(Target t, Kind kind, IOException e) {
    String why =
        e instanceof InterruptedIOException
            ? "timed out after " + GoDuration.format(boundOf(kind)) + " (" + e.getMessage() + ")"
            : e.toString();
    return new PeerUnreachableException(t.describe() + " is unreachable: " + why, e);
  }

  private static boolean sameProtocol(Response r) {
    return BuildInfo.RPC_PROTOCOL.equals(r.header(Hmac.PROTOCOL_HEADER));
  }

  private static PeerUnreachableException failed(Target t, Response r) {
    if (r.isSuccessful()) {
      return new PeerUnreachableException(
          t.describe()
              + " speaks peer RPC protocol "
              + java.util.Objects.requireNonNullElse(r.header(Hmac.PROTOCOL_HEADER), "(none)")
              + ", not "
              + BuildInfo.RPC_PROTOCOL
              + ": run the same pincluster version on every peer");
    }
    String message;
    try {
      byte[] body = r.peekBody(MAX_ERROR_BODY).bytes();
      try {
        message = Json.read(body, ApiError.class).message();
      } catch (IllegalArgumentException e) {
        message = new String(body, StandardCharsets.UTF_8).trim();
      }
    } catch (IOException e) {
      message = "(unreadable body: " + e + ")";
    }
    return new PeerUnreachableException(
        t.describe() + " answered " + r.code() + (message.isEmpty() ? "" : ": " + message));
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    longClient.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}

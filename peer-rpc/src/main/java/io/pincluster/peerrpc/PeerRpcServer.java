package io.pincluster.peerrpc;

import com.fasterxml.jackson.core.type.TypeReference;
import io.pincluster.core.BuildInfo;
import io.pincluster.core.PeerRpcService;
import io.pincluster.core.PinNotFoundException;
import io.pincluster.core.api.LocalPinStatus;
import io.pincluster.core.api.Metric;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.json.Json;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.http.BindAddresses;
import io.pincluster.http.Filter;
import io.pincluster.http.Handler;
import io.pincluster.http.HttpException;
import io.pincluster.http.HttpServer;
import io.pincluster.http.HttpServerOptions;
import io.pincluster.http.Request;
import io.pincluster.http.Response;
import io.pincluster.http.Router;
import io.pincluster.peerrpc.internal.Hmac;
import io.pincluster.peerrpc.internal.RequestVerifier;
import io.pincluster.peerrpc.internal.RpcPaths;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the other peers' RPC calls about this peer ({@link PeerRpcService}), over HTTP/1.1:
 *
 * <ul>
 *   <li>{@code GET /rpc/v1/id} → {@code PeerInfo};
 *   <li>{@code GET /rpc/v1/status/{cid}} → {@code PinInfo};
 *   <li>{@code GET /rpc/v1/status} → NDJSON stream of {@code PinInfo} in CID order (trailer {@code
 *       X-Stream-Error} on late failure);
 *   <li>{@code GET /rpc/v1/repostat} → {@code RepoStat};
 *   <li>{@code POST /rpc/v1/recover/{cid}} → {@code PinInfo} (waits for the re-queued operation, up
 *       to the pin timeout);
 *   <li>{@code POST /rpc/v1/recover} → NDJSON stream of the {@code PinInfo} of each CID re-queued;
 *   <li>{@code POST /rpc/v1/sync/{cid}} → {@code PinInfo}; {@code POST /rpc/v1/sync} → NDJSON
 *       stream of the {@code PinInfo}s that changed or are in error (the Raft-era sync);
 *   <li>{@code POST /rpc/v1/repogc} → {@code RepoGc};
 *   <li>{@code POST /rpc/v1/metrics} with a JSON array of {@code Metric} → 204 once handed to
 *       {@link PeerRpcService#acceptMetrics} (the body is at most 64 KiB);
 *   <li>{@code GET /rpc/v1/links} → {@code PeerLinks}.
 * </ul>
 *
 * <p>Errors are {@code {"code","message"}} bodies: 400 for a malformed CID or metrics body, 404
 * with IPFS Cluster's {@code pin is not part of the pinset} for a CID the service does not know,
 * 500 for any other failure of the service.
 *
 * <p>Every request must be signed with the cluster secret (see {@link RequestVerifier}); a request
 * that is not gets 401 with a JSON error and never reaches the service.
 *
 * <p>Threads: {@code peer-rpc-io-N} and {@code peer-rpc-worker-N} of its {@link HttpServer}.
 * Thread-safe; start once, close any number of times (graceful, at most 5 s).
 */
public final class PeerRpcServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerRpcServer.class);

  static final int WORKER_THREADS = 16;
  static final int WORKER_QUEUE = 256;
  private static final TypeReference<List<Metric>> METRIC_LIST = new TypeReference<>() {};

  private final Multiaddr listen;
  private final HttpServer server;

  /**
   * @param listen an ip4, ip6 or dns host and a tcp port ({@code /ip4/0.0.0.0/tcp/9096}); port 0
   *     picks a free port
   * @param secret the cluster secret (copied); must not be empty
   * @param clock what request timestamps are checked against
   * @throws io.pincluster.core.config.ConfigException when {@code listen} is not a TCP address
   */
  public PeerRpcServer(
      Multiaddr listen, byte[] secret, PeerRpcService service, InstantSource clock) {
    this.listen = Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(service, "service");
    RequestVerifier verifier = new RequestVerifier(secret, clock);
    HttpServerOptions options =
        HttpServerOptions.builder("peer-rpc")
            .bind(BindAddresses.resolve("cluster.rpc_listen_multiaddress", listen))
            .ioThreads(1)
            .workerThreads(WORKER_THREADS)
            .workerQueue(WORKER_QUEUE)
            .maxBodyBytes(64 * 1024)
            .readHeaderTimeout(Duration.ofSeconds(5))
            .idleTimeout(Duration.ofMinutes(2))
            .shutdownTimeout(Duration.ofSeconds(5))
            .build();
    Router router =
        Router.builder()
            .filter(authenticate(verifier))
            .get(RpcPaths.ID, req -> Response.ok(service.localId()))
            .get(RpcPaths.STATUS + "/{cid}", req -> Response.ok(service.localStatus(cid(req))))
            .get(
                RpcPaths.STATUS,
                req -> Response.stream(service.localStatusAll().map(LocalPinStatus::of)))
            .get(RpcPaths.REPOSTAT, req -> Response.ok(service.localRepoStat()))
            .post(RpcPaths.RECOVER + "/{cid}", req -> Response.ok(service.localRecover(cid(req))))
            .post(RpcPaths.RECOVER, req -> Response.stream(service.localRecoverAll()))
            .post(RpcPaths.SYNC + "/{cid}", req -> Response.ok(service.localSync(cid(req))))
            .post(RpcPaths.SYNC, req -> Response.stream(service.localSyncAll()))
            .post(RpcPaths.REPOGC, req -> Response.ok(service.localRepoGc()))
            .post(RpcPaths.METRICS, req -> acceptMetrics(service, req))
            .get(RpcPaths.LINKS, req -> Response.ok(service.localLinks()))
            .errorMapper(PeerRpcServer::mapError)
            .build();
    this.server = new HttpServer(options, router);
  }

  private static Filter authenticate(RequestVerifier verifier) {
    return (Request req, Handler next) -> {
      try {
        verifier.verify(
            req.method(),
            req.rawPathAndQuery(),
            req.header(Hmac.TIMESTAMP_HEADER).orElse(null),
            req.header(Hmac.NONCE_HEADER).orElse(null),
            req.header(Hmac.SIGNATURE_HEADER).orElse(null),
            req.body());
      } catch (RequestVerifier.Rejected e) {
        LOG.debug("refused peer RPC {} from {}: {}", req, req.remoteAddress(), e.getMessage());
        return Response.error(e.status(), e.getMessage());
      }
      String theirs = req.header(Hmac.PROTOCOL_HEADER).orElse("(none)");
      if (!BuildInfo.RPC_PROTOCOL.equals(theirs)) {
        LOG.warn(
            "refused peer RPC from {}: it speaks {}, this peer {}",
            req.remoteAddress(),
            theirs,
            BuildInfo.RPC_PROTOCOL);
        return Response.error(
                400,
                "peer RPC protocol "
                    + theirs
                    + " is not this peer's "
                    + BuildInfo.RPC_PROTOCOL
                    + ": run the same pincluster version on every peer")
            .withHeader(Hmac.PROTOCOL_HEADER, BuildInfo.RPC_PROTOCOL);
      }
      return next.handle(req).withHeader(Hmac.PROTOCOL_HEADER, BuildInfo.RPC_PROTOCOL);
    };
  }

  /** The pinset's not-found error is 404; everything else falls through (500 or its status). */
  private static Response mapError(Throwable t) {
    if (t instanceof PinNotFoundException) {
      return Response.error(404, PinNotFoundException.MESSAGE);
    }
    return null;
  }

  private static Response acceptMetrics(PeerRpcService service, Request req) {
    service.acceptMetrics(metrics(req.body()));
    return Response.noContent();
  }

  /**
   * Decodes a metrics body: a JSON array of metrics, each with a name and a peer.
   *
   * @throws HttpException 400 naming what is wrong
   */
  static List<Metric> metrics(byte[] body) {
    List<Metric> metrics;
    try {
      metrics = Json.mapper().readValue(body, METRIC_LIST);
    } catch (IOException e) {
      throw new HttpException(400, "error decoding metrics: " + Json.describe(e), e);
    }
    if (metrics == null) {
      throw new HttpException(400, "error decoding metrics: expected a JSON array, got null");
    }
    for (int i = 0; i < metrics.size(); i++) {
      Metric m = metrics.get(i);
      if (m == null || m.name() == null || m.name().isEmpty() || m.peer() == null) {
        throw new HttpException(400, "metric " + i + " has no name or no peer: " + m);
      }
    }
    return metrics;
  }

  private static Cid cid(Request req) {
    try {
      return Cid.parse(req.pathParam("cid"));
    } catch (IllegalArgumentException e) {
      throw new HttpException(400, "error decoding Cid: " + e.getMessage(), e);
    }
  }

  /**
   * Binds and starts serving.
   *
   * @return the bound address
   * @throws io.pincluster.core.ClusterException naming the address when it cannot be bound
   */
  public InetSocketAddress start() {
    InetSocketAddress bound = server.start().get(0);
    LOG.info("peer RPC listening on {} ({})", bound, listen);
    return bound;
  }

  /** The bound address; null before {@link #start()}. */
  public InetSocketAddress address() {
    List<InetSocketAddress> a = server.addresses();
    return a.isEmpty() ? null : a.get(0);
  }

  /**
   * The bound address as a multiaddress ({@code /ip4/H/tcp/P}), with the real port; null before
   * {@link #start()}.
   */
  public Multiaddr multiaddr() {
    InetSocketAddress a = address();
    return a == null ? null : Multiaddr.tcp(a.getAddress().getHostAddress(), a.getPort());
  }

  @Override
  public void close() {
    server.close();
  }
}

package io.pincluster.restapi.internal;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.ClusterApi;
import io.pincluster.core.InvalidRequestException;
import io.pincluster.core.NoLeaderException;
import io.pincluster.core.PinNotFoundException;
import io.pincluster.core.api.AddOptions;
import io.pincluster.core.api.AddedOutput;
import io.pincluster.core.api.PinType;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.api.Version;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import io.pincluster.http.HttpException;
import io.pincluster.http.Request;
import io.pincluster.http.Response;
import io.pincluster.http.Router;
import io.pincluster.restapi.PinQuery;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The IPFS Cluster v1 REST routes (reference §1.1–§1.3, §1.6) over a {@link ClusterApi}: pins by
 * CID and by IPFS path ({@code /pins/{ipfs|ipns|ipld}/{path...}}, resolved by the cluster through
 * IPFS), {@code POST /add} (multipart or CAR, streamed both ways), {@code POST /token}, plus the
 * bulk ingest endpoint {@code POST /pins} (an NDJSON body, see {@link BulkPinParser}, answered with
 * one {@link io.pincluster.core.api.PinResult} per item as NDJSON, in input order, while the body
 * is still arriving). Handlers run on the HTTP server's workers; pin, unpin and peer add/remove
 * answer from the API's futures without blocking a worker.
 *
 * <p>Recover ({@code POST /pins/{cid}/recover}, {@code POST /pins/recover}), the Raft-era sync
 * ({@code POST /pins/{cid}/sync}, {@code POST /pins/sync}) and {@code POST /ipfs/gc} all take
 * {@code local=true} to act on this peer only. One CID answers a {@code GlobalPinInfo}; every pin
 * answers an NDJSON stream of {@code GlobalPinInfo} (204 when there is nothing); GC answers a
 * {@code GlobalRepoGc}. These calls block a worker while the cluster works (recover of one CID up
 * to the pin timeout, GC up to the repo GC timeout).
 *
 * <p>Monitoring, as IPFS Cluster answers it (plain JSON, not streamed): {@code GET
 * /monitor/metrics} is an array of the metric names this peer holds; {@code GET
 * /monitor/metrics/{name}} an array of the latest valid {@code Metric} of that name per peer
 * ({@code []} for a name nobody publishes); {@code GET /health/alerts} an array of {@code Alert},
 * newest first; {@code GET /health/graph} a {@code ConnectGraph}, which asks every member over peer
 * RPC and so blocks a worker up to the RPC timeout.
 *
 * <p>Errors: the pinset's not-found error is 404, {@link NoLeaderException} 503, parse problems and
 * {@link InvalidRequestException} 400, every other failure 500 with its message.
 */
public final class Routes {
  /** The IPFS path namespaces {@code /pins/{ns}/{path...}} accepts. */
  static final List<String> PATH_KINDS = List.of("ipfs", "ipns", "ipld");

  private final ClusterApi api;
  private final InstantSource clock;
  private final Map<String, String> credentials;

  /**
   * @param credentials {@code basic_auth_credentials} (for {@code POST /token}), or null
   */
  public Routes(ClusterApi api, InstantSource clock, Map<String, String> credentials) {
    this.api = api;
    this.clock = clock;
    this.credentials = credentials == null ? null : Map.copyOf(credentials);
  }

  /** Adds the routes and the error mapping to {@code router}. */
  public Router.Builder addTo(Router.Builder router) {
    for (String kind : PATH_KINDS) {
      router
          .post("/pins/" + kind + "/{path...}", req -> pinPath(kind, req))
          .delete("/pins/" + kind + "/{path...}", req -> unpinPath(kind, req));
    }
    return router
        .postStreamingBody("/add", this::add)
        .post("/token", req -> Token.issue(req, credentials, clock))
        .get("/id", req -> Response.ok(api.id()))
        .get("/version", req -> Response.ok(new Version(api.version())))
        .get("/peers", req -> Response.stream(api.peers()))
        .post("/peers", this::peerAdd)
        .delete("/peers/{peer}", this::peerRemove)
        .postStreamingBody("/pins", this::pinAll)
        .post("/pins/{cid}", this::pin)
        .delete("/pins/{cid}", req -> Response.async(api.unpin(cid(req)).thenApply(WirePin::of)))
        .get("/pins/{cid}", req -> Response.ok(api.status(cid(req), PinQuery.local(req))))
        .get("/pins", this::statusAll)
        .post("/pins/{cid}/recover", req -> Response.ok(api.recover(cid(req), local(req))))
        .post("/pins/recover", req -> Response.stream(api.recoverAll(local(req))))
        .post("/pins/{cid}/sync", req -> Response.ok(api.sync(cid(req), local(req))))
        .post("/pins/sync", req -> Response.stream(api.syncAll(local(req))))
        .post("/ipfs/gc", req -> Response.ok(api.ipfsGc(local(req))))
        .get("/allocations", this::allocations)
        .get("/allocations/{cid}", this::allocation)
        .get("/monitor/metrics", req -> Response.ok(api.metricNames()))
        .get("/monitor/metrics/{name}", req -> Response.ok(api.latestMetrics(metricName(req))))
        .get("/health/alerts", req -> Response.ok(api.alerts()))
        .get("/health/graph", req -> Response.ok(api.connectGraph()))
        .get("/health", req -> Response.noContent())
        .errorMapper(Routes::mapError);
  }

  private static Cid cid(Request req) {
    return PinQuery.cid(req.pathParam("cid"));
  }

  private static boolean local(Request req) {
    return PinQuery.local(req);
  }

  /** The {@code {name}} of {@code /monitor/metrics/{name}}, decoded ({@code tag:region}). */
  private static String metricName(Request req) {
    String name = req.pathParam("name");
    if (name.isBlank()) {
      throw new HttpException(400, "parameter name invalid: a metric name cannot be blank");
    }
    return name;
  }

  private Response pinPath(String kind, Request req) {
    String path = IpfsPaths.parse(kind, req.pathParam("path"));
    return Response.async(api.pinPath(path, PinQuery.options(req, clock)).thenApply(WirePin::of));
  }

  private Response unpinPath(String kind, Request req) {
    return Response.async(
        api.unpinPath(IpfsPaths.parse(kind, req.pathParam("path"))).thenApply(WirePin::of));
  }

  /**
   * {@code POST /add}: the body is handed to the cluster as it arrives; the answer is NDJSON of
   * {@code AddedOutput} (IPFS Cluster's headers: {@code X-Chunked-Output: 1}, {@code Cache-Control:
   * no-cache}, {@code Connection: close}, the {@code X-Stream-Error} trailer), or with {@code
   * stream-channels=false} one JSON array once everything is added.
   */
  private Response add(Request req) {
    String type = req.header("Content-Type").orElse("");
    if (!AddQuery.isMultipart(type)) {
      throw new HttpException(400, "request Content-Type isn't multipart/form-data");
    }
    if (!AddQuery.hasBoundary(type)) {
      throw new HttpException(400, "multipart Content-Type has no boundary");
    }
    AddOptions options = AddQuery.parse(req, clock);
    CloseableIterator<AddedOutput> out = api.add(req.bodyStream(), type, options);
    Response r;
    if (options.streamChannels()) {
      r = Response.stream(out).withHeader("X-Chunked-Output", "1");
    } else {
      List<AddedOutput> all = new java.util.ArrayList<>();
      try (out) {
        out.forEachRemaining(all::add);
      }
      r = Response.ok(all);
    }
    return r.withHeader("Cache-Control", "no-cache").withHeader("Connection", "close");
  }

  private Response pin(Request req) {
    Cid cid = cid(req);
    return Response.async(api.pin(cid, PinQuery.options(req, clock)).thenApply(WirePin::of));
  }

  /**
   * {@code POST /pins}: the query's pin options are defaults for the items; {@code line-offset=N}
   * numbers the lines from N+1 (for a client that splits a file into several requests).
   */
  private Response pinAll(Request req) {
    BulkPinParser parser = new BulkPinParser(PinQuery.options(req, clock));
    long offset = PinQuery.lineOffset(req);
    return Response.stream(api.pinAll(new BulkPinLines(req.bodyStream(), parser, offset)));
  }

  private Response peerAdd(Request req) {
    Multiaddr address = PeerAddBody.parse(req.body());
    return Response.async(api.peerAdd(address));
  }

  private Response peerRemove(Request req) {
    PeerId id;
    try {
      id = PeerId.parse(req.pathParam("peer"));
    } catch (IllegalArgumentException e) {
      throw new HttpException(400, "error decoding peer_id: " + e.getMessage(), e);
    }
    return Response.async(api.peerRemove(id).thenApply(done -> Response.noContent()));
  }

  private Response statusAll(Request req) {
    boolean local = PinQuery.local(req);
    String cids = req.queryParam("cids", "");
    if (!cids.isEmpty()) {
      List<Cid> list = PinQuery.cids(cids);
      return Response.stream(CloseableIterator.of(list).map(c -> api.status(c, local)));
    }
    Set<TrackerStatus> filter;
    try {
      filter = TrackerStatus.parseFilter(req.queryParam("filter", ""));
    } catch (IllegalArgumentException e) {
      throw new HttpException(400, "invalid filter value");
    }
    return Response.stream(api.statusAll(filter, local));
  }

  private Response allocations(Request req) {
    Set<PinType> types = PinQuery.pinTypes(req.queryParam("filter", ""));
    if (types.size() == PinType.values().length) {
      return Response.stream(api.allocations().map(WirePin::of));
    }
    return Response.stream(
        api.allocations().filter(p -> types.contains(p.type())).map(WirePin::of));
  }

  private Response allocation(Request req) {
    Cid cid = cid(req);
    return api.allocation(cid)
        .map(p -> Response.ok(WirePin.of(p)))
        .orElseGet(() -> Response.error(404, PinNotFoundException.MESSAGE));
  }

  /**
   * IPFS Cluster's "automatic" status: the pinset's not-found error is 404; a write that found no
   * Raft leader in time is 503 (retry later); an {@link InvalidRequestException} (e.g. IPFS refused
   * an add's body) is 400; everything else falls through to the default mapping (HttpException
   * keeps its status, others are 500).
   */
  static Response mapError(Throwable t) {
    if (t instanceof PinNotFoundException || PinNotFoundException.MESSAGE.equals(t.getMessage())) {
      return Response.error(404, PinNotFoundException.MESSAGE);
    }
    if (t instanceof NoLeaderException) {
      return Response.error(503, Router.messageOf(t));
    }
    if (t instanceof InvalidRequestException) {
      return Response.error(400, t.getMessage());
    }
    return null;
  }
}

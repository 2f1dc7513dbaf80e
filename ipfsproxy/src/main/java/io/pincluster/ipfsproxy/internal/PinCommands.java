package io.pincluster.ipfsproxy.internal;

import io.pincluster.core.ClusterApi;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.cid.Cid;
import io.pincluster.http.Request;
import io.pincluster.http.Response;
import io.pincluster.ipfsproxy.internal.KuboArgs.Target;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * {@code pin/add}, {@code pin/rm} and {@code pin/update}, done by the cluster and answered as Kubo
 * does: {@code {"Pins":["<cid>", …]}}. Several {@code arg}s are handled one after the other; the
 * answer waits for the cluster's commits without holding a worker thread.
 */
public final class PinCommands {
  private final ClusterApi api;
  private final Upstream upstream;
  private final InstantSource clock;

  public PinCommands(ClusterApi api, Upstream upstream, InstantSource clock) {
    this.api = api;
    this.upstream = upstream;
    this.clock = clock;
  }

  /**
   * {@code pin/add?arg=<cid or path>…}: a cluster pin of each, recursive unless {@code
   * recursive=false} (or {@code type=direct}), with IPFS Cluster's pin options from the query.
   */
  public Response pinAdd(Request req) {
    List<Target> targets = targets(req);
    PinOptions options = KuboArgs.pinOptions(req, KuboArgs.pinAddMode(req), clock);
    return pinsAnswer(
        targets, t -> t.isCid() ? api.pin(t.cid(), options) : api.pinPath(t.path(), options));
  }

  /** {@code pin/rm?arg=<cid or path>…}: removes each from the cluster pinset. */
  public Response pinRm(Request req) {
    List<Target> targets = targets(req);
    return pinsAnswer(targets, t -> t.isCid() ? api.unpin(t.cid()) : api.unpinPath(t.path()));
  }

  /**
   * {@code pin/update?arg=<from>&arg=<to>[&unpin=false]}: {@code from} is resolved, {@code to} is
   * pinned in the cluster with {@code pin_update=from} (so it takes over its allocations and
   * options), then {@code from} is unpinned unless {@code unpin=false}. Answers {@code
   * {"Pins":[from, to]}}.
   */
  public Response pinUpdate(Request req) {
    List<String> args = KuboArgs.args(req);
    if (args.size() != 2) {
      throw KuboError.badArgument(
          "pin/update takes 2 arguments (from-path, to-path), got " + args.size());
    }
    boolean unpin = KuboArgs.flag(req, "unpin", true);
    Target fromTarget = Target.parse(args.get(0));
    Target to = Target.parse(args.get(1));
    PinOptions base = KuboArgs.pinOptions(req, PinMode.RECURSIVE, clock);
    Cid from = fromTarget.isCid() ? fromTarget.cid() : upstream.resolve(fromTarget.path());
    PinOptions options = KuboArgs.withPinUpdate(base, from);
    CompletableFuture<Pin> pinned =
        to.isCid() ? api.pin(to.cid(), options) : api.pinPath(to.path(), options);
    CompletableFuture<Response> answer =
        pinned.thenCompose(
            pin -> {
              CompletableFuture<?> removed =
                  unpin && !pin.cid().equals(from)
                      ? api.unpin(from)
                      : CompletableFuture.completedFuture(null);
              return removed.thenApply(x -> pins(List.of(from.toString(), pin.cid().toString())));
            });
    return Response.async(answer);
  }

  private static List<Target> targets(Request req) {
    KuboArgs.requiredArg(req, "ipfs-path");
    List<Target> out = new ArrayList<>();
    for (String arg : KuboArgs.args(req)) {
      out.add(Target.parse(arg));
    }
    return out;
  }

  /** Runs {@code op} on each target in turn; answers with the CIDs of the pins it returned. */
  private static Response pinsAnswer(
      List<Target> targets, Function<Target, CompletableFuture<Pin>> op) {
    CompletableFuture<List<String>> done = CompletableFuture.completedFuture(new ArrayList<>());
    for (Target t : targets) {
      done =
          done.thenCompose(
              list ->
                  op.apply(t)
                      .thenApply(
                          pin -> {
                            list.add(pin.cid().toString());
                            return list;
                          }));
    }
    return Response.async(done.thenApply(PinCommands::pins));
  }

  private static Response pins(List<String> cids) {
    return Response.json(200, Map.of("Pins", cids));
  }
}

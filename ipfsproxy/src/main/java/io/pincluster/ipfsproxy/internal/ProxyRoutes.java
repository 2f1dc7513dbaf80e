package io.pincluster.ipfsproxy.internal;

import io.pincluster.core.ClusterApi;
import io.pincluster.http.Handler;
import io.pincluster.http.Router;
import java.time.InstantSource;
import java.util.List;

/**
 * The proxy's routes: the intercepted Kubo commands (for {@code POST}, {@code GET} and {@code PUT},
 * as IPFS Cluster's proxy), with or without a trailing slash and, for the pin commands, with the
 * argument in the path ({@code /api/v0/pin/add/<arg>}); every other request, whatever its method
 * and path, is forwarded to the node. Errors are answered in Kubo's shape.
 */
public final class ProxyRoutes {
  static final List<String> METHODS = List.of("POST", "GET", "PUT");
  private static final String API = "/api/v0/";

  private final PinCommands pins;
  private final PinLsCommand pinLs;
  private final AddCommand add;
  private final RepoCommands repo;
  private final PutAndPin putAndPin;
  private final Upstream upstream;

  public ProxyRoutes(ClusterApi api, Upstream upstream, InstantSource clock) {
    this.upstream = upstream;
    this.pins = new PinCommands(api, upstream, clock);
    this.pinLs = new PinLsCommand(api, upstream);
    this.add = new AddCommand(api, clock);
    this.repo = new RepoCommands(api);
    this.putAndPin = new PutAndPin(api, upstream, clock);
  }

  public Router router() {
    Router.Builder b = Router.builder().ignoreTrailingSlash().errorMapper(KuboError::map);
    withArg(b, "pin/add", pins::pinAdd);
    withArg(b, "pin/rm", pins::pinRm);
    withArg(b, "pin/ls", pinLs::pinLs);
    plain(b, "pin/update", pins::pinUpdate, false);
    plain(b, "add", add::add, true);
    plain(b, "repo/stat", repo::repoStat, false);
    plain(b, "repo/gc", repo::repoGc, false);
    plain(b, "block/put", putAndPin::handle, true);
    plain(b, "dag/put", putAndPin::handle, true);
    return b.fallbackStreamingBody(upstream::forward).build();
  }

  /** {@code /api/v0/<cmd>} and {@code /api/v0/<cmd>/<arg…>} (the path becomes the first arg). */
  private static void withArg(Router.Builder b, String cmd, Handler h) {
    plain(b, cmd, h, false);
    for (String m : METHODS) {
      b.route(m, API + cmd + "/{" + KuboArgs.PATH_ARG + "...}", h);
    }
  }

  private static void plain(Router.Builder b, String cmd, Handler h, boolean streamingBody) {
    for (String m : METHODS) {
      if (streamingBody) {
        b.routeStreamingBody(m, API + cmd, h);
      } else {
        b.route(m, API + cmd, h);
      }
    }
  }
}

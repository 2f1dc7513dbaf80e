package io.pincluster.http;

import io.pincluster.http.internal.PathCodec;
import io.pincluster.http.internal.PathTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Routes requests by method and path template, behind a chain of filters. Immutable and thread-safe
 * once built.
 *
 * <p>Order of work for one request: the filters (first added = outermost); then a path ending in
 * {@code /} (other than {@code /} itself) is answered with a 307 redirect to the path without it
 * (query kept), unless {@link Builder#ignoreTrailingSlash()} made it match as the path without its
 * trailing slashes; then the most specific matching template with the request's method runs
 * (literal segments beat {@code {param}}, which beats {@code {rest...}}). Without a match, the
 * {@link Builder#fallback fallback handler} runs when there is one (whatever the method and path);
 * otherwise a path that matches only with other methods gets 405 (with {@code Allow}) and no match
 * gets 404 {@code {"code":404,"message":"not found"}}.
 *
 * <p>Exceptions thrown by handlers and filters, and failed {@link Response#async} futures, become
 * responses through the error mapper: the custom one first (when it returns non-null), then the
 * default ({@link HttpException} keeps its status, anything else is 500 with its message).
 */
public final class Router {
  private record Route(
      String method, PathTemplate template, Handler handler, boolean streamingBody) {}

  private final List<Route> routes;
  private final Function<Throwable, Response> errorMapper;
  private final Handler fallback;
  private final boolean fallbackStreamsBody;
  private final boolean ignoreTrailingSlash;
  private final Handler chain;

  private Router(Builder b) {
    List<Route> sorted = new ArrayList<>(b.routes);
    sorted.sort((x, y) -> PathTemplate.MOST_SPECIFIC_FIRST.compare(x.template(), y.template()));
    this.routes = List.copyOf(sorted);
    this.errorMapper = b.errorMapper;
    this.fallback = b.fallback;
    this.fallbackStreamsBody = b.fallbackStreamsBody;
    this.ignoreTrailingSlash = b.ignoreTrailingSlash;
    Handler h = this::routeGuarded;
    for (int i = b.filters.size() - 1; i >= 0; i--) {
      Filter f = b.filters.get(i);
      Handler next = h;
      h = req -> f.filter(req, next);
    }
    this.chain = h;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Runs the filters and the matched route. Never throws: failures become error responses. */
  public Response handle(Request request) {
    try {
      Response r = chain.handle(request);
      return r == null ? Response.error(500, "handler returned no response") : r;
    } catch (Throwable t) {
      return errorResponse(t);
    }
  }

  /**
   * Every route, as {@code METHOD template} (e.g. {@code GET /pins/{cid}}), most specific first;
   * without the fallback. For audits (e.g. that every route needs authentication) and docs.
   */
  public List<String> routes() {
    return routes.stream().map(r -> r.method() + " " + r.template()).toList();
  }

  /** The response for a failure (see the class comment); unwraps completion exceptions. */
  public Response errorResponse(Throwable failure) {
    Throwable t = unwrap(failure);
    if (errorMapper != null) {
      Response r = errorMapper.apply(t);
      if (r != null) {
        return r;
      }
    }
    if (t instanceof HttpException h) {
      return Response.error(h.status(), h.getMessage());
    }
    return Response.error(500, messageOf(t));
  }

  /** The message of a failure, or its class name when it has none. */
  public static String messageOf(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isEmpty() ? t.getClass().getSimpleName() : m;
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Whether a request with this method and raw path would be handled by a route added with {@link
   * Builder#routeStreamingBody} (or by a fallback added with {@link
   * Builder#fallbackStreamingBody}): the server asks when the request's headers arrive, to decide
   * whether to aggregate the body or hand it over as a stream. False for paths that would be
   * redirected, are malformed, or match no such route.
   */
  public boolean streamsBody(String method, String rawPath) {
    if (isRedirected(rawPath)) {
      return false;
    }
    List<String> segments;
    try {
      segments = PathCodec.segments(matchedPath(rawPath));
    } catch (HttpException malformed) {
      return fallback != null && fallbackStreamsBody;
    }
    for (Route r : routes) {
      if (r.method().equals(method) && r.template().match(segments) != null) {
        return r.streamingBody();
      }
    }
    return fallback != null && fallbackStreamsBody;
  }

  private boolean isRedirected(String rawPath) {
    return !ignoreTrailingSlash && rawPath.length() > 1 && rawPath.endsWith("/");
  }

  /** The path the templates are matched against: without trailing slashes when they are ignored. */
  private String matchedPath(String rawPath) {
    if (!ignoreTrailingSlash) {
      return rawPath;
    }
    int end = rawPath.length();
    while (end > 1 && rawPath.charAt(end - 1) == '/') {
      end--;
    }
    return rawPath.substring(0, end);
  }

  private Response routeGuarded(Request request) {
    try {
      Response r = route(request);
      return r == null ? Response.error(500, "handler returned no response") : r;
    } catch (Throwable t) {
      return errorResponse(t);
    }
  }

  private Response route(Request request) throws Exception {
    String path = request.rawPath();
    if (isRedirected(path)) {
      String target = path.substring(0, path.length() - 1);
      if (!request.rawQuery().isEmpty()) {
        target = target + "?" + request.rawQuery();
      }
      return Response.redirect(307, target);
    }
    List<String> segments;
    try {
      segments = PathCodec.segments(matchedPath(path));
    } catch (HttpException malformed) {
      if (fallback != null) {
        return fallback.handle(request);
      }
      throw malformed;
    }
    Set<String> allowed = new TreeSet<>();
    for (Route r : routes) {
      Map<String, String> params = r.template().match(segments);
      if (params == null) {
        continue;
      }
      if (r.method().equals(request.method())) {
        return r.handler().handle(request.withPathParams(params));
      }
      allowed.add(r.method());
    }
    if (fallback != null) {
      return fallback.handle(request);
    }
    if (!allowed.isEmpty()) {
      return Response.error(405, "method not allowed")
          .withHeader("Allow", String.join(", ", allowed));
    }
    return Response.error(404, "not found");
  }

  /** Collects routes and filters. Not thread-safe. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();
    private final List<Filter> filters = new ArrayList<>();
    private Function<Throwable, Response> errorMapper;
    private Handler fallback;
    private boolean fallbackStreamsBody;
    private boolean ignoreTrailingSlash;

    private Builder() {}

    /**
     * Handles every request that no route matches, whatever its method and path (instead of 404 and
     * 405), with an aggregated body. Path parameters are empty. Replaces an earlier fallback.
     */
    public Builder fallback(Handler handler) {
      this.fallback = Objects.requireNonNull(handler, "handler");
      this.fallbackStreamsBody = false;
      return this;
    }

    /**
     * As {@link #fallback}, with the request body streamed as for {@link #routeStreamingBody}: for
     * a proxy that passes unmatched requests on.
     */
    public Builder fallbackStreamingBody(Handler handler) {
      fallback(handler);
      this.fallbackStreamsBody = true;
      return this;
    }

    /**
     * Matches a path that ends in {@code /} as if it had no trailing slashes ({@code /a/b/} as
     * {@code /a/b}, as Kubo's RPC API does) instead of redirecting it. {@link Request#rawPath()}
     * keeps the slashes.
     */
    public Builder ignoreTrailingSlash() {
      this.ignoreTrailingSlash = true;
      return this;
    }

    /**
     * Adds a route.
     *
     * @param template e.g. {@code /pins/{cid}} or {@code /pins/ipfs/{path...}}
     * @throws IllegalArgumentException when the template is malformed or the same method and
     *     template are already routed
     */
    public Builder route(String method, String template, Handler handler) {
      return add(method, template, handler, false);
    }

    /**
     * Adds a route whose handler receives the request body as a stream ({@link
     * Request#bodyStream()}): it runs as soon as the headers arrive, the body has no size limit,
     * and it may answer (e.g. stream results) while the body is still arriving. Filters run first
     * as usual; they must not read the body. Meant for bulk uploads; other routes keep the
     * aggregated, size-limited body.
     *
     * @throws IllegalArgumentException as {@link #route}
     */
    public Builder routeStreamingBody(String method, String template, Handler handler) {
      return add(method, template, handler, true);
    }

    /** {@link #routeStreamingBody} for {@code POST}. */
    public Builder postStreamingBody(String template, Handler handler) {
      return routeStreamingBody("POST", template, handler);
    }

    private Builder add(String method, String template, Handler handler, boolean streaming) {
      String m = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
      PathTemplate t = PathTemplate.parse(template);
      for (Route r : routes) {
        if (r.method().equals(m) && r.template().equals(t)) {
          throw new IllegalArgumentException("route " + m + " " + template + " is already set");
        }
      }
      routes.add(new Route(m, t, Objects.requireNonNull(handler, "handler"), streaming));
      return this;
    }

    public Builder get(String template, Handler handler) {
      return route("GET", template, handler);
    }

    public Builder post(String template, Handler handler) {
      return route("POST", template, handler);
    }

    public Builder put(String template, Handler handler) {
      return route("PUT", template, handler);
    }

    public Builder delete(String template, Handler handler) {
      return route("DELETE", template, handler);
    }

    /** Adds a filter inside the ones added before it. */
    public Builder filter(Filter filter) {
      filters.add(Objects.requireNonNull(filter, "filter"));
      return this;
    }

    /**
     * Maps failures to responses before the default mapping; return null to fall back to it. The
     * failure is already unwrapped from {@link CompletionException}.
     */
    public Builder errorMapper(Function<Throwable, Response> mapper) {
      this.errorMapper = mapper;
      return this;
    }

    public Router build() {
      return new Router(this);
    }
  }
}

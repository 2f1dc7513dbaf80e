package io.pincluster.restapi.internal;

import io.pincluster.core.config.RestApiSection;
import io.pincluster.http.Filter;
import io.pincluster.http.Handler;
import io.pincluster.http.Request;
import io.pincluster.http.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * CORS as rs/cors (v1.11) does it with the {@code cors_*} options: a preflight ({@code OPTIONS}
 * with {@code Access-Control-Request-Method}) is answered here with 204 and, when origin, method
 * and headers are allowed, the {@code Access-Control-Allow-*} headers; other requests go on and get
 * {@code Access-Control-Allow-Origin} (plus exposed headers and credentials) when their origin and
 * method are allowed. Immutable.
 */
public final class Cors implements Filter {
  private static final String PREFLIGHT_VARY =
      "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

  private record Wildcard(String prefix, String suffix) {
    boolean matches(String origin) {
      return origin.length() >= prefix.length() + suffix.length()
          && origin.startsWith(prefix)
          && origin.endsWith(suffix);
    }
  }

  private final boolean allOrigins;
  private final Set<String> origins = new HashSet<>();
  private final List<Wildcard> wildcards = new ArrayList<>();
  private final List<String> methods;
  private final boolean allHeaders;
  private final Set<String> headers = new HashSet<>();
  private final String exposed;
  private final boolean credentials;
  private final long maxAgeSeconds;

  public Cors(RestApiSection c) {
    boolean all = c.corsAllowedOrigins().isEmpty();
    for (String o : c.corsAllowedOrigins()) {
      String origin = o.toLowerCase(Locale.ROOT);
      int star = origin.indexOf('*');
      if (origin.equals("*")) {
        all = true;
      } else if (star >= 0) {
        wildcards.add(new Wildcard(origin.substring(0, star), origin.substring(star + 1)));
      } else {
        origins.add(origin);
      }
    }
    this.allOrigins = all;
    this.methods =
        c.corsAllowedMethods().isEmpty() ? List.of("GET", "POST", "HEAD") : c.corsAllowedMethods();
    if (c.corsAllowedHeaders().isEmpty()) {
      headers.addAll(List.of("accept", "content-type", "x-requested-with"));
    } else {
      c.corsAllowedHeaders().forEach(h -> headers.add(h.toLowerCase(Locale.ROOT)));
    }
    this.allHeaders = c.corsAllowedHeaders().contains("*");
    this.exposed =
        c.corsExposedHeaders().stream().map(Cors::canonical).collect(Collectors.joining(", "));
    this.credentials = c.corsAllowCredentials();
    this.maxAgeSeconds = c.corsMaxAge().toSeconds();
  }

  @Override
  public Response filter(Request req, Handler next) throws Exception {
    if (req.method().equals("OPTIONS")
        && !req.header("Access-Control-Request-Method").orElse("").isEmpty()) {
      return preflight(req);
    }
    Response r = next.handle(req).withHeader("Vary", "Origin");
    String origin = req.header("Origin").orElse("");
    if (origin.isEmpty() || !originAllowed(origin) || !methodAllowed(req.method())) {
      return r;
    }
    r = r.withHeader("Access-Control-Allow-Origin", allOrigins ? "*" : origin);
    if (!exposed.isEmpty()) {
      r = r.withHeader("Access-Control-Expose-Headers", exposed);
    }
    if (credentials) {
      r = r.withHeader("Access-Control-Allow-Credentials", "true");
    }
    return r;
  }

  private Response preflight(Request req) {
    Response r = Response.noContent().withHeader("Vary", PREFLIGHT_VARY);
    String origin = req.header("Origin").orElse("");
    String method = req.header("Access-Control-Request-Method").orElse("");
    List<String> requested =
        req.headers().getOrDefault("Access-Control-Request-Headers", List.of());
    if (origin.isEmpty()
        || !originAllowed(origin)
        || !methodAllowed(method)
        || (!allHeaders && !headersAllowed(requested))) {
      return r;
    }
    r = r.withHeader("Access-Control-Allow-Origin", allOrigins ? "*" : origin);
    r = r.withHeader("Access-Control-Allow-Methods", method);
    if (!requested.isEmpty() && !requested.get(0).isEmpty()) {
      r = r.withHeader("Access-Control-Allow-Headers", String.join(", ", requested));
    }
    if (credentials) {
      r = r.withHeader("Access-Control-Allow-Credentials", "true");
    }
    if (maxAgeSeconds > 0) {
      r = r.withHeader("Access-Control-Max-Age", Long.toString(maxAgeSeconds));
    }
    return r;
  }

  private boolean originAllowed(String origin) {
    if (allOrigins) {
      return true;
    }
    String o = origin.toLowerCase(Locale.ROOT);
    return origins.contains(o) || wildcards.stream().anyMatch(w -> w.matches(o));
  }

  private boolean methodAllowed(String method) {
    return method.equals("OPTIONS") || methods.contains(method);
  }

  private boolean headersAllowed(List<String> requested) {
    for (String line : requested) {
      for (String name : line.split(",")) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (!n.isEmpty() && !headers.contains(n)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Go's {@code http.CanonicalHeaderKey}: {@code x-stream-output} → {@code X-Stream-Output}. */
  static String canonical(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    boolean upper = true;
    for (char ch : name.toCharArray()) {
      sb.append(upper ? Character.toUpperCase(ch) : Character.toLowerCase(ch));
      upper = ch == '-';
    }
    return sb.toString();
  }
}

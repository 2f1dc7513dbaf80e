package io.pincluster.restapi.internal;

import io.pincluster.http.Filter;
import io.pincluster.http.Handler;
import io.pincluster.http.Request;
import io.pincluster.http.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP Basic authentication against {@code basic_auth_credentials}, as IPFS Cluster checks it:
 * every request except {@code OPTIONS} (CORS preflight) and {@code /health} needs a matching
 * user:password. Bearer tokens (JWT) are not supported and are refused as invalid.
 */
public final class BasicAuth implements Filter {
  static final String REALM = "Restricted IPFS Cluster API";
  private final Map<String, String> credentials;

  public BasicAuth(Map<String, String> credentials) {
    this.credentials = Map.copyOf(credentials);
  }

  @Override
  public Response filter(Request req, Handler next) throws Exception {
    if (req.method().equals("OPTIONS") || req.rawPath().equals("/health")) {
      return next.handle(req);
    }
    String header = req.header("Authorization").orElse("");
    Optional<String[]> basic = parseBasic(header);
    if (basic.isPresent()) {
      if (!verify(basic.get()[0], basic.get()[1])) {
        return Response.error(401, "unauthorized: access denied")
            .withHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
      }
      return next.handle(req);
    }
    if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Response.error(401, "unauthorized: invalid token")
          .withHeader(
              "WWW-Authenticate", "Bearer realm=\"" + REALM + "\", error=\"invalid_token\"");
    }
    return Response.error(401, "unauthorized: no auth provided")
        .withHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
  }

  /** user and password of a {@code Basic} header, empty when it is not one or is malformed. */
  static Optional<String[]> parseBasic(String header) {
    if (!header.toLowerCase(Locale.ROOT).startsWith("basic ")) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    return Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
  }

  private boolean verify(String user, String password) {
    if (user.isEmpty() || password.isEmpty()) {
      return false;
    }
    boolean ok = false;
    for (Map.Entry<String, String> e : credentials.entrySet()) {
      boolean userMatches = constantTimeEquals(e.getKey(), user);
      boolean passwordMatches = constantTimeEquals(e.getValue(), password);
      ok |= userMatches & passwordMatches;
    }
    return ok;
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}

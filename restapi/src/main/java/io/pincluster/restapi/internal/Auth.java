package io.pincluster.restapi.internal;

import io.pincluster.http.Filter;
import io.pincluster.http.Handler;
import io.pincluster.http.Request;
import io.pincluster.http.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Authentication against {@code basic_auth_credentials}, as IPFS Cluster's {@code authHandler} does
 * it: every request except {@code OPTIONS} (CORS preflight) and {@code /health} needs either {@code
 * Authorization: Basic} with a configured user and password, or {@code Authorization: Bearer} with
 * a token from {@code POST /token} ({@link Jwt}). Failures are 401 with IPFS Cluster's messages and
 * {@code WWW-Authenticate} headers: a wrong password {@code unauthorized: access denied} (Basic
 * challenge), a bad token {@code unauthorized: invalid token} (Bearer challenge with {@code
 * error="invalid_token"}), anything else {@code unauthorized: no auth provided} (both challenges).
 * Immutable.
 */
public final class Auth implements Filter {
  static final String REALM = "Restricted IPFS Cluster API";
  static final String WWW_AUTHENTICATE = "WWW-Authenticate";

  /** A user and password from a Basic header. */
  record BasicCredentials(String user, String password) {}

  private final Map<String, String> credentials;
  private final InstantSource clock;

  /**
   * @param clock what token expiry ({@code exp}, if a token carries one) is checked against
   */
  public Auth(Map<String, String> credentials, InstantSource clock) {
    this.credentials = Map.copyOf(credentials);
    this.clock = clock;
  }

  @Override
  public Response filter(Request req, Handler next) throws Exception {
    if (req.method().equals("OPTIONS") || req.rawPath().equals("/health")) {
      return next.handle(req);
    }
    String header = req.header("Authorization").orElse("");
    Optional<BasicCredentials> basic = basic(header);
    if (basic.isPresent()) {
      if (!verify(basic.get())) {
        return Response.error(401, "unauthorized: access denied")
            .withHeader(WWW_AUTHENTICATE, challenge("Basic", ""));
      }
      return next.handle(req);
    }
    Optional<String> token = bearer(header);
    if (token.isPresent()) {
      if (Jwt.verify(credentials, token.get(), clock.instant()).isEmpty()) {
        return Response.error(401, "unauthorized: invalid token")
            .withHeader(WWW_AUTHENTICATE, challenge("Bearer", "invalid_token"));
      }
      return next.handle(req);
    }
    return Response.error(401, "unauthorized: no auth provided")
        .withHeader(WWW_AUTHENTICATE, challenge("Bearer", ""))
        .withHeader(WWW_AUTHENTICATE, challenge("Basic", ""));
  }

  /** {@code Basic realm="…"[, error="…"]} */
  static String challenge(String scheme, String error) {
    String s = scheme + " realm=\"" + REALM + "\"";
    return error.isEmpty() ? s : s + ", error=\"" + error + "\"";
  }

  /**
   * The credentials of a {@code Basic} header (as Go's {@code Request.BasicAuth}: scheme
   * case-insensitive, standard base64, split at the first colon); empty when it is not one.
   */
  static Optional<BasicCredentials> basic(String header) {
    if (header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    return Optional.of(
        new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
  }

  /** The token of a {@code Bearer} header (scheme case-insensitive); empty when not one. */
  static Optional<String> bearer(String header) {
    if (header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    return Optional.of(header.substring(7));
  }

  private boolean verify(BasicCredentials c) {
    if (c.user().isEmpty() || c.password().isEmpty()) {
      return false;
    }
    boolean ok = false;
    for (Map.Entry<String, String> e : credentials.entrySet()) {
      boolean userMatches = constantTimeEquals(e.getKey(), c.user());
      boolean passwordMatches = constantTimeEquals(e.getValue(), c.password());
      ok |= userMatches & passwordMatches;
    }
    return ok;
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}

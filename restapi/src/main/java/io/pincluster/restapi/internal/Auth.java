package io.pincluster.restapi.internal;

import io.pincluster.http.Filter;
import io.pincluster.http.Handler;
import io.pincluster.http.Request;
import io.pincluster.http.Response;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication against {@code basic_auth_credentials}, as IPFS Cluster's {@code authHandler} does
 * it: every request except {@code OPTIONS} (CORS preflight) and {@code /health} needs either {@code
 * Authorization: Basic} with a configured user and password, or {@code Authorization: Bearer} with
 * a token from {@code POST /token} ({@link Jwt}). Failures are 401 with IPFS Cluster's messages and
 * {@code WWW-Authenticate} headers: a wrong password {@code unauthorized: access denied} (Basic
 * challenge), a bad token {@code unauthorized: invalid token} (Bearer challenge with {@code
 * error="invalid_token"}), anything else {@code unauthorized: no auth provided} (both challenges).
 *
 * <p>Wrong passwords and bad tokens (not missing or unparseable headers) count as failures of the
 * client's IP address in {@link AuthFailures}; an address with too many is answered 429 {@code too
 * many failed authentication attempts; retry after Ns} with {@code Retry-After: N}, before its
 * credentials are checked, for every request that needs authentication. Neither passwords nor
 * tokens are ever logged. Thread-safe.
 */
public final class Auth implements Filter {
  static final String REALM = "Restricted IPFS Cluster API";
  static final String WWW_AUTHENTICATE = "WWW-Authenticate";
  private static final Logger LOG = LoggerFactory.getLogger(Auth.class);

  /** The key of requests whose client address is unknown (never a real client's address). */
  private static final InetAddress UNKNOWN_CLIENT = unknownClient();

  /** A user and password from a Basic header. */
  record BasicCredentials(String user, String password) {}

  private final Map<String, String> credentials;
  private final InstantSource clock;
  private final AuthFailures failures;

  /**
   * @param clock what token expiry ({@code exp}, if a token carries one) is checked against
   * @param failures counts wrong passwords and bad tokens per client address; a blocked address is
   *     answered 429 before its credentials are looked at
   */
  public Auth(Map<String, String> credentials, InstantSource clock, AuthFailures failures) {
    this.credentials = Map.copyOf(credentials);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.failures = Objects.requireNonNull(failures, "failures");
  }

  @Override
  public Response filter(Request req, Handler next) throws Exception {
    if (req.method().equals("OPTIONS") || req.rawPath().equals("/health")) {
      return next.handle(req);
    }
    InetAddress client = clientOf(req);
    OptionalLong wait = failures.blockedFor(client);
    if (wait.isPresent()) {
      return tooManyFailures(wait.getAsLong());
    }
    String header = req.header("Authorization").orElse("");
    Optional<BasicCredentials> basic = basic(header);
    if (basic.isPresent()) {
      if (!verify(basic.get())) {
        failed(client);
        return Response.error(401, "unauthorized: access denied")
            .withHeader(WWW_AUTHENTICATE, challenge("Basic", ""));
      }
      return next.handle(req);
    }
    Optional<String> token = bearer(header);
    if (token.isPresent()) {
      if (Jwt.verify(credentials, token.get(), clock.instant()).isEmpty()) {
        failed(client);
        return Response.error(401, "unauthorized: invalid token")
            .withHeader(WWW_AUTHENTICATE, challenge("Bearer", "invalid_token"));
      }
      return next.handle(req);
    }
    return Response.error(401, "unauthorized: no auth provided")
        .withHeader(WWW_AUTHENTICATE, challenge("Bearer", ""))
        .withHeader(WWW_AUTHENTICATE, challenge("Basic", ""));
  }

  /** 429 with {@code Retry-After}: the address made too many failed attempts. */
  static Response tooManyFailures(long seconds) {
    return Response.error(
            429, "too many failed authentication attempts; retry after " + seconds + "s")
        .withHeader("Retry-After", Long.toString(seconds));
  }

  /** The client's IP address (port ignored); requests of unknown origin share one entry. */
  private static InetAddress clientOf(Request req) {
    InetSocketAddress remote = req.remoteAddress();
    return remote == null ? UNKNOWN_CLIENT : remote.getAddress();
  }

  private void failed(InetAddress client) {
    if (failures.failed(client)) {
      LOG.warn(
          "REST API: {} failed authentication {} times within {} s: refusing its requests (429)"
              + " until that window ends",
          client == UNKNOWN_CLIENT ? "an unknown client" : client.getHostAddress(),
          AuthFailures.MAX_FAILURES,
          AuthFailures.WINDOW.toSeconds());
    }
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

  /** {@code 0.0.0.0}, which no TCP client connects from. */
  private static InetAddress unknownClient() {
    try {
      return InetAddress.getByAddress("unknown", new byte[4]);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.pincluster.peerrpc.internal;

import io.pincluster.core.config.GoDuration;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks the signature, freshness and uniqueness of incoming peer RPC requests (server side).
 *
 * <p>A request is accepted when its signature matches (compared in constant time), its timestamp is
 * at most {@link #MAX_SKEW} away from this peer's clock, and its nonce was not seen in the last
 * {@link #NONCE_TTL}. Nonces are remembered only for authentic, fresh requests, in insertion order,
 * at most {@code maxNonces} of them; when that many were seen within the TTL the request is refused
 * (503) rather than forgetting a nonce that could then be replayed. A nonce kept for the TTL (twice
 * the skew) outlives every timestamp the skew check would still accept.
 *
 * <p>Thread-safe: the nonce table is guarded by this object's monitor.
 */
public final class RequestVerifier {
  public static final Duration MAX_SKEW = Duration.ofSeconds(30);
  public static final Duration NONCE_TTL = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_NONCES = 100_000;

  /** Why a request was refused, with the HTTP status to answer. */
  public static final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    Rejected(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private final Hmac hmac;
  private final InstantSource clock;
  private final int maxNonces;
  private final LinkedHashMap<String, Long> nonces = new LinkedHashMap<>();

  public RequestVerifier(byte[] secret, InstantSource clock) {
    this(secret, clock, DEFAULT_MAX_NONCES);
  }

  public RequestVerifier(byte[] secret, InstantSource clock, int maxNonces) {
    if (maxNonces < 1) {
      throw new IllegalArgumentException("maxNonces (" + maxNonces + ") must be >= 1");
    }
    this.hmac = new Hmac(secret);
    this.clock = clock;
    this.maxNonces = maxNonces;
  }

  /**
   * @param timestamp the {@code X-Pincluster-Timestamp} header, or null when absent
   * @param nonce the {@code X-Pincluster-Nonce} header, or null
   * @param signature the {@code X-Pincluster-Signature} header, or null
   * @throws Rejected 401 for a missing, malformed, wrong, stale or replayed request; 503 when the
   *     nonce table is full
   */
  public void verify(
      String method,
      String pathWithQuery,
      String timestamp,
      String nonce,
      String signature,
      byte[] body) {
    if (timestamp == null || nonce == null || signature == null) {
      throw unauthorized("missing authentication headers");
    }
    long sent;
    try {
      sent = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      throw unauthorized("malformed timestamp \"" + timestamp + "\"");
    }
    if (!nonce.matches("[0-9a-fA-F]{32}")) {
      throw unauthorized("malformed nonce");
    }
    byte[] given;
    try {
      given = Hmac.unhex(signature);
    } catch (IllegalArgumentException e) {
      throw unauthorized("malformed signature");
    }
    byte[] expected = hmac.sign(method, pathWithQuery, timestamp, nonce, body);
    if (!MessageDigest.isEqual(expected, given)) {
      throw unauthorized("bad signature (is the cluster secret the same on both peers?)");
    }
    long now = clock.millis();
    if (Math.abs(now - sent) > MAX_SKEW.toMillis()) {
      throw unauthorized(
          "request time "
              + sent
              + " is "
              + GoDuration.format(Duration.ofMillis(Math.abs(now - sent)))
              + " away from this peer's clock (limit "
              + GoDuration.format(MAX_SKEW)
              + ")");
    }
    remember(nonce.toLowerCase(java.util.Locale.ROOT), now);
  }

  private synchronized void remember(String nonce, long now) {
    forgetExpired(now);
    if (nonces.containsKey(nonce)) {
      throw unauthorized("nonce already used (replayed request)");
    }
    if (nonces.size() >= maxNonces) {
      throw new Rejected(
          503,
          "peer RPC: too many requests in the last "
              + GoDuration.format(NONCE_TTL)
              + " ("
              + maxNonces
              + " nonces remembered); retry later");
    }
    nonces.put(nonce, now);
  }

  private void forgetExpired(long now) {
    Iterator<Map.Entry<String, Long>> it = nonces.entrySet().iterator();
    while (it.hasNext()) {
      if (now - it.next().getValue() > NONCE_TTL.toMillis()) {
        it.remove();
      } else {
        break;
      }
    }
  }

  /** How many nonces are remembered now (for tests and metrics). */
  public synchronized int rememberedNonces() {
    forgetExpired(clock.millis());
    return nonces.size();
  }

  private static Rejected unauthorized(String why) {
    return new Rejected(401, "peer RPC authentication failed: " + why);
  }
}

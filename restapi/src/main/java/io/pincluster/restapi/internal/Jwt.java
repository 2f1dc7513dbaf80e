package io.pincluster.restapi.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The JSON Web Tokens of {@code POST /token} (reference §1.6), with the JDK only: HS256, the one
 * claim {@code iss} (the user), signed with that user's password; no expiry, so a token lasts until
 * the password changes. Verification accepts what IPFS Cluster's (golang-jwt v4) accepts: an HMAC
 * algorithm (HS256, HS384, HS512), an issuer that is a configured user, a signature made with that
 * user's password, and {@code exp}, {@code nbf}, {@code iat} respected when present. Stateless and
 * thread-safe.
 */
public final class Jwt {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODE = Base64.getUrlDecoder();
  private static final Map<String, String> ALGORITHMS =
      Map.of("HS256", "HmacSHA256", "HS384", "HmacSHA384", "HS512", "HmacSHA512");

  /** The header golang-jwt writes, byte for byte. */
  private static final String HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

  private Jwt() {}

  /** A token for {@code issuer}, signed with {@code password}: {@code header.payload.signature}. */
  public static String sign(String issuer, String password) {
    String payload;
    try {
      payload = MAPPER.writeValueAsString(Map.of("iss", issuer));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a JWT payload", e);
    }
    String signed = encode(HEADER) + "." + encode(payload);
    return signed + "." + ENCODE.encodeToString(hmac("HmacSHA256", password, signed));
  }

  /**
   * The issuer of {@code token} when it is valid for {@code credentials} at {@code now}, else empty
   * (the reason is not told to the client, only that the token is invalid).
   */
  public static Optional<String> verify(
      Map<String, String> credentials, String token, Instant now) {
    String[] parts = token.trim().split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonNode header = MAPPER.readTree(DECODE.decode(strip(parts[0])));
      JsonNode claims = MAPPER.readTree(DECODE.decode(strip(parts[1])));
      String algorithm = ALGORITHMS.get(header.path("alg").asText(""));
      JsonNode iss = claims.get("iss");
      if (algorithm == null || iss == null || !iss.isTextual()) {
        return Optional.empty();
      }
      String password = credentials.get(iss.asText());
      if (password == null) {
        return Optional.empty();
      }
      byte[] expected = hmac(algorithm, password, parts[0] + "." + parts[1]);
      byte[] given = DECODE.decode(strip(parts[2]));
      if (!MessageDigest.isEqual(expected, given) || !timely(claims, now)) {
        return Optional.empty();
      }
      return Optional.of(iss.asText());
    } catch (java.io.IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** {@code exp} in the future, {@code nbf} and {@code iat} not in the future (when present). */
  private static boolean timely(JsonNode claims, Instant now) {
    long seconds = now.getEpochSecond();
    JsonNode exp = claims.get("exp");
    if (exp != null && !exp.isNull() && (!exp.isNumber() || seconds >= exp.asLong())) {
      return false;
    }
    for (String name : new String[] {"nbf", "iat"}) {
      JsonNode v = claims.get(name);
      if (v != null && !v.isNull() && (!v.isNumber() || seconds < v.asLong())) {
        return false;
      }
    }
    return true;
  }

  private static byte[] hmac(String algorithm, String key, String data) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      byte[] k = key.getBytes(StandardCharsets.UTF_8);
      mac.init(new SecretKeySpec(k.length == 0 ? new byte[1] : k, algorithm));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot compute " + algorithm, e);
    }
  }

  private static String encode(String json) {
    return ENCODE.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String strip(String segment) {
    int end = segment.length();
    while (end > 0 && segment.charAt(end - 1) == '=') {
      end--;
    }
    return segment.substring(0, end);
  }
}

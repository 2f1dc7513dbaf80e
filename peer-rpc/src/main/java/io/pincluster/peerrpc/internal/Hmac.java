package io.pincluster.peerrpc.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The peer RPC request signature: {@code hex(HMAC-SHA256(secret, METHOD "\n" PATH_WITH_QUERY "\n"
 * TIMESTAMP "\n" NONCE "\n" hex(SHA-256(body))))}, lower-case hex. Thread-safe (a new {@link Mac}
 * per call).
 */
public final class Hmac {
  public static final String TIMESTAMP_HEADER = "X-Pincluster-Timestamp";
  public static final String NONCE_HEADER = "X-Pincluster-Nonce";
  public static final String SIGNATURE_HEADER = "X-Pincluster-Signature";

  /** Carries {@link io.pincluster.core.BuildInfo#RPC_PROTOCOL} on every request and response. */
  public static final String PROTOCOL_HEADER = "X-Pincluster-Rpc-Protocol";

  private static final HexFormat HEX = HexFormat.of();

  private final SecretKeySpec key;

  /**
   * @throws IllegalArgumentException when the secret is empty
   */
  public Hmac(byte[] secret) {
    if (secret == null || secret.length == 0) {
      throw new IllegalArgumentException("the cluster secret must not be empty");
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
  }

  /** The raw signature bytes. */
  public byte[] sign(
      String method, String pathWithQuery, String timestamp, String nonce, byte[] body) {
    String canonical =
        method + "\n" + pathWithQuery + "\n" + timestamp + "\n" + nonce + "\n" + sha256Hex(body);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** Lower-case hex of {@code bytes}. */
  public static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /**
   * Bytes of hex text (either case).
   *
   * @throws IllegalArgumentException when the text is not hex
   */
  public static byte[] unhex(String text) {
    return HEX.parseHex(text);
  }

  static String sha256Hex(byte[] body) {
    try {
      return hex(MessageDigest.getInstance("SHA-256").digest(body == null ? new byte[0] : body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}

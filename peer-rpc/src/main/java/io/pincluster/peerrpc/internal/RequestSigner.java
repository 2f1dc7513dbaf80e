package io.pincluster.peerrpc.internal;

import java.security.SecureRandom;
import java.time.InstantSource;

/** Signs outgoing peer RPC requests (client side). Thread-safe. */
public final class RequestSigner {
  /** The three authentication headers of one request. */
  public record SignedHeaders(String timestamp, String nonce, String signature) {}

  private final Hmac hmac;
  private final InstantSource clock;
  private final SecureRandom random;

  public RequestSigner(byte[] secret, InstantSource clock) {
    this(secret, clock, new SecureRandom());
  }

  public RequestSigner(byte[] secret, InstantSource clock, SecureRandom random) {
    this.hmac = new Hmac(secret);
    this.clock = clock;
    this.random = random;
  }

  /**
   * Headers for one request: the clock's Unix milliseconds, 16 random bytes as hex, the signature.
   *
   * @param pathWithQuery the request target exactly as sent ({@code /rpc/v1/status?x=1})
   */
  public SignedHeaders sign(String method, String pathWithQuery, byte[] body) {
    byte[] n = new byte[16];
    random.nextBytes(n);
    String nonce = Hmac.hex(n);
    String timestamp = Long.toString(clock.millis());
    byte[] signature = hmac.sign(method, pathWithQuery, timestamp, nonce, body);
    return new SignedHeaders(timestamp, nonce, Hmac.hex(signature));
  }
}

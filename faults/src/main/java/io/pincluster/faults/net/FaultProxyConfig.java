package io.pincluster.faults.net;

import java.time.Duration;

/**
 * Limits of one {@link FaultProxy}. Immutable; validated on construction.
 *
 * @param maxConnections connections forwarded at once over all of the proxy's links; one more is
 *     reset as soon as it is accepted
 * @param connectTimeout how long the proxy waits to connect to a destination; a connection it
 *     cannot forward is reset
 * @param bufferBytes bytes read (and then forwarded) at a time, per direction of a connection
 */
public record FaultProxyConfig(int maxConnections, Duration connectTimeout, int bufferBytes) {
  public static final int DEFAULT_MAX_CONNECTIONS = 256;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final int DEFAULT_BUFFER_BYTES = 16 * 1024;

  public static final FaultProxyConfig DEFAULT =
      new FaultProxyConfig(DEFAULT_MAX_CONNECTIONS, DEFAULT_CONNECT_TIMEOUT, DEFAULT_BUFFER_BYTES);

  /**
   * @throws IllegalArgumentException naming the bad value
   */
  public FaultProxyConfig {
    if (maxConnections < 1 || maxConnections > 10_000) {
      throw new IllegalArgumentException(
          "maxConnections (" + maxConnections + ") must be in [1, 10000]");
    }
    if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout (" + connectTimeout + ") must be > 0");
    }
    if (connectTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("connectTimeout (" + connectTimeout + ") is too long");
    }
    if (bufferBytes < 1 || bufferBytes > 1 << 20) {
      throw new IllegalArgumentException("bufferBytes (" + bufferBytes + ") must be in [1, 1 MiB]");
    }
  }
}

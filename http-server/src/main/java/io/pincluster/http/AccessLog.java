package io.pincluster.http;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * Receives one entry per answered request (also for requests refused before routing: 413, 431,
 * 503…). Called on an I/O thread once the response is written (or the connection dropped), so it
 * must not block: queue slow work (e.g. file writes) elsewhere.
 */
@FunctionalInterface
public interface AccessLog {
  /** An access log that ignores every entry. */
  AccessLog NONE = entry -> {};

  void log(Entry entry);

  /**
   * One answered request.
   *
   * @param method the request method, {@code "-"} when the request could not be decoded
   * @param uri the raw request target as sent ({@code /pins?filter=pinned}), or {@code "-"}
   * @param protocol e.g. {@code HTTP/1.1}
   * @param status the status sent
   * @param bytes response body bytes sent (for a stream, what was written before it ended)
   * @param received when the request's headers were decoded
   * @param elapsed from then until the response was written
   */
  record Entry(
      InetSocketAddress remoteAddress,
      String method,
      String uri,
      String protocol,
      int status,
      long bytes,
      Instant received,
      Duration elapsed) {}
}

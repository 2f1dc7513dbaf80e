package io.pincluster.core.config;

import io.pincluster.core.peer.Multiaddr;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code api.restapi} section.
 *
 * @param basicAuthCredentials user to password; null = no authentication (an empty map is an error)
 * @param headers extra headers added to every response
 */
public record RestApiSection(
    List<Multiaddr> httpListenMultiaddress,
    String sslCertFile,
    String sslKeyFile,
    Duration readTimeout,
    Duration readHeaderTimeout,
    Duration writeTimeout,
    Duration idleTimeout,
    int maxHeaderBytes,
    Map<String, String> basicAuthCredentials,
    String httpLogFile,
    Map<String, List<String>> headers,
    List<String> corsAllowedOrigins,
    List<String> corsAllowedMethods,
    List<String> corsAllowedHeaders,
    List<String> corsExposedHeaders,
    boolean corsAllowCredentials,
    Duration corsMaxAge) {

  public static final String SECTION = "api.restapi";

  public RestApiSection {
    httpListenMultiaddress = List.copyOf(httpListenMultiaddress);
    if (httpListenMultiaddress.isEmpty()) {
      throw new IllegalArgumentException("http_listen_multiaddress must name at least one address");
    }
    Check.notNull("ssl_cert_file", sslCertFile);
    Check.notNull("ssl_key_file", sslKeyFile);
    if (sslCertFile.isEmpty() != sslKeyFile.isEmpty()) {
      throw new IllegalArgumentException("ssl_cert_file and ssl_key_file must be set together");
    }
    Check.notNegative("read_timeout", readTimeout);
    Check.notNegative("read_header_timeout", readHeaderTimeout);
    Check.notNegative("write_timeout", writeTimeout);
    Check.notNegative("idle_timeout", idleTimeout);
    Check.atLeast("max_header_bytes", maxHeaderBytes, 4096);
    if (basicAuthCredentials != null) {
      if (basicAuthCredentials.isEmpty()) {
        throw new IllegalArgumentException(
            "basic_auth_credentials is an empty map: use null to disable authentication");
      }
      basicAuthCredentials = Map.copyOf(basicAuthCredentials);
    }
    Check.notNull("http_log_file", httpLogFile);
    headers = Map.copyOf(Check.notNull("headers", headers));
    corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
    corsAllowedMethods = List.copyOf(corsAllowedMethods);
    corsAllowedHeaders = List.copyOf(corsAllowedHeaders);
    corsExposedHeaders = List.copyOf(corsExposedHeaders);
    Check.notNegative("cors_max_age", corsMaxAge);
  }

  public static RestApiSection defaults() {
    return new RestApiSection(
        List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/9094")),
        "",
        "",
        Duration.ZERO,
        Duration.ofSeconds(5),
        Duration.ZERO,
        Duration.ofMinutes(2),
        4096,
        null,
        "",
        Map.of(),
        List.of("*"),
        List.of("GET"),
        List.of(),
        List.of("Content-Type", "X-Stream-Output", "X-Chunked-Output", "X-Content-Length"),
        true,
        Duration.ZERO);
  }

  /** Every field, the credentials redacted: records print every component by default. */
  @Override
  public String toString() {
    return RedactedText.of(this, "basicAuthCredentials");
  }
}

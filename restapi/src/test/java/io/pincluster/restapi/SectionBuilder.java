package io.pincluster.restapi;

import io.pincluster.core.config.RestApiSection;
import io.pincluster.core.peer.Multiaddr;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** An {@code api.restapi} section for tests: the defaults, listening on 127.0.0.1 port 0. */
final class SectionBuilder {
  List<Multiaddr> listen = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
  String sslCert = "";
  String sslKey = "";
  Duration readTimeout = Duration.ZERO;
  Duration readHeaderTimeout = Duration.ofSeconds(5);
  Duration writeTimeout = Duration.ZERO;
  Duration idleTimeout = Duration.ofMinutes(2);
  int maxHeaderBytes = 4096;
  Map<String, String> credentials;
  String logFile = "";
  Map<String, List<String>> headers = Map.of();
  List<String> corsOrigins = List.of("*");
  List<String> corsMethods = List.of("GET");
  List<String> corsHeaders = List.of();
  List<String> corsExposed =
      List.of("Content-Type", "X-Stream-Output", "X-Chunked-Output", "X-Content-Length");
  boolean corsCredentials = true;
  Duration corsMaxAge = Duration.ZERO;

  RestApiSection build() {
    return new RestApiSection(
        listen,
        sslCert,
        sslKey,
        readTimeout,
        readHeaderTimeout,
        writeTimeout,
        idleTimeout,
        maxHeaderBytes,
        credentials,
        logFile,
        headers,
        corsOrigins,
        corsMethods,
        corsHeaders,
        corsExposed,
        corsCredentials,
        corsMaxAge);
  }
}

package io.pincluster.core.config;

import io.pincluster.core.peer.Multiaddr;
import java.time.Duration;

/** The {@code api.ipfsproxy} section: the IPFS-API-compatible proxy. */
public record IpfsProxySection(
    Multiaddr listenMultiaddress,
    Multiaddr nodeMultiaddress,
    String logFile,
    Duration readTimeout,
    Duration readHeaderTimeout,
    Duration writeTimeout,
    Duration idleTimeout,
    int maxHeaderBytes) {

  public static final String SECTION = "api.ipfsproxy";

  public IpfsProxySection {
    Check.notNull("listen_multiaddress", listenMultiaddress);
    Check.notNull("node_multiaddress", nodeMultiaddress);
    Check.notNull("log_file", logFile);
    Check.notNegative("read_timeout", readTimeout);
    Check.notNegative("read_header_timeout", readHeaderTimeout);
    Check.notNegative("write_timeout", writeTimeout);
    Check.notNegative("idle_timeout", idleTimeout);
    Check.atLeast("max_header_bytes", maxHeaderBytes, 4096);
  }

  public static IpfsProxySection defaults() {
    return new IpfsProxySection(
        Multiaddr.parse("/ip4/127.0.0.1/tcp/9095"),
        Multiaddr.parse("/ip4/127.0.0.1/tcp/5001"),
        "",
        Duration.ZERO,
        Duration.ofSeconds(5),
        Duration.ZERO,
        Duration.ofMinutes(1),
        4096);
  }
}

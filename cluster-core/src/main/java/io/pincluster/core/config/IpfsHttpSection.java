package io.pincluster.core.config;

import io.pincluster.core.peer.Multiaddr;
import java.time.Duration;

/**
 * The {@code ipfs_connector.ipfshttp} section.
 *
 * @param pinTimeout counted from the last progress the node reported, or from the start when it
 *     reports none
 */
public record IpfsHttpSection(
    Multiaddr nodeMultiaddress,
    Duration connectSwarmsDelay,
    Duration ipfsRequestTimeout,
    Duration pinTimeout,
    Duration unpinTimeout,
    Duration repogcTimeout,
    PinMethod pinMethod) {

  public static final String SECTION = "ipfs_connector.ipfshttp";

  public IpfsHttpSection {
    Check.notNull("node_multiaddress", nodeMultiaddress);
    nodeMultiaddress.toSocketAddress();
    Check.notNegative("connect_swarms_delay", connectSwarmsDelay);
    Check.positive("ipfs_request_timeout", ipfsRequestTimeout);
    Check.positive("pin_timeout", pinTimeout);
    Check.positive("unpin_timeout", unpinTimeout);
    Check.positive("repogc_timeout", repogcTimeout);
    Check.notNull("pin_method", pinMethod);
  }

  public static IpfsHttpSection defaults() {
    return new IpfsHttpSection(
        Multiaddr.parse("/ip4/127.0.0.1/tcp/5001"),
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        Duration.ofMinutes(2),
        Duration.ofHours(3),
        Duration.ofHours(24),
        PinMethod.REFS);
  }
}

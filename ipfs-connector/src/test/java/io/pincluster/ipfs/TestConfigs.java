package io.pincluster.ipfs;

import io.pincluster.core.config.IpfsHttpSection;
import io.pincluster.core.config.PinMethod;
import io.pincluster.core.peer.Multiaddr;
import java.time.Duration;

/** Connector configs for tests: short timeouts, a given node port. */
final class TestConfigs {
  private TestConfigs() {}

  static IpfsHttpSection config(
      int port,
      PinMethod method,
      Duration pinTimeout,
      Duration requestTimeout,
      Duration repogcTimeout,
      Duration connectSwarmsDelay) {
    return new IpfsHttpSection(
        Multiaddr.tcp("127.0.0.1", port),
        connectSwarmsDelay,
        requestTimeout,
        pinTimeout,
        Duration.ofSeconds(5),
        repogcTimeout,
        method);
  }

  static IpfsHttpSection config(int port, PinMethod method, Duration pinTimeout) {
    return config(
        port,
        method,
        pinTimeout,
        Duration.ofSeconds(5),
        Duration.ofMinutes(1),
        Duration.ofSeconds(1));
  }

  static IpfsHttpSection config(int port, PinMethod method) {
    return config(port, method, Duration.ofSeconds(5));
  }
}

package io.pincluster.http;

import io.pincluster.core.config.ConfigException;
import io.pincluster.core.peer.Multiaddr;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Turns listen multiaddresses ({@code /ip4/H/tcp/P}, ip6, dns, dns4, dns6) into bind addresses. */
public final class BindAddresses {
  private BindAddresses() {}

  /**
   * @param key the config key the addresses come from, for messages
   * @throws ConfigException naming the key and the address when one is not {@code
   *     /<ip4|ip6|dns|dns4|dns6>/<host>/tcp/<port>} or its host does not resolve
   */
  public static List<InetSocketAddress> resolve(String key, List<Multiaddr> addresses) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (Multiaddr m : addresses) {
      out.add(resolve(key, m));
    }
    return out;
  }

  /** One address (see {@link #resolve(String, List)}). */
  public static InetSocketAddress resolve(String key, Multiaddr m) {
    List<Multiaddr.Component> c = m.components();
    if (c.size() != 2 || !c.get(1).protocol().equals("tcp")) {
      throw new ConfigException(
          key
              + " ("
              + m
              + ") is not supported: use /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>"
              + (m.value("unix").isPresent() ? " (unix sockets are not supported)" : ""));
    }
    String proto = c.get(0).protocol();
    String host = c.get(0).value();
    int port = Integer.parseInt(c.get(1).value());
    try {
      InetAddress address =
          switch (proto) {
            case "ip4", "ip6", "dns" -> InetAddress.getByName(host);
            case "dns4" -> first(host, Inet4Address.class);
            case "dns6" -> first(host, Inet6Address.class);
            default ->
                throw new ConfigException(
                    key + " (" + m + ") is not supported: /" + proto + " is not a host protocol");
          };
      return new InetSocketAddress(address, port);
    } catch (UnknownHostException e) {
      throw new ConfigException(key + " (" + m + "): cannot resolve " + host, e);
    }
  }

  private static InetAddress first(String host, Class<? extends InetAddress> family)
      throws UnknownHostException {
    for (InetAddress a : InetAddress.getAllByName(host)) {
      if (family.isInstance(a)) {
        return a;
      }
    }
    throw new UnknownHostException(host + " has no " + family.getSimpleName() + " address");
  }
}

package io.pincluster.core.peer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A multiaddress in its text form, e.g. {@code /ip4/127.0.0.1/tcp/9096/p2p/12D3KooW…}. Only the
 * protocols pincluster uses are understood: ip4, ip6, dns, dns4, dns6, tcp, udp, p2p (alias ipfs),
 * http, https, and a few transports passed through (quic, quic-v1, ws, wss, tls). Immutable.
 */
public final class Multiaddr {
  private static final Set<String> VALUELESS =
      Set.of("http", "https", "quic", "quic-v1", "ws", "wss", "tls", "noise", "webtransport");
  private static final Set<String> WITH_VALUE =
      Set.of("ip4", "ip6", "dns", "dns4", "dns6", "tcp", "udp", "p2p", "ipfs", "unix");

  /** One protocol and its value (empty for valueless protocols). */
  public record Component(String protocol, String value) {}

  private final List<Component> components;
  private final String text;

  private Multiaddr(List<Component> components) {
    this.components = List.copyOf(components);
    StringBuilder sb = new StringBuilder();
    for (Component c : components) {
      sb.append('/').append(c.protocol());
      if (!c.value().isEmpty()) {
        sb.append('/').append(c.value());
      }
    }
    this.text = sb.toString();
  }

  /**
   * Parses multiaddress text.
   *
   * @throws IllegalArgumentException quoting the text and naming the bad part
   */
  @JsonCreator
  public static Multiaddr parse(String text) {
    if (text == null || !text.startsWith("/")) {
      throw new IllegalArgumentException(
          "invalid multiaddress \"" + text + "\": it must start with '/'");
    }
    String[] parts = text.substring(1).split("/", -1);
    List<Component> out = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      String proto = parts[i];
      if (VALUELESS.contains(proto)) {
        out.add(new Component(proto, ""));
      } else if (WITH_VALUE.contains(proto)) {
        if (i + 1 >= parts.length || parts[i + 1].isEmpty()) {
          throw new IllegalArgumentException(
              "invalid multiaddress \"" + text + "\": /" + proto + " needs a value");
        }
        String value = parts[++i];
        validate(text, proto, value);
        out.add(new Component(proto.equals("ipfs") ? "p2p" : proto, value));
      } else {
        throw new IllegalArgumentException(
            "invalid multiaddress \"" + text + "\": unknown protocol \"" + proto + "\"");
      }
    }
    return new Multiaddr(out);
  }

  /** {@code /ip4/<host>/tcp/<port>} (or ip6 / dns for non-IPv4 hosts). */
  public static Multiaddr tcp(String host, int port) {
    String proto = host.contains(":") ? "ip6" : host.matches("[0-9.]+") ? "ip4" : "dns";
    return new Multiaddr(List.of(new Component(proto, host), new Component("tcp", "" + port)));
  }

  private static void validate(String text, String proto, String value) {
    switch (proto) {
      case "tcp", "udp" -> {
        int port;
        try {
          port = Integer.parseInt(value);
        } catch (NumberFormatException e) {
          port = -1;
        }
        if (port < 0 || port > 65535) {
          throw new IllegalArgumentException(
              "invalid multiaddress \"" + text + "\": \"" + value + "\" is not a port number");
        }
      }
      case "ip4" -> {
        if (!value.matches("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})")) {
          throw new IllegalArgumentException(
              "invalid multiaddress \"" + text + "\": \"" + value + "\" is not an IPv4 address");
        }
      }
      case "p2p", "ipfs" -> PeerId.parse(value);
      default -> {}
    }
  }

  public List<Component> components() {
    return components;
  }

  /** The first value of the given protocol. */
  public Optional<String> value(String protocol) {
    return components.stream()
        .filter(c -> c.protocol().equals(protocol))
        .map(Component::value)
        .findFirst();
  }

  /** The host of an ip4/ip6/dns* component. */
  public Optional<String> host() {
    return components.stream()
        .filter(c -> c.protocol().startsWith("ip") || c.protocol().startsWith("dns"))
        .map(Component::value)
        .findFirst();
  }

  public Optional<Integer> tcpPort() {
    return value("tcp").map(Integer::parseInt);
  }

  public Optional<PeerId> peerId() {
    return value("p2p").map(PeerId::parse);
  }

  /** This address without its {@code /p2p/…} part. */
  public Multiaddr withoutPeerId() {
    return new Multiaddr(components.stream().filter(c -> !c.protocol().equals("p2p")).toList());
  }

  /** This address followed by {@code /p2p/<id>}. */
  public Multiaddr withPeerId(PeerId id) {
    List<Component> list = new ArrayList<>(withoutPeerId().components);
    list.add(new Component("p2p", id.toString()));
    return new Multiaddr(list);
  }

  /**
   * The TCP socket address of a host + tcp multiaddress (unresolved for DNS names).
   *
   * @throws IllegalArgumentException when this address has no host or no TCP port
   */
  public InetSocketAddress toSocketAddress() {
    String host =
        host().orElseThrow(() -> new IllegalArgumentException(text + " has no ip4/ip6/dns host"));
    int port =
        tcpPort().orElseThrow(() -> new IllegalArgumentException(text + " has no /tcp/ port"));
    return InetSocketAddress.createUnresolved(host, port);
  }

  /** {@code host:port}, with IPv6 hosts in brackets. */
  public String hostPort() {
    InetSocketAddress a = toSocketAddress();
    String h = a.getHostString();
    return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
  }

  @JsonValue
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Multiaddr m && text.equals(m.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }
}

package io.pincluster.ctl.client;

import io.pincluster.core.peer.Multiaddr;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the {@code --host} text of cluster-ctl into the base URL of the REST API.
 *
 * <p>Accepted forms: an {@code http://host:port} or {@code https://host:port} URL (an optional path
 * is kept as a prefix, e.g. behind a reverse proxy), or a multiaddress {@code
 * /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>} optionally followed by {@code /http} or {@code /https}.
 * Multiaddresses use https when they end in {@code /https} or when {@code https} is requested.
 * libp2p addresses ({@code /p2p/…}) and unix sockets are refused with a message saying what to use
 * instead. {@link #parseList} reads a comma-separated list of such addresses (failover hosts).
 */
public final class HostAddress {
  /** The REST API address cluster-ctl talks to by default. */
  public static final String DEFAULT = "/ip4/127.0.0.1/tcp/9094";

  private HostAddress() {}

  /**
   * The base URLs for a comma-separated list of addresses, in the order given (IPFS Cluster's
   * failover client: {@code --host /ip4/10.0.0.1/tcp/9094,/ip4/10.0.0.2/tcp/9094}).
   *
   * @param https use https for multiaddresses without {@code /http} or {@code /https}
   * @throws IllegalArgumentException naming the bad address, an empty entry or a repeated one
   */
  public static List<URI> parseList(String hosts, boolean https) {
    if (hosts == null || hosts.isBlank()) {
      throw new IllegalArgumentException("--host is empty; use e.g. " + DEFAULT);
    }
    List<URI> out = new ArrayList<>();
    for (String one : hosts.split(",", -1)) {
      if (one.isBlank()) {
        throw new IllegalArgumentException(
            "--host \"" + hosts.trim() + "\" has an empty address in its comma-separated list");
      }
      URI uri = parse(one, https);
      if (out.contains(uri)) {
        throw new IllegalArgumentException(
            "--host \"" + hosts.trim() + "\" lists " + one.trim() + " twice");
      }
      out.add(uri);
    }
    return List.copyOf(out);
  }

  /**
   * The base URL for one {@code host}, without a trailing slash.
   *
   * @param https use https for a multiaddress without {@code /http} or {@code /https}
   * @throws IllegalArgumentException quoting {@code host} and saying what is wrong
   */
  public static URI parse(String host, boolean https) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("--host is empty; use e.g. " + DEFAULT);
    }
    String text = host.trim();
    if (text.contains(",")) {
      throw new IllegalArgumentException(
          "--host \""
              + text
              + "\": several hosts are not supported here; give one REST API address");
    }
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      return fromUrl(text);
    }
    if (text.startsWith("/")) {
      return fromMultiaddr(text, https);
    }
    throw new IllegalArgumentException(
        "--host \""
            + text
            + "\" is neither a URL (http://127.0.0.1:9094) nor a multiaddress ("
            + DEFAULT
            + ")");
  }

  private static URI fromUrl(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--host \"" + text + "\": " + e.getMessage(), e);
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("--host \"" + text + "\": the URL has no host");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getUserInfo() != null) {
      throw new IllegalArgumentException(
          "--host \""
              + text
              + "\": the URL must not carry a query, fragment or user info"
              + " (use --basic-auth for credentials)");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort() == -1 ? (scheme.equals("https") ? 443 : 80) : uri.getPort();
    return URI.create(scheme + "://" + bracket(uri.getHost()) + ":" + port + path);
  }

  private static URI fromMultiaddr(String text, boolean https) {
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.contains("/p2p/") || lower.contains("/ipfs/") || lower.endsWith("/p2p")) {
      throw new IllegalArgumentException(
          "--host \""
              + text
              + "\": libp2p addresses are not supported by pincluster;"
              + " use the REST API address instead, e.g. "
              + DEFAULT);
    }
    if (lower.startsWith("/unix/")) {
      throw new IllegalArgumentException(
          "--host \"" + text + "\": unix sockets are not supported; use e.g. " + DEFAULT);
    }
    Multiaddr addr = Multiaddr.parse(text);
    String hostName =
        addr.host()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "--host \"" + text + "\" has no /ip4, /ip6 or /dns host"));
    int port =
        addr.tcpPort()
            .orElseThrow(
                () -> new IllegalArgumentException("--host \"" + text + "\" has no /tcp/ port"));
    if (addr.value("udp").isPresent()) {
      throw new IllegalArgumentException(
          "--host \"" + text + "\": the REST API is served over TCP, not UDP");
    }
    boolean secure = addr.components().stream().anyMatch(c -> c.protocol().equals("https"));
    boolean plain = addr.components().stream().anyMatch(c -> c.protocol().equals("http"));
    String scheme = secure || (https && !plain) ? "https" : "http";
    return URI.create(scheme + "://" + bracket(hostName) + ":" + port);
  }

  private static String bracket(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}

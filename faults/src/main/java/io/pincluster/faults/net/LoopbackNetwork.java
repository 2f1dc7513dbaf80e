package io.pincluster.faults.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Routes every connection between peer processes on this host through the source peer's {@link
 * FaultProxy}, with nothing but names and loopback addresses.
 *
 * <p>Each peer is known by a host name, {@code <name>.pincluster.test}, which it advertises (e.g.
 * {@code announce_multiaddress /dns4/peer2.pincluster.test/tcp/<raft port>}) while listening on
 * 127.0.0.1. Each peer's JVM gets its own hosts file ({@link #javaOptions}: {@code
 * -Djdk.net.hosts.file}, which replaces the system resolver): there its own name is 127.0.0.1 and
 * peer j's name is {@code 127.77.<i+1>.<j+1>}, the address of the link i→j, where peer i's proxy
 * listens on each of peer j's ports and forwards to 127.0.0.1 on the same port. So the proxy of i
 * sees exactly i's connections to j, for Raft (gRPC) and peer RPC (HTTP) alike, and {@link
 * #partitions()} can break any link. Linux routes all of 127.0.0.0/8 to the loopback device, so
 * this needs no privileges; elsewhere {@link #unsupportedReason()} says why it cannot work.
 *
 * <p>Addresses that are IP literals (the peer's own IPFS node, its REST API) are not looked up and
 * not proxied. Not thread-safe to build; {@link #close()} closes every proxy and is idempotent.
 */
public final class LoopbackNetwork implements AutoCloseable {
  public static final String DOMAIN = "pincluster.test";
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");
  private static final int MAX_PEERS = 254;

  /**
   * A peer and the ports it listens on at 127.0.0.1 that other peers connect to.
   *
   * @param name a lower-case DNS label, e.g. {@code peer1}
   */
  public record Peer(String name, List<Integer> ports) {
    public Peer {
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "peer name \"" + name + "\" must be a lower-case DNS label ([a-z][a-z0-9-]*)");
      }
      ports = List.copyOf(ports);
      for (int p : ports) {
        if (p < 1 || p > 65535) {
          throw new IllegalArgumentException("port " + p + " of " + name + " is not a TCP port");
        }
      }
    }
  }

  private final List<Peer> peers;
  private final Map<String, FaultProxy> egress = new LinkedHashMap<>();
  private final Map<String, Path> hostsFiles = new LinkedHashMap<>();
  private final Partitions partitions;

  private LoopbackNetwork(List<Peer> peers, Path folder, FaultProxyConfig config) {
    this.peers = List.copyOf(peers);
    try {
      Files.createDirectories(folder);
      for (int i = 0; i < peers.size(); i++) {
        Peer self = peers.get(i);
        FaultProxy proxy = new FaultProxy(self.name(), config);
        egress.put(self.name(), proxy);
        for (int j = 0; j < peers.size(); j++) {
          if (j != i) {
            for (int port : peers.get(j).ports()) {
              proxy.route(
                  peers.get(j).name(),
                  new InetSocketAddress(linkAddress(i, j), port),
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
          }
        }
        Path hosts = folder.resolve(self.name() + ".hosts");
        Files.writeString(hosts, hostsFile(i));
        hostsFiles.put(self.name(), hosts);
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot write the hosts files in " + folder, e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    this.partitions = new Partitions(egress);
  }

  /**
   * Starts one egress proxy per peer and writes each peer's hosts file into {@code folder}.
   *
   * @throws IllegalArgumentException for duplicate names or more than 254 peers
   * @throws UncheckedIOException when a link address cannot be bound (see {@link
   *     #unsupportedReason()}) or a file cannot be written
   */
  public static LoopbackNetwork start(List<Peer> peers, Path folder, FaultProxyConfig config) {
    if (peers.isEmpty() || peers.size() > MAX_PEERS) {
      throw new IllegalArgumentException(
          "a loopback network has 1 to " + MAX_PEERS + " peers, not " + peers.size());
    }
    if (peers.stream().map(Peer::name).distinct().count() != peers.size()) {
      throw new IllegalArgumentException("peer names must differ: " + peers);
    }
    return new LoopbackNetwork(peers, folder, config);
  }

  /**
   * Why link addresses cannot be used on this host (they are not routed to the loopback device,
   * e.g. macOS without aliases); empty when they can.
   */
  public static Optional<String> unsupportedReason() {
    InetAddress probe = linkAddress(0, 1);
    try (ServerSocket s = new ServerSocket(0, 1, probe)) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(
          "cannot listen on the link address "
              + probe.getHostAddress()
              + " ("
              + e.getMessage()
              + "): 127.0.0.0/8 is not all routed to loopback on this host");
    }
  }

  /** The host name peer {@code name} advertises. */
  public String hostname(String name) {
    requirePeer(name);
    return name + "." + DOMAIN;
  }

  /** JVM options for peer {@code name}: resolve host names through its own hosts file. */
  public String javaOptions(String name) {
    requirePeer(name);
    return "-Djdk.net.hosts.file=" + hostsFiles.get(name);
  }

  /** The egress proxy of peer {@code name}. */
  public FaultProxy egress(String name) {
    requirePeer(name);
    return egress.get(name);
  }

  public Partitions partitions() {
    return partitions;
  }

  /** The address of the link from peer {@code from} to peer {@code to} (indexes from 0). */
  static InetAddress linkAddress(int from, int to) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 77, (byte) (from + 1), (byte) (to + 1)});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes are always a valid address
    }
  }

  private String hostsFile(int self) {
    List<String> lines = new ArrayList<>();
    lines.add("# peer " + peers.get(self).name() + ": every other peer through its fault proxy");
    String local = "127.0.0.1 localhost " + peers.get(self).name() + "." + DOMAIN;
    lines.add(localHostName().map(h -> local + " " + h).orElse(local));
    lines.add("::1 ip6-localhost");
    for (int j = 0; j < peers.size(); j++) {
      if (j != self) {
        lines.add(linkAddress(self, j).getHostAddress() + " " + peers.get(j).name() + "." + DOMAIN);
      }
    }
    return String.join("\n", lines) + "\n";
  }

  /** This host's name, so that InetAddress.getLocalHost() keeps working in the peers. */
  private static Optional<String> localHostName() {
    try {
      return Optional.of(InetAddress.getLocalHost().getHostName());
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private void requirePeer(String name) {
    if (!egress.containsKey(name)) {
      throw new IllegalArgumentException(
          "unknown peer \"" + name + "\"; peers: " + egress.keySet());
    }
  }

  /** Closes every proxy. Idempotent. */
  @Override
  public void close() {
    egress.values().forEach(FaultProxy::close);
  }
}

package io.pincluster.service.cluster;

import io.pincluster.core.config.ClusterSection;
import io.pincluster.core.peer.Multiaddr;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;

/**
 * The addresses this peer announces to the others: Raft, peer RPC and REST.
 *
 * <p>With an empty {@code announce_multiaddress}, each listen address is announced with {@code
 * 0.0.0.0} replaced by the first non-loopback IPv4 address (127.0.0.1 when there is none). A
 * non-empty {@code announce_multiaddress} names the Raft address; the peer RPC address is announced
 * on the same host with the RPC listen port.
 */
public record SelfAddresses(Multiaddr raft, Multiaddr rpc, Multiaddr rest) {

  public static SelfAddresses of(ClusterSection cluster, Multiaddr restListen) {
    String fallbackHost = firstNonLoopbackIpv4();
    Multiaddr raft;
    Multiaddr rpc;
    List<Multiaddr> announce = cluster.announceMultiaddress();
    if (announce.isEmpty()) {
      raft = announced(cluster.listenMultiaddress(), fallbackHost);
      rpc = announced(cluster.rpcListenMultiaddress(), fallbackHost);
    } else {
      raft = announce.get(0).withoutPeerId();
      rpc =
          Multiaddr.tcp(
              raft.host().orElse(fallbackHost),
              cluster.rpcListenMultiaddress().tcpPort().orElseThrow());
    }
    return new SelfAddresses(raft, rpc, announced(restListen, fallbackHost));
  }

  /** {@code address} with an unspecified host (0.0.0.0, ::) replaced by {@code host}. */
  public static Multiaddr announced(Multiaddr address, String host) {
    String h = address.host().orElse("0.0.0.0");
    if (h.equals("0.0.0.0") || h.equals("::")) {
      return Multiaddr.tcp(host, address.tcpPort().orElseThrow());
    }
    return address.withoutPeerId();
  }

  static String firstNonLoopbackIpv4() {
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp() || nif.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
            return a.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      // fall through to loopback
    }
    return "127.0.0.1";
  }
}

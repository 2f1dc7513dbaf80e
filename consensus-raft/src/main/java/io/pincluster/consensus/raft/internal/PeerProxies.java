package io.pincluster.consensus.raft.internal;

import java.io.Closeable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerRpc;
import org.apache.ratis.server.RaftServerRpcWithProxy;
import org.apache.ratis.util.PeerProxyMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a running Ratis server dial a member's new address after a configuration change.
 *
 * <p>Why: Ratis 3.2 keeps one connection ("proxy") per peer ID in a {@code PeerProxyMap} and never
 * replaces it: {@code addRaftPeers} keeps an existing entry and {@code resetProxy} rebuilds it from
 * the <em>old</em> address. So after a member's address changed through consensus, servers that
 * were already running would keep dialling the old address until restarted. This class replaces
 * such an entry (through reflection on the map's private field; Ratis offers no API) and closes the
 * old connection, after which the leader's log appender reconnects to the new address. When
 * reflection is not possible it logs once and does nothing (the address is then used after a
 * restart). Stateless apart from that flag; call from any non-Ratis thread.
 */
public final class PeerProxies {
  private static final Logger LOG = LoggerFactory.getLogger(PeerProxies.class);
  private static volatile boolean unsupported;

  private PeerProxies() {}

  /** Points {@code server}'s connections to each of {@code peers} (but self) at its address. */
  public static void refresh(RaftServer server, Collection<RaftPeer> peers) {
    if (unsupported) {
      return;
    }
    RaftServerRpc rpc = server.getServerRpc();
    if (!(rpc instanceof RaftServerRpcWithProxy<?, ?> withProxy)) {
      return;
    }
    try {
      PeerProxyMap<?> map = withProxy.getProxies();
      Map<RaftPeerId, Object> entries = entries(map);
      for (RaftPeer p : peers) {
        if (!p.getId().equals(server.getId())) {
          refresh(map, entries, p);
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      unsupported = true;
      LOG.warn(
          "cannot update Ratis connections to changed peer addresses ({}); they take effect after"
              + " a restart",
          e.toString());
    }
  }

  private static void refresh(PeerProxyMap<?> map, Map<RaftPeerId, Object> entries, RaftPeer p)
      throws ReflectiveOperationException {
    Object entry = entries.get(p.getId());
    if (entry == null) {
      return;
    }
    RaftPeer cached = (RaftPeer) invoke(entry, "getPeer");
    if (cached.getAddress() == null || cached.getAddress().equals(p.getAddress())) {
      return;
    }
    if (entries.remove(p.getId(), entry)) {
      map.computeIfAbsent(p);
      Optional<?> old = (Optional<?>) invoke(entry, "setNullProxyAndClose");
      old.ifPresent(PeerProxies::closeQuietly);
      LOG.info("peer {} moved from {} to {}", p.getId(), cached.getAddress(), p.getAddress());
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<RaftPeerId, Object> entries(PeerProxyMap<?> map)
      throws ReflectiveOperationException {
    Field f = PeerProxyMap.class.getDeclaredField("peers");
    f.setAccessible(true);
    return (Map<RaftPeerId, Object>) f.get(map);
  }

  private static Object invoke(Object target, String method) throws ReflectiveOperationException {
    Method m = target.getClass().getDeclaredMethod(method);
    m.setAccessible(true);
    return m.invoke(target);
  }

  private static void closeQuietly(Object proxy) {
    if (proxy instanceof Closeable c) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.debug("closing an old connection failed: {}", e.toString());
      }
    }
  }
}

package io.pincluster.restapi.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.json.Json;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import io.pincluster.http.HttpException;
import java.io.IOException;

/**
 * The body of {@code POST /peers}: {@code {"peer_id": "/ip4/H/tcp/P/p2p/<id>"}}, or IPFS Cluster's
 * {@code {"peer_id": "<id>"}} with the peer's {@code "addresses"} (the first one with a TCP port is
 * used). IPFS Cluster finds a bare ID's addresses in its libp2p peerstore; pincluster has none, so
 * an address is required. Every problem is a 400 naming it.
 */
public final class PeerAddBody {
  private PeerAddBody() {}

  /** The address to add the peer at: host, TCP port and {@code /p2p/<id>}. */
  public static Multiaddr parse(byte[] body) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(body);
    } catch (IOException e) {
      throw new HttpException(400, "error decoding request body: " + Json.describe(e), e);
    }
    if (root == null || !root.isObject()) {
      throw new HttpException(400, "error decoding request body: expected a JSON object");
    }
    JsonNode idNode = root.get("peer_id");
    if (idNode == null || !idNode.isTextual() || idNode.asText().isBlank()) {
      throw new HttpException(400, "error decoding peer_id: \"peer_id\" is missing");
    }
    String text = idNode.asText().strip();
    if (text.startsWith("/")) {
      Multiaddr m = multiaddr("peer_id", text);
      if (m.peerId().isEmpty()) {
        throw new HttpException(
            400, "error decoding peer_id: " + m + " does not end with /p2p/<peer ID>");
      }
      return withTcp(m);
    }
    PeerId id;
    try {
      id = PeerId.parse(text);
    } catch (IllegalArgumentException e) {
      throw new HttpException(400, "error decoding peer_id: " + e.getMessage(), e);
    }
    return withTcp(address(root, id));
  }

  private static Multiaddr address(JsonNode root, PeerId id) {
    JsonNode list = root.get("addresses");
    if (list != null && list.isArray()) {
      for (JsonNode a : list) {
        if (!a.isTextual()) {
          throw new HttpException(400, "error decoding addresses: " + a + " is not a string");
        }
        Multiaddr m = multiaddr("addresses", a.asText().strip());
        if (m.peerId().isPresent() && !m.peerId().get().equals(id)) {
          throw new HttpException(
              400, "error decoding addresses: " + m + " belongs to another peer than " + id);
        }
        if (m.tcpPort().isPresent()) {
          return m.withPeerId(id);
        }
      }
    }
    throw new HttpException(
        400,
        "cannot add peer "
            + id
            + ": no address given (send \"peer_id\": \"/ip4/<host>/tcp/<port>/p2p/"
            + id
            + "\", or list its \"addresses\")");
  }

  private static Multiaddr multiaddr(String field, String text) {
    try {
      return Multiaddr.parse(text);
    } catch (IllegalArgumentException e) {
      throw new HttpException(400, "error decoding " + field + ": " + e.getMessage(), e);
    }
  }

  private static Multiaddr withTcp(Multiaddr m) {
    if (m.tcpPort().isEmpty() || m.components().size() < 3) {
      throw new HttpException(
          400, "cannot add a peer at " + m + ": use /ip4|ip6|dns/<host>/tcp/<port>/p2p/<id>");
    }
    return m;
  }
}

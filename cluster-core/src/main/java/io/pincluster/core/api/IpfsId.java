package io.pincluster.core.api;

import java.util.List;

/**
 * The IPFS node a peer drives, as shown inside {@link PeerInfo}.
 *
 * @param id the IPFS peer ID text, empty when IPFS could not be reached
 * @param error empty when IPFS answered
 */
public record IpfsId(String id, List<String> addresses, String error) {
  public IpfsId {
    id = id == null ? "" : id;
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
    error = error == null ? "" : error;
  }

  public static IpfsId unreachable(String error) {
    return new IpfsId("", List.of(), error);
  }
}

package io.pincluster.service.config;

import io.pincluster.core.config.ConfigException;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The peerstore file: one cluster peer address per line, {@code /ip4/H/tcp/P/p2p/<id>} (the port is
 * the peer's Raft port). Blank lines and {@code #} comments are ignored.
 */
public final class Peerstore {
  private Peerstore() {}

  /**
   * The addresses in {@code file} (none when it does not exist).
   *
   * @throws ConfigException naming the file, line and problem
   */
  public static List<Multiaddr> read(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read peerstore " + file + ": " + e.getMessage(), e);
    }
    List<Multiaddr> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        Multiaddr m = Multiaddr.parse(line);
        if (m.peerId().isEmpty()) {
          throw new IllegalArgumentException("it has no /p2p/<peer ID>");
        }
        out.add(m);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  /** Peer ID to address (without /p2p/), the first address of each peer winning. */
  public static Map<PeerId, Multiaddr> byPeer(List<Multiaddr> addresses) {
    Map<PeerId, Multiaddr> out = new LinkedHashMap<>();
    for (Multiaddr m : addresses) {
      out.putIfAbsent(m.peerId().orElseThrow(), m.withoutPeerId());
    }
    return out;
  }

  /**
   * Replaces the file with these addresses, one per line: atomically, with mode 0600 (as every file
   * of the configuration folder, see {@link SecureFiles}).
   */
  public static void write(Path file, List<Multiaddr> addresses) throws IOException {
    StringBuilder sb = new StringBuilder();
    addresses.forEach(a -> sb.append(a).append('\n'));
    SecureFiles.writePrivate(file, sb.toString());
  }
}

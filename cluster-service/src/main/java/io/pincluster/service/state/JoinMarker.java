package io.pincluster.service.state;

import io.pincluster.core.peer.Multiaddr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The file a peer keeps in its config folder while it joins a cluster ({@code --bootstrap}): it
 * names the peer it joins through and is removed once the join finished (the peer is a member and
 * caught up). Found at start, it means an earlier join was cut short (a crash or kill during the
 * join, e.g. during the snapshot install): the state folder then holds a partial download with no
 * cluster configuration, from which Raft would start a one-member group of its own, so the daemon
 * deletes that state and joins again through the same peer instead.
 */
public final class JoinMarker {
  public static final String NAME = "JOINING";

  private JoinMarker() {}

  public static Path path(Path configFolder) {
    return configFolder.resolve(NAME);
  }

  /** Records (atomically) that this peer is joining through {@code via}. */
  public static void write(Path configFolder, Multiaddr via) throws IOException {
    Path tmp = configFolder.resolve(NAME + ".tmp");
    Files.writeString(tmp, via + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, path(configFolder), StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The peer an unfinished join went through, when there was one.
   *
   * @throws IllegalStateException when the marker exists but does not name a peer address
   */
  public static Optional<Multiaddr> read(Path configFolder) {
    Path p = path(configFolder);
    if (!Files.exists(p)) {
      return Optional.empty();
    }
    String text;
    try {
      text = Files.readString(p, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + p + ": " + e.getMessage(), e);
    }
    try {
      return Optional.of(Multiaddr.parse(text));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          p + " does not hold the address of the peer an unfinished join went through", e);
    }
  }

  public static void clear(Path configFolder) throws IOException {
    Files.deleteIfExists(path(configFolder));
  }
}

package io.pincluster.service.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The file a peer leaves in its config folder when it was removed from the cluster (or left it).
 * While it exists the daemon refuses to start unless told to join again with {@code --bootstrap},
 * so an accidental restart cannot form a new group from an old {@code init_peerset}.
 */
public final class RemovedMarker {
  public static final String NAME = "REMOVED";

  private RemovedMarker() {}

  public static Path path(Path configFolder) {
    return configFolder.resolve(NAME);
  }

  public static void write(Path configFolder, String reason, Instant when) throws IOException {
    Files.writeString(path(configFolder), when + " " + reason + "\n");
  }

  /** The marker's text, when this peer was removed. */
  public static Optional<String> read(Path configFolder) {
    try {
      Path p = path(configFolder);
      return Files.exists(p) ? Optional.of(Files.readString(p).trim()) : Optional.empty();
    } catch (IOException e) {
      return Optional.of("(unreadable marker: " + e.getMessage() + ")");
    }
  }

  public static void clear(Path configFolder) throws IOException {
    Files.deleteIfExists(path(configFolder));
  }
}

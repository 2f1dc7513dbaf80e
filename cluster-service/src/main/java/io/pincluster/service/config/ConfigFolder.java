package io.pincluster.service.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * The folder holding a peer's configuration: {@code service.json}, {@code identity.json}, the
 * {@code peerstore}, the lock file and (by default) the {@code raft} data folder.
 */
public record ConfigFolder(Path path) {
  public static final String ENV = "PINCLUSTER_PATH";
  public static final String DEFAULT_NAME = ".pincluster";

  /**
   * The folder from {@code --config}, else {@code $PINCLUSTER_PATH}, else {@code ~/.pincluster}.
   */
  public static ConfigFolder resolve(Path option, Map<String, String> env) {
    if (option != null) {
      return new ConfigFolder(option.toAbsolutePath());
    }
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new ConfigFolder(Path.of(fromEnv).toAbsolutePath());
    }
    return new ConfigFolder(Path.of(System.getProperty("user.home"), DEFAULT_NAME));
  }

  public Path serviceJson() {
    return path.resolve("service.json");
  }

  public Path identityJson() {
    return path.resolve("identity.json");
  }

  public Path lockFile() {
    return path.resolve("cluster.lock");
  }

  /** A file named in the config, resolved against this folder unless absolute. */
  public Path resolveFile(String name) {
    return path.resolve(name);
  }
}

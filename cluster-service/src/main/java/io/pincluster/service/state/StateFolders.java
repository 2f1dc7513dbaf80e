package io.pincluster.service.state;

import io.pincluster.core.ClusterException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Backups of the state folder, as IPFS Cluster keeps them: {@code raft} is moved to {@code
 * raft.old.0} after shifting {@code raft.old.N} to {@code raft.old.N+1}; at most {@code
 * backups_rotate} backups are kept, the oldest deleted.
 */
public final class StateFolders {
  private StateFolders() {}

  /**
   * Moves {@code dataFolder} aside as backup 0. Does nothing when it does not exist.
   *
   * @return the backup folder, if one was made
   * @throws ClusterException when the folders cannot be moved
   */
  public static Optional<Path> rotate(Path dataFolder, int keep) {
    if (!Files.exists(dataFolder)) {
      return Optional.empty();
    }
    try {
      Path oldest = backup(dataFolder, keep - 1);
      deleteTree(oldest);
      for (int n = keep - 2; n >= 0; n--) {
        Path from = backup(dataFolder, n);
        if (Files.exists(from)) {
          Files.move(from, backup(dataFolder, n + 1));
        }
      }
      for (int n = keep; Files.exists(backup(dataFolder, n)); n++) {
        deleteTree(backup(dataFolder, n)); // beyond the limit, e.g. after backups_rotate shrank
      }
      Path target = backup(dataFolder, 0);
      Files.move(dataFolder, target);
      return Optional.of(target);
    } catch (IOException e) {
      throw new ClusterException(
          "cannot rotate " + dataFolder + " to a backup: " + e.getMessage(), e);
    }
  }

  /** {@code <dataFolder>.old.<n>}. */
  public static Path backup(Path dataFolder, int n) {
    return dataFolder.resolveSibling(dataFolder.getFileName() + ".old." + n);
  }

  /**
   * Deletes {@code dataFolder} and everything in it (the partial state of a join that never
   * finished: nothing the cluster does not hold, and not worth a place among the backups). Does
   * nothing when it does not exist.
   *
   * @throws ClusterException when it cannot be deleted
   */
  public static void discard(Path dataFolder) {
    try {
      deleteTree(dataFolder);
    } catch (IOException e) {
      throw new ClusterException("cannot delete " + dataFolder + ": " + e.getMessage(), e);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}

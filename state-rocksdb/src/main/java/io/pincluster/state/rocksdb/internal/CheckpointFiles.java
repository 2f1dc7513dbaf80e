package io.pincluster.state.rocksdb.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Builds a RocksDB directory from a checkpoint (or an installed Raft snapshot of one). Immutable
 * table files ({@code *.sst}, {@code *.blob}) are hard-linked, which is instant and shares disk
 * space; everything RocksDB may rewrite (MANIFEST, CURRENT, OPTIONS, WAL) is copied, so the
 * checkpoint is never modified through the new database. Integrity side files ({@code *.md5},
 * written by Ratis next to received snapshot files), the lock and RocksDB's info logs are skipped.
 * Stateless.
 */
public final class CheckpointFiles {
  private CheckpointFiles() {}

  /**
   * Fills the new directory {@code target} (which must not exist) from {@code checkpoint}. On
   * failure {@code target} is deleted again.
   */
  public static void materialize(Path checkpoint, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Files.createDirectory(target);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(checkpoint)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (!Files.isRegularFile(f) || skipped(name)) {
          continue;
        }
        Path to = target.resolve(name);
        if (name.endsWith(".sst") || name.endsWith(".blob")) {
          link(f, to);
        } else {
          Files.copy(f, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    } catch (IOException | RuntimeException e) {
      deleteRecursively(target);
      throw e;
    }
  }

  private static boolean skipped(String name) {
    return name.endsWith(".md5") || name.equals("LOCK") || name.startsWith("LOG");
  }

  private static void link(Path from, Path to) throws IOException {
    try {
      Files.createLink(to, from);
    } catch (FileSystemException | UnsupportedOperationException e) {
      // Another file system, or no hard links: copying is slower but equivalent.
      Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
    }
  }

  /** Deletes {@code p} and everything below it; nothing happens when it does not exist. */
  public static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}

package io.pincluster.service;

import io.pincluster.core.ClusterException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on {@code cluster.lock} in the config folder, held while a daemon (or an
 * offline state command) uses the folder. The OS releases it if the process dies.
 */
public final class LockFile implements AutoCloseable {
  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;

  private LockFile(Path path, FileChannel channel, FileLock lock) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * @throws ClusterException when another process holds the lock
   */
  public static LockFile acquire(Path path) {
    try {
      Files.createDirectories(path.toAbsolutePath().getParent());
      FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        ch.close();
        throw new ClusterException(
            "another cluster-service is using "
                + path.getParent()
                + " ("
                + path
                + " is locked): stop it first");
      }
      return new LockFile(path, ch, lock);
    } catch (IOException e) {
      throw new ClusterException("cannot lock " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
      channel.close();
    } catch (IOException e) {
      // the OS releases the lock with the process anyway
    }
  }

  @Override
  public String toString() {
    return "LockFile[" + path + "]";
  }
}

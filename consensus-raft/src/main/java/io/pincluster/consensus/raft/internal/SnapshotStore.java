package io.pincluster.consensus.raft.internal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raft snapshots as RocksDB checkpoints in the Ratis state-machine folder: {@code
 * sm/snapshot.<term>_<index>/}, one folder of database files each. Ratis ships such a folder to a
 * lagging follower file by file ({@link FileListSnapshotInfo}); the follower receives it into the
 * same layout, plus an {@code .md5} file next to each file, which is not part of the snapshot.
 *
 * <p>A checkpoint is built by RocksDB in {@code snapshot.T_I.tmp} and renamed when complete, so a
 * folder without the suffix is always whole; {@code *.tmp} leftovers are deleted on {@link #init}.
 *
 * <p>The latest snapshot's time is its folder's modification time, read when the folder is found or
 * written: when its files were written here (by this peer's checkpoint, or by an install from the
 * leader).
 *
 * <p>Thread-safety: the latest snapshot is a volatile value; {@link #taken}, {@link #reload} and
 * {@link #cleanupOldSnapshots} are called by the Raft state-machine thread (or while it is paused).
 */
public final class SnapshotStore implements StateMachineStorage {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
  private static final Pattern NAME = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");

  private volatile Path smDir;
  private volatile Latest latest;

  /** The latest snapshot and when its folder was written; one value so both change together. */
  private record Latest(FileListSnapshotInfo info, Instant writtenAt) {}

  /** A snapshot folder and its position. */
  public record Found(TermIndex termIndex, Path dir) {}

  @Override
  public void init(RaftStorage raftStorage) throws IOException {
    init(raftStorage.getStorageDir().getStateMachineDir().toPath());
  }

  /** As {@link #init(RaftStorage)}, with the state-machine folder given directly. */
  public void init(Path stateMachineDir) throws IOException {
    this.smDir = stateMachineDir;
    Files.createDirectories(stateMachineDir);
    try (DirectoryStream<Path> tmp = Files.newDirectoryStream(stateMachineDir, "*.tmp")) {
      for (Path p : tmp) {
        LOG.info("deleting unfinished snapshot {}", p);
        deleteRecursively(p);
      }
    }
    reload();
  }

  /** Scans the folder again (after Ratis installed a snapshot into it). */
  public void reload() throws IOException {
    Optional<Found> newest = list().stream().reduce((a, b) -> b);
    latest = newest.isPresent() ? describe(newest.get()) : null;
  }

  /** Every whole snapshot folder, oldest first. */
  public List<Found> list() throws IOException {
    List<Found> out = new ArrayList<>();
    Path dir = smDir;
    if (dir == null || !Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches() && Files.isDirectory(p)) {
          TermIndex ti = TermIndex.valueOf(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
          out.add(new Found(ti, p));
        }
      }
    }
    out.sort(Comparator.comparingLong((Found f) -> f.termIndex().getIndex()));
    return out;
  }

  /** The folder a snapshot at {@code ti} goes to (not created). */
  public Path folderFor(TermIndex ti) {
    return smDir.resolve("snapshot." + ti.getTerm() + "_" + ti.getIndex());
  }

  /** The state-machine folder. */
  public Path stateMachineDir() {
    return smDir;
  }

  /** Records a snapshot just written to {@link #folderFor(TermIndex) folderFor(ti)}. */
  public void taken(TermIndex ti) throws IOException {
    latest = describe(new Found(ti, folderFor(ti)));
  }

  /** The latest snapshot's folder, if any. */
  public Optional<Found> latestFound() {
    Latest l = latest;
    if (l == null) {
      return Optional.empty();
    }
    TermIndex ti = l.info().getTermIndex();
    return Optional.of(new Found(ti, folderFor(ti)));
  }

  /** When the latest snapshot's folder was written here, if there is one. Non-blocking. */
  public Optional<Instant> latestWrittenAt() {
    Latest l = latest;
    return l == null ? Optional.empty() : Optional.of(l.writtenAt());
  }

  private static Latest describe(Found f) throws IOException {
    List<FileInfo> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(f.dir())) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        if (!p.getFileName().toString().endsWith(".md5")) {
          files.add(new FileInfo(p.toAbsolutePath(), null));
        }
      }
    }
    Instant writtenAt = Files.getLastModifiedTime(f.dir()).toInstant();
    return new Latest(new FileListSnapshotInfo(files, f.termIndex()), writtenAt);
  }

  @Override
  public FileListSnapshotInfo getLatestSnapshot() {
    Latest l = latest;
    return l == null ? null : l.info();
  }

  @Override
  public void format() {}

  /** Keeps the newest {@code getNumSnapshotsRetained()} snapshots (all when it is not positive). */
  @Override
  public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
    int keep = policy == null ? -1 : policy.getNumSnapshotsRetained();
    if (keep <= 0) {
      return;
    }
    List<Found> all = list();
    for (int i = 0; i < all.size() - keep; i++) {
      LOG.debug("deleting old snapshot {}", all.get(i).dir());
      deleteRecursively(all.get(i).dir());
    }
  }

  @Override
  public File getSnapshotDir() {
    return null; // Ratis then names files relative to the group folder: "sm/snapshot.T_I/…"
  }

  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              q -> {
                try {
                  Files.deleteIfExists(q);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}

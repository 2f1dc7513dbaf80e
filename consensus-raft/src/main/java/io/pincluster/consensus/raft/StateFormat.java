package io.pincluster.consensus.raft;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.pincluster.core.ClusterException;
import io.pincluster.state.rocksdb.RocksPinStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk format version of a peer's state folder ({@code consensus.raft.data_folder}), kept in
 * the file {@code <data>/FORMAT} (the version number as text).
 *
 * <ul>
 *   <li>Version 1 (pincluster 0.1, no marker): {@code ratis/} (Raft log) and {@code db/} (RocksDB
 *       pinset with its applied index); no snapshots.
 *   <li>Version 2 (this build): the same, plus Raft snapshots as RocksDB checkpoints in {@code
 *       ratis/<group>/sm/snapshot.<term>_<index>/}, batched (group commit) entries, and the marker.
 *       Version 1 entries and databases are read as they are, so the upgrade only checks that the
 *       database opens and writes the marker.
 * </ul>
 *
 * {@link RaftConsensus#start} accepts only {@link Kind#EMPTY} (and then writes the marker) or
 * {@link Kind#CURRENT}. Stateless; call only while no peer uses the folder.
 */
public final class StateFormat {
  private static final Logger LOG = LoggerFactory.getLogger(StateFormat.class);

  /** The format this build writes and reads. */
  public static final int CURRENT = 2;

  /** The format of state folders without a marker. */
  public static final int UNMARKED_VERSION = 1;

  static final String FILE = "FORMAT";

  private StateFormat() {}

  /** What a state folder holds. */
  public enum Kind {
    /** No state yet (missing or empty folder). */
    EMPTY,
    /** The format of this build. */
    CURRENT,
    /** An older format that {@link #upgrade} migrates. */
    NEEDS_UPGRADE,
    /** A newer format, written by a later pincluster. */
    NEWER,
    /** A marker this build does not understand. */
    UNKNOWN
  }

  /**
   * The result of {@link #check}.
   *
   * @param kind what was found
   * @param found the version found (0 when EMPTY or UNKNOWN)
   * @param marker the marker text as found ("" when there is none)
   */
  public record Status(Kind kind, int found, String marker) {
    public Status {
      Objects.requireNonNull(kind, "kind");
      marker = marker == null ? "" : marker;
    }

    /** An older format that {@link StateFormat#upgrade} migrates. */
    public boolean needsUpgrade() {
      return kind == Kind.NEEDS_UPGRADE;
    }

    /** Ready for this build as it is (current, or no state yet). */
    public boolean isUsable() {
      return kind == Kind.CURRENT || kind == Kind.EMPTY;
    }
  }

  /** Reads the format of {@code dataFolder}. Never modifies it. */
  public static Status check(Path dataFolder) {
    Path marker = dataFolder.resolve(FILE);
    if (Files.isRegularFile(marker)) {
      String text;
      try {
        text = Files.readString(marker, UTF_8).trim();
      } catch (IOException e) {
        throw new ClusterException("cannot read " + marker + ": " + e.getMessage(), e);
      }
      int version;
      try {
        version = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        return new Status(Kind.UNKNOWN, 0, text);
      }
      if (version == CURRENT) {
        return new Status(Kind.CURRENT, version, text);
      }
      if (version > CURRENT) {
        return new Status(Kind.NEWER, version, text);
      }
      return version >= UNMARKED_VERSION
          ? new Status(Kind.NEEDS_UPGRADE, version, text)
          : new Status(Kind.UNKNOWN, 0, text);
    }
    boolean hasState =
        Files.exists(dataFolder.resolve("db")) || Files.exists(dataFolder.resolve("ratis"));
    return hasState
        ? new Status(Kind.NEEDS_UPGRADE, UNMARKED_VERSION, "")
        : new Status(Kind.EMPTY, 0, "");
  }

  /**
   * Migrates {@code dataFolder} to {@link #CURRENT} in place, keeping every pin; a no-op for EMPTY
   * and CURRENT folders. Returns the status found before.
   *
   * @throws ClusterException for a NEWER or UNKNOWN folder (nothing is changed), or when the
   *     migration fails (the folder keeps its old marker and can be migrated again)
   */
  public static Status upgrade(Path dataFolder) {
    Status before = check(dataFolder);
    switch (before.kind()) {
      case EMPTY, CURRENT -> {
        return before;
      }
      case NEWER, UNKNOWN -> throw refusal(dataFolder, before);
      case NEEDS_UPGRADE -> {
        long pins;
        try (RocksPinStore store = RocksPinStore.open(dataFolder.resolve("db"))) {
          pins = store.estimatedCount();
        }
        writeMarker(dataFolder);
        LOG.info(
            "upgraded the state in {} from format {} to {} ({} pins kept)",
            dataFolder,
            before.found(),
            CURRENT,
            pins);
        return before;
      }
      default -> throw new IllegalStateException(before.toString());
    }
  }

  /**
   * Makes sure {@code dataFolder} can be opened by this build: writes the marker into an EMPTY
   * folder (creating it), accepts a CURRENT one.
   *
   * @throws ClusterException otherwise, saying what to do
   */
  public static void prepare(Path dataFolder) {
    Status s = check(dataFolder);
    switch (s.kind()) {
      case EMPTY -> writeMarker(dataFolder);
      case CURRENT -> {}
      default -> throw refusal(dataFolder, s);
    }
  }

  /** Writes the current version marker (atomically) into {@code dataFolder}, creating it. */
  public static void writeMarker(Path dataFolder) {
    Path marker = dataFolder.resolve(FILE);
    Path tmp = dataFolder.resolve(FILE + ".tmp");
    try {
      Files.createDirectories(dataFolder);
      Files.writeString(tmp, CURRENT + "\n", UTF_8);
      Files.move(tmp, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new ClusterException("cannot write " + marker + ": " + e.getMessage(), e);
    }
  }

  static ClusterException refusal(Path dataFolder, Status s) {
    return switch (s.kind()) {
      case NEEDS_UPGRADE ->
          new ClusterException(
              "the state in "
                  + dataFolder
                  + " has format version "
                  + s.found()
                  + " and this build uses version "
                  + CURRENT
                  + ": run `cluster-service daemon --upgrade` to migrate it (every pin is kept)");
      case NEWER ->
          new ClusterException(
              "the state in "
                  + dataFolder
                  + " has format version "
                  + s.found()
                  + ", newer than this build (it reads version "
                  + CURRENT
                  + "): run the pincluster version that wrote it, or export the state with that"
                  + " version and import it with this one");
      case UNKNOWN ->
          new ClusterException(
              "the state in "
                  + dataFolder
                  + " has an unknown format marker \""
                  + s.marker()
                  + "\" in "
                  + FILE
                  + " (this build reads version "
                  + CURRENT
                  + ")");
      default -> new ClusterException("the state in " + dataFolder + " is " + s.kind());
    };
  }
}

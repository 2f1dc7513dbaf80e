package io.pincluster.consensus.raft.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.server.RaftServerConfigKeys.Log.CorruptionPolicy;
import org.apache.ratis.server.raftlog.segmented.LogSegment;
import org.apache.ratis.server.raftlog.segmented.LogSegmentPath;
import org.apache.ratis.util.SizeInBytes;

/**
 * Reads a stopped peer's Raft log segments ({@code <group>/current/log_*}) without starting Ratis,
 * oldest entry first. A torn last entry (a crash while appending) ends the read of its segment with
 * a warning, as Ratis itself does. Stateless; the folder must not be in use.
 */
public final class OfflineLog {
  private static final Pattern SEGMENT = Pattern.compile("log_(inprogress_)?\\d+(-\\d+)?");
  private static final SizeInBytes MAX_ENTRY = SizeInBytes.valueOf("64MB");

  private OfflineLog() {}

  /** Hands every entry in the log of {@code groupFolder} to {@code consumer}, in index order. */
  public static void forEach(Path groupFolder, Consumer<LogEntryProto> consumer)
      throws IOException {
    for (LogSegmentPath segment : segments(groupFolder.resolve("current"))) {
      try {
        LogSegment.readSegmentFile(
            segment.getPath().toFile(),
            segment.getStartEnd(),
            MAX_ENTRY,
            CorruptionPolicy.WARN_AND_RETURN,
            null,
            consumer);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
  }

  /**
   * The highest commit index recorded in the log: Ratis writes the leader's commit index into the
   * log as metadata entries as it advances. -1 when there is none.
   */
  public static long lastRecordedCommit(Path groupFolder) throws IOException {
    long[] commit = {-1};
    forEach(
        groupFolder,
        e -> {
          if (e.hasMetadataEntry()) {
            commit[0] = Math.max(commit[0], e.getMetadataEntry().getCommitIndex());
          }
        });
    return commit[0];
  }

  private static List<LogSegmentPath> segments(Path current) throws IOException {
    List<LogSegmentPath> out = new ArrayList<>();
    if (!Files.isDirectory(current)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(current)) {
      for (Path f : files) {
        // Ratis deletes an empty open segment when it matches one; an offline reader must not.
        if (SEGMENT.matcher(f.getFileName().toString()).matches() && Files.size(f) > 0) {
          LogSegmentPath p = LogSegmentPath.matchLogSegment(f);
          if (p != null) {
            out.add(p);
          }
        }
      }
    }
    out.sort(Comparator.comparing(LogSegmentPath::getStartEnd));
    return out;
  }
}

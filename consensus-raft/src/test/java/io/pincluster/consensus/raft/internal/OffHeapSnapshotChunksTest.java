package io.pincluster.consensus.raft.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.ratis.proto.RaftProtos.FileChunkProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotRequestProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotRequestProto.SnapshotChunkProto;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileChunkReader;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffHeapSnapshotChunksTest {
  static final int CHUNK = 4096;

  @TempDir Path dir;

  @Test
  void everyChunkCarriesTheSameBytesMappedFromItsFile() throws IOException {
    SnapshotInfo snapshot = snapshot(file("000007.sst", 10_000), file("MANIFEST", 0), file("a", 5));
    List<InstallSnapshotRequestProto> ratis = ratisRequests(snapshot);
    assertThat(ratis).hasSize(5); // 3 chunks, the empty file, the small one

    List<InstallSnapshotRequestProto> sent = new ArrayList<>();
    new OffHeapSnapshotChunks(ratis, snapshot).forEach(sent::add);

    assertThat(sent).isEqualTo(ratis); // same fields, same bytes
    for (InstallSnapshotRequestProto r : sent) {
      FileChunkProto c = r.getSnapshotChunk().getFileChunks(0);
      assertThat(c.getData().asReadOnlyByteBuffer().isDirect())
          .as("chunk %s of %s off the heap", c.getChunkIndex(), c.getFilename())
          .isEqualTo(c.getData().size() > 0);
    }
  }

  @Test
  void aChunkThatDoesNotMatchItsFileIsSentAsRatisMadeIt() throws IOException {
    SnapshotInfo snapshot = snapshot(file("000007.sst", 100));
    InstallSnapshotRequestProto renamed = ratisRequests(snapshot).get(0);
    SnapshotChunkProto.Builder chunk = renamed.getSnapshotChunk().toBuilder();
    chunk.setFileChunks(0, chunk.getFileChunks(0).toBuilder().setFilename("sm/s/other.sst"));
    renamed = renamed.toBuilder().setSnapshotChunk(chunk).build();

    InstallSnapshotRequestProto sent =
        new OffHeapSnapshotChunks(List.of(renamed), snapshot).iterator().next();

    assertThat(sent).isSameAs(renamed);
  }

  private FileInfo file(String name, int size) throws IOException {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return new FileInfo(p, null);
  }

  private static SnapshotInfo snapshot(FileInfo... files) {
    return new FileListSnapshotInfo(List.of(files), TermIndex.valueOf(1, 42));
  }

  /** The requests as Ratis' InstallSnapshotRequests makes them (same reader, same fields). */
  private static List<InstallSnapshotRequestProto> ratisRequests(SnapshotInfo s)
      throws IOException {
    List<InstallSnapshotRequestProto> out = new ArrayList<>();
    List<FileInfo> files = s.getFiles();
    long total = files.stream().mapToLong(FileInfo::getFileSize).sum();
    for (int f = 0; f < files.size(); f++) {
      FileInfo info = files.get(f);
      Path relative = Path.of("sm", "snapshot.1_42", info.getPath().getFileName().toString());
      try (FileChunkReader reader = new FileChunkReader(info, relative)) {
        FileChunkProto chunk;
        do {
          chunk = reader.readFileChunk(CHUNK);
          out.add(
              InstallSnapshotRequestProto.newBuilder()
                  .setLeaderTerm(1)
                  .setSnapshotChunk(
                      SnapshotChunkProto.newBuilder()
                          .setRequestId("r")
                          .setRequestIndex(out.size())
                          .setTermIndex(s.getTermIndex().toProto())
                          .addFileChunks(chunk)
                          .setTotalSize(total)
                          .setDone(f == files.size() - 1 && chunk.getDone()))
                  .build());
        } while (!chunk.getDone());
      }
    }
    return out;
  }
}

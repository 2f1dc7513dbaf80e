package io.pincluster.consensus.raft.internal;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.List;
import org.apache.ratis.proto.RaftProtos.FileChunkProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotRequestProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotRequestProto.SnapshotChunkProto;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's snapshot chunks with their data memory-mapped from the snapshot files instead of on
 * the heap.
 *
 * <p>Why: Ratis 3.2's gRPC appender keeps every install-snapshot request it sent, data included,
 * until that request's timeout task runs (8 × {@code install_snapshot.request.timeout} later, 24 s
 * by default), whether or not the follower has answered. A leader sending a snapshot at 40 MB/s
 * thus held about 1 GB of chunks and died of {@code OutOfMemoryError} with a 1 GB heap (10M pins).
 * A mapped chunk holds only address space; its pages are the snapshot file's page cache.
 *
 * <p>Each request Ratis made is copied with its chunk's data replaced by the same bytes of the same
 * file, mapped. Ratis sends the files in order, one chunk after another, so the file of a chunk is
 * the next one of {@link SnapshotInfo#getFiles()} that is not done; a chunk that does not match its
 * file (name, bounds) or cannot be mapped is sent as Ratis made it. Ratis still reads each chunk
 * once (for the files' MD5 digests); that copy is garbage at once.
 */
public final class OffHeapSnapshotChunks implements Iterable<InstallSnapshotRequestProto> {
  private static final Logger LOG = LoggerFactory.getLogger(OffHeapSnapshotChunks.class);
  private final Iterable<InstallSnapshotRequestProto> requests;
  private final List<FileInfo> files;

  public OffHeapSnapshotChunks(Iterable<InstallSnapshotRequestProto> requests, SnapshotInfo s) {
    this.requests = requests;
    this.files = s.getFiles();
  }

  @Override
  public Iterator<InstallSnapshotRequestProto> iterator() {
    Iterator<InstallSnapshotRequestProto> it = requests.iterator();
    return new Iterator<>() {
      private int file;

      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public InstallSnapshotRequestProto next() {
        InstallSnapshotRequestProto r = it.next();
        if (!r.hasSnapshotChunk() || r.getSnapshotChunk().getFileChunksCount() != 1) {
          return r;
        }
        FileChunkProto chunk = r.getSnapshotChunk().getFileChunks(0);
        FileInfo info = file < files.size() ? files.get(file) : null;
        if (chunk.getDone()) {
          file++;
        }
        if (info == null || !matches(info, chunk)) {
          return r;
        }
        ByteString data;
        try {
          data = map(info.getPath(), chunk);
        } catch (IOException e) {
          LOG.warn(
              "cannot map {}; sending the chunk from the heap: {}", info.getPath(), e.toString());
          return r;
        }
        SnapshotChunkProto mapped =
            r.getSnapshotChunk().toBuilder()
                .setFileChunks(0, chunk.toBuilder().setData(data))
                .build();
        return r.toBuilder().setSnapshotChunk(mapped).build();
      }
    };
  }

  private static boolean matches(FileInfo info, FileChunkProto chunk) {
    Path name = Path.of(chunk.getFilename()).getFileName();
    return chunk.getData().size() > 0
        && name != null
        && info.getPath().getFileName().equals(name)
        && chunk.getOffset() + chunk.getData().size() <= info.getFileSize();
  }

  private static ByteString map(Path file, FileChunkProto chunk) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      MappedByteBuffer b =
          ch.map(FileChannel.MapMode.READ_ONLY, chunk.getOffset(), chunk.getData().size());
      return UnsafeByteOperations.unsafeWrap(b);
    }
  }
}

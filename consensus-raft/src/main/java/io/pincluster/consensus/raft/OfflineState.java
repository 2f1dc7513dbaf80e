package io.pincluster.consensus.raft;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.pincluster.consensus.raft.internal.EntryCodec;
import io.pincluster.consensus.raft.internal.OfflineLog;
import io.pincluster.consensus.raft.internal.PinStateMachine;
import io.pincluster.consensus.raft.internal.RaftSetup;
import io.pincluster.consensus.raft.internal.SnapshotStore;
import io.pincluster.core.CloseableIterator;
import io.pincluster.core.ClusterException;
import io.pincluster.core.api.Pin;
import io.pincluster.core.peer.PeerId;
import io.pincluster.state.rocksdb.RocksPinStore;
import io.pincluster.state.rocksdb.StateOp;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.protocol.TermIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offline tools over a peer's state folder ({@code consensus.raft.data_folder}), for {@code
 * cluster-service state export|import}. The peer must be stopped (the caller holds its lock file);
 * nothing here starts Raft or touches the network. Stateless.
 */
public final class OfflineState {
  private static final Logger LOG = LoggerFactory.getLogger(OfflineState.class);

  /** Pins written per RocksDB batch by {@link #importState}. */
  public static final int IMPORT_BATCH = 10_000;

  /** The Raft position of an imported state: the snapshot of a brand-new group. */
  static final TermIndex IMPORTED_AT = TermIndex.valueOf(1, 0);

  private OfflineState() {}

  /**
   * Streams every committed pin of the state in {@code dataFolder} to {@code sink}, in CID byte
   * order, without holding the pinset in memory; returns how many.
   *
   * <p>Nothing committed is missed, even when the last entries are newer than the last snapshot:
   * the live database holds everything this peer applied (it is rebuilt from the latest snapshot
   * first if it is behind it), and entries that were committed but not yet applied (the peer
   * crashed) are applied from the Raft log first, up to the last commit index the log records
   * (Ratis writes the leader's commit index into the log as it advances); entries after it may not
   * be committed and are left alone. That is what the peer itself would do on its next start, so
   * the folder stays valid. Format 1 folders (before {@code --upgrade}) can be exported too.
   *
   * @throws ClusterException when there is no state, the format is newer or unknown, the log holds
   *     an entry of an unknown version, or the files cannot be read
   */
  public static long export(Path dataFolder, Consumer<Pin> sink) {
    StateFormat.Status status = StateFormat.check(dataFolder);
    switch (status.kind()) {
      case EMPTY -> throw new ClusterException("there is no state in " + dataFolder + " to export");
      case NEWER, UNKNOWN -> throw StateFormat.refusal(dataFolder, status);
      default -> {}
    }
    try (RocksPinStore store = RocksPinStore.open(dataFolder.resolve("db"))) {
      catchUp(store, groupFolder(dataFolder));
      long n = 0;
      try (CloseableIterator<Pin> it = store.list()) {
        while (it.hasNext()) {
          sink.accept(it.next());
          n++;
        }
      }
      return n;
    }
  }

  /** Brings {@code store} up to the latest snapshot and the committed log of {@code group}. */
  private static void catchUp(RocksPinStore store, Path group) {
    try {
      SnapshotStore snapshots = new SnapshotStore();
      snapshots.init(group.resolve("sm"));
      snapshots
          .latestFound()
          .filter(s -> store.appliedIndex() < s.termIndex().getIndex())
          .ifPresent(
              s -> {
                LOG.info("rebuilding {} from snapshot {}", store.directory(), s.termIndex());
                store.replaceWith(s.dir());
                store.markApplied(s.termIndex().getTerm(), s.termIndex().getIndex());
              });
      long commit = OfflineLog.lastRecordedCommit(group);
      long before = store.appliedIndex();
      OfflineLog.forEach(
          group,
          e -> {
            if (e.hasStateMachineLogEntry()
                && e.getIndex() > store.appliedIndex()
                && e.getIndex() <= commit) {
              applyOffline(store, e);
            }
          });
      if (store.appliedIndex() > before) {
        LOG.info(
            "applied committed log entries {}..{} that the state had not applied yet",
            before + 1,
            store.appliedIndex());
      }
    } catch (IOException e) {
      throw new ClusterException("cannot read the Raft log in " + group + ": " + e.getMessage(), e);
    }
  }

  private static void applyOffline(RocksPinStore store, LogEntryProto e) {
    try {
      PinStateMachine.applyEntry(
          store, e.getTerm(), e.getIndex(), e.getStateMachineLogEntry().getLogData().toByteArray());
    } catch (EntryCodec.UnsupportedVersionException ex) {
      throw new ClusterException(
          "Raft entry "
              + e.getIndex()
              + " cannot be read by this build ("
              + ex.getMessage()
              + "); export with the pincluster version that wrote it");
    }
  }

  /**
   * Writes a brand-new state folder at {@code dataFolder} holding {@code pins} (later duplicates of
   * a CID win): the snapshot of a new Raft group whose only member and voter is {@code self} at
   * {@code raftAddress} ({@code host:port}), with an empty log. {@link RaftConsensus#start} on it
   * comes up as a one-peer cluster with every pin, accepts writes, and peers added later receive
   * the pins by snapshot install. Streams: pins are written {@value #IMPORT_BATCH} at a time (bulk
   * load: {@link RocksPinStore#bulkLoad}), and every file is forced to disk before this returns.
   * Returns the number of pins in the new state.
   *
   * @throws ClusterException when {@code dataFolder} exists and is not empty (move the old state
   *     away first), a pin is rejected (null, malformed), or writing fails; the partly written
   *     folder is deleted again
   */
  public static long importState(
      Path dataFolder, Iterator<Pin> pins, PeerId self, String raftAddress) {
    requireEmpty(dataFolder);
    RaftPeer peer =
        RaftPeer.newBuilder()
            .setId(RaftSetup.raftId(self))
            .setAddress(checkAddress(raftAddress))
            .build();
    try {
      StateFormat.writeMarker(dataFolder);
      Path group = groupFolder(dataFolder);
      long count;
      try (RocksPinStore store = RocksPinStore.openForBulkLoad(dataFolder.resolve("db"))) {
        count = store.bulkLoad(puts(pins), IMPORT_BATCH);
        store.markApplied(IMPORTED_AT.getTerm(), IMPORTED_AT.getIndex());
        Files.createDirectories(group.resolve("sm"));
        store.checkpoint(new SnapshotFolder(group).path());
      }
      writeRaftStorage(group.resolve("current"), peer);
      syncTree(dataFolder);
      LOG.info("imported {} pins into {} as a one-peer cluster of {}", count, dataFolder, self);
      return count;
    } catch (IOException | RuntimeException e) {
      deleteQuietly(dataFolder);
      if (e instanceof ClusterException ce) {
        throw ce;
      }
      throw new ClusterException(
          "cannot import the state into " + dataFolder + ": " + e.getMessage(), e);
    }
  }

  /** {@code pins} as PutPin operations; a null pin fails with its number. */
  private static Iterator<StateOp.PutPin> puts(Iterator<Pin> pins) {
    return new Iterator<>() {
      private long seen;

      @Override
      public boolean hasNext() {
        return pins.hasNext();
      }

      @Override
      public StateOp.PutPin next() {
        Pin pin = pins.next();
        seen++;
        if (pin == null) {
          throw new ClusterException("pin #" + seen + " to import is missing (null)");
        }
        return new StateOp.PutPin(pin);
      }
    };
  }

  /** {@code sm/snapshot.<term>_<index>} of the imported position. */
  private record SnapshotFolder(Path group) {
    Path path() {
      return group
          .resolve("sm")
          .resolve("snapshot." + IMPORTED_AT.getTerm() + "_" + IMPORTED_AT.getIndex());
    }
  }

  /**
   * Writes what Ratis keeps about a group besides log and snapshots: {@code raft-meta} (current
   * term and vote, as Ratis' {@code RaftStorageMetadataFile} writes them) and {@code
   * raft-meta.conf} (the configuration, a {@link LogEntryProto} as Ratis' {@code
   * RaftStorageImpl.writeRaftConfiguration} writes it), here with {@code peer} as the only voter.
   * With no log segments, Ratis then starts from the snapshot: the log begins after it.
   */
  private static void writeRaftStorage(Path current, RaftPeer peer) throws IOException {
    Files.createDirectories(current);
    Properties meta = new Properties();
    meta.setProperty("term", Long.toString(IMPORTED_AT.getTerm()));
    meta.setProperty("votedFor", peer.getId().toString());
    try (Writer w = Files.newBufferedWriter(current.resolve("raft-meta"), UTF_8)) {
      meta.store(w, "");
    }
    LogEntryProto conf =
        LogEntryProto.newBuilder()
            .setTerm(IMPORTED_AT.getTerm())
            .setIndex(IMPORTED_AT.getIndex())
            .setConfigurationEntry(
                RaftConfigurationProto.newBuilder().addPeers(peer.getRaftPeerProto()))
            .build();
    try (OutputStream out = Files.newOutputStream(current.resolve("raft-meta.conf"))) {
      conf.writeTo(out);
    }
  }

  /**
   * Forces every file and folder under {@code root} (itself included) to disk, so that a state
   * reported as imported survives a power failure. Folders are synced where the platform allows it
   * (Linux does; elsewhere opening a folder for sync may fail, and is skipped).
   */
  static void syncTree(Path root) throws IOException {
    List<Path> all;
    try (Stream<Path> walk = Files.walk(root)) {
      all = walk.sorted(Comparator.reverseOrder()).toList(); // contents before their folder
    }
    for (Path p : all) {
      if (Files.isDirectory(p)) {
        syncFolder(p);
      } else if (Files.isRegularFile(p)) {
        try (FileChannel c = FileChannel.open(p, StandardOpenOption.READ)) {
          c.force(true);
        }
      }
    }
  }

  /**
   * Forces a folder's entries (files created or renamed in it) to disk where the platform allows it
   * (Linux does; elsewhere opening a folder for sync may fail, and is skipped).
   */
  public static void syncFolder(Path folder) {
    try (FileChannel c = FileChannel.open(folder, StandardOpenOption.READ)) {
      c.force(true);
    } catch (IOException e) {
      LOG.debug("cannot sync folder {}: {}", folder, e.toString());
    }
  }

  static Path groupFolder(Path dataFolder) {
    return dataFolder.resolve("ratis").resolve(RaftConsensus.GROUP_ID.getUuid().toString());
  }

  private static void requireEmpty(Path dataFolder) {
    if (!Files.exists(dataFolder)) {
      return;
    }
    try (Stream<Path> entries = Files.list(dataFolder)) {
      if (entries.findAny().isPresent()) {
        throw new ClusterException(
            "cannot import into "
                + dataFolder
                + ": it is not empty (move the current state away first)");
      }
    } catch (IOException e) {
      throw new ClusterException("cannot read " + dataFolder + ": " + e.getMessage(), e);
    }
  }

  private static String checkAddress(String hostPort) {
    int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
    try {
      if (colon > 0 && Integer.parseInt(hostPort.substring(colon + 1)) > 0) {
        return hostPort;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new ClusterException("raft address \"" + hostPort + "\" must be host:port");
  }

  private static void deleteQuietly(Path p) {
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
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("cannot delete the partly imported state {}: {}", p, e.toString());
    }
  }
}

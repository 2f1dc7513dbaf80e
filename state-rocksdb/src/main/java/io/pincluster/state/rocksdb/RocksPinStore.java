package io.pincluster.state.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.PeerTableView;
import io.pincluster.core.PinStateView;
import io.pincluster.core.api.PeerRecord;
import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.json.Json;
import io.pincluster.core.json.StoredPins;
import io.pincluster.core.peer.PeerId;
import io.pincluster.state.rocksdb.internal.ChangeNotifier;
import io.pincluster.state.rocksdb.internal.ChangeNotifier.Change;
import io.pincluster.state.rocksdb.internal.CheckpointFiles;
import io.pincluster.state.rocksdb.internal.ColumnOptions;
import io.pincluster.state.rocksdb.internal.MetaCodec;
import io.pincluster.state.rocksdb.internal.PinDiff;
import io.pincluster.state.rocksdb.internal.RocksHandles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LevelMetaData;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.SstFileMetaData;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pinset and the peer table in RocksDB: the state that the Raft log is applied to.
 *
 * <p>Layout: column family {@code pins} maps {@link Cid#toBytes()} to the pin's JSON ({@link
 * Json}); {@code peers} maps the peer ID text to the {@link PeerRecord} JSON; {@code default} holds
 * meta keys: {@code applied} (term and index of the last applied batch) and {@code pin_count} (the
 * exact number of pins, kept in the same write batch as every change, which is why {@link
 * #estimatedCount()} is exact and O(1)).
 *
 * <p>Threads: reads are thread-safe and never block on writers (iterators read a RocksDB snapshot).
 * Writes ({@link #apply}, {@link #load}, {@link #markApplied}, {@link #replaceWith}) are serialized
 * internally (one writer at a time); in production the Raft state machine thread is their only
 * caller. Listeners run on the {@code pinstate-notifier} thread in apply order; when {@value
 * #NOTIFIER_CAPACITY} changes are waiting for them, a write waits (back-pressure) until there is
 * room or the store is closed.
 *
 * <p>Durability: each batch is one RocksDB {@link WriteBatch} with the WAL on and {@code
 * sync=false}; the Raft log is the durable record, and a batch lost in a power failure is applied
 * again on replay (batches at or below {@link #appliedIndex()} are skipped).
 *
 * <p>Replacement: {@link #replaceWith} swaps the whole database for a checkpoint (a Raft snapshot
 * install). Open iterators then fail with {@link StateStoreException} instead of silently ending,
 * and listeners hear about every difference. The directories {@code <dir>.incoming} and {@code
 * <dir>.old} exist only during a replacement; leftovers of an interrupted one are deleted on open.
 *
 * <p>Lifecycle: every read and write takes a shared lock and {@link #close()} (and the swap inside
 * {@link #replaceWith}) takes it exclusively, so no RocksDB handle is used after it is freed; after
 * close every method throws {@link StateStoreException}, and open iterators report no more
 * elements.
 */
public final class RocksPinStore implements PinStateView, PeerTableView, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RocksPinStore.class);

  /** How many pin changes may wait for slow listeners before a write waits. */
  public static final int NOTIFIER_CAPACITY = 65536;

  private static final byte[] APPLIED_KEY = "applied".getBytes(UTF_8);
  private static final byte[] PIN_COUNT_KEY = "pin_count".getBytes(UTF_8);
  private static final Duration NOTIFIER_CLOSE_TIMEOUT = Duration.ofSeconds(5);
  private static final int DIFF_CHUNK = 1024;

  private final Path dir;
  private final WriteOptions writeOptions;

  /** Snapshots taken by {@link PinIterator}s so far (how {@link #bulkLoad} knows none was). */
  private final AtomicLong snapshotsTaken = new AtomicLong();

  private final ChangeNotifier notifier;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final Object writeLock = new Object();
  private final Set<PinIterator> openIterators = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile RocksHandles h; // replaced only under the exclusive lifecycle lock
  private volatile LogPosition applied;
  private volatile long pinCount;

  private RocksPinStore(Path dir, RocksHandles handles, int notifierCapacity)
      throws RocksDBException {
    this.dir = dir;
    this.h = handles;
    this.writeOptions = new WriteOptions().setSync(false).setDisableWAL(false);
    readMeta();
    this.notifier =
        new ChangeNotifier("pinstate-notifier", notifierCapacity, NOTIFIER_CLOSE_TIMEOUT);
  }

  private void readMeta() throws RocksDBException {
    this.applied = MetaCodec.decodePosition(h.db().get(h.meta(), APPLIED_KEY));
    this.pinCount = MetaCodec.decodeLong(h.db().get(h.meta(), PIN_COUNT_KEY));
  }

  /**
   * Opens (creating if needed) the store in {@code dir}. The caller owns the result and must close
   * it. Only one process may open a directory at a time (RocksDB holds a lock file).
   *
   * @throws StateStoreException when the directory cannot be created or RocksDB fails to open
   */
  public static RocksPinStore open(Path dir) {
    return open(dir, NOTIFIER_CAPACITY);
  }

  /** As {@link #open(Path)}, with a different listener queue capacity (for tests). */
  public static RocksPinStore open(Path dir, int notifierCapacity) {
    return open(dir, notifierCapacity, d -> RocksHandles.open(d, false));
  }

  /**
   * Opens (creating it) an empty store in {@code dir} for one {@link #bulkLoad}, an offline state
   * import: RocksDB tuned for it (memtables that sort once when flushed, no automatic compaction:
   * {@link #bulkLoad} compacts at its end). Other writes work, but nothing compacts them until the
   * store is opened again with {@link #open(Path)}, and reads before the load's end are slow (each
   * sorts the memtable): close it after the load.
   */
  public static RocksPinStore openForBulkLoad(Path dir) {
    return openForBulkLoad(dir, ColumnOptions.BULK_LOAD_MEMTABLE_BYTES);
  }

  /** As {@link #openForBulkLoad(Path)}, with memtables of {@code memtableBytes} (for tests). */
  static RocksPinStore openForBulkLoad(Path dir, long memtableBytes) {
    return open(dir, NOTIFIER_CAPACITY, d -> RocksHandles.openForBulkLoad(d, memtableBytes));
  }

  /** Opens the database of a store. */
  private interface Opener {
    RocksHandles open(Path dir) throws Exception;
  }

  private static RocksPinStore open(Path dir, int notifierCapacity, Opener opener) {
    RocksHandles handles = null;
    try {
      CheckpointFiles.deleteRecursively(sibling(dir, ".incoming"));
      CheckpointFiles.deleteRecursively(sibling(dir, ".old"));
      handles = opener.open(dir);
      RocksPinStore store = new RocksPinStore(dir, handles, notifierCapacity);
      LOG.info("opened pin store {}: applied={} pins={}", dir, store.applied, store.pinCount);
      return store;
    } catch (Exception e) {
      if (handles != null) {
        handles.close();
      }
      throw new StateStoreException("cannot open pin store in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static Path sibling(Path dir, String suffix) {
    return dir.resolveSibling(dir.getFileName() + suffix);
  }

  /** The directory holding the database. */
  public Path directory() {
    return dir;
  }

  // ---------------------------------------------------------------- writes

  /**
   * Applies {@code ops} as one atomic batch at log position ({@code term}, {@code index}) and
   * records that position. If {@code index <= appliedIndex()} nothing is written and every result
   * is {@link OpResult.Status#SKIPPED} (a replay after restart). Malformed operations (null, or a
   * record with no ID) get {@link OpResult.Status#INVALID} and the rest are applied; bad input
   * never throws. Returns one result per operation, in order. Serialized with other writes.
   *
   * @throws StateStoreException only when RocksDB fails to write or the store is closed
   */
  public List<OpResult> apply(long term, long index, List<StateOp> ops) {
    List<StateOp> batchOps = ops == null ? List.of() : ops;
    synchronized (writeLock) {
      return guarded(
          () -> {
            if (index <= applied.index()) {
              return Collections.nCopies(batchOps.size(), OpResult.skipped());
            }
            return write(new LogPosition(term, index), batchOps);
          });
    }
  }

  /**
   * Writes {@code ops} as one atomic batch <em>outside</em> the Raft log, for building a state
   * offline (import): same rules and results as {@link #apply}, but nothing is skipped and the
   * applied position stays as it is (set it with {@link #markApplied}).
   */
  public List<OpResult> load(List<StateOp> ops) {
    List<StateOp> batchOps = ops == null ? List.of() : ops;
    synchronized (writeLock) {
      return guarded(() -> write(null, batchOps));
    }
  }

  /**
   * Fills this store, which must hold no pins and have no listeners, with {@code pins} for an
   * offline import: the fast equivalent of {@link #load} with the same {@link StateOp.PutPin}s. The
   * database it leaves is the one {@link #load} would (same keys and values, later puts of a CID
   * replacing earlier ones, {@code pin_count} the number of distinct CIDs); only the way there
   * differs: no read per pin, no listener notification, writes in batches of {@code batchSize} pins
   * with the WAL off, then a flush of the memtables to SST files and a compaction of those into one
   * sorted run, so everything is on disk (RocksDB syncs the files it writes) when this returns. In
   * a store opened with {@link #openForBulkLoad} it is about 1.5 times as fast. The applied
   * position is left as it is (set it with {@link #markApplied}). Serialized with other writes.
   *
   * <p>If it fails (the iterator throws, RocksDB fails, or the process dies) the store holds an
   * unknown part of the pins: throw it away.
   *
   * @return the number of pins in the store (distinct CIDs)
   * @throws StateStoreException when the store is not empty or has listeners, or RocksDB fails;
   *     anything {@code pins} throws passes through
   */
  public long bulkLoad(java.util.Iterator<StateOp.PutPin> pins, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize (" + batchSize + ") must be > 0");
    }
    synchronized (writeLock) {
      return guarded(
          () -> {
            if (pinCount != 0 || notifier.hasListeners()) {
              throw new StateStoreException(
                  "bulk load needs an empty pin store without listeners; "
                      + dir
                      + " holds "
                      + pinCount
                      + " pins");
            }
            long snapshotsBefore = snapshotsTaken.get();
            try (WriteOptions noWal = new WriteOptions().setDisableWAL(true);
                WriteBatch batch = new WriteBatch()) {
              int inBatch = 0;
              while (pins.hasNext()) {
                StateOp.PutPin p = pins.next();
                putPinRecord(batch, p.pin(), p.json());
                if (++inBatch == batchSize) {
                  h.db().write(noWal, batch);
                  batch.clear();
                  inBatch = 0;
                }
              }
              h.db().write(noWal, batch);
              batch.clear();
              flushAll();
              compactPins();
              long count = countCompactedPinKeys(snapshotsBefore);
              if (count > 0) { // as load(): no pins, no pin_count key
                batch.put(h.meta(), PIN_COUNT_KEY, MetaCodec.encodeLong(count));
              }
              h.db().write(noWal, batch);
              flushAll();
              pinCount = count;
              return count;
            } catch (RocksDBException e) {
              throw failure("bulk load pins", e);
            }
          });
    }
  }

  /**
   * The keys of the pins column family, after {@link #compactPins} of a bulk load that began when
   * {@link #snapshotsTaken} was {@code snapshotsBefore}. When no reader took a snapshot since, the
   * compaction kept one version of each key, in one sorted run (one level, or one file), and the
   * load deleted nothing, so the table files' entry counts add up to the number of keys, read from
   * their metadata instead of iterating over every pin (0.4 s of a 1M-pin import). Otherwise (a
   * snapshot may have kept older versions, or the tables are not one such run) the keys are counted
   * one by one.
   */
  private long countCompactedPinKeys(long snapshotsBefore) throws RocksDBException {
    if (snapshotsTaken.get() != snapshotsBefore) {
      return countPinKeys();
    }
    List<LevelMetaData> levels =
        h.db().getColumnFamilyMetaData(h.pins()).levels().stream()
            .filter(l -> !l.files().isEmpty())
            .toList();
    boolean oneRun =
        levels.isEmpty()
            || (levels.size() == 1
                && (levels.get(0).level() > 0 || levels.get(0).files().size() == 1));
    List<SstFileMetaData> files = levels.stream().flatMap(l -> l.files().stream()).toList();
    if (!oneRun || files.stream().anyMatch(f -> f.numDeletions() != 0)) {
      return countPinKeys();
    }
    return files.stream().mapToLong(SstFileMetaData::numEntries).sum();
  }

  /** The keys of the pins column family. */
  private long countPinKeys() {
    long n = 0;
    try (ReadOptions ro = new ReadOptions().setFillCache(false);
        RocksIterator it = h.db().newIterator(h.pins(), ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        n++;
      }
      it.status();
    } catch (RocksDBException e) {
      throw failure("count pins", e);
    }
    return n;
  }

  /**
   * Compacts the pins' tables into one sorted run and waits for it (two threads), so that the store
   * a bulk load leaves needs no compaction when the daemon opens it: the flushes of a load leave
   * one level-0 file per memtable, all overlapping, and a store opened with many of them would
   * stall its writes until RocksDB had merged them.
   */
  private void compactPins() throws RocksDBException {
    try (CompactRangeOptions all = new CompactRangeOptions().setMaxSubcompactions(2)) {
      h.db().compactRange(h.pins(), null, null, all);
    }
  }

  /** Writes every memtable to SST files and waits for it. */
  private void flushAll() throws RocksDBException {
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      h.db().flush(flush, List.of(h.meta(), h.pins(), h.peers()));
    }
  }

  /**
   * Records that everything up to ({@code term}, {@code index}) is applied, when that is beyond the
   * current position (entries that do not change the state, such as Raft configuration entries, are
   * not applied through {@link #apply}). Returns whether the position moved.
   */
  public boolean markApplied(long term, long index) {
    synchronized (writeLock) {
      return guarded(
          () -> {
            if (index <= applied.index()) {
              return false;
            }
            try (WriteBatch batch = new WriteBatch()) {
              batch.put(h.meta(), APPLIED_KEY, MetaCodec.encodePosition(term, index));
              h.db().write(writeOptions, batch);
            } catch (RocksDBException e) {
              throw failure("record applied position " + index, e);
            }
            applied = new LogPosition(term, index);
            return true;
          });
    }
  }

  /** Writes one batch; {@code position} null leaves the applied position unchanged. */
  private List<OpResult> write(LogPosition position, List<StateOp> ops) {
    BatchState state = new BatchState(notifier.hasListeners());
    List<OpResult> results = new ArrayList<>(ops.size());
    try (WriteBatch batch = new WriteBatch()) {
      for (StateOp op : ops) {
        results.add(applyOne(batch, state, op));
      }
      if (position != null) {
        batch.put(
            h.meta(), APPLIED_KEY, MetaCodec.encodePosition(position.term(), position.index()));
      }
      batch.put(h.meta(), PIN_COUNT_KEY, MetaCodec.encodeLong(state.count));
      h.db().write(writeOptions, batch);
    } catch (RocksDBException e) {
      throw new StateStoreException(
          "cannot write batch at " + position + " to " + dir + ": " + e.getMessage(), e);
    }
    if (position != null) {
      applied = position;
    }
    pinCount = state.count;
    if (!state.changes.isEmpty()) {
      notifier.publish(state.changes);
    }
    return results;
  }

  /** What the batch has done so far, so later ops in the same batch see earlier ones. */
  private final class BatchState {
    final Map<Cid, Optional<Pin>> pins = new HashMap<>();
    final Map<PeerId, Boolean> peers = new HashMap<>();
    final List<Change> changes = new ArrayList<>();
    final boolean collectChanges;
    long count = pinCount;

    BatchState(boolean collectChanges) {
      this.collectChanges = collectChanges;
    }
  }

  private OpResult applyOne(WriteBatch batch, BatchState state, StateOp op)
      throws RocksDBException {
    if (op == null) {
      return OpResult.invalid("null operation");
    }
    try {
      if (op instanceof StateOp.PutPin p) {
        return putPin(batch, state, p.pin(), p.json());
      } else if (op instanceof StateOp.RemovePin r) {
        return removePin(batch, state, r.cid());
      } else if (op instanceof StateOp.ReplacePin r) {
        Optional<Pin> current = currentPin(state, r.pin().cid());
        if (current == null || current.isEmpty() || !current.get().equals(r.expected())) {
          return OpResult.notFound();
        }
        return putPin(batch, state, r.pin(), null);
      } else if (op instanceof StateOp.PutPeer p) {
        return putPeer(batch, state, p.record());
      } else if (op instanceof StateOp.RemovePeer r) {
        return removePeer(batch, state, r.id());
      }
      return OpResult.invalid("unknown operation " + op.getClass().getName());
    } catch (IllegalStateException | IllegalArgumentException e) {
      return OpResult.invalid(op.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private OpResult putPin(WriteBatch batch, BatchState state, Pin pin, byte[] json)
      throws RocksDBException {
    Optional<Pin> previous = currentPin(state, pin.cid());
    putPinRecord(batch, pin, json);
    state.pins.put(pin.cid(), Optional.of(pin));
    if (previous == null) {
      state.count++;
    }
    if (state.collectChanges) {
      state.changes.add(new Change(pin, previous == null ? null : previous.orElse(null), false));
    }
    return OpResult.ok(previous == null ? null : previous.orElse(null));
  }

  /** The stored record of {@code pin}: its JSON as it came ({@code json}) when given. */
  private void putPinRecord(WriteBatch batch, Pin pin, byte[] json) throws RocksDBException {
    batch.put(h.pins(), pin.cid().toBytes(), json != null ? json : Json.write(pin));
  }

  private OpResult removePin(WriteBatch batch, BatchState state, Cid cid) throws RocksDBException {
    Optional<Pin> previous = currentPin(state, cid);
    if (previous == null) {
      return OpResult.notFound();
    }
    batch.delete(h.pins(), cid.toBytes());
    state.pins.put(cid, Optional.empty());
    state.count--;
    Pin removed = previous.orElse(null);
    if (state.collectChanges && removed != null) {
      state.changes.add(new Change(removed, null, true));
    }
    return OpResult.ok(removed);
  }

  /**
   * The pin {@code cid} has before this op: null when absent, empty when present but unreadable
   * (corrupt JSON, logged).
   */
  private Optional<Pin> currentPin(BatchState state, Cid cid) throws RocksDBException {
    if (state.pins.containsKey(cid)) {
      Optional<Pin> inBatch = state.pins.get(cid);
      return inBatch.isPresent() ? inBatch : null;
    }
    byte[] raw = h.db().get(h.pins(), cid.toBytes());
    if (raw == null) {
      return null;
    }
    try {
      return Optional.of(StoredPins.read(raw));
    } catch (IllegalArgumentException e) {
      LOG.error("stored pin {} is unreadable ({}); replacing it", cid, e.getMessage());
      return Optional.empty();
    }
  }

  private OpResult putPeer(WriteBatch batch, BatchState state, PeerRecord record)
      throws RocksDBException {
    if (record.id() == null) {
      return OpResult.invalid("PutPeer: peer record has no id");
    }
    batch.put(h.peers(), peerKey(record.id()), Json.write(record));
    state.peers.put(record.id(), true);
    return OpResult.ok();
  }

  private OpResult removePeer(WriteBatch batch, BatchState state, PeerId id)
      throws RocksDBException {
    Boolean inBatch = state.peers.get(id);
    boolean exists = inBatch != null ? inBatch : h.db().get(h.peers(), peerKey(id)) != null;
    if (!exists) {
      return OpResult.notFound();
    }
    batch.delete(h.peers(), peerKey(id));
    state.peers.put(id, false);
    return OpResult.ok();
  }

  private static byte[] peerKey(PeerId id) {
    return id.toString().getBytes(UTF_8);
  }

  // ---------------------------------------------------------------- replacement

  /**
   * Replaces the whole database by the RocksDB checkpoint in {@code checkpoint} (left untouched):
   * builds {@code <dir>.incoming} from it ({@link CheckpointFiles}), closes the live database,
   * swaps the directories, and reopens. The applied position and count become the checkpoint's.
   * Listeners then receive every pin difference between the old and the new state, in CID order.
   * Iterators open at the swap fail with {@link StateStoreException}. Serialized with writes; reads
   * wait only for the swap itself.
   *
   * @throws StateStoreException when the files cannot be prepared (the live database is then
   *     unchanged) or the new database cannot be opened (the store is then unusable and closed)
   */
  public void replaceWith(Path checkpoint) {
    synchronized (writeLock) {
      Path incoming = sibling(dir, ".incoming");
      Path old = sibling(dir, ".old");
      try {
        CheckpointFiles.deleteRecursively(incoming);
        CheckpointFiles.materialize(checkpoint, incoming);
      } catch (IOException e) {
        throw new StateStoreException(
            "cannot prepare " + incoming + " from " + checkpoint + ": " + e.getMessage(), e);
      }
      swap(incoming, old);
      LOG.info(
          "pin store {} replaced from {}: applied={} pins={}", dir, checkpoint, applied, pinCount);
      reportDifferences(old);
      try {
        CheckpointFiles.deleteRecursively(old);
      } catch (IOException e) {
        LOG.warn("cannot delete the replaced pin store {}: {}", old, e.getMessage());
      }
    }
  }

  private void swap(Path incoming, Path old) {
    Lock lock = lifecycle.writeLock();
    lock.lock();
    try {
      if (closed.get()) {
        throw new StateStoreException("pin store " + dir + " is closed");
      }
      openIterators.forEach(PinIterator::invalidate);
      openIterators.clear();
      h.close();
      try {
        CheckpointFiles.deleteRecursively(old);
        Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(incoming, dir, StandardCopyOption.ATOMIC_MOVE);
        h = RocksHandles.open(dir, false);
        readMeta();
      } catch (Exception e) {
        closed.set(true);
        notifier.close();
        throw new StateStoreException(
            "cannot swap pin store " + dir + " for " + incoming + ": " + e.getMessage(), e);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Tells listeners what changed between the replaced database in {@code old} and the live one. */
  private void reportDifferences(Path old) {
    if (!notifier.hasListeners()) {
      return;
    }
    guarded(
        () -> {
          try (RocksHandles before = RocksHandles.open(old, true)) {
            long n = PinDiff.diff(before, h, DIFF_CHUNK, notifier::publish);
            LOG.info("pin store {}: {} pins changed by the replacement", dir, n);
          } catch (Exception e) {
            LOG.error(
                "cannot tell listeners what the replacement of {} changed: {}", dir, e.toString());
          }
          return null;
        });
  }

  // ---------------------------------------------------------------- reads

  /** The position of the last applied batch, {@link LogPosition#NONE} if none. Non-blocking. */
  public LogPosition applied() {
    return applied;
  }

  /** The index of the last applied batch, -1 if none. */
  public long appliedIndex() {
    return applied.index();
  }

  /** The term of the last applied batch, 0 if none. */
  public long appliedTerm() {
    return applied.term();
  }

  @Override
  public Optional<Pin> get(Cid cid) {
    return guarded(
        () -> {
          byte[] raw = read(h.pins(), cid.toBytes());
          return raw == null ? Optional.empty() : Optional.of(decodePin(raw, cid));
        });
  }

  @Override
  public CloseableIterator<Pin> list() {
    return listFrom(null);
  }

  @Override
  public CloseableIterator<Pin> listFrom(Cid startAfter) {
    return guarded(
        () -> {
          PinIterator it = new PinIterator(h, startAfter);
          openIterators.add(it);
          return it;
        });
  }

  /** The exact number of pins (a counter kept with every batch). Non-blocking. */
  @Override
  public long estimatedCount() {
    return pinCount;
  }

  /** RocksDB's own estimate of keys in the pins column family ({@code estimate-num-keys}). */
  public long rocksEstimatedKeys() {
    return guarded(
        () -> {
          try {
            return h.db().getLongProperty(h.pins(), "rocksdb.estimate-num-keys");
          } catch (RocksDBException e) {
            throw failure("read estimate-num-keys", e);
          }
        });
  }

  @Override
  public void addListener(PinStateListener listener) {
    notifier.addListener(listener);
  }

  @Override
  public Optional<PeerRecord> peer(PeerId id) {
    return guarded(
        () -> {
          byte[] raw = read(h.peers(), peerKey(id));
          return raw == null ? Optional.empty() : Optional.of(decodePeer(raw));
        });
  }

  @Override
  public List<PeerRecord> peers() {
    return guarded(
        () -> {
          List<PeerRecord> out = new ArrayList<>();
          try (RocksIterator it = h.db().newIterator(h.peers())) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
              out.add(decodePeer(it.value()));
            }
          }
          return List.copyOf(out);
        });
  }

  /**
   * Writes a consistent copy of the database to {@code target} (a RocksDB checkpoint: hard links
   * where possible, plus a memtable flush). {@code target} must not exist; its parent must, on the
   * same filesystem for hard links to work. RocksDB builds it in {@code <target>.tmp} and renames
   * it, so {@code target} is complete or absent.
   *
   * @throws StateStoreException if RocksDB fails
   */
  public void checkpoint(Path target) {
    guarded(
        () -> {
          try (Checkpoint cp = Checkpoint.create(h.db())) {
            cp.createCheckpoint(target.toString());
            return null;
          } catch (RocksDBException e) {
            throw failure("create checkpoint in " + target, e);
          }
        });
  }

  private byte[] read(ColumnFamilyHandle cf, byte[] key) {
    try {
      return h.db().get(cf, key);
    } catch (RocksDBException e) {
      throw failure("read", e);
    }
  }

  /** The stored pin {@code raw}, found under the CID {@code key} (null: not known). */
  private static Pin decodePin(byte[] raw, Cid key) {
    try {
      return StoredPins.read(raw, key);
    } catch (IllegalArgumentException e) {
      throw new StateStoreException("stored pin is unreadable: " + e.getMessage(), e);
    }
  }

  /** The CID a pin is stored under, or null when the key is not one (the value decides then). */
  private static Cid keyCid(byte[] key) {
    try {
      return Cid.fromBytes(key);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private PeerRecord decodePeer(byte[] raw) {
    try {
      return Json.read(raw, PeerRecord.class);
    } catch (IllegalArgumentException e) {
      throw new StateStoreException("stored peer record is unreadable: " + e.getMessage(), e);
    }
  }

  private StateStoreException failure(String what, RocksDBException e) {
    return new StateStoreException(
        "pin store " + dir + ": cannot " + what + ": " + e.getMessage(), e);
  }

  /** Runs {@code body} while the store is open, holding the shared lifecycle lock. */
  private <T> T guarded(Supplier<T> body) {
    Lock lock = lifecycle.readLock();
    lock.lock();
    try {
      if (closed.get()) {
        throw new StateStoreException("pin store " + dir + " is closed");
      }
      return body.get();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Stops the notifier (undelivered changes are dropped), ends open iterators, and closes RocksDB.
   * Idempotent; waits for in-flight reads and writes to finish.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    notifier.close();
    Lock lock = lifecycle.writeLock();
    lock.lock();
    try {
      openIterators.forEach(PinIterator::release);
      openIterators.clear();
      h.close();
      writeOptions.close();
      LOG.info("closed pin store {} at applied={}", dir, applied);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Streams pins from a RocksDB snapshot. Releases its native resources when exhausted, closed, or
   * when the store closes or is replaced. One consumer thread.
   */
  private final class PinIterator implements CloseableIterator<Pin> {
    private final RocksHandles handles;
    private final Snapshot snapshot;
    private final ReadOptions readOptions;
    private final RocksIterator it;
    private boolean released;
    private volatile boolean replaced;

    PinIterator(RocksHandles handles, Cid startAfter) {
      this.handles = handles;
      snapshotsTaken.incrementAndGet();
      snapshot = handles.db().getSnapshot();
      readOptions = new ReadOptions().setSnapshot(snapshot).setFillCache(false);
      it = handles.db().newIterator(handles.pins(), readOptions);
      if (startAfter == null) {
        it.seekToFirst();
      } else {
        byte[] start = startAfter.toBytes();
        it.seek(start);
        if (it.isValid() && Arrays.equals(it.key(), start)) {
          it.next();
        }
      }
    }

    @Override
    public boolean hasNext() {
      Lock lock = lifecycle.readLock();
      lock.lock();
      try {
        checkNotReplaced();
        if (released) {
          return false;
        }
        if (!it.isValid()) {
          checkStatus();
          releaseAndForget();
          return false;
        }
        return true;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public Pin next() {
      Lock lock = lifecycle.readLock();
      lock.lock();
      try {
        checkNotReplaced();
        if (released || !it.isValid()) {
          throw new NoSuchElementException();
        }
        byte[] key = it.key();
        byte[] value = it.value();
        it.next();
        return decodePin(value, keyCid(key));
      } finally {
        lock.unlock();
      }
    }

    private void checkNotReplaced() {
      if (replaced) {
        throw new StateStoreException(
            "pin store "
                + dir
                + " was replaced by a snapshot install during this listing; list again");
      }
    }

    private void checkStatus() {
      try {
        it.status();
      } catch (RocksDBException e) {
        releaseAndForget();
        throw failure("iterate pins", e);
      }
    }

    @Override
    public void close() {
      Lock lock = lifecycle.readLock();
      lock.lock();
      try {
        releaseAndForget();
        replaced = false;
      } finally {
        lock.unlock();
      }
    }

    private void releaseAndForget() {
      release();
      openIterators.remove(this);
    }

    /** Ends the iteration with an error: the database under it is being replaced. */
    void invalidate() {
      replaced = true;
      release();
    }

    /** Frees native resources; idempotent. Caller holds the lifecycle lock (either mode). */
    void release() {
      if (released) {
        return;
      }
      released = true;
      it.close();
      readOptions.close();
      handles.db().releaseSnapshot(snapshot);
      snapshot.close();
    }
  }
}

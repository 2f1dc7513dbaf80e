package io.pincluster.state.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.PeerTableView;
import io.pincluster.core.PinStateView;
import io.pincluster.core.api.PeerRecord;
import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.json.Json;
import io.pincluster.core.peer.PeerId;
import io.pincluster.state.rocksdb.internal.ChangeNotifier;
import io.pincluster.state.rocksdb.internal.ChangeNotifier.Change;
import io.pincluster.state.rocksdb.internal.MetaCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
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
 * {@link #apply} is serialized internally (one writer at a time); in production the Raft state
 * machine thread is its only caller. Listeners run on the {@code pinstate-notifier} thread in apply
 * order; when {@value #NOTIFIER_CAPACITY} changes are waiting for them, {@link #apply} waits
 * (back-pressure) until there is room or the store is closed.
 *
 * <p>Durability: each batch is one RocksDB {@link WriteBatch} with the WAL on and {@code
 * sync=false}; the Raft log is the durable record, and a batch lost in a power failure is applied
 * again on replay (batches at or below {@link #appliedIndex()} are skipped).
 *
 * <p>Lifecycle: every read and write takes a shared lock and {@link #close()} takes it exclusively,
 * so no RocksDB handle is used after it is freed; after close every method throws {@link
 * StateStoreException}, and open iterators report no more elements.
 */
public final class RocksPinStore implements PinStateView, PeerTableView, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RocksPinStore.class);

  /** How many pin changes may wait for slow listeners before {@link #apply} waits. */
  public static final int NOTIFIER_CAPACITY = 65536;

  static final String PINS_CF = "pins";
  static final String PEERS_CF = "peers";
  private static final byte[] APPLIED_KEY = "applied".getBytes(UTF_8);
  private static final byte[] PIN_COUNT_KEY = "pin_count".getBytes(UTF_8);
  private static final Duration NOTIFIER_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final WriteOptions writeOptions;
  private final RocksDB db;
  private final List<ColumnFamilyHandle> handles;
  private final ColumnFamilyHandle metaCf;
  private final ColumnFamilyHandle pinsCf;
  private final ColumnFamilyHandle peersCf;
  private final ChangeNotifier notifier;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final Object writeLock = new Object();
  private final Set<PinIterator> openIterators = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile LogPosition applied;
  private volatile long pinCount;

  private RocksPinStore(
      Path dir,
      DBOptions dbOptions,
      ColumnFamilyOptions cfOptions,
      RocksDB db,
      List<ColumnFamilyHandle> handles,
      int notifierCapacity)
      throws RocksDBException {
    this.dir = dir;
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.db = db;
    this.handles = handles;
    this.metaCf = handles.get(0);
    this.pinsCf = handles.get(1);
    this.peersCf = handles.get(2);
    this.writeOptions = new WriteOptions().setSync(false).setDisableWAL(false);
    this.applied = MetaCodec.decodePosition(db.get(metaCf, APPLIED_KEY));
    this.pinCount = MetaCodec.decodeLong(db.get(metaCf, PIN_COUNT_KEY));
    this.notifier =
        new ChangeNotifier("pinstate-notifier", notifierCapacity, NOTIFIER_CLOSE_TIMEOUT);
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
    DBOptions dbOptions = null;
    ColumnFamilyOptions cfOptions = null;
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    RocksDB db = null;
    try {
      Files.createDirectories(dir);
      dbOptions =
          new DBOptions()
              .setCreateIfMissing(true)
              .setCreateMissingColumnFamilies(true)
              .setKeepLogFileNum(3)
              .setMaxLogFileSize(8L << 20);
      cfOptions = new ColumnFamilyOptions();
      List<ColumnFamilyDescriptor> cfs =
          List.of(
              new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
              new ColumnFamilyDescriptor(PINS_CF.getBytes(UTF_8), cfOptions),
              new ColumnFamilyDescriptor(PEERS_CF.getBytes(UTF_8), cfOptions));
      db = RocksDB.open(dbOptions, dir.toString(), cfs, handles);
      RocksPinStore store =
          new RocksPinStore(dir, dbOptions, cfOptions, db, handles, notifierCapacity);
      LOG.info("opened pin store {}: applied={} pins={}", dir, store.applied, store.pinCount);
      return store;
    } catch (Exception e) {
      handles.forEach(ColumnFamilyHandle::close);
      if (db != null) {
        db.close();
      }
      if (cfOptions != null) {
        cfOptions.close();
      }
      if (dbOptions != null) {
        dbOptions.close();
      }
      throw new StateStoreException("cannot open pin store in " + dir + ": " + e.getMessage(), e);
    }
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
   * never throws. Returns one result per operation, in order. Serialized with other calls.
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
            return write(term, index, batchOps);
          });
    }
  }

  private List<OpResult> write(long term, long index, List<StateOp> ops) {
    BatchState state = new BatchState(notifier.hasListeners());
    List<OpResult> results = new ArrayList<>(ops.size());
    try (WriteBatch batch = new WriteBatch()) {
      for (StateOp op : ops) {
        results.add(applyOne(batch, state, op));
      }
      batch.put(metaCf, APPLIED_KEY, MetaCodec.encodePosition(term, index));
      batch.put(metaCf, PIN_COUNT_KEY, MetaCodec.encodeLong(state.count));
      db.write(writeOptions, batch);
    } catch (RocksDBException e) {
      throw new StateStoreException(
          "cannot write batch at index " + index + " to " + dir + ": " + e.getMessage(), e);
    }
    applied = new LogPosition(term, index);
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
        return putPin(batch, state, p.pin());
      } else if (op instanceof StateOp.RemovePin r) {
        return removePin(batch, state, r.cid());
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

  private OpResult putPin(WriteBatch batch, BatchState state, Pin pin) throws RocksDBException {
    byte[] value = Json.write(pin);
    Optional<Pin> previous = currentPin(state, pin.cid());
    batch.put(pinsCf, pin.cid().toBytes(), value);
    state.pins.put(pin.cid(), Optional.of(pin));
    if (previous == null) {
      state.count++;
    }
    if (state.collectChanges) {
      state.changes.add(new Change(pin, previous == null ? null : previous.orElse(null), false));
    }
    return OpResult.ok(previous == null ? null : previous.orElse(null));
  }

  private OpResult removePin(WriteBatch batch, BatchState state, Cid cid) throws RocksDBException {
    Optional<Pin> previous = currentPin(state, cid);
    if (previous == null) {
      return OpResult.notFound();
    }
    batch.delete(pinsCf, cid.toBytes());
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
    byte[] raw = db.get(pinsCf, cid.toBytes());
    if (raw == null) {
      return null;
    }
    try {
      return Optional.of(Json.read(raw, Pin.class));
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
    batch.put(peersCf, peerKey(record.id()), Json.write(record));
    state.peers.put(record.id(), true);
    return OpResult.ok();
  }

  private OpResult removePeer(WriteBatch batch, BatchState state, PeerId id)
      throws RocksDBException {
    Boolean inBatch = state.peers.get(id);
    boolean exists = inBatch != null ? inBatch : db.get(peersCf, peerKey(id)) != null;
    if (!exists) {
      return OpResult.notFound();
    }
    batch.delete(peersCf, peerKey(id));
    state.peers.put(id, false);
    return OpResult.ok();
  }

  private static byte[] peerKey(PeerId id) {
    return id.toString().getBytes(UTF_8);
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
          byte[] raw = read(pinsCf, cid.toBytes());
          return raw == null ? Optional.empty() : Optional.of(decodePin(raw));
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
          PinIterator it = new PinIterator(startAfter);
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
            return db.getLongProperty(pinsCf, "rocksdb.estimate-num-keys");
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
          byte[] raw = read(peersCf, peerKey(id));
          return raw == null ? Optional.empty() : Optional.of(decodePeer(raw));
        });
  }

  @Override
  public List<PeerRecord> peers() {
    return guarded(
        () -> {
          List<PeerRecord> out = new ArrayList<>();
          try (RocksIterator it = db.newIterator(peersCf)) {
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
   * same filesystem for hard links to work.
   *
   * @throws StateStoreException if RocksDB fails
   */
  public void checkpoint(Path target) {
    guarded(
        () -> {
          try (Checkpoint cp = Checkpoint.create(db)) {
            cp.createCheckpoint(target.toString());
            return null;
          } catch (RocksDBException e) {
            throw failure("create checkpoint in " + target, e);
          }
        });
  }

  private byte[] read(ColumnFamilyHandle cf, byte[] key) {
    try {
      return db.get(cf, key);
    } catch (RocksDBException e) {
      throw failure("read", e);
    }
  }

  private Pin decodePin(byte[] raw) {
    try {
      return Json.read(raw, Pin.class);
    } catch (IllegalArgumentException e) {
      throw new StateStoreException("stored pin is unreadable: " + e.getMessage(), e);
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
      handles.forEach(ColumnFamilyHandle::close);
      try {
        db.closeE();
      } catch (RocksDBException e) {
        LOG.warn("closing pin store {} failed: {}", dir, e.getMessage());
      }
      writeOptions.close();
      cfOptions.close();
      dbOptions.close();
      LOG.info("closed pin store {} at applied={}", dir, applied);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Streams pins from a RocksDB snapshot. Releases its native resources when exhausted, closed, or
   * when the store closes. One consumer thread.
   */
  private final class PinIterator implements CloseableIterator<Pin> {
    private final Snapshot snapshot;
    private final ReadOptions readOptions;
    private final RocksIterator it;
    private boolean released;

    PinIterator(Cid startAfter) {
      snapshot = db.getSnapshot();
      readOptions = new ReadOptions().setSnapshot(snapshot).setFillCache(false);
      it = db.newIterator(pinsCf, readOptions);
      if (startAfter == null) {
        it.seekToFirst();
      } else {
        byte[] start = startAfter.toBytes();
        it.seek(start);
        if (it.isValid() && java.util.Arrays.equals(it.key(), start)) {
          it.next();
        }
      }
    }

    @Override
    public boolean hasNext() {
      Lock lock = lifecycle.readLock();
      lock.lock();
      try {
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
        if (released || !it.isValid()) {
          throw new NoSuchElementException();
        }
        byte[] value = it.value();
        it.next();
        return decodePin(value);
      } finally {
        lock.unlock();
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
      } finally {
        lock.unlock();
      }
    }

    private void releaseAndForget() {
      release();
      openIterators.remove(this);
    }

    /** Frees native resources; idempotent. Caller holds the lifecycle lock (either mode). */
    void release() {
      if (released) {
        return;
      }
      released = true;
      it.close();
      readOptions.close();
      db.releaseSnapshot(snapshot);
      snapshot.close();
    }
  }
}

package io.pincluster.state.rocksdb.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Env;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker store's RocksDB with its column families ({@code default} for meta keys, {@code
 * pinned}, {@code failures}) and the native options it owns. The owner makes sure nobody uses it
 * after {@link #close()}.
 *
 * <p>It has an {@code SstFileManager}: after a write failed for lack of space (RocksDB then refuses
 * every write), it polls the free space and resumes the database once there is room again, so
 * writes work again without a reopen or restart.
 */
public final class TrackerHandles implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrackerHandles.class);

  public static final String PINNED_CF = "pinned";
  public static final String FAILURES_CF = "failures";

  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final DBOptions dbOptions;
  private final ColumnOptions cfOptions;
  private final SstFileManager files; // null when read-only
  private final RocksDB db;
  private final List<ColumnFamilyHandle> handles;

  private TrackerHandles(
      Path dir,
      DBOptions dbOptions,
      ColumnOptions cfOptions,
      SstFileManager files,
      RocksDB db,
      List<ColumnFamilyHandle> handles) {
    this.dir = dir;
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.files = files;
    this.db = db;
    this.handles = handles;
  }

  /**
   * Opens, creating if needed, the database in {@code dir}.
   *
   * @throws Exception from RocksDB or the file system; nothing stays open then
   */
  public static TrackerHandles open(Path dir) throws Exception {
    return open(dir, DatabaseOptions.MAX_TOTAL_WAL_BYTES, 0);
  }

  /**
   * {@link #open(Path)} with at most {@code maxTotalWalBytes} of WAL and, unless 0, memtables of
   * {@code memtableBytes} (RocksDB's 64 MB otherwise).
   */
  static TrackerHandles open(Path dir, long maxTotalWalBytes, long memtableBytes) throws Exception {
    DBOptions dbOptions = null;
    ColumnOptions cfOptions = null;
    SstFileManager files = null;
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    RocksDB db = null;
    try {
      Files.createDirectories(dir);
      dbOptions = DatabaseOptions.create(false, maxTotalWalBytes);
      files = new SstFileManager(Env.getDefault());
      dbOptions.setSstFileManager(files); // resumes by itself once space is freed: see below
      cfOptions = ColumnOptions.forTrackerStore();
      if (memtableBytes > 0) {
        cfOptions.options().setWriteBufferSize(memtableBytes);
      }
      List<ColumnFamilyDescriptor> cfs =
          List.of(
              new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions.options()),
              new ColumnFamilyDescriptor(PINNED_CF.getBytes(UTF_8), cfOptions.options()),
              new ColumnFamilyDescriptor(FAILURES_CF.getBytes(UTF_8), cfOptions.options()));
      db = RocksDB.open(dbOptions, dir.toString(), cfs, handles);
      return new TrackerHandles(dir, dbOptions, cfOptions, files, db, handles);
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
      if (files != null) {
        files.close();
      }
      throw e;
    }
  }

  public RocksDB db() {
    return db;
  }

  public ColumnFamilyHandle meta() {
    return handles.get(0);
  }

  public ColumnFamilyHandle pinned() {
    return handles.get(1);
  }

  public ColumnFamilyHandle failures() {
    return handles.get(2);
  }

  /**
   * Flushes every column family (so the next open has no WAL to replay: RocksDB keeps what only the
   * WAL holds there on close), then closes the column families, the database and the options. Call
   * once.
   */
  @Override
  public void close() {
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush, handles);
    } catch (RocksDBException e) {
      LOG.warn("flushing RocksDB {} before closing it failed: {}", dir, e.getMessage());
    }
    handles.forEach(ColumnFamilyHandle::close);
    try {
      db.closeE();
    } catch (RocksDBException e) {
      LOG.warn("closing RocksDB {} failed: {}", dir, e.getMessage());
    }
    cfOptions.close();
    dbOptions.close();
    if (files != null) {
      files.close();
    }
  }
}

package io.pincluster.state.rocksdb.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Env;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open RocksDB with the store's three column families ({@code default} for meta keys, {@code
 * pins}, {@code peers}) and the native options it owns. Not thread-safe to close: the owner makes
 * sure nobody uses it after {@link #close()}.
 *
 * <p>A writable database has an {@code SstFileManager}: after a write failed for lack of space
 * (RocksDB then refuses every write), it polls the free space and resumes the database once there
 * is room again, so the owner only has to retry; no reopen or restart is needed.
 */
public final class RocksHandles implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RocksHandles.class);

  public static final String PINS_CF = "pins";
  public static final String PEERS_CF = "peers";

  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final DBOptions dbOptions;
  private final ColumnOptions cfOptions;
  private final SstFileManager files; // null when read-only
  private final RocksDB db;
  private final List<ColumnFamilyHandle> handles;

  private RocksHandles(
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
   * Opens (creating if needed, unless {@code readOnly}) the database in {@code dir}.
   *
   * @throws Exception from RocksDB or the file system; nothing stays open then
   */
  public static RocksHandles open(Path dir, boolean readOnly) throws Exception {
    return open(dir, readOnly, ColumnOptions::forPinset);
  }

  /**
   * Opens (creating it) the database in {@code dir} for one bulk load into an empty store, with
   * {@link ColumnOptions#forPinsetBulkLoad} and memtables of {@code memtableBytes}: nothing
   * compacts automatically, so the loader compacts; reads of unflushed data sort the memtable each
   * time.
   *
   * @throws Exception from RocksDB or the file system; nothing stays open then
   */
  public static RocksHandles openForBulkLoad(Path dir, long memtableBytes) throws Exception {
    return open(dir, false, () -> ColumnOptions.forPinsetBulkLoad(memtableBytes));
  }

  private static RocksHandles open(Path dir, boolean readOnly, Supplier<ColumnOptions> columns)
      throws Exception {
    DBOptions dbOptions = null;
    ColumnOptions cfOptions = null;
    SstFileManager files = null;
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    RocksDB db = null;
    try {
      if (!readOnly) {
        Files.createDirectories(dir);
      }
      cfOptions = columns.get();
      dbOptions =
          DatabaseOptions.create(readOnly, DatabaseOptions.MAX_TOTAL_WAL_BYTES)
              .setAllowConcurrentMemtableWrite(cfOptions.allowsConcurrentMemtableWrites());
      if (!readOnly) {
        files = new SstFileManager(Env.getDefault());
        dbOptions.setSstFileManager(files); // resumes by itself once space is freed: see below
      }
      List<ColumnFamilyDescriptor> cfs =
          List.of(
              new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions.options()),
              new ColumnFamilyDescriptor(PINS_CF.getBytes(UTF_8), cfOptions.options()),
              new ColumnFamilyDescriptor(PEERS_CF.getBytes(UTF_8), cfOptions.options()));
      db =
          readOnly
              ? RocksDB.openReadOnly(dbOptions, dir.toString(), cfs, handles)
              : RocksDB.open(dbOptions, dir.toString(), cfs, handles);
      return new RocksHandles(dir, dbOptions, cfOptions, files, db, handles);
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

  public Path dir() {
    return dir;
  }

  public RocksDB db() {
    return db;
  }

  public ColumnFamilyHandle meta() {
    return handles.get(0);
  }

  public ColumnFamilyHandle pins() {
    return handles.get(1);
  }

  public ColumnFamilyHandle peers() {
    return handles.get(2);
  }

  /** Closes the column families, the database and the options. Call once. */
  @Override
  public void close() {
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

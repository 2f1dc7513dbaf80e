package io.pincluster.state.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import io.pincluster.pintracker.Failure;
import io.pincluster.pintracker.KnownPin;
import io.pincluster.pintracker.TrackerStore;
import io.pincluster.state.rocksdb.internal.ChunkedIterator;
import io.pincluster.state.rocksdb.internal.ChunkedIterator.Chunk;
import io.pincluster.state.rocksdb.internal.TrackerCodec;
import io.pincluster.state.rocksdb.internal.TrackerCodec.Slot;
import io.pincluster.state.rocksdb.internal.TrackerHandles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pin tracker's {@link TrackerStore} in its own RocksDB (the daemon keeps it at {@code
 * <data_folder>/tracker}, beside the pinset). Not replicated: it describes this peer's IPFS node.
 *
 * <p>Layout ({@link TrackerCodec}): column family {@code pinned} holds the known-pinned view under
 * a generation prefix, {@code generation ‖ multihash}; the current generation is the meta key
 * {@code generation}. A {@link Rebuild} writes generation g+1 beside the live g, and its commit
 * flips the meta key (readers switch at once) and deletes generation g with one range delete. While
 * a rebuild is open, {@link #putPinned}/{@link #removePinned} write both generations (a removal
 * leaves a tombstone in g+1), which is how writes win over a stale listing. Leftovers of an
 * interrupted rebuild are deleted on open. {@code failures} maps multihash to a failure.
 *
 * <p>Threads: thread-safe. Reads never block on writes. A lifecycle lock (shared by every call,
 * exclusive for {@link #close()}) keeps native handles from being used after close; a view lock
 * (shared by writes, exclusive to begin, commit and abandon a rebuild) and per-multihash stripes
 * keep a listing's add and a tracker write on the same multihash from interleaving. Iterators read
 * in chunks with short-lived RocksDB iterators and resume by multihash, even across a commit.
 * Writes use the WAL without fsync: this is a cache the tracker rebuilds from IPFS.
 */
public final class RocksTrackerStore implements TrackerStore {
  private static final Logger LOG = LoggerFactory.getLogger(RocksTrackerStore.class);
  private static final byte[] GENERATION_KEY = "generation".getBytes(UTF_8);
  private static final int CHUNK = 512;
  private static final int STRIPES = 64;
  private static final byte[] ALL_GENERATIONS_END = new byte[9];

  static {
    Arrays.fill(ALL_GENERATIONS_END, (byte) 0xFF);
  }

  private final Path dir;
  private final TrackerHandles h;
  private final WriteOptions writeOptions = new WriteOptions().setSync(false);
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final ReentrantReadWriteLock views = new ReentrantReadWriteLock();
  private final Object[] stripes = new Object[STRIPES];
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile long gen;
  private volatile RocksRebuild rebuild; // changed only under the exclusive view lock

  private RocksTrackerStore(Path dir, TrackerHandles handles) throws RocksDBException {
    this.dir = dir;
    this.h = handles;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Object();
    }
    this.gen = TrackerCodec.decodeGeneration(h.db().get(h.meta(), GENERATION_KEY));
    h.db().deleteRange(h.pinned(), TrackerCodec.generation(0), TrackerCodec.generation(gen));
    h.db().deleteRange(h.pinned(), TrackerCodec.generation(gen + 1), ALL_GENERATIONS_END);
  }

  /**
   * Opens (creating if needed) the store in {@code dir}. The caller owns it and closes it after the
   * tracker. One process at a time (RocksDB locks the directory).
   *
   * @throws StateStoreException when the directory cannot be created or RocksDB fails to open
   */
  public static RocksTrackerStore open(Path dir) {
    TrackerHandles handles = null;
    try {
      handles = TrackerHandles.open(dir);
      RocksTrackerStore store = new RocksTrackerStore(dir, handles);
      LOG.info("opened tracker store {} at generation {}", dir, store.gen);
      return store;
    } catch (Exception e) {
      if (handles != null) {
        handles.close();
      }
      throw new StateStoreException(
          "cannot open tracker store in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The directory holding the database. */
  public Path directory() {
    return dir;
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Entry get(Cid cid) {
    return guarded(
        () -> {
          Multihash mh = cid.multihash();
          Optional<KnownPin> pin = inView(() -> readPinned(gen, mh).map(Slot::pin));
          byte[] raw = read(h.failures(), mh.bytes());
          return new Entry(pin, raw == null ? Optional.empty() : decodeFailure(raw));
        });
  }

  /**
   * Runs {@code body} holding the shared view lock, so the generation it reads is not deleted by a
   * commit under it. Lock order: the lifecycle lock first (see {@link #guarded}).
   */
  private <T> T inView(Supplier<T> body) {
    Lock lock = views.readLock();
    lock.lock();
    try {
      return body.get();
    } finally {
      lock.unlock();
    }
  }

  /** The live record of {@code mh} in generation {@code g}, empty for absent or tombstone. */
  private Optional<Slot> readPinned(long g, Multihash mh) {
    byte[] raw = read(h.pinned(), TrackerCodec.pinnedKey(g, mh));
    return raw == null ? Optional.empty() : decodeSlot(raw).filter(s -> !s.isTombstone());
  }

  @Override
  public CloseableIterator<KnownPin> pinned(Multihash startAfter) {
    checkOpen();
    return pinnedOf(() -> gen, startAfter);
  }

  /** The live records of the generation {@code g} says, from {@code startAfter}, in chunks. */
  private CloseableIterator<KnownPin> pinnedOf(LongSupplier g, Multihash startAfter) {
    byte[] first = startAfter == null ? null : startAfter.bytes();
    return new ChunkedIterator<>(
        last ->
            guarded( // lock order: lifecycle, then view
                () ->
                    inView(
                        () -> {
                          long generation = g.getAsLong();
                          byte[] after = last != null ? last : first;
                          byte[] start =
                              after == null
                                  ? TrackerCodec.generation(generation)
                                  : concat(TrackerCodec.generation(generation), after);
                          return scan(
                              h.pinned(),
                              start,
                              after != null,
                              key -> TrackerCodec.hasGeneration(key, generation),
                              key -> Arrays.copyOfRange(key, 8, key.length),
                              value ->
                                  decodeSlot(value).filter(s -> !s.isTombstone()).map(Slot::pin));
                        })));
  }

  @Override
  public CloseableIterator<Failure> failures(Multihash startAfter) {
    checkOpen();
    byte[] first = startAfter == null ? null : startAfter.bytes();
    return new ChunkedIterator<>(
        last -> {
          byte[] after = last != null ? last : first;
          return scan(
              h.failures(),
              after == null ? new byte[0] : after,
              after != null,
              key -> true,
              key -> key,
              this::decodeFailure);
        });
  }

  /**
   * Reads up to {@link #CHUNK} entries from {@code start} ({@code skipStart}: excluding it) while
   * {@code inRange}; returns the decoded ones and the resume key of the last entry read.
   */
  private <T> Chunk<T> scan(
      ColumnFamilyHandle cf,
      byte[] start,
      boolean skipStart,
      Predicate<byte[]> inRange,
      Function<byte[], byte[]> resumeKey,
      Function<byte[], Optional<T>> decode) {
    return guarded(
        () -> {
          List<T> items = new ArrayList<>();
          byte[] last = null;
          try (RocksIterator it = h.db().newIterator(cf)) {
            it.seek(start);
            if (skipStart && it.isValid() && Arrays.equals(it.key(), start)) {
              it.next();
            }
            for (int n = 0; n < CHUNK && it.isValid(); n++, it.next()) {
              byte[] key = it.key();
              if (!inRange.test(key)) {
                break;
              }
              last = resumeKey.apply(key);
              decode.apply(it.value()).ifPresent(items::add);
            }
            it.status();
          } catch (RocksDBException e) {
            throw failure("iterate", e);
          }
          return new Chunk<>(items, last);
        });
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void putPinned(KnownPin pin) {
    writePinned(pin.cid().multihash(), TrackerCodec.encodePinned(pin, true));
  }

  @Override
  public void removePinned(Cid cid) {
    writePinned(cid.multihash(), null);
  }

  /** Writes {@code value} (null: removes) to the live generation and to a rebuild's. */
  private void writePinned(Multihash mh, byte[] value) {
    guarded(
        () -> {
          Lock lock = views.readLock();
          lock.lock();
          try (WriteBatch batch = new WriteBatch()) {
            synchronized (stripe(mh)) {
              byte[] key = TrackerCodec.pinnedKey(gen, mh);
              if (value == null) {
                batch.delete(h.pinned(), key);
              } else {
                batch.put(h.pinned(), key, value);
              }
              RocksRebuild r = rebuild;
              if (r != null) {
                byte[] next = TrackerCodec.pinnedKey(r.generation, mh);
                batch.put(h.pinned(), next, value == null ? TrackerCodec.tombstone() : value);
              }
              h.db().write(writeOptions, batch);
            }
            return null;
          } catch (RocksDBException e) {
            throw failure("write a known pin", e);
          } finally {
            lock.unlock();
          }
        });
  }

  @Override
  public void putFailure(Failure failure) {
    guarded(
        () -> {
          try {
            h.db()
                .put(
                    h.failures(),
                    writeOptions,
                    failure.cid().multihash().bytes(),
                    TrackerCodec.encodeFailure(failure));
            return null;
          } catch (RocksDBException e) {
            throw failure("write a failure", e);
          }
        });
  }

  @Override
  public void removeFailure(Cid cid) {
    guarded(
        () -> {
          try {
            h.db().delete(h.failures(), writeOptions, cid.multihash().bytes());
            return null;
          } catch (RocksDBException e) {
            throw failure("remove a failure", e);
          }
        });
  }

  // ---------------------------------------------------------------- rebuild

  @Override
  public Rebuild beginRebuild() {
    return guarded(
        () -> {
          Lock lock = views.writeLock();
          lock.lock();
          try {
            if (rebuild != null) {
              throw new IllegalStateException("a rebuild of the tracker store is already open");
            }
            long next = gen + 1;
            deleteGeneration(next); // a leftover of an abandoned rebuild
            rebuild = new RocksRebuild(next);
            return rebuild;
          } finally {
            lock.unlock();
          }
        });
  }

  private void deleteGeneration(long g) {
    try {
      h.db().deleteRange(h.pinned(), TrackerCodec.generation(g), TrackerCodec.generation(g + 1));
    } catch (RocksDBException e) {
      throw failure("delete generation " + g, e);
    }
  }

  private final class RocksRebuild implements Rebuild {
    final long generation;
    private boolean done; // guarded by the view lock

    RocksRebuild(long generation) {
      this.generation = generation;
    }

    @Override
    public void add(Cid cid, PinMode mode) {
      guarded(
          () -> {
            Lock lock = views.readLock();
            lock.lock();
            try {
              checkUsable();
              Multihash mh = cid.multihash();
              synchronized (stripe(mh)) {
                addLocked(cid, mode, mh);
              }
              return null;
            } finally {
              lock.unlock();
            }
          });
    }

    private void addLocked(Cid cid, PinMode mode, Multihash mh) {
      byte[] key = TrackerCodec.pinnedKey(generation, mh);
      byte[] raw = read(h.pinned(), key);
      KnownPin pin;
      if (raw != null) {
        Slot slot = decodeSlot(raw).orElse(null);
        if (slot == null || slot.written() || mode != PinMode.RECURSIVE) {
          return; // a tracker write wins; recursive already, or direct again
        }
        pin = new KnownPin(slot.pin().cid(), mode, slot.pin().tracked());
      } else {
        KnownPin old = readPinned(gen, mh).map(Slot::pin).orElse(null);
        pin =
            old == null
                ? new KnownPin(cid, mode, false)
                : new KnownPin(old.cid(), mode, old.tracked());
      }
      try {
        h.db().put(h.pinned(), writeOptions, key, TrackerCodec.encodePinned(pin, false));
      } catch (RocksDBException e) {
        throw failure("write a listed pin", e);
      }
    }

    @Override
    public boolean has(Cid cid) {
      return guarded(
          () -> read(h.pinned(), TrackerCodec.pinnedKey(generation, cid.multihash())) != null);
    }

    @Override
    public CloseableIterator<KnownPin> lost() {
      checkOpen();
      return pinnedOf(() -> gen, null).filter(p -> !has(p.cid()));
    }

    @Override
    public void commit() {
      long old =
          guarded(
              () -> {
                Lock lock = views.writeLock();
                lock.lock();
                try {
                  checkUsable();
                  h.db()
                      .put(
                          h.meta(),
                          writeOptions,
                          GENERATION_KEY,
                          TrackerCodec.generation(generation));
                  long previous = gen;
                  gen = generation;
                  done = true;
                  rebuild = null;
                  return previous;
                } catch (RocksDBException e) {
                  throw failure("commit generation " + generation, e);
                } finally {
                  lock.unlock();
                }
              });
      guarded(
          () -> {
            deleteGeneration(old);
            return null;
          });
    }

    @Override
    public void close() {
      if (closed.get()) {
        return; // the leftover generation is deleted on the next open
      }
      guarded(
          () -> {
            Lock lock = views.writeLock();
            lock.lock();
            try {
              if (!done) {
                done = true;
                rebuild = null;
                deleteGeneration(generation);
              }
              return null;
            } finally {
              lock.unlock();
            }
          });
    }

    /** View lock held (either mode). */
    private void checkUsable() {
      if (done || rebuild != this) {
        throw new IllegalStateException("this rebuild was already committed or abandoned");
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private Object stripe(Multihash mh) {
    return stripes[Math.floorMod(mh.hashCode(), STRIPES)];
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private byte[] read(ColumnFamilyHandle cf, byte[] key) {
    try {
      return h.db().get(cf, key);
    } catch (RocksDBException e) {
      throw failure("read", e);
    }
  }

  private Optional<Slot> decodeSlot(byte[] raw) {
    try {
      return Optional.of(TrackerCodec.decodePinned(raw));
    } catch (IllegalArgumentException e) {
      LOG.warn("tracker store {}: skipping an unreadable pin record: {}", dir, e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<Failure> decodeFailure(byte[] raw) {
    try {
      return Optional.of(TrackerCodec.decodeFailure(raw));
    } catch (IllegalArgumentException e) {
      LOG.warn("tracker store {}: skipping an unreadable failure: {}", dir, e.getMessage());
      return Optional.empty();
    }
  }

  private StateStoreException failure(String what, RocksDBException e) {
    return new StateStoreException(
        "tracker store " + dir + ": cannot " + what + ": " + e.getMessage(), e);
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new StateStoreException("tracker store " + dir + " is closed");
    }
  }

  /** Runs {@code body} while the store is open, holding the shared lifecycle lock. */
  private <T> T guarded(Supplier<T> body) {
    Lock lock = lifecycle.readLock();
    lock.lock();
    try {
      checkOpen();
      return body.get();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /** Closes RocksDB after in-flight calls finish; an open rebuild is abandoned. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Lock lock = lifecycle.writeLock();
    lock.lock();
    try {
      h.close();
      writeOptions.close();
      LOG.info("closed tracker store {}", dir);
    } finally {
      lock.unlock();
    }
  }
}

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
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
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
 * keep a listing's write and a tracker write on the same multihash from interleaving. A rebuild
 * writes listed pins in batches (two multi-gets and one write batch, every stripe held), so what
 * was added shows in the new generation once {@link Rebuild#has}, {@link Rebuild#lost} or {@link
 * Rebuild#commit} is called. Iterators read in chunks with short-lived RocksDB iterators and resume
 * by multihash, even across a commit. Writes use the WAL without fsync: this is a cache the tracker
 * rebuilds from IPFS.
 */
public final class RocksTrackerStore implements TrackerStore {
  private static final Logger LOG = LoggerFactory.getLogger(RocksTrackerStore.class);
  private static final byte[] GENERATION_KEY = "generation".getBytes(UTF_8);
  private static final int CHUNK = 512;
  private static final int STRIPES = 64;

  /**
   * Listed pins a rebuild writes together: a batch of reads and writes costs far less per pin than
   * one read-read-write per pin, and tracker writes wait for at most one batch.
   */
  private static final int LISTING_BATCH = 1024;

  private static final byte[] ALL_GENERATIONS_END = new byte[9];

  static {
    Arrays.fill(ALL_GENERATIONS_END, (byte) 0xFF);
  }

  private final Path dir;
  private final TrackerHandles h;
  private final WriteOptions writeOptions = new WriteOptions().setSync(false);
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final ReentrantReadWriteLock views = new ReentrantReadWriteLock();
  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile long gen;
  private volatile RocksRebuild rebuild; // changed only under the exclusive view lock

  private RocksTrackerStore(Path dir, TrackerHandles handles) throws RocksDBException {
    this.dir = dir;
    this.h = handles;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
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

  /** One multi-get for the known pins and the failures of all of {@code cids}. */
  @Override
  public List<Entry> getAll(List<Cid> cids) {
    if (cids.isEmpty()) {
      return List.of();
    }
    return guarded(
        () ->
            inView(
                () -> {
                  int n = cids.size();
                  List<ColumnFamilyHandle> cfs = new ArrayList<>(2 * n);
                  List<byte[]> keys = new ArrayList<>(2 * n);
                  for (Cid cid : cids) {
                    cfs.add(h.pinned());
                    keys.add(TrackerCodec.pinnedKey(gen, cid.multihash()));
                  }
                  for (Cid cid : cids) {
                    cfs.add(h.failures());
                    keys.add(cid.multihash().bytes());
                  }
                  List<byte[]> raw = multiRead(cfs, keys);
                  List<Entry> entries = new ArrayList<>(n);
                  for (int i = 0; i < n; i++) {
                    byte[] pinned = raw.get(i);
                    byte[] failure = raw.get(n + i);
                    entries.add(
                        new Entry(
                            pinned == null
                                ? Optional.empty()
                                : decodeSlot(pinned)
                                    .filter(slot -> !slot.isTombstone())
                                    .map(Slot::pin),
                            failure == null ? Optional.empty() : decodeFailure(failure)));
                  }
                  return entries;
                }));
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
    writePinned(
        List.of(pin.cid().multihash()),
        List.of(TrackerCodec.encodePinned(pin, true)),
        "write a known pin");
  }

  @Override
  public void removePinned(Cid cid) {
    writePinned(List.of(cid.multihash()), Collections.singletonList(null), "write a known pin");
  }

  @Override
  public void putPinnedAll(List<KnownPin> pins) {
    if (pins.isEmpty()) {
      return;
    }
    List<Multihash> mhs = new ArrayList<>(pins.size());
    List<byte[]> values = new ArrayList<>(pins.size());
    for (KnownPin pin : pins) {
      mhs.add(pin.cid().multihash());
      values.add(TrackerCodec.encodePinned(pin, true));
    }
    writePinned(mhs, values, "write known pins");
  }

  /**
   * Writes each of {@code values} (null: removes) for the multihash at the same index to the live
   * generation and to a rebuild's, in one write batch, their stripes held (in index order) until it
   * is written.
   */
  private void writePinned(List<Multihash> mhs, List<byte[]> values, String what) {
    TreeSet<Integer> held = new TreeSet<>();
    mhs.forEach(mh -> held.add(stripeIndex(mh)));
    guarded(
        () -> {
          Lock lock = views.readLock();
          lock.lock();
          try (WriteBatch batch = new WriteBatch()) {
            held.forEach(i -> stripes[i].lock());
            try {
              RocksRebuild r = rebuild;
              for (int i = 0; i < mhs.size(); i++) {
                byte[] value = values.get(i);
                byte[] key = TrackerCodec.pinnedKey(gen, mhs.get(i));
                if (value == null) {
                  batch.delete(h.pinned(), key);
                } else {
                  batch.put(h.pinned(), key, value);
                }
                if (r != null) {
                  byte[] next = TrackerCodec.pinnedKey(r.generation, mhs.get(i));
                  batch.put(h.pinned(), next, value == null ? TrackerCodec.tombstone() : value);
                }
              }
              h.db().write(writeOptions, batch);
            } finally {
              held.descendingSet().forEach(i -> stripes[i].unlock());
            }
            return null;
          } catch (RocksDBException e) {
            throw failure(what, e);
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
    private volatile boolean done; // written under the view lock
    private final List<Listed> unwritten = new ArrayList<>(); // the rebuild's thread only

    RocksRebuild(long generation) {
      this.generation = generation;
    }

    /** Kept until {@link #LISTING_BATCH} of them are written together by {@link #flush}. */
    @Override
    public void add(Cid cid, PinMode mode) {
      checkOpen();
      if (done) {
        throw new IllegalStateException("this rebuild was already committed or abandoned");
      }
      unwritten.add(new Listed(cid, mode));
      if (unwritten.size() >= LISTING_BATCH) {
        flush();
      }
    }

    /**
     * Writes the listed pins not yet written: two multi-gets (this generation's and the current
     * one's records) and one write batch, with every stripe held so that no tracker write on their
     * multihashes comes between the reads and the write.
     */
    private void flush() {
      if (unwritten.isEmpty()) {
        return;
      }
      List<Listed> batch = List.copyOf(unwritten);
      unwritten.clear();
      guarded(
          () -> {
            Lock lock = views.readLock();
            lock.lock();
            try {
              checkUsable();
              lockStripes();
              try {
                writeListed(batch);
              } finally {
                unlockStripes();
              }
              return null;
            } finally {
              lock.unlock();
            }
          });
    }

    /** View lock and every stripe held. */
    private void writeListed(List<Listed> batch) {
      int n = batch.size();
      List<byte[]> nextKeys = new ArrayList<>(n);
      List<byte[]> currentKeys = new ArrayList<>(n);
      for (Listed l : batch) {
        Multihash mh = l.cid().multihash();
        nextKeys.add(TrackerCodec.pinnedKey(generation, mh));
        currentKeys.add(TrackerCodec.pinnedKey(gen, mh));
      }
      List<ColumnFamilyHandle> cfs = Collections.nCopies(n, h.pinned());
      try (WriteBatch writes = new WriteBatch()) {
        List<byte[]> next = h.db().multiGetAsList(cfs, nextKeys);
        List<byte[]> current = h.db().multiGetAsList(cfs, currentKeys);
        Map<ByteBuffer, KnownPin> listedNow = new HashMap<>();
        for (int i = 0; i < n; i++) {
          Listed l = batch.get(i);
          ByteBuffer key = ByteBuffer.wrap(nextKeys.get(i));
          KnownPin earlier = listedNow.get(key);
          KnownPin pin =
              earlier != null
                  ? listedAgain(earlier, l.mode())
                  : listed(l, next.get(i), current.get(i));
          if (pin != null) {
            listedNow.put(key, pin);
            writes.put(h.pinned(), nextKeys.get(i), TrackerCodec.encodePinned(pin, false));
          }
        }
        h.db().write(writeOptions, writes);
      } catch (RocksDBException e) {
        throw failure("write listed pins", e);
      }
    }

    /**
     * The record {@code l} gives, from this generation's record {@code nextRaw} and the current
     * one's {@code currentRaw} (either may be null); null: leave this generation's record as it is
     * (a tracker write wins; recursive already, or direct again).
     */
    private KnownPin listed(Listed l, byte[] nextRaw, byte[] currentRaw) {
      if (nextRaw != null) {
        Slot slot = decodeSlot(nextRaw).orElse(null);
        if (slot == null || slot.written()) {
          return null;
        }
        return listedAgain(slot.pin(), l.mode());
      }
      KnownPin old =
          currentRaw == null
              ? null
              : decodeSlot(currentRaw).filter(s -> !s.isTombstone()).map(Slot::pin).orElse(null);
      return old == null
          ? new KnownPin(l.cid(), l.mode(), false)
          : new KnownPin(old.cid(), l.mode(), old.tracked());
    }

    /** A pin this rebuild listed already, listed again in {@code mode}: recursive wins. */
    private KnownPin listedAgain(KnownPin earlier, PinMode mode) {
      return mode == PinMode.RECURSIVE && earlier.mode() != PinMode.RECURSIVE
          ? new KnownPin(earlier.cid(), mode, earlier.tracked())
          : null;
    }

    @Override
    public boolean has(Cid cid) {
      flush();
      return guarded(
          () -> read(h.pinned(), TrackerCodec.pinnedKey(generation, cid.multihash())) != null);
    }

    @Override
    public CloseableIterator<KnownPin> lost() {
      checkOpen();
      flush();
      return pinnedOf(() -> gen, null).filter(p -> !has(p.cid()));
    }

    @Override
    public void commit() {
      flush();
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
      unwritten.clear();
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

  private static int stripeIndex(Multihash mh) {
    return Math.floorMod(mh.hashCode(), STRIPES);
  }

  /**
   * Takes every stripe, in index order (a writer holds one, or several taken in index order, so
   * this cannot deadlock).
   */
  private void lockStripes() {
    for (ReentrantLock stripe : stripes) {
      stripe.lock();
    }
  }

  private void unlockStripes() {
    for (int i = stripes.length - 1; i >= 0; i--) {
      stripes[i].unlock();
    }
  }

  /** A pin IPFS listed, not yet written to the rebuilding generation. */
  private record Listed(Cid cid, PinMode mode) {}

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

  private List<byte[]> multiRead(List<ColumnFamilyHandle> cfs, List<byte[]> keys) {
    try {
      return h.db().multiGetAsList(cfs, keys);
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

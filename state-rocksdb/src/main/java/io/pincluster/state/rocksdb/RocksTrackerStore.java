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
import io.pincluster.state.rocksdb.internal.GrowingBloomFilter;
import io.pincluster.state.rocksdb.internal.MetaCodec;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
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
 * a generation prefix, {@code generation ‖ multihash} (one generation; earlier releases flipped to
 * a new one each rebuild, and other generations are deleted on open). {@code failures} maps
 * multihash to a failure.
 *
 * <p>Rebuilds are made in place and write only differences, so a steady-state IPFS sync of N pins
 * costs N reads and a sweep, not N writes. Each {@link #beginRebuild} starts a new epoch (the meta
 * key {@code epoch}); every tracker write stamps its record with the current epoch, and while a
 * rebuild is open a removal leaves a tombstone stamped so. A listed pin is written only when its
 * record differs and was not stamped in the rebuild's epoch (a tracker write since the rebuild
 * began wins). The listed multihashes go into a Bloom filter (a new seed each rebuild); the sweep
 * behind {@link Rebuild#lost} walks the view and names the records neither listed nor stamped in
 * this epoch, deleting each once the caller has moved past its chunk, unless it changed meanwhile.
 * It also deletes tombstones of earlier epochs. A false positive of the filter keeps a lost pin for
 * one more rebuild (or, for a multihash listed direct whose record says recursive, that mode: the
 * filter is also how a second listing of a multihash is recognised). Readers see what a listing
 * changes as it is written, before the commit.
 *
 * <p>Threads: thread-safe. Reads never block on writes. A lifecycle lock (shared by every call,
 * exclusive for {@link #close()}) keeps native handles from being used after close; a view lock
 * (shared by writes, exclusive to begin and end a rebuild) and per-multihash stripes keep a
 * listing's or sweep's write and a tracker write on the same multihash from interleaving. A rebuild
 * writes listed pins in batches (a multi-get and a write batch, every stripe held), so what was
 * added shows once {@link Rebuild#has}, {@link Rebuild#lost} or {@link Rebuild#commit} is called.
 * Iterators read in chunks with short-lived RocksDB iterators and resume by multihash. Writes use
 * the WAL without fsync: this is a cache the tracker rebuilds from IPFS.
 */
public final class RocksTrackerStore implements TrackerStore {
  private static final Logger LOG = LoggerFactory.getLogger(RocksTrackerStore.class);
  private static final byte[] GENERATION_KEY = "generation".getBytes(UTF_8);
  private static final byte[] EPOCH_KEY = "epoch".getBytes(UTF_8);
  private static final int CHUNK = 512;
  private static final int STRIPES = 64;

  /**
   * Listed pins a rebuild writes together: a batch of reads and writes costs far less per pin than
   * one read-read-write per pin, and tracker writes wait for at most one batch.
   */
  private static final int LISTING_BATCH = 1024;

  /**
   * Bloom filter bits a listed pin: with 7 probes about 0.02% false positives (0.8% at half of it).
   * The filter is sized for the last listing or the store's records, at least {@link
   * #MIN_EXPECTED_PINS}, and grows while pins are listed until all its parts hold {@link
   * #MAX_FILTER_BITS} (64 MB, 26M pins at this rate).
   */
  private static final int FILTER_BITS_PER_PIN = 20;

  private static final long MIN_EXPECTED_PINS = 1 << 16;
  private static final long MAX_FILTER_BITS = 1L << 29;

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
  private final AtomicLong unreadable = new AtomicLong(); // pin records that did not decode
  private final WriteOptions syncedWrites = new WriteOptions().setSync(true);
  private final LongSupplier seeds;
  private final long gen;
  private volatile long epoch; // changed only under the exclusive view lock
  private volatile long lastListed; // pins the last finished rebuild listed
  private volatile RocksRebuild rebuild; // changed only under the exclusive view lock

  private RocksTrackerStore(Path dir, TrackerHandles handles, LongSupplier seeds)
      throws RocksDBException {
    this.dir = dir;
    this.h = handles;
    this.seeds = seeds;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
    this.gen = TrackerCodec.decodeGeneration(h.db().get(h.meta(), GENERATION_KEY));
    this.epoch = MetaCodec.decodeLong(h.db().get(h.meta(), EPOCH_KEY));
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
    return open(dir, () -> ThreadLocalRandom.current().nextLong());
  }

  /** {@link #open(Path)}, each rebuild's Bloom filter seeded by {@code seeds}. */
  static RocksTrackerStore open(Path dir, LongSupplier seeds) {
    TrackerHandles handles = null;
    try {
      handles = TrackerHandles.open(dir);
      RocksTrackerStore store = new RocksTrackerStore(dir, handles, seeds);
      LOG.info("opened tracker store {} at epoch {}", dir, store.epoch);
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
          byte[] pinned = read(h.pinned(), TrackerCodec.pinnedKey(gen, mh));
          byte[] failure = read(h.failures(), mh.bytes());
          return entry(pinned, failure);
        });
  }

  /** One multi-get for the known pins and the failures of all of {@code cids}. */
  @Override
  public List<Entry> getAll(List<Cid> cids) {
    if (cids.isEmpty()) {
      return List.of();
    }
    return guarded(
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
            entries.add(entry(raw.get(i), raw.get(n + i)));
          }
          return entries;
        });
  }

  /** The entry of a {@code pinned} value and a failure value (either may be null). */
  private Entry entry(byte[] pinned, byte[] failure) {
    return new Entry(
        pinned == null ? Optional.empty() : livePin(pinned),
        failure == null ? Optional.empty() : decodeFailure(failure));
  }

  /** The pin of a {@code pinned} value; empty for a tombstone or an unreadable record. */
  private Optional<KnownPin> livePin(byte[] raw) {
    return decodeSlot(raw).filter(slot -> !slot.isTombstone()).map(Slot::pin);
  }

  @Override
  public CloseableIterator<KnownPin> pinned(Multihash startAfter) {
    checkOpen();
    byte[] first = startAfter == null ? null : startAfter.bytes();
    return new ChunkedIterator<>(
        last -> {
          byte[] after = last != null ? last : first;
          return scanView(after, (key, value) -> livePin(value));
        });
  }

  /** {@link #scan} of the view's records after the multihash {@code after} (null: the first). */
  private <T> Chunk<T> scanView(byte[] after, BiFunction<byte[], byte[], Optional<T>> decode) {
    return scan(
        h.pinned(),
        after == null ? TrackerCodec.generation(gen) : concat(TrackerCodec.generation(gen), after),
        after != null,
        key -> TrackerCodec.hasGeneration(key, gen),
        key -> Arrays.copyOfRange(key, 8, key.length),
        decode);
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
              (key, value) -> decodeFailure(value));
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
      BiFunction<byte[], byte[], Optional<T>> decode) {
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
              decode.apply(key, it.value()).ifPresent(items::add);
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
    writePinned(List.of(pin.cid().multihash()), List.of(pin), "write a known pin");
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
    pins.forEach(pin -> mhs.add(pin.cid().multihash()));
    writePinned(mhs, pins, "write known pins");
  }

  /**
   * Writes each of {@code pins} (null: removes) for the multihash at the same index, stamped with
   * the current epoch, in one write batch, their stripes held (in index order) until it is written.
   * A removal while a rebuild is open leaves a tombstone, so that the rebuild's listing does not
   * bring the pin back.
   */
  private void writePinned(List<Multihash> mhs, List<KnownPin> pins, String what) {
    TreeSet<Integer> held = new TreeSet<>();
    mhs.forEach(mh -> held.add(stripeIndex(mh)));
    guarded(
        () -> {
          Lock lock = views.readLock();
          lock.lock();
          try (WriteBatch batch = new WriteBatch()) {
            long stamp = epoch;
            boolean rebuilding = rebuild != null;
            held.forEach(i -> stripes[i].lock());
            try {
              for (int i = 0; i < mhs.size(); i++) {
                KnownPin pin = pins.get(i);
                byte[] key = TrackerCodec.pinnedKey(gen, mhs.get(i));
                if (pin != null) {
                  batch.put(h.pinned(), key, TrackerCodec.encodePinned(pin, stamp));
                } else if (rebuilding) {
                  batch.put(h.pinned(), key, TrackerCodec.tombstone(stamp));
                } else {
                  batch.delete(h.pinned(), key);
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

  /** Starts a new epoch (kept on disk before it is used) and a rebuild in it. */
  @Override
  public Rebuild beginRebuild() {
    return withViewsExclusive(
        () -> {
          if (rebuild != null) {
            throw new IllegalStateException("a rebuild of the tracker store is already open");
          }
          long next = epoch + 1;
          try {
            h.db().put(h.meta(), syncedWrites, EPOCH_KEY, MetaCodec.encodeLong(next));
          } catch (RocksDBException e) {
            throw failure("begin a rebuild", e);
          }
          epoch = next;
          rebuild = new RocksRebuild(next, newListedFilter());
          return rebuild;
        });
  }

  /**
   * Runs {@code body} while the store is open, holding the exclusive view lock, so that no tracker
   * write sees the epoch and the open rebuild half changed.
   */
  private <T> T withViewsExclusive(Supplier<T> body) {
    return guarded(
        () -> {
          Lock lock = views.writeLock();
          lock.lock();
          try {
            return body.get();
          } finally {
            lock.unlock();
          }
        });
  }

  /** A filter for the pins the last listing or the store holds, growing when more are listed. */
  private GrowingBloomFilter newListedFilter() {
    long expected = Math.max(MIN_EXPECTED_PINS, Math.max(lastListed, estimatedRecords()));
    return new GrowingBloomFilter(
        expected, FILTER_BITS_PER_PIN, MAX_FILTER_BITS, seeds.getAsLong());
  }

  private long estimatedRecords() {
    try {
      return h.db().getLongProperty(h.pinned(), "rocksdb.estimate-num-keys");
    } catch (RocksDBException e) {
      return 0; // only sizes the filter
    }
  }

  private final class RocksRebuild implements Rebuild {
    private final long stamp;
    private final GrowingBloomFilter listedFilter; // the rebuild's thread only
    private final List<Listed> unwritten = new ArrayList<>(); // the rebuild's thread only
    private volatile boolean done; // written under the view lock
    private long listed; // the rebuild's thread only
    private Sweep sweep; // the rebuild's thread only

    RocksRebuild(long stamp, GrowingBloomFilter listedFilter) {
      this.stamp = stamp;
      this.listedFilter = listedFilter;
    }

    /** Kept until {@link #LISTING_BATCH} of them are written together by {@link #flush}. */
    @Override
    public void add(Cid cid, PinMode mode) {
      checkNotDone();
      unwritten.add(new Listed(cid, mode));
      listed++;
      if (unwritten.size() >= LISTING_BATCH) {
        flush();
      }
    }

    /**
     * Writes what the listed pins not yet written change: one multi-get of their records and one
     * write batch, with every stripe held so that no tracker write on their multihashes comes
     * between the read and the write.
     */
    private void flush() {
      if (unwritten.isEmpty()) {
        return;
      }
      List<Listed> batch = List.copyOf(unwritten);
      unwritten.clear();
      underEveryStripe(() -> writeListed(batch));
    }

    /**
     * View lock and every stripe held. Records are compared by their mode and stamp; a CID is
     * decoded only for a record that changes.
     */
    private void writeListed(List<Listed> batch) {
      int n = batch.size();
      List<byte[]> keys = new ArrayList<>(n);
      for (Listed l : batch) {
        keys.add(TrackerCodec.pinnedKey(gen, l.cid().multihash()));
      }
      try (WriteBatch writes = new WriteBatch()) {
        List<byte[]> current = h.db().multiGetAsList(Collections.nCopies(n, h.pinned()), keys);
        Map<ByteBuffer, byte[]> listedNow = new HashMap<>(); // each record as this batch left it
        for (int i = 0; i < n; i++) {
          byte[] key = keys.get(i);
          ByteBuffer k = ByteBuffer.wrap(key);
          byte[] was;
          boolean again;
          if (listedNow.containsKey(k)) {
            was = listedNow.get(k);
            again = true;
          } else {
            was = readable(current.get(i));
            again = listedFilter.mightContain(key, 8);
            listedFilter.add(key, 8);
          }
          if (was != null && TrackerCodec.stampOf(was) == stamp) {
            listedNow.put(k, was); // written or removed by the tracker since the rebuild began
            continue;
          }
          byte[] now = listed(batch.get(i), was, again);
          if (now != null) {
            writes.put(h.pinned(), key, now);
          }
          listedNow.put(k, now != null ? now : was);
        }
        if (writes.count() > 0) {
          h.db().write(writeOptions, writes);
        }
      } catch (RocksDBException e) {
        throw failure("write listed pins", e);
      }
    }

    /**
     * The record {@code l} gives for the record {@code was} (null: none), or null to leave {@code
     * was} as it is: an untracked pin of the listed CID in place of none or of a tombstone of an
     * earlier epoch, else the same CID and tracked flag in the listed mode. {@code again}: the
     * multihash was listed before in this rebuild (or, rarely, the filter says so wrongly), so
     * {@code was} is what that listing left and recursive wins.
     */
    private byte[] listed(Listed l, byte[] was, boolean again) {
      if (was == null || TrackerCodec.isTombstone(was)) {
        return TrackerCodec.encodePinned(new KnownPin(l.cid(), l.mode(), false), 0);
      }
      PinMode mode = TrackerCodec.modeOf(was);
      if (mode == l.mode() || (again && mode == PinMode.RECURSIVE)) {
        return null;
      }
      KnownPin old = TrackerCodec.decodePinned(was).pin();
      return TrackerCodec.encodePinned(new KnownPin(old.cid(), l.mode(), old.tracked()), 0);
    }

    /** Listed (or, rarely, a false positive of the filter), or written since the rebuild began. */
    @Override
    public boolean has(Cid cid) {
      checkNotDone();
      flush();
      byte[] key = TrackerCodec.pinnedKey(gen, cid.multihash());
      if (listedFilter.mightContain(key, 8)) {
        return true;
      }
      byte[] raw = readable(guarded(() -> read(h.pinned(), key)));
      return raw != null && TrackerCodec.stampOf(raw) == stamp;
    }

    @Override
    public CloseableIterator<KnownPin> lost() {
      checkNotDone();
      flush();
      if (sweep != null) {
        sweep.deletePending();
      }
      sweep = new Sweep();
      return new ChunkedIterator<>(sweep::next);
    }

    /** Finishes the sweep (deleting what it finds, when {@link #lost} was not drained). */
    @Override
    public void commit() {
      checkNotDone();
      flush();
      if (sweep == null) {
        sweep = new Sweep();
      }
      while (!sweep.finished) {
        sweep.next(sweep.resume);
      }
      sweep.deletePending();
      withViewsExclusive(
          () -> {
            checkUsable();
            done = true;
            rebuild = null;
            lastListed = listed;
            return null;
          });
      if (listedFilter.overfull()) {
        LOG.warn(
            "tracker store {}: the IPFS sync listed {} pins, more than its {} MB filter holds;"
                + " a pin IPFS lost may be noticed a sync later",
            dir,
            listed,
            listedFilter.bits() >>> 23);
      }
    }

    /** Keeps what the listing wrote; drops nothing the sweep has not dropped already. */
    @Override
    public void close() {
      unwritten.clear();
      if (closed.get()) {
        return;
      }
      withViewsExclusive(
          () -> {
            if (!done) {
              done = true;
              rebuild = null;
            }
            return null;
          });
    }

    /** Runs {@code body} holding the view lock and every stripe, this rebuild still open. */
    private void underEveryStripe(Runnable body) {
      guarded(
          () -> {
            Lock lock = views.readLock();
            lock.lock();
            try {
              checkUsable();
              lockStripes();
              try {
                body.run();
              } finally {
                unlockStripes();
              }
              return null;
            } finally {
              lock.unlock();
            }
          });
    }

    private void checkNotDone() {
      checkOpen();
      if (done) {
        throw new IllegalStateException("this rebuild was already committed or abandoned");
      }
    }

    /** View lock held (either mode). */
    private void checkUsable() {
      if (done || rebuild != this) {
        throw new IllegalStateException("this rebuild was already committed or abandoned");
      }
    }

    /**
     * One walk over the view: names the records neither listed nor stamped in this epoch, and
     * deletes them with the tombstones of earlier epochs a chunk later (after the caller has seen
     * them), each only if it is still what the walk read.
     */
    private final class Sweep {
      private final List<byte[]> pendingKeys = new ArrayList<>();
      private final List<byte[]> pendingValues = new ArrayList<>();
      byte[] resume;
      boolean finished;

      Chunk<KnownPin> next(byte[] after) {
        deletePending();
        Chunk<KnownPin> chunk = scanView(after, this::visit);
        resume = chunk.lastKey();
        finished = resume == null;
        return chunk;
      }

      /** A CID is decoded only for a lost pin. */
      private Optional<KnownPin> visit(byte[] key, byte[] value) {
        if (readable(value) == null || TrackerCodec.stampOf(value) == stamp) {
          return Optional.empty();
        }
        boolean tombstone = TrackerCodec.isTombstone(value);
        if (!tombstone && listedFilter.mightContain(key, 8)) {
          return Optional.empty();
        }
        Optional<KnownPin> lost = tombstone ? Optional.empty() : decodeSlot(value).map(Slot::pin);
        if (tombstone || lost.isPresent()) {
          pendingKeys.add(key);
          pendingValues.add(value);
        }
        return lost;
      }

      void deletePending() {
        if (pendingKeys.isEmpty()) {
          return;
        }
        underEveryStripe(
            () -> {
              try (WriteBatch deletes = new WriteBatch()) {
                List<byte[]> now =
                    h.db()
                        .multiGetAsList(
                            Collections.nCopies(pendingKeys.size(), h.pinned()), pendingKeys);
                for (int i = 0; i < pendingKeys.size(); i++) {
                  if (Arrays.equals(now.get(i), pendingValues.get(i))) {
                    deletes.delete(h.pinned(), pendingKeys.get(i));
                  }
                }
                if (deletes.count() > 0) {
                  h.db().write(writeOptions, deletes);
                }
              } catch (RocksDBException e) {
                throw failure("delete lost pins", e);
              }
            });
        pendingKeys.clear();
        pendingValues.clear();
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

  /**
   * {@code raw} when its version, flags and stamp read (null and unreadable records: null, the
   * latter logged as {@link #decodeSlot} does).
   */
  private byte[] readable(byte[] raw) {
    if (raw == null) {
      return null;
    }
    try {
      TrackerCodec.stampOf(raw);
      if (!TrackerCodec.isTombstone(raw)) {
        TrackerCodec.modeOf(raw);
      }
      return raw;
    } catch (IllegalArgumentException e) {
      return decodeSlot(raw).isPresent() ? raw : null;
    }
  }

  private Optional<Slot> decodeSlot(byte[] raw) {
    try {
      return Optional.of(TrackerCodec.decodePinned(raw));
    } catch (IllegalArgumentException e) {
      long n = unreadable.incrementAndGet();
      if (n <= 10 || n % 100_000 == 0) {
        LOG.warn(
            "tracker store {}: skipping an unreadable pin record ({} so far): {}",
            dir,
            n,
            e.getMessage());
      }
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

  // ---------------------------------------------------------------- probes for tests

  /** The {@code pinned} record of {@code mh} as stored (tombstones too), null if none. */
  byte[] rawPinned(Multihash mh) {
    return guarded(() -> read(h.pinned(), TrackerCodec.pinnedKey(gen, mh)));
  }

  /** Writes and deletes of {@code pinned} records in the memtables (none flushed yet). */
  long pinnedMemtableEntries() {
    return guarded(
        () -> {
          try {
            return h.db().getLongProperty(h.pinned(), "rocksdb.num-entries-active-mem-table")
                + h.db().getLongProperty(h.pinned(), "rocksdb.num-entries-imm-mem-tables");
          } catch (RocksDBException e) {
            throw failure("read a property", e);
          }
        });
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
      syncedWrites.close();
      LOG.info("closed tracker store {}", dir);
    } finally {
      lock.unlock();
    }
  }
}

package io.pincluster.pintracker;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pin tracker's local, non-replicated memory of this peer's IPFS node, kept off the heap so a
 * peer with millions of pins needs no more memory than one with a few: what IPFS has pinned (the
 * "known pinned" view), and the {@link Failure}s (failed operations, pins found missing).
 *
 * <p>Everything is keyed by multihash, as IPFS compares content: a CIDv0 and its CIDv1 are the same
 * key, and each record carries the CID it was stored with. Iteration is in unsigned multihash byte
 * order and streamed: iterators hold no native resources between calls, see writes made while they
 * run or not, and never fail because of them.
 *
 * <p>The known-pinned view is rebuilt from IPFS's pin list by a {@link Rebuild}: the listing is
 * written beside the current view, which readers keep seeing, and the new view replaces it
 * atomically on {@link Rebuild#commit()}, so an IPFS failure mid-listing changes nothing. Writes
 * made while a rebuild runs go to both views and win over what the listing says.
 *
 * <p>Thread-safe; every method may block briefly on disk I/O and fails with an unchecked {@link
 * io.pincluster.core.ClusterException} subclass when the storage fails or the store is closed.
 * Writes are durable enough for a cache of IPFS's state: the tracker rebuilds what it lost on its
 * next IPFS sync. The owner (the daemon) closes it after the tracker.
 */
public interface TrackerStore extends AutoCloseable {
  /** What the store holds for one multihash. */
  record Entry(Optional<KnownPin> pinned, Optional<Failure> failure) {
    public static final Entry EMPTY = new Entry(Optional.empty(), Optional.empty());

    public Entry {
      pinned = pinned == null ? Optional.empty() : pinned;
      failure = failure == null ? Optional.empty() : failure;
    }
  }

  /** The known pin and the failure for {@code cid}'s multihash. */
  Entry get(Cid cid);

  /**
   * What {@link #get} returns for each of {@code cids}, in the same order: one read of many keys,
   * for streams over the whole pinset. Not atomic across the list.
   */
  default List<Entry> getAll(List<Cid> cids) {
    List<Entry> entries = new ArrayList<>(cids.size());
    for (Cid cid : cids) {
      entries.add(get(cid));
    }
    return entries;
  }

  /** Records that IPFS holds {@code pin} (replacing what was known for its multihash). */
  void putPinned(KnownPin pin);

  /**
   * {@link #putPinned} of each of {@code pins}, in one write where the store can (a batch of pins
   * IPFS pinned together). Not atomic with other writes on the same multihashes beyond what each
   * {@link #putPinned} guarantees.
   */
  default void putPinnedAll(List<KnownPin> pins) {
    pins.forEach(this::putPinned);
  }

  /** Records that IPFS no longer holds {@code cid}'s multihash. Absent is fine. */
  void removePinned(Cid cid);

  /** The known pins after {@code startAfter} (exclusive; null = from the first). */
  CloseableIterator<KnownPin> pinned(Multihash startAfter);

  /** Records {@code failure}, replacing any failure of the same multihash. */
  void putFailure(Failure failure);

  /** Forgets the failure of {@code cid}'s multihash. Absent is fine. */
  void removeFailure(Cid cid);

  /** The failures after {@code startAfter} (exclusive; null = from the first). */
  CloseableIterator<Failure> failures(Multihash startAfter);

  /**
   * Starts rebuilding the known-pinned view from a listing of IPFS's pins. The caller closes the
   * result.
   *
   * @throws IllegalStateException when a rebuild is already open
   */
  Rebuild beginRebuild();

  /** Closes the store; idempotent. Later calls fail. */
  @Override
  void close();

  /**
   * The known-pinned view brought in line with a listing of IPFS's pins. Used by one thread; the
   * store's other methods stay usable (and thread-safe) meanwhile. A store may show what the
   * listing changes before {@link #commit} (each change is something IPFS listed), but drops a pin
   * the listing lacks only after {@link #lost} named it or at {@link #commit}.
   */
  interface Rebuild extends AutoCloseable {
    /**
     * IPFS lists {@code cid} pinned in {@code mode}. The view gets it with the CID and tracked flag
     * of its record for the multihash (untracked, with this CID, if none) — unless a {@link
     * #putPinned}/{@link #removePinned} for that multihash happened since the rebuild began, which
     * wins. Listed twice, recursive wins over direct; a store may, rarely (for a different
     * multihash each rebuild), take a pin listed once as direct for one listed twice and keep its
     * recursive record until the next rebuild.
     */
    void add(Cid cid, PinMode mode);

    /**
     * True when the rebuild has a say on {@code cid}'s multihash: listed, written or removed since
     * it began. May be true, rarely, for a multihash none of these (a different one each rebuild),
     * which only keeps a lost pin one rebuild longer.
     */
    boolean has(Cid cid);

    /**
     * The view's records whose multihash the rebuild has no say on: pins IPFS no longer lists that
     * nobody wrote or removed since the rebuild began. Streamed; the store may drop each from the
     * view once the caller has moved past it, unless it was written meanwhile.
     */
    CloseableIterator<KnownPin> lost();

    /**
     * Drops every record {@link #lost} names (whether or not it was called or drained) and closes
     * the rebuild.
     */
    void commit();

    /**
     * Closes the rebuild; unless committed, drops nothing but what {@link #lost} named and the
     * caller moved past. Idempotent.
     */
    @Override
    void close();
  }
}

package io.pincluster.pintracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.PinStateView;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import io.pincluster.core.config.MapTrackerSection;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.PeerId;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** statusAll over a large pinset: streamed, store records read in batches, no IPFS call. */
class StatusAllTest {
  static final PeerId SELF = Identity.generate().id();
  static final PeerId OTHER = Identity.generate().id();
  static final int N = 100_000;

  final SyntheticPinset state = new SyntheticPinset(N);
  final TestIpfs ipfs = new TestIpfs();
  final InMemoryTrackerStore store = new InMemoryTrackerStore();
  final MapPinTracker tracker =
      new MapPinTracker(
          SELF,
          "self",
          new MapTrackerSection(10, 1, Duration.ofHours(24), 5),
          Duration.ofHours(1),
          Duration.ofHours(1),
          Duration.ofHours(1),
          Duration.ofSeconds(5),
          state,
          ipfs,
          store,
          InstantSource.system(),
          false);

  @AfterEach
  void close() {
    tracker.close();
    store.close();
  }

  /** Pin i: allocated elsewhere when i % 3 == 0, else here. */
  static Cid cid(long i) {
    byte[] digest = ByteBuffer.allocate(32).putLong(i).array();
    return Cid.v1(Cid.RAW, Multihash.of(Multihash.SHA2_256, digest));
  }

  static long index(Cid cid) {
    byte[] bytes = cid.multihash().bytes();
    return ByteBuffer.wrap(bytes, 2, 8).getLong();
  }

  static TrackerStatus expected(long i) {
    if (i % 3 == 0) {
      return TrackerStatus.REMOTE;
    }
    if (i % 3 == 1) {
      return TrackerStatus.PINNED;
    }
    return i % 10 == 2 ? TrackerStatus.PIN_ERROR : TrackerStatus.PIN_QUEUED;
  }

  @Test
  void statusAllOfAHundredThousandPinsIsStreamedAndCorrect() {
    Instant failedAt = Instant.parse("2026-01-01T00:00:00Z");
    for (long i = 0; i < N; i++) {
      if (i % 3 == 1) {
        store.putPinned(new KnownPin(cid(i), PinMode.RECURSIVE, true));
      } else if (expected(i) == TrackerStatus.PIN_ERROR) {
        store.putFailure(
            new Failure(cid(i), Failure.Kind.PIN_ERROR, "boom " + i, 2, failedAt, false));
      }
    }

    try (CloseableIterator<PinInfo> it = tracker.statusAll()) {
      for (int i = 0; i < 5; i++) {
        it.next();
      }
      assertThat(state.produced.get()).as("pins read ahead").isLessThan(1000);
    }

    Map<TrackerStatus, Long> counts = new EnumMap<>(TrackerStatus.class);
    long n = 0;
    try (CloseableIterator<PinInfo> it = tracker.statusAll()) {
      while (it.hasNext()) {
        PinInfo info = it.next();
        long i = index(info.cid());
        assertThat(i).isEqualTo(n);
        assertThat(info.status()).isEqualTo(expected(i));
        if (info.status() == TrackerStatus.PIN_ERROR) {
          assertThat(info.error()).isEqualTo("boom " + i);
          assertThat(info.attemptCount()).isEqualTo(2);
          assertThat(info.timestamp()).isEqualTo(failedAt);
        }
        counts.merge(info.status(), 1L, Long::sum);
        n++;
      }
    }
    assertThat(n).isEqualTo(N);
    assertThat(counts.get(TrackerStatus.REMOTE)).isEqualTo(33_334);
    assertThat(counts.get(TrackerStatus.PINNED)).isEqualTo(33_333);
    assertThat(ipfs.calls(TestIpfs.Call.PIN_STATUS)).isZero();
    assertThat(state.open.get()).isZero();
  }

  /** A pinset of n pins generated on demand, in CID order, counting what it hands out. */
  static final class SyntheticPinset implements PinStateView {
    final long n;
    final AtomicLong produced = new AtomicLong();
    final AtomicLong open = new AtomicLong();

    SyntheticPinset(long n) {
      this.n = n;
    }

    static Pin pin(long i) {
      return Pin.of(cid(i), PinOptions.DEFAULT).withAllocations(List.of(i % 3 == 0 ? OTHER : SELF));
    }

    @Override
    public Optional<Pin> get(Cid cid) {
      long i = index(cid);
      return i >= 0 && i < n && cid.equals(cid(i)) ? Optional.of(pin(i)) : Optional.empty();
    }

    @Override
    public CloseableIterator<Pin> list() {
      return listFrom(null);
    }

    @Override
    public CloseableIterator<Pin> listFrom(Cid startAfter) {
      open.incrementAndGet();
      long first = startAfter == null ? 0 : index(startAfter) + 1;
      return new CloseableIterator<>() {
        long next = first;
        boolean closed;

        @Override
        public boolean hasNext() {
          return next < n;
        }

        @Override
        public Pin next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          produced.incrementAndGet();
          return pin(next++);
        }

        @Override
        public void close() {
          if (!closed) {
            closed = true;
            open.decrementAndGet();
          }
        }
      };
    }

    @Override
    public long estimatedCount() {
      return n;
    }

    @Override
    public void addListener(PinStateListener listener) {
      throw new UnsupportedOperationException();
    }
  }
}

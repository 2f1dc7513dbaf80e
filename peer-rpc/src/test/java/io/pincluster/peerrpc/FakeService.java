package io.pincluster.peerrpc;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.PeerRpcService;
import io.pincluster.core.PinNotFoundException;
import io.pincluster.core.api.IpfsId;
import io.pincluster.core.api.Metric;
import io.pincluster.core.api.PeerInfo;
import io.pincluster.core.api.PeerLinks;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.RepoGc;
import io.pincluster.core.api.RepoGcKey;
import io.pincluster.core.api.RepoStat;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A PeerRpcService answering made-up facts; counts calls and streams {@code count} statuses. */
final class FakeService implements PeerRpcService {
  static final PeerId SELF = Identity.fromSeed(new byte[32]).id();
  static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

  /** A CID the fake does not know: recover of it fails as the pinset does. */
  static final Cid NOT_PINNED = cid(-1);

  final AtomicInteger calls = new AtomicInteger();
  final AtomicBoolean streamClosed = new AtomicBoolean();
  volatile int count;
  volatile int failAfter = -1;
  volatile RuntimeException failure;

  /** How long the acting calls (recover, sync, repo GC of one) take. */
  volatile Duration actLatency = Duration.ZERO;

  /** Released when the test ends, so that no call outlives it. */
  final CountDownLatch released = new CountDownLatch(1);

  /** Every metrics batch received, in order. */
  final List<List<Metric>> received = new CopyOnWriteArrayList<>();

  /** CIDs the acting calls were asked about, in order. */
  final List<String> acted = new CopyOnWriteArrayList<>();

  static Cid cid(int i) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(ByteBuffer.allocate(4).putInt(i).array());
      return Cid.v1(Cid.RAW, Multihash.of(Multihash.SHA2_256, digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static PinInfo info(Cid cid) {
    return new PinInfo(
        cid,
        "name",
        SELF,
        List.of(SELF),
        List.of(),
        T,
        Map.of("k", "v"),
        "self",
        "12D3KooWipfs",
        List.of("/ip4/127.0.0.1/tcp/4001"),
        TrackerStatus.PINNED,
        T,
        "",
        1,
        false);
  }

  private void called() {
    calls.incrementAndGet();
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public PeerInfo localId() {
    called();
    return new PeerInfo(
        SELF,
        List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/9096")),
        List.of(SELF),
        List.of(),
        "0.1.0",
        "abc",
        "/pincluster/1.0/rpc",
        "",
        new IpfsId("12D3KooWipfs", List.of("/ip4/127.0.0.1/tcp/4001"), ""),
        "self");
  }

  @Override
  public PinInfo localStatus(Cid cid) {
    called();
    return info(cid);
  }

  @Override
  public CloseableIterator<PinInfo> localStatusAll() {
    called();
    return new CloseableIterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        if (failAfter >= 0 && next >= failAfter) {
          throw new IllegalStateException("state read failed at " + next);
        }
        return next < count;
      }

      @Override
      public PinInfo next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return info(cid(next++));
      }

      @Override
      public void close() {
        streamClosed.set(true);
      }
    };
  }

  @Override
  public RepoStat localRepoStat() {
    called();
    return new RepoStat(1000, 5000);
  }

  static PinInfo withStatus(PinInfo info, TrackerStatus status, String error, int attempts) {
    return new PinInfo(
        info.cid(),
        info.name(),
        info.peer(),
        info.allocations(),
        info.origins(),
        info.created(),
        info.metadata(),
        info.peername(),
        info.ipfsPeerId(),
        info.ipfsPeerAddresses(),
        status,
        info.timestamp(),
        error,
        attempts,
        info.priorityPin());
  }

  /** What recover answers: the CID re-queued (pin_queued, 2 attempts). */
  static PinInfo recovered(Cid cid) {
    return withStatus(info(cid), TrackerStatus.PIN_QUEUED, "", 2);
  }

  /** What sync answers: IPFS lost the pin. */
  static PinInfo synced(Cid cid) {
    return withStatus(
        info(cid),
        TrackerStatus.UNEXPECTEDLY_UNPINNED,
        "the item should be pinned but it is not",
        1);
  }

  static final RepoGc GC =
      new RepoGc(
          SELF,
          "self",
          List.of(new RepoGcKey(cid(1), ""), new RepoGcKey(null, "could not remove a block")),
          "");

  private void act(String what) {
    called();
    acted.add(what);
    Duration latency = actLatency;
    if (!latency.isZero()) {
      try {
        released.await(latency.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public PinInfo localRecover(Cid cid) {
    act("recover " + cid);
    if (cid.equals(NOT_PINNED)) {
      throw new PinNotFoundException(cid);
    }
    return recovered(cid);
  }

  @Override
  public CloseableIterator<PinInfo> localRecoverAll() {
    called();
    acted.add("recoverAll");
    return counted(FakeService::recovered);
  }

  @Override
  public PinInfo localSync(Cid cid) {
    act("sync " + cid);
    return synced(cid);
  }

  @Override
  public CloseableIterator<PinInfo> localSyncAll() {
    called();
    acted.add("syncAll");
    return counted(FakeService::synced);
  }

  @Override
  public RepoGc localRepoGc() {
    act("repogc");
    return GC;
  }

  @Override
  public void acceptMetrics(List<Metric> metrics) {
    called();
    received.add(List.copyOf(metrics));
  }

  static final PeerLinks LINKS =
      new PeerLinks(SELF, "self", "12D3KooWipfs", List.of("12D3KooWother"), List.of(SELF));

  @Override
  public PeerLinks localLinks() {
    called();
    return LINKS;
  }

  /** {@link #count} items made by {@code make}, failing after {@link #failAfter} when set. */
  private CloseableIterator<PinInfo> counted(Function<Cid, PinInfo> make) {
    return new CloseableIterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        if (failAfter >= 0 && next >= failAfter) {
          throw new IllegalStateException("ipfs pin/ls failed at " + next);
        }
        return next < count;
      }

      @Override
      public PinInfo next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return make.apply(cid(next++));
      }

      @Override
      public void close() {
        streamClosed.set(true);
      }
    };
  }
}

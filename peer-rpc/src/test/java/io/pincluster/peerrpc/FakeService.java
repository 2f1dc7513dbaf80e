package io.pincluster.peerrpc;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.PeerRpcService;
import io.pincluster.core.api.IpfsId;
import io.pincluster.core.api.PeerInfo;
import io.pincluster.core.api.PinInfo;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A PeerRpcService answering made-up facts; counts calls and streams {@code count} statuses. */
final class FakeService implements PeerRpcService {
  static final PeerId SELF = Identity.fromSeed(new byte[32]).id();
  static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

  final AtomicInteger calls = new AtomicInteger();
  final AtomicBoolean streamClosed = new AtomicBoolean();
  volatile int count;
  volatile int failAfter = -1;
  volatile RuntimeException failure;

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
}

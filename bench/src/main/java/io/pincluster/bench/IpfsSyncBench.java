package io.pincluster.bench;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.PinStateView;
import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.ClusterSection;
import io.pincluster.core.config.IpfsHttpSection;
import io.pincluster.core.config.MapTrackerSection;
import io.pincluster.core.peer.PeerId;
import io.pincluster.ipfs.IpfsHttpConnector;
import io.pincluster.pintracker.IpfsSyncReport;
import io.pincluster.pintracker.MapPinTracker;
import io.pincluster.state.rocksdb.RocksTrackerStore;
import io.pincluster.testing.Cids;
import io.pincluster.testing.FakeKubo;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pin tracker's IPFS sync at size, in one JVM: a fake Kubo (in this process) holding N
 * recursive pins, the real HTTP connector, the real RocksDB tracker store and the real tracker,
 * with an empty pinset (so the sync's cost is listing and rebuilding the known-pinned view, which
 * is what a large peer pays every {@code ipfs_sync_interval}). Round 1 fills an empty store; later
 * rounds are the steady state (every pin already known). Run by {@code bench/ipfs-sync.sh}.
 */
public final class IpfsSyncBench {
  private IpfsSyncBench() {}

  /** One round: how long the sync took and what it reported. */
  public record Round(long millis, IpfsSyncReport report) {
    double pinsPerSecond() {
      return report.listed() * 1000.0 / Math.max(1, millis);
    }
  }

  /** {@code <pins> <rounds> [work folder]}. */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: IpfsSyncBench <pins> <rounds> [work folder]");
      System.exit(2);
    }
    int pins = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    Path work = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("ipfs-sync-bench");
    run(pins, rounds, work, System.out);
  }

  /**
   * Runs {@code rounds} syncs of {@code pins} pins in {@code work} (emptied first), printing each.
   */
  public static List<Round> run(int pins, int rounds, Path work, PrintStream out)
      throws IOException {
    BenchFiles.deleteRecursively(work);
    Files.createDirectories(work);
    Path list = work.resolve("pins.txt");
    try (BufferedWriter w = Files.newBufferedWriter(list, StandardCharsets.UTF_8)) {
      for (int i = 0; i < pins; i++) {
        w.write(Cids.rawOf(("sync-" + i).getBytes(StandardCharsets.UTF_8)).toString());
        w.write('\n');
      }
    }
    List<Round> done = new ArrayList<>();
    try (FakeKubo kubo = new FakeKubo();
        RocksTrackerStore store = RocksTrackerStore.open(work.resolve("tracker"))) {
      kubo.preloadRecursivePins(list);
      IpfsHttpSection d = IpfsHttpSection.defaults();
      IpfsHttpSection ipfsConfig =
          new IpfsHttpSection(
              kubo.apiMultiaddr(),
              d.connectSwarmsDelay(),
              Duration.ofHours(1), // the listing is one request
              d.pinTimeout(),
              d.unpinTimeout(),
              d.repogcTimeout(),
              d.pinMethod());
      MapPinTracker tracker =
          new MapPinTracker(
              PeerId.parse(kubo.peerId().toString()),
              "bench",
              MapTrackerSection.defaults(),
              ClusterSection.defaults("bench", "00".repeat(32)),
              Duration.ofMinutes(1),
              new EmptyPinset(),
              new IpfsHttpConnector(ipfsConfig),
              store,
              Clock.systemUTC());
      try {
        for (int r = 1; r <= rounds; r++) {
          long t0 = System.nanoTime();
          IpfsSyncReport report = tracker.runIpfsSync();
          Round round = new Round((System.nanoTime() - t0) / 1_000_000, report);
          if (!report.completed() || report.listed() != pins) {
            throw new IllegalStateException("round " + r + " did not list every pin: " + report);
          }
          out.printf(
              "ipfs sync of %d pins, round %d (%s): %d ms, %.0f pins/s%n",
              pins,
              r,
              r == 1 ? "empty store" : "every pin known",
              round.millis(),
              round.pinsPerSecond());
          done.add(round);
        }
      } finally {
        tracker.close();
      }
    } finally {
      BenchFiles.deleteRecursively(work);
    }
    return done;
  }

  /** A pinset with no pin: the sync marks nothing missing and queues nothing. */
  private static final class EmptyPinset implements PinStateView {
    @Override
    public Optional<Pin> get(Cid cid) {
      return Optional.empty();
    }

    @Override
    public CloseableIterator<Pin> list() {
      return CloseableIterator.of(List.of());
    }

    @Override
    public CloseableIterator<Pin> listFrom(Cid startAfter) {
      return list();
    }

    @Override
    public long estimatedCount() {
      return 0;
    }

    @Override
    public void addListener(PinStateListener listener) {}
  }
}

package io.pincluster.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole harness at tiny sizes so it cannot rot: real peer and fake-Kubo processes, the
 * bare-Ratis floor, a leader kill and restart, the report. No timing assertions: only that every
 * case ran and was written.
 */
class BenchSmokeTest {
  @TempDir Path tmp;

  @Test
  void everyFigureRunsAtTinySizesAndIsReported() throws Exception {
    Path report = tmp.resolve("benchmarks.md");
    BenchOptions o =
        BenchOptions.parse(
            new String[] {
              "--figures=floor,1,2,6,3",
              "--clients=1,4",
              "--leader-clients=4",
              "--pins=20",
              "--bulk-pins=300",
              "--bulk-batch=100",
              "--import-pins=200",
              "--floor-pins=50",
              "--floor-batched-pins=1000",
              "--reps=1",
              "--failover-reps=1",
              "--failover-writers=2",
              "--large-pins=2000",
              "--warm-up-seconds=0",
              "--work=" + tmp.resolve("work"),
              "--report=" + report,
              "--command=smoke"
            });

    Report r = BenchMain.run(o);

    assertThat(r.rows())
        .extracting(Report.Row::figure)
        .containsExactly(
            "floor", "floor", "floor", "floor", "6", "1", "1", "1", "2", "6", "2", "3", "3", "3",
            "3", "3", "3", "3", "3", "3", "4", "4", "5", "5", "5");
    assertThat(r.rows())
        .filteredOn(row -> !row.unit().equals("MB"))
        .allSatisfy(row -> assertThat(row.rate().median()).isPositive());
    String md = Files.readString(report);
    assertThat(md)
        .contains("- command: `smoke`")
        .contains("CPUs (nproc)")
        .contains("bare Ratis, 1000 pin/entry")
        .contains("REST POST /pins/{cid}, 4 clients (20 pins ×1)")
        .contains("REST POST /pins/{cid}, 4 clients, all on the leader (20 pins ×1)")
        .contains("figure 1: warm-up of 1 untimed passes")
        .contains("figure 2, bulk: warm-up of 1 untimed passes")
        .containsPattern("CPU per pin: .* of which JIT compilers \\d+%")
        .contains("offline state import")
        .contains("kill -9 the leader under 2 REST writers")
        .contains(
            "stream GET /allocations (pin ls) (3 peers, from peer 1, trackers idle) (2000 pins ×1)")
        .contains("stream GET /pins (cluster-wide status) (3 peers, from peer 1, trackers idle)")
        .contains("new-peer catch-up, 2000 pins")
        .contains("restart of the whole 3-peer cluster, 2000 pins")
        .contains("disk of each peer folder, 2000 pins (peers stopped) (×3)");
  }

  @Test
  void theIpfsSyncBenchmarkRunsAtATinySize() throws Exception {
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();

    var rounds =
        IpfsSyncBench.run(
            3000, 2, tmp.resolve("sync"), new java.io.PrintStream(printed, true, "UTF-8"));

    assertThat(rounds).hasSize(2).allSatisfy(r -> assertThat(r.report().listed()).isEqualTo(3000));
    assertThat(printed.toString("UTF-8"))
        .contains("ipfs sync of 3000 pins, round 1 (empty store)")
        .contains("round 2 (every pin known)");
    assertThat(tmp.resolve("sync")).doesNotExist();
  }

  /**
   * Figure 7 needs the js-ipfs test node; under {@code mvn verify} the ipfs-connector and
   * distribution ITs have installed it before this module runs. Elsewhere it may be missing: then
   * this test is skipped, saying why.
   */
  @Test
  void figure7RunsAgainstARealIpfsNodeAtATinySize() throws Exception {
    Path report = tmp.resolve("benchmarks.md");

    Report r = runFigure7(report);

    // the default configuration, then pin_method pin
    assertThat(r.rows()).extracting(Report.Row::figure).containsOnly("7").hasSize(8);
    assertThat(r.rows())
        .extracting(Report.Row::unit)
        .containsExactly("ms", "ms", "ms", "×", "ms", "ms", "ms", "×");
    assertThat(r.rows()).allSatisfy(row -> assertThat(row.rate().median()).isPositive());
    assertThat(Files.readString(report))
        .contains("10 blocks in a js-ipfs node → all `pinned` through a one-peer cluster")
        .contains("10 `pin/add` straight to the node")
        .contains("tracker overhead: cluster time / direct time (default configuration) (×1)")
        .contains(
            "tracker overhead: cluster time / direct time"
                + " (peer: {CLUSTER_IPFSHTTP_PINMETHOD=pin}) (×1)");
  }

  /** Figure 7 with the pins sent in one bulk request, one configuration only. */
  @Test
  void figure7CanSubmitThePinsInOneBulkRequest() throws Exception {
    Report r =
        runFigure7(
            tmp.resolve("bulk.md"),
            "--fig7-submit=bulk",
            "--fig7-peer-settings=CLUSTER_IPFSHTTP_PINMETHOD=pin");

    assertThat(r.rows()).extracting(Report.Row::unit).containsExactly("ms", "ms", "ms", "×");
    assertThat(r.rows()).allSatisfy(row -> assertThat(row.rate().median()).isPositive());
    assertThat(r.rows().get(0).what()).contains("one bulk NDJSON request");
  }

  /**
   * Figure 7 at a tiny size (10 blocks, one repetition) with {@code options} added, reported to
   * {@code report}; skips the test when the js-ipfs node is not installed.
   */
  private Report runFigure7(Path report, String... options) throws Exception {
    Path recipe = Path.of(System.getProperty("pincluster.ipfsnode", "../testing/ipfs-node"));
    String why = JsIpfsNode.unavailableReason(recipe);
    Assumptions.assumeTrue(why == null, () -> "figure 7 not run: " + why);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--figures=7",
                "--fig7-blocks=10",
                "--fig7-reps=1",
                "--warm-up-seconds=0",
                "--ipfs-recipe=" + recipe,
                "--work=" + tmp.resolve("work"),
                "--report=" + report,
                "--command=smoke7"));
    args.addAll(List.of(options));
    return BenchMain.run(BenchOptions.parse(args.toArray(String[]::new)));
  }

  @Test
  void badOptionsNameTheProblem() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--figures=9"}))
        .hasMessageContaining("unknown figure '9'");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--pins=x"}))
        .hasMessageContaining("--pins is not a number: 'x'");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--pins=4", "--clients=8"}))
        .hasMessageContaining("--clients 8 is more than --pins 4");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--leader-clients=0"}))
        .hasMessageContaining("--leader-clients must be > 0: 0");
    assertThat(BenchOptions.parse(new String[] {"--clients=1,64"}).leaderClients())
        .containsExactly(64);
    assertThat(BenchOptions.parse(new String[] {"--clients=1,16"}).leaderClients()).isEmpty();
    assertThat(BenchOptions.parse(new String[] {"--leader-clients=none"}).leaderClients())
        .isEmpty();
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"pins"}))
        .hasMessageContaining("arguments are --key=value");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--fig7-submit=post"}))
        .hasMessageContaining("--fig7-submit: 'post' is neither rest nor bulk");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--fig7-blocks=0"}))
        .hasMessageContaining("--fig7-blocks must be > 0: 0");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--large-pins=1000,0"}))
        .hasMessageContaining("--large-pins must be > 0: 0");
    assertThat(BenchOptions.parse(new String[] {"--large-pins=1_000_000,10000000"}).largePins())
        .containsExactly(1_000_000, 10_000_000);
  }

  @Test
  void aSizeIsRefusedWhenTheDiskIsTooSmall() {
    assertThat(LargeStateRun.diskNeeded(10_000_000)).isGreaterThan(40L << 30);
    assertThatThrownBy(() -> LargeStateFigures.checkFreeDisk(tmp, Integer.MAX_VALUE))
        .hasMessageContaining("not enough disk for figure 3 at " + Integer.MAX_VALUE + " pins")
        .hasMessageContaining("GiB needed under " + tmp);
  }

  @Test
  void percentilesByNearestRank() {
    long[] s = {5, 1, 4, 2, 3, 6, 7, 8, 9, 10};
    assertThat(Percentiles.of(s, 0.5)).isEqualTo(5);
    assertThat(Percentiles.of(s, 0.99)).isEqualTo(10);
    assertThat(Percentiles.of(s, 0.1)).isEqualTo(1);
    assertThat(Percentiles.Spread.of(new double[] {3, 1, 2, 10}))
        .isEqualTo(new Percentiles.Spread(2.5, 1, 10));
    assertThatThrownBy(() -> Percentiles.of(new long[0], 0.5)).hasMessageContaining("no samples");
  }
}

package io.pincluster.faults.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's pieces that need no cluster: options, state lines, summary, parsing. */
class RunnerPartsTest {
  private static RunResult result(int run, Scenario s, int violations, long recover) {
    return new RunResult(
        run,
        s,
        7 + run,
        3,
        100,
        2,
        1,
        40,
        1,
        violations,
        recover,
        30_000,
        "",
        violations > 0 ? "lost\nmore" : "");
  }

  @Test
  void aRunResultSurvivesItsStateLine() {
    RunResult r = result(3, Scenario.KILL_ALL, 2, 1234);

    assertThat(RunResult.parse(r.toLine())).isEqualTo(r);
    assertThat(r.firstViolation()).isEqualTo("lost");
  }

  @Test
  void aBrokenStateLineIsRefusedNamingTheProblem() {
    assertThatThrownBy(() -> RunResult.parse("1\tkill-all"))
        .hasMessageContaining("expected 14 tab-separated fields, got 2");
    String bad = result(0, Scenario.KILL_ALL, 0, 1).toLine().replace("kill-all", "explode");
    assertThatThrownBy(() -> RunResult.parse(bad))
        .hasMessageContaining("unknown scenario 'explode'");
  }

  @Test
  void theSummaryHasARowPerScenarioAndMedians() {
    Summary s =
        new Summary(
            List.of(
                result(0, Scenario.KILL_LEADER, 0, 1000),
                result(1, Scenario.KILL_LEADER, 0, 3000),
                result(2, Scenario.KILL_LEADER, 0, 2000),
                result(3, Scenario.KILL_ALL, 1, -1)));

    assertThat(s.table())
        .contains("| kill-leader | 3 | 300 | 6 | 3 | 120 | 3 | 0 | 2.0 | 3.0 |")
        .contains("| kill-all | 1 | 100 | 2 | 1 | 40 | 1 | 1 | – | – (1 never) |")
        .contains("| **all** | 4 |");
    assertThat(s.failures()).singleElement().asString().startsWith("run 3 (kill-all, seed 10)");
  }

  @Test
  void theReportKeepsTheTextAroundTheMarkers() {
    String old =
        "# Reliability\n\nintro\n\n"
            + Summary.BEGIN
            + "\nold table\n"
            + Summary.END
            + "\n\noutro\n";

    String updated = Summary.splice(old, Summary.BEGIN + "\nnew\n" + Summary.END);

    assertThat(updated)
        .isEqualTo(
            "# Reliability\n\nintro\n\n" + Summary.BEGIN + "\nnew\n" + Summary.END + "\n\noutro\n");
    assertThat(Summary.splice("# R\n\ntext\n", "G")).isEqualTo("# R\n\ntext\n\nG\n");
  }

  @Test
  void optionsAreParsedAndBadOnesNamed() {
    CrashOptions o =
        CrashOptions.parse(
            new String[] {
              "--dist=/d",
              "--work=/w",
              "--runs=12",
              "--seed=5",
              "--peers=5",
              "--scenarios=kill-leader,kill-all",
              "--state=/s.tsv",
              "--report=none"
            });

    assertThat(o.runs()).isEqualTo(12);
    assertThat(o.peers()).isEqualTo(5);
    assertThat(o.replicationMax()).isEqualTo(3);
    assertThat(o.scenarios()).containsExactly(Scenario.KILL_LEADER, Scenario.KILL_ALL);
    assertThat(o.stateFile()).isEqualTo(Path.of("/s.tsv"));
    assertThat(o.report()).isNull();
    assertThat(o.maxMinutes()).isEqualTo(40);

    assertThatThrownBy(
            () -> CrashOptions.parse(new String[] {"--dist=/d", "--work=/w", "--peers=4"}))
        .hasMessageContaining("--peers must be 3 or 5, not 4");
    assertThatThrownBy(
            () -> CrashOptions.parse(new String[] {"--dist=/d", "--work=/w", "--runs=x"}))
        .hasMessageContaining("--runs: 'x' is not a whole number");
    assertThatThrownBy(
            () -> CrashOptions.parse(new String[] {"--dist=/d", "--work=/w", "--seed=x"}))
        .hasMessageContaining("--seed: 'x' is not a whole number");
    assertThatThrownBy(
            () -> CrashOptions.parse(new String[] {"--dist=/d", "--work=/w", "--colour=red"}))
        .hasMessageContaining("unknown option(s): --colour");
    assertThatThrownBy(() -> CrashOptions.parse(new String[] {"--work=/w"}))
        .hasMessageContaining("--dist and --work are required");
  }

  @Test
  void allocationsAreReadFromNdjsonOrAnArray() throws Exception {
    String line =
        "{\"cid\":{\"/\":\"bafkreia\"},\"allocations\":[\"P2\",\"P1\"],"
            + "\"replication_factor_min\":2,\"replication_factor_max\":3,\"type\":1}";
    PeerView nd =
        Rest.parseAllocations("peer1", line + "\n" + line.replace("bafkreia", "bafkreib"));
    PeerView arr = Rest.parseAllocations("peer1", "[" + line + "]");

    assertThat(nd.pins()).containsOnlyKeys("bafkreia", "bafkreib");
    assertThat(arr.pins().get("bafkreia"))
        .isEqualTo(new PeerView.PinView(List.of("P1", "P2"), 2, 3, "1"));
    assertThatThrownBy(() -> Rest.parseAllocations("peer1", "{\"allocations\":[]}"))
        .hasMessageContaining("a pin without a cid");
  }

  @Test
  void aStateFileIsResumedAndOneFromOtherOptionsRefused(@TempDir Path dir) throws Exception {
    Path state = dir.resolve("state.tsv");
    String header =
        "# crash runs: seed=7 peers=3 scenarios=kill-leader,kill-all\n" + RunResult.HEADER + "\n";
    Files.writeString(
        state,
        header
            + result(0, Scenario.KILL_LEADER, 0, 10).toLine()
            + "\n"
            + result(1, Scenario.KILL_ALL, 1, 20).toLine()
            + "\n");
    String[] args = {
      "--dist=" + dir,
      "--work=" + dir,
      "--seed=7",
      "--runs=4",
      "--state=" + state,
      "--scenarios=kill-leader,kill-all"
    };
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());

    List<RunResult> done =
        new CrashRunner(CrashOptions.parse(args), "", quiet, InstantSource.system()).readState();

    assertThat(done).extracting(RunResult::run).containsExactly(0, 1);
    args[2] = "--seed=8";
    CrashRunner other =
        new CrashRunner(CrashOptions.parse(args), "", quiet, InstantSource.system());
    assertThatThrownBy(other::readState)
        .hasMessageContaining("was written with other options")
        .hasMessageContaining("use the same --seed, --peers and --scenarios, or another --state");
    args[2] = "--seed=7";
    Files.writeString(state, header + "0\tkill-leader\n");
    CrashRunner broken =
        new CrashRunner(CrashOptions.parse(args), "", quiet, InstantSource.system());
    assertThatThrownBy(broken::readState).hasMessageContaining("line 3: expected 14");
  }

  @Test
  void aTempFileCountsAsLeakedOnlyWhenEveryScanFindsIt() throws Exception {
    Iterator<List<String>> scans =
        List.of(
                List.of("snapshot.3_6554.tmp", "import-1.ndjson"),
                List.of("import-1.ndjson", "snapshot.3_6600.tmp"),
                List.of("import-1.ndjson"))
            .iterator();

    List<String> leaks =
        CrashRunner.foundInEveryScan(
            () -> scans.hasNext() ? scans.next() : List.of("import-1.ndjson"),
            Duration.ofMillis(50),
            Duration.ofMillis(1));

    assertThat(leaks).containsExactly("import-1.ndjson");
  }

  @Test
  void scanningStopsOnceNothingIsFound() throws Exception {
    AtomicInteger runs = new AtomicInteger();

    List<String> leaks =
        CrashRunner.foundInEveryScan(
            () -> runs.incrementAndGet() == 1 ? List.of("snapshot.3_6554.tmp") : List.of(),
            Duration.ofMinutes(5),
            Duration.ofMillis(1));

    assertThat(leaks).isEmpty();
    assertThat(runs).hasValue(2);
  }
}

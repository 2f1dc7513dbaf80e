package io.pincluster.faults.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The short form of the crash runs (issue 9): each scenario once on a 3-peer cluster of real
 * daemons with shrunk timeouts, failing on any violation. Peer logs, the state file and each run's
 * history ({@code run-N-history.tsv}) stay in {@code faults/target/crash-scenarios-*} for
 * diagnosis.
 */
class CrashScenariosTest {
  @Test
  void crashesAndRestartsKeepEveryAcknowledgedOperation() throws Exception {
    runOnce(
        "restarts",
        List.of(
            Scenario.KILL_FOLLOWER,
            Scenario.KILL_LEADER,
            Scenario.KILL_MINORITY,
            Scenario.ROLLING_RESTART,
            Scenario.KILL_ALL));
  }

  @Test
  void aPeerKilledDuringItsSnapshotInstallComesBack() throws Exception {
    runOnce("snapshot", List.of(Scenario.SNAPSHOT_INSTALL));
  }

  private static void runOnce(String name, List<Scenario> scenarios) throws Exception {
    Path dist = Path.of(System.getProperty("pincluster.dist", "../dist/pincluster"));
    Path work = Path.of("target", "crash-scenarios-" + name).toAbsolutePath();
    deleteTree(work);
    CrashOptions options =
        new CrashOptions(
            scenarios.size(),
            42,
            3,
            scenarios,
            work.resolve("state.tsv"),
            10,
            dist,
            work,
            null,
            3,
            Duration.ofSeconds(2),
            Duration.ofMillis(20),
            "CrashScenariosTest");
    CrashRunner runner =
        new CrashRunner(
            options, System.getProperty("java.class.path"), System.out, InstantSource.system());

    CrashRunner.Invocation inv = runner.runAll();

    assertThat(inv.mine()).hasSize(scenarios.size());
    assertThat(new Summary(inv.all()).failures())
        .as("violations (details in the test output, logs in %s)", work)
        .isEmpty();
    // the runs did something: each acknowledged operations, checked CIDs and recovered
    assertThat(inv.mine()).allSatisfy(r -> assertThat(r.acknowledged()).isPositive());
    assertThat(inv.mine()).allSatisfy(r -> assertThat(r.checkedCids()).isPositive());
    assertThat(inv.mine()).allSatisfy(r -> assertThat(r.recoverMillis()).isNotNegative());
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

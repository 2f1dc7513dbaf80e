package io.pincluster.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd units of {@code deploy/systemd} pass {@code systemd-analyze verify}. On a test
 * machine the binaries they start ({@code /opt/pincluster/…}, {@code /usr/local/bin/ipfs}) and
 * their users do not exist, so exactly those messages are tolerated; any other message (unknown
 * key, bad value, bad dependency) fails. Skipped, with the reason, where systemd-analyze is absent.
 */
class SystemdUnitsIT {
  static final Path REPO =
      Path.of(System.getProperty("pincluster.repo", "..")).toAbsolutePath().normalize();
  static final Path UNITS = REPO.resolve("deploy/systemd");
  static final Path ARCHIVE =
      Path.of(System.getProperty("pincluster.archive", REPO + "/dist/pincluster.tar.gz"));
  static final Path SYSTEMD_ANALYZE = Path.of("/usr/bin/systemd-analyze");
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** Messages about things that exist only on a real installation. */
  static final List<Pattern> EXPECTED =
      List.of(
          Pattern.compile(
              "\\S+\\.service: Command \\S+ is not executable: No such file or directory"),
          Pattern.compile("\\S+\\.service: .*(user|group) .*(not found|does not exist|unknown).*"));

  @TempDir static Path tmp;

  @BeforeAll
  static void needsSystemdAnalyze() {
    assumeTrue(
        Files.isExecutable(SYSTEMD_ANALYZE),
        SYSTEMD_ANALYZE + " is absent: systemd units cannot be verified on this machine");
  }

  static Processes.Result verify(List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(SYSTEMD_ANALYZE.toString(), "verify"));
    cmd.addAll(args);
    Map<String, String> env = new HashMap<>();
    env.put("SYSTEMD_PAGER", "cat");
    env.put("SYSTEMD_LOG_COLOR", "0");
    return Processes.run(tmp.resolve("out"), env, TIMEOUT, cmd);
  }

  /** The lines of verify's output that are not {@link #EXPECTED}. */
  static List<String> unexpected(Processes.Result r) {
    return (r.out() + "\n" + r.err())
        .lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty())
        .filter(l -> EXPECTED.stream().noneMatch(p -> p.matcher(l).matches()))
        .toList();
  }

  @Test
  void bothUnitsVerifyWithNoMessageButMissingBinaries() throws Exception {
    Processes.Result r =
        verify(
            List.of(
                UNITS.resolve("cluster-service.service").toString(),
                UNITS.resolve("ipfs.service").toString()));
    assertThat(unexpected(r)).as(r.describe()).isEmpty();
    // the tolerated messages are the ones we expect, not something hiding a broken unit
    assertThat(r.err() + r.out())
        .contains("Command /opt/pincluster/bin/cluster-service is not executable")
        .contains("Command /opt/pincluster/bin/wait-ready is not executable");
  }

  @Test
  void theCheckRejectsAUnitWithAnUnknownKeyOrABadValue() throws Exception {
    String unit =
        Files.readString(UNITS.resolve("cluster-service.service"))
            .replace("Type=exec", "Type=exce")
            .replace("LimitNOFILE=", "LimitNOFILES=");
    Path dir = Files.createDirectories(tmp.resolve("broken"));
    Path broken = Files.writeString(dir.resolve("cluster-service.service"), unit);
    Processes.Result r = verify(List.of(broken.toString()));
    assertThat(unexpected(r))
        .as(r.describe())
        .anySatisfy(l -> assertThat(l).contains("exce"))
        .anySatisfy(l -> assertThat(l).contains("LimitNOFILES"));
  }

  @Test
  void installedUnitsVerifyAgainstTheInstalledTree() throws Exception {
    assumeTrue(Files.isRegularFile(ARCHIVE), ARCHIVE + " is missing: run mvn package first");
    Path root = tmp.resolve("root");
    Processes.Result install =
        Processes.run(
            tmp.resolve("out"),
            Map.of("DESTDIR", root.toString()),
            TIMEOUT,
            List.of(REPO.resolve("deploy/install.sh").toString(), ARCHIVE.toString()));
    assertThat(install.exit()).as(install.describe()).isZero();
    Path system = root.resolve("etc/systemd/system");
    Processes.Result r =
        verify(
            List.of(
                "--root=" + root,
                "--recursive-errors=no",
                system.resolve("cluster-service.service").toString(),
                system.resolve("ipfs.service").toString()));
    assumeTrue(
        !r.err().contains("unrecognized option"),
        "this systemd-analyze has no --root/--recursive-errors: " + r.err());
    // inside the installed root the peer's own commands exist; only Kubo is not installed
    assertThat(unexpected(r)).as(r.describe()).isEmpty();
    assertThat(r.err() + r.out()).doesNotContain("/opt/pincluster");
  }
}

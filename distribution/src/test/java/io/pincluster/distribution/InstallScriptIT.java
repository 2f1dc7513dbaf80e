package io.pincluster.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/install.sh} into a temporary root ({@code DESTDIR}): the distribution, units,
 * environment file and folders land below it, and nothing acts on the real system. The commands
 * that would (useradd, chown, systemctl, getent…) are replaced on {@code PATH} by recorders, so the
 * test also fails, harmlessly, if the script ever ran one under DESTDIR.
 */
class InstallScriptIT {
  static final Path REPO =
      Path.of(System.getProperty("pincluster.repo", "..")).toAbsolutePath().normalize();
  static final Path INSTALL = REPO.resolve("deploy/install.sh");
  static final Path ARCHIVE =
      Path.of(System.getProperty("pincluster.archive", REPO + "/dist/pincluster.tar.gz"));
  static final Path DIST =
      Path.of(System.getProperty("pincluster.dist", REPO + "/dist/pincluster"));
  static final Duration TIMEOUT = Duration.ofSeconds(90);
  static final List<String> SYSTEM_COMMANDS =
      List.of("useradd", "groupadd", "usermod", "adduser", "getent", "chown", "chgrp", "systemctl");

  @TempDir static Path tmp;
  static Path fakeBin;
  static Path calls;

  @BeforeAll
  static void recordersForSystemCommands() throws Exception {
    assertThat(ARCHIVE).as("run mvn package first").isRegularFile();
    fakeBin = Files.createDirectories(tmp.resolve("fake-bin"));
    calls = tmp.resolve("system-calls.txt");
    for (String c : SYSTEM_COMMANDS) {
      Path f =
          Files.writeString(
              fakeBin.resolve(c), "#!/bin/sh\necho \"" + c + " $*\" >> '" + calls + "'\n");
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  static Processes.Result install(Path destdir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(INSTALL.toString()));
    cmd.addAll(List.of(args));
    return Processes.run(
        tmp.resolve("out"),
        Map.of("DESTDIR", destdir.toString(), "PATH", fakeBin + ":" + System.getenv("PATH")),
        TIMEOUT,
        cmd);
  }

  static Set<PosixFilePermission> mode(Path p) throws Exception {
    return Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void installsTheArchiveUnitsEnvironmentFileAndFoldersBelowDestdir() throws Exception {
    Path root = tmp.resolve("root1");
    Processes.Result r = install(root, ARCHIVE.toString());
    assertThat(r.exit()).as(r.describe()).isZero();

    Path opt = root.resolve("opt/pincluster");
    for (String b : List.of("cluster-service", "cluster-ctl", "wait-ready")) {
      assertThat(opt.resolve("bin/" + b)).isRegularFile().isExecutable();
    }
    assertThat(opt.resolve("etc/logback.xml")).isRegularFile();
    assertThat(opt.resolve("docs/deployment.md")).isRegularFile();
    try (Stream<Path> jars = Files.list(opt.resolve("lib"))) {
      assertThat(jars.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("cluster-service-"))
          .anyMatch(n -> n.startsWith("cluster-ctl-"));
    }
    Path units = root.resolve("etc/systemd/system");
    for (String u : List.of("cluster-service.service", "ipfs.service")) {
      assertThat(units.resolve(u)).hasSameTextualContentAs(REPO.resolve("deploy/systemd/" + u));
      assertThat(mode(units.resolve(u))).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
    }
    Path env = root.resolve("etc/pincluster/pincluster.env");
    assertThat(env).hasSameTextualContentAs(REPO.resolve("deploy/systemd/pincluster.env"));
    assertThat(mode(env)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    assertThat(root.resolve("var/lib/pincluster")).isDirectory();
    assertThat(mode(root.resolve("var/lib/pincluster")))
        .isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
    assertThat(root.resolve("var/lib/ipfs")).isDirectory();
    assertThat(Files.readSymbolicLink(root.resolve("usr/local/bin/cluster-ctl")))
        .isEqualTo(Path.of("/opt/pincluster/bin/cluster-ctl"));
    // the staging folder is gone
    try (Stream<Path> s = Files.list(root.resolve("opt"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("pincluster");
    }

    // what it would do to the system is printed, and none of it was run
    assertThat(r.out())
        .contains("would run: useradd --system --user-group --home-dir /var/lib/pincluster")
        .contains("'pincluster peer' pincluster")
        .contains("would run: useradd --system --user-group --home-dir /var/lib/ipfs")
        .contains("would run: chown pincluster:pincluster /var/lib/pincluster")
        .contains("would run: chown root:pincluster /etc/pincluster/pincluster.env")
        .contains("would run: systemctl daemon-reload");
    assertThat(calls).as("system commands run under DESTDIR").doesNotExist();

    // the installed launcher runs
    Processes.Result version =
        Processes.run(
            tmp.resolve("out"),
            Map.of(),
            TIMEOUT,
            List.of(opt.resolve("bin/cluster-service").toString(), "version"));
    assertThat(version.exit()).as(version.describe()).isZero();
    assertThat(version.out().strip()).matches("\\d+\\.\\d+\\.\\d+\\S*");
  }

  @Test
  void anUpgradeReplacesTheDistributionAndKeepsTheEditedEnvironmentFile() throws Exception {
    Path root = tmp.resolve("root2");
    assertThat(install(root, ARCHIVE.toString()).exit()).isZero();
    Path env = root.resolve("etc/pincluster/pincluster.env");
    Files.writeString(env, "PINCLUSTER_JAVA_OPTS=-Xmx3g\n");
    Path stale = Files.writeString(root.resolve("opt/pincluster/lib/old-1.0.jar"), "x");

    // from the unpacked folder this time, as `pincluster/install.sh` inside it would
    Processes.Result r = install(root, "--without-ipfs", DIST.toString());
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.out()).contains("replaced " + root.resolve("opt/pincluster")).contains("kept");
    assertThat(stale).doesNotExist();
    assertThat(Files.readString(env)).isEqualTo("PINCLUSTER_JAVA_OPTS=-Xmx3g\n");
    assertThat(root.resolve("opt/pincluster/bin/cluster-service")).isExecutable();
    assertThat(r.out())
        .doesNotContain("/var/lib/ipfs")
        .doesNotContain("useradd --system --user-group --home-dir /var/lib/ipfs");
    assertThat(calls).doesNotExist();
  }

  @Test
  void badInputIsRefusedWithAMessageNamingIt() throws Exception {
    Path root = tmp.resolve("root3");
    Processes.Result missing = install(root, tmp.resolve("nope.tar.gz").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("nope.tar.gz does not exist");

    Path junk = Files.writeString(tmp.resolve("junk.tar.gz"), "not an archive");
    Processes.Result notGzip = install(root, junk.toString());
    assertThat(notGzip.exit()).isEqualTo(2);
    assertThat(notGzip.err()).contains("junk.tar.gz is not a readable .tar.gz");

    Processes.Result notDist = install(root, tmp.resolve("fake-bin").toString());
    assertThat(notDist.exit()).isEqualTo(2);
    assertThat(notDist.err())
        .contains("is not a pincluster distribution: bin/cluster-service is missing");

    Processes.Result option = install(root, "--frobnicate");
    assertThat(option.exit()).isEqualTo(2);
    assertThat(option.err()).contains("unknown option --frobnicate");

    // nothing was installed by the refused runs (no staging left behind either), and nothing ran
    // on the system
    if (Files.exists(root.resolve("opt"))) {
      assertThat(root.resolve("opt")).isEmptyDirectory();
    }
    assertThat(root.resolve("etc")).doesNotExist();
    assertThat(calls).doesNotExist();
  }
}

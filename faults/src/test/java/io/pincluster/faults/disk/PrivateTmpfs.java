package io.pincluster.faults.disk;

import io.pincluster.testing.process.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A small tmpfs mounted on {@code mountPoint} inside a private user and mount namespace ({@code
 * unshare -rm}), so no root privileges are needed. Only processes started with {@link #command}
 * (through {@code nsenter}) see it; everyone else sees the empty folder below. A holder process
 * ({@code sleep infinity}) keeps the namespace, and so the tmpfs, alive until {@link #close()},
 * across restarts of the processes inside.
 */
final class PrivateTmpfs implements AutoCloseable {
  private final Path mountPoint;
  private final Path work;
  private final ChildProcess holder;

  private PrivateTmpfs(Path mountPoint, Path work, ChildProcess holder) {
    this.mountPoint = mountPoint;
    this.work = work;
    this.holder = holder;
  }

  /**
   * Mounts a tmpfs of {@code sizeMb} MB on {@code mountPoint} (created if needed).
   *
   * @throws UnsupportedOperationException naming what is missing when this machine does not allow
   *     unprivileged user and mount namespaces, a tmpfs mount in them, or {@code nsenter}
   */
  static PrivateTmpfs mount(Path mountPoint, int sizeMb, Path work)
      throws IOException, InterruptedException {
    Files.createDirectories(mountPoint);
    Path log = work.resolve("tmpfs-holder.log");
    List<String> cmd =
        List.of(
            "unshare",
            "-rm",
            "sh",
            "-c",
            "mount -t tmpfs -o size="
                + sizeMb
                + "m tmpfs '"
                + mountPoint
                + "' && echo mounted && exec sleep infinity");
    ChildProcess holder;
    try {
      holder = ChildProcess.start("tmpfs-holder", cmd, Map.of(), log);
    } catch (RuntimeException e) {
      throw new UnsupportedOperationException("cannot run unshare: " + e.getMessage(), e);
    }
    try {
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(20))
          .pollInterval(java.time.Duration.ofMillis(20))
          .until(() -> read(log).contains("mounted") || !holder.isAlive());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // reported below
    }
    if (!read(log).contains("mounted")) {
      holder.kill();
      throw new UnsupportedOperationException(
          "unshare -rm + mount -t tmpfs failed: " + read(log).trim());
    }
    PrivateTmpfs fs = new PrivateTmpfs(mountPoint, work, holder);
    String probe = fs.shell("df -k '" + mountPoint + "' | tail -1");
    if (!probe.startsWith("tmpfs")) {
      fs.close();
      throw new UnsupportedOperationException("nsenter into the namespace failed: " + probe);
    }
    return fs;
  }

  Path mountPoint() {
    return mountPoint;
  }

  /** {@code args}, run inside the namespace (prefixed with {@code nsenter}). */
  List<String> command(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("nsenter");
    cmd.add("-t");
    cmd.add(Long.toString(holder.pid()));
    cmd.add("-U");
    cmd.add("-m");
    cmd.add("--preserve-credentials");
    cmd.addAll(args);
    return cmd;
  }

  /** Runs {@code sh -c script} inside the namespace; its output (stdout and stderr). */
  String shell(String script) throws IOException, InterruptedException {
    Path out = Files.createTempFile(work, "ns-", ".out");
    try {
      int status =
          ChildProcess.runForStatus(
              "nsenter sh", command(List.of("sh", "-c", script)), Map.of(), out, 60);
      String text = read(out);
      if (status != 0) {
        throw new IllegalStateException(
            "'" + script + "' inside the namespace exited with " + status + ": " + text);
      }
      return text;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** The tmpfs's size limit becomes {@code sizeMb} MB (what it holds stays). */
  void resize(int sizeMb) throws IOException, InterruptedException {
    shell("mount -o remount,size=" + sizeMb + "m tmpfs '" + mountPoint + "'");
  }

  /** Free kilobytes on the tmpfs. */
  long freeKb() throws IOException, InterruptedException {
    String[] fields = shell("df -k '" + mountPoint + "' | tail -1").trim().split("\\s+");
    return Long.parseLong(fields[3]);
  }

  /** Ends the holder: the namespace and the tmpfs (with everything on it) go away. */
  @Override
  public void close() {
    holder.kill();
  }

  private static String read(Path log) {
    try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
      return String.join("\n", lines.toList());
    } catch (IOException | java.io.UncheckedIOException e) {
      return "";
    }
  }
}

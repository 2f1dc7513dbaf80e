package io.pincluster.bench;

import io.pincluster.testing.process.ChildProcess;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Offline {@code cluster-service state import} into a fresh, stopped peer folder; timed as the
 * whole command, JVM start included.
 */
final class StateImportRun {
  private final Path dist;
  private final Path work;

  StateImportRun(Path dist, Path work) {
    this.dist = dist;
    this.work = work;
  }

  /** Writes {@code pins} Pin lines to a file, once; returns it. */
  Path writeFile(int pins) throws IOException {
    Files.createDirectories(work);
    Path file = work.resolve("import-" + pins + ".ndjson");
    CidSource cids = CidSource.fresh();
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      for (int i = 0; i < pins; i++) {
        w.write("{\"cid\":\"" + cids.next() + "\",\"allocations\":[]}\n");
      }
    }
    return file;
  }

  /** Imports {@code file} into a new peer folder, timed; the folder is deleted afterwards. */
  RunResult importOnce(Path file, int pins, int rep) throws IOException {
    Path folder = work.resolve("import-peer-" + rep);
    Path bin = dist.resolve("bin/cluster-service");
    Path log = work.resolve("import.log");
    Map<String, String> env = Map.of("PINCLUSTER_JAVA_OPTS", "-Xmx1g -XX:+UseSerialGC");
    ChildProcess.run(
        "init import peer",
        List.of(bin.toString(), "--config", folder.toString(), "init", "--force"),
        env,
        log,
        120);
    long t0 = System.nanoTime();
    ChildProcess.run(
        "state import",
        List.of(
            bin.toString(),
            "--config",
            folder.toString(),
            "state",
            "import",
            "--force",
            file.toString()),
        env,
        log,
        1800);
    RunResult result = new RunResult(pins, System.nanoTime() - t0, new long[0]);
    BenchFiles.deleteRecursively(folder);
    return result;
  }
}

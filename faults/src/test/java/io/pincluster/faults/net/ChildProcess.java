package io.pincluster.faults.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process whose output goes to a log file (a copy of bench's, until the shared process
 * cluster of the testing module replaces both). {@link #close()} asks it to stop (SIGTERM), waits
 * up to 15 s, then kills it; idempotent.
 */
final class ChildProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static ChildProcess start(String name, List<String> command, Map<String, String> env, Path log) {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      return new ChildProcess(name, pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  /** Runs {@code command} to completion (at most {@code timeoutSeconds}); fails unless exit 0. */
  static void run(
      String name, List<String> command, Map<String, String> env, Path log, long timeoutSeconds) {
    ChildProcess p = start(name, command, env, log);
    try {
      if (!p.process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.kill();
        throw new IllegalStateException(name + " did not finish in " + timeoutSeconds + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.kill();
      throw new IllegalStateException("interrupted while running " + name, e);
    }
    if (p.process.exitValue() != 0) {
      throw new IllegalStateException(
          name + " exited with " + p.process.exitValue() + "; log:\n" + p.tail());
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, waiting until the process is gone. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The last 40 lines of the log, for error messages. */
  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        System.err.println("faults: " + name + " did not stop in 15 s: killing it");
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }
}

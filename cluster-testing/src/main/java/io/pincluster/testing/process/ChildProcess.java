package io.pincluster.testing.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A child process whose output (stdout and stderr) is appended to a log file. {@link #close()} asks
 * it to stop (SIGTERM), waits up to {@link #STOP_WAIT_SECONDS}, then kills it; {@link #kill()} is
 * SIGKILL. Both wait until the process is gone and are idempotent. Thread-safe.
 */
public final class ChildProcess implements AutoCloseable {
  /** How long {@link #close()} waits after SIGTERM before SIGKILL. */
  public static final long STOP_WAIT_SECONDS = 30;

  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} with {@code env} added to this JVM's environment. */
  public static ChildProcess start(
      String name, List<String> command, Map<String, String> env, Path log) {
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

  /**
   * Runs {@code command} to completion (at most {@code timeoutSeconds}); throws {@link
   * IllegalStateException} with the log's tail unless it exits 0.
   */
  public static void run(
      String name, List<String> command, Map<String, String> env, Path log, long timeoutSeconds) {
    int status = runForStatus(name, command, env, log, timeoutSeconds);
    if (status != 0) {
      throw new IllegalStateException(name + " exited with " + status + "; log:\n" + tail(log, 40));
    }
  }

  /** Runs {@code command} to completion (at most {@code timeoutSeconds}); its exit status. */
  public static int runForStatus(
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
    return p.process.exitValue();
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit status; throws {@link IllegalStateException} while the process runs. */
  public int exitValue() {
    return process.exitValue();
  }

  /** Waits up to {@code timeoutSeconds} for the process to end by itself; true when it did. */
  public boolean awaitExit(long timeoutSeconds) throws InterruptedException {
    return process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
  }

  /** SIGKILL (kill -9) of the process and its descendants, waiting until the process is gone. */
  public void kill() {
    try (Stream<ProcessHandle> children = process.descendants()) {
      children.forEach(ProcessHandle::destroyForcibly);
    }
    process.destroyForcibly();
    try {
      process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The last 40 lines of the log, for error messages. */
  public String tail() {
    return tail(log, 40);
  }

  /** The last {@code lines} lines of {@code log}, or a note saying why it cannot be read. */
  public static String tail(Path log, int lines) {
    try (Stream<String> all = Files.lines(log)) {
      Deque<String> last = new ArrayDeque<>();
      all.forEach(
          l -> {
            last.addLast(l);
            if (last.size() > lines) {
              last.removeFirst();
            }
          });
      return String.join("\n", last);
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** SIGTERM, then SIGKILL after {@link #STOP_WAIT_SECONDS}; waits until the process is gone. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
        System.err.println(name + " did not stop in " + STOP_WAIT_SECONDS + " s: killing it");
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }
}

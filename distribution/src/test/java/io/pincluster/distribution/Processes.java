package io.pincluster.distribution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command to completion for the packaging tests: its output goes to files in a
 * scratch folder (so a chatty command never blocks on a full pipe), and a command that outlives its
 * time limit is killed and fails the test with what it printed.
 */
final class Processes {
  private Processes() {}

  /** What a finished command printed and how it exited. */
  record Result(int exit, String out, String err) {
    /** Both streams, for assertion messages. */
    String describe() {
      return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  /**
   * Runs {@code command} with {@code env} laid over this JVM's environment (a {@code null} value
   * removes the variable) for at most {@code timeout}; its output is kept in {@code scratch}.
   */
  static Result run(Path scratch, Map<String, String> env, Duration timeout, List<String> command)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    env.forEach(
        (k, v) -> {
          if (v == null) {
            pb.environment().remove(k);
          } else {
            pb.environment().put(k, v);
          }
        });
    Files.createDirectories(scratch);
    Path out = Files.createTempFile(scratch, "out", ".txt");
    Path err = Files.createTempFile(scratch, "err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(
          String.join(" ", command)
              + " did not finish within "
              + timeout
              + "\n--- stdout\n"
              + Files.readString(out)
              + "\n--- stderr\n"
              + Files.readString(err));
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}

package io.pincluster.faults.crash;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-scenario summary of a set of runs (a Markdown table), and its place in a report file
 * between the crash markers.
 */
public final class Summary {
  static final String BEGIN =
      "<!-- crash:begin (written by faults/run.sh --report; edits here are lost) -->";
  static final String END = "<!-- crash:end -->";

  private final List<RunResult> results;

  public Summary(List<RunResult> results) {
    this.results = List.copyOf(results);
  }

  /** The table: one row per scenario in first-run order, then a total row. */
  public String table() {
    Map<Scenario, List<RunResult>> by = new LinkedHashMap<>();
    for (RunResult r : results) {
      by.computeIfAbsent(r.scenario(), s -> new ArrayList<>()).add(r);
    }
    StringBuilder b = new StringBuilder();
    b.append(
        "| scenario | runs | ops acknowledged | failed | unknown | CIDs checked | CIDs skipped"
            + " | violations | recovery median (s) | recovery max (s) |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|\n");
    by.forEach((s, rs) -> b.append(row(s.id(), rs)).append('\n'));
    if (by.size() > 1) {
      b.append(row("**all**", results)).append('\n');
    }
    return b.toString();
  }

  private static String row(String name, List<RunResult> rs) {
    List<Long> recover =
        rs.stream().map(RunResult::recoverMillis).filter(m -> m >= 0).sorted().toList();
    long never = rs.stream().filter(r -> r.recoverMillis() < 0).count();
    String median = recover.isEmpty() ? "–" : seconds(recover.get((recover.size() - 1) / 2));
    String max = recover.isEmpty() ? "–" : seconds(recover.get(recover.size() - 1));
    if (never > 0) {
      max += " (" + never + " never)";
    }
    return "| "
        + name
        + " | "
        + rs.size()
        + " | "
        + rs.stream().mapToLong(RunResult::acknowledged).sum()
        + " | "
        + rs.stream().mapToLong(RunResult::failed).sum()
        + " | "
        + rs.stream().mapToLong(RunResult::unknown).sum()
        + " | "
        + rs.stream().mapToLong(RunResult::checkedCids).sum()
        + " | "
        + rs.stream().mapToLong(RunResult::skippedCids).sum()
        + " | "
        + rs.stream().mapToLong(RunResult::violations).sum()
        + " | "
        + median
        + " | "
        + max
        + " |";
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.1f", millis / 1000.0);
  }

  /** The runs that found violations, one line each (empty when none). */
  public List<String> failures() {
    return results.stream()
        .filter(r -> !r.ok())
        .map(
            r ->
                "run "
                    + r.run()
                    + " ("
                    + r.scenario().id()
                    + ", seed "
                    + r.seed()
                    + "): "
                    + r.violations()
                    + " violation(s), first: "
                    + r.firstViolation())
        .toList();
  }

  /** The runs' notes (e.g. whether a snapshot install was caught), counted per distinct text. */
  public Map<String, Integer> notes() {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (RunResult r : results) {
      if (!r.note().isEmpty()) {
        out.merge(r.scenario().id() + ": " + r.note(), 1, Integer::sum);
      }
    }
    return out;
  }

  /**
   * Writes the summary (date, command, machine, table, failures, notes) into {@code file} between
   * the crash markers, keeping the text outside them; a file without markers gets the part
   * appended.
   */
  public void write(Path file, String command, String date) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append(BEGIN).append('\n');
    b.append("- date: ").append(date).append('\n');
    b.append("- command: `").append(command).append("`\n");
    b.append("- machine: ").append(machine()).append("\n\n");
    b.append(table());
    List<String> failures = failures();
    b.append('\n');
    if (failures.isEmpty()) {
      b.append("No run found a violation.\n");
    } else {
      for (String f : failures) {
        b.append("- ").append(f).append('\n');
      }
    }
    Map<String, Integer> notes = notes();
    if (!notes.isEmpty()) {
      b.append('\n');
      notes.forEach((n, c) -> b.append("- ").append(n).append(" (").append(c).append("×)\n"));
    }
    b.append(END);
    String old = Files.exists(file) ? Files.readString(file) : null;
    Files.writeString(file, splice(old, b.toString()));
  }

  /** Replaces the part between the markers of {@code old}, or appends it when there is none. */
  static String splice(String old, String generated) {
    if (old == null || old.isEmpty()) {
      return generated + "\n";
    }
    int from = old.indexOf(BEGIN);
    int to = old.indexOf(END);
    if (from >= 0 && to > from) {
      return old.substring(0, from) + generated + old.substring(to + END.length());
    }
    return old + (old.endsWith("\n") ? "\n" : "\n\n") + generated + "\n";
  }

  /** CPUs, memory, JVM and OS of this machine. */
  static String machine() {
    long memBytes = -1;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      memBytes = os.getTotalMemorySize();
    }
    return Runtime.getRuntime().availableProcessors()
        + " CPUs, "
        + (memBytes > 0 ? (memBytes >> 30) + " GiB RAM, " : "")
        + "Java "
        + System.getProperty("java.version")
        + ", "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + loadAverage();
  }

  /** "; load average at the end: 1.0 2.0 3.0" from /proc/loadavg, or "" where there is none. */
  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return "; load average (1/5/15 min) at the end: " + f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}

package io.pincluster.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The results table: printed as it grows, written as Markdown at the end. Not thread-safe. */
final class Report {
  /** One measured case: repetitions summarised as median (min–max). */
  record Row(
      String figure,
      String what,
      Percentiles.Spread rate,
      String unit,
      Percentiles.Spread p50,
      Percentiles.Spread p99,
      String goal) {}

  static final String BEGIN = "<!-- bench:begin (written by bench/run.sh; edits here are lost) -->";
  static final String END = "<!-- bench:end -->";

  private final List<Row> rows = new ArrayList<>();
  private final String startLoad = Machine.loadAverage();
  private final List<String> notes = new ArrayList<>();

  /** Summarises {@code runs} (one per repetition) into a row and prints it. */
  Row add(String figure, String what, List<RunResult> runs, String goal) {
    double[] rate = runs.stream().mapToDouble(RunResult::perSecond).toArray();
    double[] p50 = runs.stream().mapToDouble(RunResult::p50Millis).toArray();
    double[] p99 = runs.stream().mapToDouble(RunResult::p99Millis).toArray();
    Row row =
        new Row(
            figure,
            what + " (" + runs.get(0).items() + " pins ×" + runs.size() + ")",
            Percentiles.Spread.of(rate),
            "pins/s",
            Percentiles.Spread.of(p50),
            Percentiles.Spread.of(p99),
            goal);
    rows.add(row);
    System.out.println(line(row));
    System.out.flush();
    return row;
  }

  /** A row of durations (one per repetition), e.g. failover times, without latency columns. */
  Row addDurations(String figure, String what, double[] millis, String goal) {
    return addValues(figure, what, millis, "ms", goal);
  }

  /** A row of one value per repetition in {@code unit}, without latency columns. */
  Row addValues(String figure, String what, double[] millis, String unit, String goal) {
    Percentiles.Spread none = new Percentiles.Spread(Double.NaN, Double.NaN, Double.NaN);
    Row row =
        new Row(
            figure,
            what + " (×" + millis.length + ")",
            Percentiles.Spread.of(millis),
            unit,
            none,
            none,
            goal);
    rows.add(row);
    System.out.println(line(row));
    System.out.flush();
    return row;
  }

  void note(String text) {
    notes.add(text);
    System.out.println("note: " + text);
  }

  List<Row> rows() {
    return List.copyOf(rows);
  }

  static String header() {
    return "| figure | case | result: median (min–max) | p50 ms | p99 ms | goal |\n"
        + "|---|---|---|---|---|---|";
  }

  static String line(Row r) {
    return "| "
        + r.figure()
        + " | "
        + r.what()
        + " | "
        + spread(r.rate(), r.unit().equals("×") ? "%.2f" : "%.0f")
        + " "
        + r.unit()
        + " | "
        + spread(r.p50(), "%.1f")
        + " | "
        + spread(r.p99(), "%.1f")
        + " | "
        + r.goal()
        + " |";
  }

  private static String spread(Percentiles.Spread s, String fmt) {
    if (Double.isNaN(s.median())) {
      return "–";
    }
    return String.format(
        Locale.ROOT, fmt + " (" + fmt + "–" + fmt + ")", s.median(), s.min(), s.max());
  }

  /**
   * Writes the run (machine, command, date, table, notes) into {@code file} between the bench
   * markers, keeping any text outside them.
   */
  void write(Path file, String command, String preamble) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append(BEGIN).append('\n');
    if (preamble != null && !preamble.isBlank()) {
      b.append(preamble.strip()).append("\n\n");
    }
    b.append("### Last run\n\n");
    b.append("- date: ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
    b.append("- command: `").append(command).append("`\n");
    b.append("- machine: ").append(Machine.describe()).append('\n');
    b.append("- load average (1/5/15 min) at the start: ")
        .append(startLoad)
        .append("; at the end: ")
        .append(Machine.loadAverage())
        .append(" (anything above 0 at the start is other work on this machine)\n\n");
    b.append(header()).append('\n');
    for (Row r : rows) {
      b.append(line(r)).append('\n');
    }
    if (!notes.isEmpty()) {
      b.append('\n');
      for (String n : notes) {
        b.append("- ").append(n).append('\n');
      }
    }
    b.append(END);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(
        file, splice(Files.exists(file) ? Files.readString(file) : null, b.toString()));
  }

  /**
   * Replaces the generated part (between {@link #BEGIN} and {@link #END}) of {@code old}, keeping
   * hand-written text around it; a file without markers gets a title and the generated part.
   */
  static String splice(String old, String generated) {
    if (old != null) {
      int from = old.indexOf(BEGIN);
      int to = old.indexOf(END);
      if (from >= 0 && to > from) {
        return old.substring(0, from) + generated + old.substring(to + END.length());
      }
    }
    return "# Benchmarks\n\n" + generated + "\n";
  }
}

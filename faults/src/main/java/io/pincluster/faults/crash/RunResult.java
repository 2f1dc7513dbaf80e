package io.pincluster.faults.crash;

import java.util.List;

/**
 * One run's figures, one tab-separated line in the state file.
 *
 * @param run 0-based run number
 * @param recoverMillis from the first fault to every member answering and accepting a new pin (-1
 *     when it never did)
 * @param note what happened besides the figures (e.g. whether the snapshot install was caught)
 * @param firstViolation the first violation's first line, "" when none
 */
public record RunResult(
    int run,
    Scenario scenario,
    long seed,
    int peers,
    long acknowledged,
    long failed,
    long unknown,
    int checkedCids,
    int skippedCids,
    int violations,
    long recoverMillis,
    long durationMillis,
    String note,
    String firstViolation) {
  /** The state file's column header (a comment line). */
  static final String HEADER =
      "# run\tscenario\tseed\tpeers\tacked\tfailed\tunknown\tchecked\tskipped\tviolations"
          + "\trecover_ms\tduration_ms\tnote\tfirst_violation";

  public RunResult {
    note = clean(note);
    firstViolation = clean(firstViolation);
  }

  public boolean ok() {
    return violations == 0;
  }

  String toLine() {
    return String.join(
        "\t",
        List.of(
            Integer.toString(run),
            scenario.id(),
            Long.toString(seed),
            Integer.toString(peers),
            Long.toString(acknowledged),
            Long.toString(failed),
            Long.toString(unknown),
            Integer.toString(checkedCids),
            Integer.toString(skippedCids),
            Integer.toString(violations),
            Long.toString(recoverMillis),
            Long.toString(durationMillis),
            note.isEmpty() ? "-" : note,
            firstViolation.isEmpty() ? "-" : firstViolation));
  }

  /** Parses {@link #toLine()}; the error names the line's problem. */
  static RunResult parse(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != 14) {
      throw new IllegalArgumentException("expected 14 tab-separated fields, got " + f.length);
    }
    try {
      return new RunResult(
          Integer.parseInt(f[0]),
          Scenario.of(f[1]),
          Long.parseLong(f[2]),
          Integer.parseInt(f[3]),
          Long.parseLong(f[4]),
          Long.parseLong(f[5]),
          Long.parseLong(f[6]),
          Integer.parseInt(f[7]),
          Integer.parseInt(f[8]),
          Integer.parseInt(f[9]),
          Long.parseLong(f[10]),
          Long.parseLong(f[11]),
          f[12].equals("-") ? "" : f[12],
          f[13].equals("-") ? "" : f[13]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a number field is malformed: " + e.getMessage());
    }
  }

  private static String clean(String s) {
    if (s == null) {
      return "";
    }
    String first = s.lines().findFirst().orElse("").replace('\t', ' ').strip();
    return first.length() <= 300 ? first : first.substring(0, 300) + "…";
  }
}

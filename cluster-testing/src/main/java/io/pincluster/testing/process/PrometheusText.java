package io.pincluster.testing.process;

import java.util.OptionalDouble;

/** Reads one sample from the Prometheus text exposition format (what {@code /metrics} serves). */
public final class PrometheusText {
  private PrometheusText() {}

  /**
   * The value of the first sample named {@code name} (with or without labels, with or without a
   * timestamp); empty when there is none or its value is not a number.
   */
  public static OptionalDouble value(String exposition, String name) {
    for (String line : exposition.split("\n")) {
      if (!line.startsWith(name)) {
        continue;
      }
      String rest = line.substring(name.length());
      if (rest.startsWith("{")) {
        int end = labelsEnd(rest);
        if (end < 0) {
          return OptionalDouble.empty();
        }
        rest = rest.substring(end + 1);
      } else if (!rest.startsWith(" ")) {
        continue; // another metric whose name starts with this one
      }
      return number(rest.trim().split("\\s+")[0]);
    }
    return OptionalDouble.empty();
  }

  /** The index of the '}' that closes the labels at the start of {@code s}, or -1. */
  private static int labelsEnd(String s) {
    boolean quoted = false;
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted && c == '\\') {
        i++; // an escaped character inside a label value
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == '}' && !quoted) {
        return i;
      }
    }
    return -1;
  }

  private static OptionalDouble number(String s) {
    switch (s) {
      case "+Inf":
        return OptionalDouble.of(Double.POSITIVE_INFINITY);
      case "-Inf":
        return OptionalDouble.of(Double.NEGATIVE_INFINITY);
      default:
        try {
          return OptionalDouble.of(Double.parseDouble(s));
        } catch (NumberFormatException e) {
          return OptionalDouble.empty();
        }
    }
  }
}

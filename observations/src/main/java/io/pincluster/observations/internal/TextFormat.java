package io.pincluster.observations.internal;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The pieces of the Prometheus text exposition format, version 0.0.4: names, escaping and numbers.
 * Stateless.
 */
public final class TextFormat {
  /** The media type of a scrape answer. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  /** Doubles with a magnitude below this that hold a whole number are written without a point. */
  private static final double WHOLE_LIMIT = 1e15;

  private TextFormat() {}

  /**
   * @throws IllegalArgumentException naming the name when it is not {@code
   *     [a-zA-Z_:][a-zA-Z0-9_:]*}
   */
  public static String checkMetricName(String name) {
    if (name == null || !METRIC_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "metric name \"" + name + "\" must match [a-zA-Z_:][a-zA-Z0-9_:]*");
    }
    return name;
  }

  /**
   * @throws IllegalArgumentException naming the label when it is not {@code [a-zA-Z_][a-zA-Z0-9_]*}
   *     or starts with {@code __} (reserved for Prometheus)
   */
  public static String checkLabelName(String metric, String label) {
    if (label == null || !LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
      throw new IllegalArgumentException(
          "label \""
              + label
              + "\" of "
              + metric
              + " must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __");
    }
    return label;
  }

  /** Appends {@code # HELP} text: backslash and line feed escaped. */
  public static void appendHelp(StringBuilder out, String help) {
    for (int i = 0; i < help.length(); i++) {
      char c = help.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }

  /** Appends {@code {a="x",b="y"}} (nothing for no labels); values escaped. */
  public static void appendLabels(StringBuilder out, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return;
    }
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append(e.getKey()).append("=\"");
      appendLabelValue(out, e.getValue());
      out.append('"');
    }
    out.append('}');
  }

  private static void appendLabelValue(StringBuilder out, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }

  /**
   * Appends a sample value: {@code NaN}, {@code +Inf}, {@code -Inf}, a whole number without a
   * decimal point, or Java's shortest round-tripping decimal form (e.g. {@code 0.25}, {@code
   * 1.0E20}), which Prometheus parses.
   */
  public static void appendValue(StringBuilder out, double v) {
    if (Double.isNaN(v)) {
      out.append("NaN");
    } else if (v == Double.POSITIVE_INFINITY) {
      out.append("+Inf");
    } else if (v == Double.NEGATIVE_INFINITY) {
      out.append("-Inf");
    } else if (v == Math.rint(v) && Math.abs(v) < WHOLE_LIMIT) {
      out.append((long) v);
    } else {
      out.append(v);
    }
  }
}

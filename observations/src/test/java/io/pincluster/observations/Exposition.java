package io.pincluster.observations;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: it throws {@link
 * IllegalArgumentException} naming the line for anything a Prometheus server would refuse, and for
 * what our writer must never produce (samples before their HELP and TYPE, a family split in two, a
 * repeated series, blank lines, a missing final line feed).
 */
final class Exposition {
  static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)( -?[0-9]+)?");
  private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "summary", "histogram", "untyped");

  record Sample(String name, Map<String, String> labels, double value) {}

  record Family(String name, String help, String type, List<Sample> samples) {
    /** The value of the sample with this name and these labels. */
    Optional<Double> value(String sampleName, Map<String, String> labels) {
      return samples.stream()
          .filter(s -> s.name().equals(sampleName) && s.labels().equals(labels))
          .map(Sample::value)
          .findFirst();
    }

    Optional<Double> value() {
      return value(name, Map.of());
    }
  }

  private Exposition() {}

  /** The families of {@code text}, in order, by name. */
  static Map<String, Family> parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition does not end with a line feed");
    }
    Map<String, Family> families = new LinkedHashMap<>();
    Set<String> closed = new HashSet<>();
    Set<String> series = new HashSet<>();
    String current = null;
    String[] lines = text.split("\n", -1); // the last one is what follows the final line feed
    for (int n = 1; n < lines.length; n++) {
      String line = lines[n - 1];
      String where = "line " + n + " \"" + line + "\": ";
      if (line.isEmpty()) {
        throw new IllegalArgumentException(where + "blank line");
      }
      if (line.startsWith("#")) {
        String family = comment(line, where, families);
        if (family != null && !family.equals(current)) {
          if (closed.contains(family) || !families.get(family).samples().isEmpty()) {
            throw new IllegalArgumentException(where + "HELP/TYPE after samples of " + family);
          }
          if (current != null) {
            closed.add(current);
          }
          current = family;
        }
        continue;
      }
      Sample s = sample(line, where);
      String family = familyOf(s.name(), families, where);
      if (!family.equals(current) || closed.contains(family)) {
        throw new IllegalArgumentException(where + "sample outside the block of " + family);
      }
      if (!series.add(s.name() + s.labels())) {
        throw new IllegalArgumentException(where + "repeated series");
      }
      families.get(family).samples().add(s);
    }
    return families;
  }

  /** Parses a HELP or TYPE line into {@code families}; returns its family (null for comments). */
  private static String comment(String line, String where, Map<String, Family> families) {
    String[] parts = line.split(" ", 4);
    if (parts.length < 3 || !(parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
      return null; // a plain comment
    }
    String name = parts[2];
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(where + "bad metric name");
    }
    String rest = parts.length == 4 ? parts[3] : "";
    Family old = families.get(name);
    if (parts[1].equals("HELP")) {
      if (old != null && old.help() != null) {
        throw new IllegalArgumentException(where + "second HELP");
      }
      families.put(
          name,
          new Family(
              name, unescape(rest, false, where), old == null ? null : old.type(), samples(old)));
    } else {
      if (!TYPES.contains(rest)) {
        throw new IllegalArgumentException(where + "unknown type");
      }
      if (old != null && old.type() != null) {
        throw new IllegalArgumentException(where + "second TYPE");
      }
      families.put(name, new Family(name, old == null ? null : old.help(), rest, samples(old)));
    }
    return name;
  }

  private static List<Sample> samples(Family f) {
    return f == null ? new ArrayList<>() : f.samples();
  }

  private static String familyOf(String sample, Map<String, Family> families, String where) {
    for (String suffix : List.of("_count", "_sum")) {
      if (sample.endsWith(suffix)) {
        String base = sample.substring(0, sample.length() - suffix.length());
        Family f = families.get(base);
        if (f != null && "summary".equals(f.type())) {
          return base;
        }
      }
    }
    Family f = families.get(sample);
    if (f == null || f.type() == null || f.help() == null) {
      throw new IllegalArgumentException(where + "sample before its HELP and TYPE");
    }
    if (f.type().equals("summary")) {
      throw new IllegalArgumentException(where + "a summary has only _count and _sum here");
    }
    return sample;
  }

  private static Sample sample(String line, String where) {
    Matcher m = SAMPLE.matcher(line);
    if (!m.matches()) {
      throw new IllegalArgumentException(where + "not a sample line");
    }
    Map<String, String> labels = m.group(3) == null ? Map.of() : labels(m.group(3), where);
    String v = m.group(4);
    double value;
    try {
      value =
          switch (v) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
          };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where + "value is not a float");
    }
    if (!Double.isInfinite(value) && !Double.isNaN(value) && !NUMBER.matcher(v).matches()) {
      throw new IllegalArgumentException(where + "value is not a plain decimal float");
    }
    return new Sample(m.group(1), labels, value);
  }

  /** {@code a="x",b="y"}, values with \\, \" and \n escapes. */
  private static Map<String, String> labels(String body, String where) {
    Map<String, String> out = new TreeMap<>();
    int i = 0;
    while (i < body.length()) {
      int eq = body.indexOf("=\"", i);
      if (eq < 0) {
        throw new IllegalArgumentException(where + "malformed labels");
      }
      String name = body.substring(i, eq);
      if (!LABEL.matcher(name).matches()) {
        throw new IllegalArgumentException(where + "bad label name " + name);
      }
      StringBuilder value = new StringBuilder();
      int j = eq + 2;
      for (; j < body.length() && body.charAt(j) != '"'; j++) {
        char c = body.charAt(j);
        if (c == '\\') {
          j++;
          value.append(escaped(body.charAt(j), true, where));
        } else {
          value.append(c);
        }
      }
      if (j >= body.length() || out.put(name, value.toString()) != null) {
        throw new IllegalArgumentException(where + "unterminated or repeated label " + name);
      }
      i = j + 1;
      if (i < body.length() && body.charAt(i++) != ',') {
        throw new IllegalArgumentException(where + "labels not separated by commas");
      }
    }
    return out;
  }

  private static String unescape(String s, boolean quotes, String where) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        out.append(escaped(s.charAt(++i), quotes, where));
      } else if (c == '\\') {
        throw new IllegalArgumentException(where + "dangling backslash");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static char escaped(char c, boolean quotes, String where) {
    return switch (c) {
      case '\\' -> '\\';
      case 'n' -> '\n';
      case '"' -> {
        if (!quotes) {
          throw new IllegalArgumentException(where + "\\\" is not an escape in HELP");
        }
        yield '"';
      }
      default -> throw new IllegalArgumentException(where + "unknown escape \\" + c);
    };
  }
}

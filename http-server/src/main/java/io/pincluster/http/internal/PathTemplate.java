package io.pincluster.http.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A route path such as {@code /pins/{cid}} or {@code /pins/ipfs/{path...}}: literal segments,
 * single-segment parameters {@code {name}}, and a final rest parameter {@code {name...}} that
 * matches one or more segments (joined back with {@code /}). Immutable.
 */
public final class PathTemplate {
  /**
   * More specific templates first: segment by segment, a literal beats a parameter, which beats a
   * rest parameter; then the longer template.
   */
  public static final Comparator<PathTemplate> MOST_SPECIFIC_FIRST =
      PathTemplate::compareSpecificity;

  private enum Kind {
    LITERAL,
    PARAM,
    REST
  }

  private record Segment(Kind kind, String text) {}

  private final String text;
  private final List<Segment> segments;

  private PathTemplate(String text, List<Segment> segments) {
    this.text = text;
    this.segments = List.copyOf(segments);
  }

  /**
   * @throws IllegalArgumentException naming the template when it is malformed
   */
  public static PathTemplate parse(String template) {
    if (template == null || !template.startsWith("/")) {
      throw new IllegalArgumentException("path template \"" + template + "\" must start with /");
    }
    List<Segment> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    String body = template.substring(1);
    String[] parts = body.isEmpty() ? new String[0] : body.split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      Segment s = segment(template, parts[i]);
      if (s.kind() == Kind.REST && i != parts.length - 1) {
        throw new IllegalArgumentException(
            "path template \"" + template + "\": {" + s.text() + "...} must be the last segment");
      }
      if (s.kind() != Kind.LITERAL && !names.add(s.text())) {
        throw new IllegalArgumentException(
            "path template \"" + template + "\" repeats parameter {" + s.text() + "}");
      }
      out.add(s);
    }
    return new PathTemplate(template, out);
  }

  private static Segment segment(String template, String part) {
    if (part.isEmpty()) {
      throw new IllegalArgumentException(
          "path template \"" + template + "\" has an empty segment (or ends with /)");
    }
    if (part.startsWith("{") && part.endsWith("}")) {
      String name = part.substring(1, part.length() - 1);
      Kind kind = Kind.PARAM;
      if (name.endsWith("...")) {
        name = name.substring(0, name.length() - 3);
        kind = Kind.REST;
      }
      if (!name.matches("[A-Za-z_][A-Za-z0-9_-]*")) {
        throw new IllegalArgumentException(
            "path template \"" + template + "\": bad parameter name \"" + name + "\"");
      }
      return new Segment(kind, name);
    }
    if (part.contains("{") || part.contains("}")) {
      throw new IllegalArgumentException(
          "path template \"" + template + "\": segment \"" + part + "\" mixes text and {…}");
    }
    return new Segment(Kind.LITERAL, part);
  }

  /** The parameters when {@code path} (decoded segments) matches, else null. */
  public Map<String, String> match(List<String> path) {
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      if (s.kind() == Kind.REST) {
        if (i >= path.size()) {
          return null;
        }
        params.put(s.text(), String.join("/", path.subList(i, path.size())));
        return params;
      }
      if (i >= path.size()) {
        return null;
      }
      String seg = path.get(i);
      if (s.kind() == Kind.LITERAL) {
        if (!s.text().equals(seg)) {
          return null;
        }
      } else {
        if (seg.isEmpty()) {
          return null;
        }
        params.put(s.text(), seg);
      }
    }
    return path.size() == segments.size() ? params : null;
  }

  private int compareSpecificity(PathTemplate o) {
    int n = Math.min(segments.size(), o.segments.size());
    for (int i = 0; i < n; i++) {
      int c = segments.get(i).kind().compareTo(o.segments.get(i).kind());
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(o.segments.size(), segments.size());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PathTemplate t && text.equals(t.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}

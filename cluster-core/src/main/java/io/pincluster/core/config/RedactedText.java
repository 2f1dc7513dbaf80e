package io.pincluster.core.config;

import java.lang.reflect.RecordComponent;
import java.util.Set;

/** {@code toString()} of a record with some components shown as {@code <redacted>}. */
final class RedactedText {
  private RedactedText() {}

  /** Like a record's default text ({@code Name[a=1, b=2]}), the named components redacted. */
  static String of(Record r, String... redacted) {
    Set<String> hidden = Set.of(redacted);
    StringBuilder sb = new StringBuilder(r.getClass().getSimpleName()).append('[');
    RecordComponent[] components = r.getClass().getRecordComponents();
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(c.getName()).append('=');
      try {
        Object value = c.getAccessor().invoke(r);
        sb.append(hidden.contains(c.getName()) && value != null ? "<redacted>" : value);
      } catch (ReflectiveOperationException e) {
        sb.append('?');
      }
    }
    return sb.append(']').toString();
  }
}

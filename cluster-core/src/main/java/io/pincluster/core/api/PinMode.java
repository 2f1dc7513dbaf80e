package io.pincluster.core.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How IPFS pins the content: the whole DAG ({@code recursive}) or the root block ({@code direct}).
 */
public enum PinMode {
  RECURSIVE,
  DIRECT;

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The max_depth that goes with this mode: -1 for recursive, 0 for direct. */
  public int maxDepth() {
    return this == RECURSIVE ? -1 : 0;
  }

  /**
   * Parses {@code recursive} or {@code direct}; an empty string means recursive.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  @JsonCreator
  public static PinMode fromWire(String s) {
    if (s == null || s.isEmpty() || s.equals("recursive")) {
      return RECURSIVE;
    }
    if (s.equals("direct")) {
      return DIRECT;
    }
    throw new IllegalArgumentException("mode \"" + s + "\" is not recursive or direct");
  }
}

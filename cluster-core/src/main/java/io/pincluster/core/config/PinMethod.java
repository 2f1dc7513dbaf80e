package io.pincluster.core.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How the connector pins: {@code refs} fetches with {@code refs -r} first, {@code pin} does not.
 */
public enum PinMethod {
  REFS,
  PIN;

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static PinMethod fromWire(String s) {
    for (PinMethod m : values()) {
      if (m.wire().equals(s)) {
        return m;
      }
    }
    throw new IllegalArgumentException("\"" + s + "\" is not refs or pin");
  }
}

package io.pincluster.core.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The kind of a pin. pincluster pins data only; the others exist for wire compatibility. */
public enum PinType {
  PIN("pin"),
  META_PIN("meta-pin"),
  CLUSTERDAG_PIN("clusterdag-pin"),
  SHARD_PIN("shard-pin");

  private final String wire;

  PinType(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  /**
   * @throws IllegalArgumentException naming the unknown type
   */
  @JsonCreator
  public static PinType fromWire(String s) {
    for (PinType t : values()) {
      if (t.wire.equals(s)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown pin type \"" + s + "\"");
  }
}

package io.pincluster.core.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinType;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads {@link Pin}s as the pinset stores them ({@link Json#write} of a pin) with Jackson's
 * streaming API: listing the pinset decodes one per pin, and data binding costs several times more.
 * Any document it does not fully understand (an unexpected token, an unknown field, a value a
 * constructor refuses) is read again by data binding, so the result, and the error for a bad
 * document, are always data binding's. Thread-safe.
 */
public final class StoredPins {
  private StoredPins() {}

  /**
   * The pin in {@code json}.
   *
   * @throws IllegalArgumentException as {@link Json#read} does for a document that is not a pin
   */
  public static Pin read(byte[] json) {
    Pin fast = readStoredForm(json);
    return fast != null ? fast : Json.read(json, Pin.class);
  }

  /** The pin when {@code json} is in the plain stored form, else null (data binding decides). */
  static Pin readStoredForm(byte[] json) {
    try (JsonParser p = Json.mapper().getFactory().createParser(json)) {
      return parse(p);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The pin, or null for anything but the plain stored form. */
  private static Pin parse(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return null;
    }
    Cid cid = null;
    PinType type = null;
    List<PeerId> allocations = null;
    int maxDepth = 0;
    Cid reference = null;
    Instant timestamp = null;
    int min = 0;
    int max = 0;
    String name = null;
    PinMode mode = null;
    List<PeerId> userAllocations = null;
    Instant expireAt = null;
    Map<String, String> metadata = null;
    Cid pinUpdate = null;
    List<Multiaddr> origins = null;
    Set<String> seen = new HashSet<>();
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      if (!seen.add(field)) {
        return null; // data binding's handling of a repeated field is its own
      }
      JsonToken t = p.nextToken();
      switch (field) {
        case "cid" -> cid = t == JsonToken.VALUE_STRING ? Cid.parse(p.getText()) : null;
        case "type" -> type = PinType.fromWire(string(p, t));
        case "allocations" -> allocations = list(p, t, PeerId::parse);
        case "max_depth" -> maxDepth = integer(p, t);
        case "reference" -> reference = t == JsonToken.VALUE_NULL ? null : Cid.parse(string(p, t));
        case "timestamp" -> timestamp = Rfc3339.parse(string(p, t));
        case "replication_factor_min" -> min = integer(p, t);
        case "replication_factor_max" -> max = integer(p, t);
        case "name" -> name = string(p, t);
        case "mode" -> mode = PinMode.fromWire(string(p, t));
        case "user_allocations" -> userAllocations = list(p, t, PeerId::parse);
        case "expire_at" -> expireAt = Rfc3339.parse(string(p, t));
        case "metadata" -> metadata = strings(p, t);
        case "pin_update" -> pinUpdate = t == JsonToken.VALUE_NULL ? null : Cid.parse(string(p, t));
        case "origins" -> origins = list(p, t, Multiaddr::parse);
        default -> {
          return null;
        }
      }
    }
    if (cid == null || p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
      return null;
    }
    return new Pin(
        cid,
        type,
        allocations,
        maxDepth,
        reference,
        timestamp,
        min,
        max,
        name,
        mode,
        userAllocations,
        expireAt,
        metadata,
        pinUpdate,
        origins);
  }

  /** A string value; anything else is not the stored form. */
  private static String string(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.VALUE_STRING) {
      throw new IOException("not a string");
    }
    return p.getText();
  }

  private static int integer(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
      throw new IOException("not an int");
    }
    return p.getIntValue();
  }

  /** An array of strings, each turned into a value by {@code parse}. */
  private static <T> List<T> list(JsonParser p, JsonToken t, Function<String, T> parse)
      throws IOException {
    if (t != JsonToken.START_ARRAY) {
      throw new IOException("not an array");
    }
    List<T> out = new ArrayList<>();
    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
      out.add(parse.apply(string(p, e)));
    }
    return out;
  }

  private static Map<String, String> strings(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      throw new IOException("not an object");
    }
    Map<String, String> out = new HashMap<>();
    for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
      if (out.put(key, string(p, p.nextToken())) != null) {
        throw new IOException("duplicate key");
      }
    }
    return out;
  }
}

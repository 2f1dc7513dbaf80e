package io.pincluster.core.json;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinType;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.json.JsonScanner.NotPlain;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads {@link Pin}s as the pinset stores them ({@link Json#write} of a pin) byte by byte ({@link
 * JsonScanner}): listing the pinset decodes one per pin, and Jackson (data binding or its
 * tokenizer) costs several times more. Any document it does not fully understand (an unexpected
 * token, an unknown field, a value a constructor refuses) is read again by data binding, so the
 * result, and the error for a bad document, are always data binding's. Thread-safe.
 */
public final class StoredPins {
  private StoredPins() {}

  /**
   * The pin in {@code json}.
   *
   * @throws IllegalArgumentException as {@link Json#read} does for a document that is not a pin
   */
  public static Pin read(byte[] json) {
    return read(json, null);
  }

  /**
   * The pin in {@code json}, stored under {@code key} (or null when unknown). A stored CID whose
   * text is {@code key}'s canonical text is taken as {@code key} instead of parsed again; any other
   * is parsed, so the result is the same either way.
   *
   * @throws IllegalArgumentException as {@link Json#read} does for a document that is not a pin
   */
  public static Pin read(byte[] json, Cid key) {
    Pin fast = readStoredForm(new JsonScanner(json), key);
    return fast != null ? fast : Json.read(json, Pin.class);
  }

  /**
   * The pin in the first {@code length} bytes of {@code json} (a reused line buffer: a pin file's
   * line), read as {@link #read(byte[])} reads a whole array.
   *
   * @throws IllegalArgumentException as {@link Json#read} does for a document that is not a pin
   */
  public static Pin read(byte[] json, int length) {
    Objects.checkFromIndexSize(0, length, json.length);
    Pin fast = readStoredForm(new JsonScanner(json, length), null);
    return fast != null ? fast : Json.read(Arrays.copyOf(json, length), Pin.class);
  }

  /** The pin when {@code json} is in the plain stored form, else null (data binding decides). */
  static Pin readStoredForm(byte[] json) {
    return readStoredForm(new JsonScanner(json), null);
  }

  private static Pin readStoredForm(JsonScanner in, Cid key) {
    try {
      return parse(in, key);
    } catch (NotPlain | RuntimeException e) {
      return null;
    }
  }

  /**
   * The stored form's field names, in {@link Pin}'s order; a field's index is its bit in "seen".
   */
  private static final byte[][] FIELDS =
      names(
          "cid",
          "type",
          "allocations",
          "max_depth",
          "reference",
          "timestamp",
          "replication_factor_min",
          "replication_factor_max",
          "name",
          "mode",
          "user_allocations",
          "expire_at",
          "metadata",
          "pin_update",
          "origins");

  private static byte[][] names(String... names) {
    byte[][] out = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      out[i] = names[i].getBytes(StandardCharsets.US_ASCII);
    }
    return out;
  }

  /** The pin, or null for anything but the plain stored form. */
  private static Pin parse(JsonScanner in, Cid key) throws NotPlain {
    in.expect('{');
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
    int seen = 0;
    boolean more = !in.tryConsume('}');
    while (more) {
      int field = in.fieldIndex(FIELDS);
      if (field < 0 || (seen & 1 << field) != 0) {
        return null; // an unknown field, or a repeated one: data binding decides
      }
      seen |= 1 << field;
      switch (field) {
        case 0 -> cid = key != null && in.tryString(key.toString()) ? key : Cid.parse(in.string());
        case 1 -> type = PinType.fromWire(in.string());
        case 2 -> allocations = list(in, PeerId::parse);
        case 3 -> maxDepth = in.integer();
        case 4 -> reference = in.tryNull() ? null : Cid.parse(in.string());
        case 5 -> timestamp = Rfc3339.parse(in.string());
        case 6 -> min = in.integer();
        case 7 -> max = in.integer();
        case 8 -> name = in.string();
        case 9 -> mode = PinMode.fromWire(in.string());
        case 10 -> userAllocations = list(in, PeerId::parse);
        case 11 -> expireAt = Rfc3339.parse(in.string());
        case 12 -> metadata = strings(in);
        case 13 -> pinUpdate = in.tryNull() ? null : Cid.parse(in.string());
        default -> origins = list(in, Multiaddr::parse);
      }
      more = in.tryConsume(',');
      if (!more) {
        in.expect('}');
      }
    }
    if (cid == null || !in.atEnd()) {
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

  /** An array of strings, each turned into a value by {@code parse}. */
  private static <T> List<T> list(JsonScanner in, Function<String, T> parse) throws NotPlain {
    in.expect('[');
    List<T> out = new ArrayList<>();
    if (in.tryConsume(']')) {
      return out;
    }
    do {
      out.add(parse.apply(in.string()));
    } while (in.tryConsume(','));
    in.expect(']');
    return out;
  }

  private static Map<String, String> strings(JsonScanner in) throws NotPlain {
    in.expect('{');
    Map<String, String> out = new HashMap<>();
    if (in.tryConsume('}')) {
      return out;
    }
    do {
      if (out.put(in.fieldName(), in.string()) != null) {
        throw NotPlain.INSTANCE; // a repeated key: data binding decides
      }
    } while (in.tryConsume(','));
    in.expect('}');
    return out;
  }
}

package io.pincluster.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.LocalPinStatus;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinType;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * The JSON mapping of the cluster API: snake_case field names, times as RFC 3339 text, CIDs and
 * peer IDs as plain strings, unknown fields ignored when reading. The mapper is thread-safe.
 */
public final class Json {
  private static final ObjectMapper MAPPER = create();

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Compact JSON of {@code value}. */
  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  /** Compact JSON of {@code value} followed by a newline (one NDJSON line). */
  public static byte[] writeLine(Object value) {
    byte[] json = write(value);
    byte[] line = new byte[json.length + 1];
    System.arraycopy(json, 0, line, 0, json.length);
    line[json.length] = '\n';
    return line;
  }

  /**
   * Reads {@code type} from JSON bytes.
   *
   * @throws IllegalArgumentException with Jackson's description of the problem
   */
  public static <T> T read(byte[] json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new IllegalArgumentException(describe(e), e);
    }
  }

  /** A one-line description of a JSON error, without Jackson's source excerpt. */
  public static String describe(IOException e) {
    if (e instanceof JsonProcessingException jpe) {
      return jpe.getOriginalMessage();
    }
    return e.getMessage();
  }

  public static String toText(Object value) {
    return new String(write(value), java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Pretty JSON laid out as Go's {@code json.MarshalIndent(v, "", " ")} does (how cluster-ctl
   * prints): 4-space indentation, one array item per line, {@code "key": value}, {@code []}.
   */
  public static String pretty(Object value) {
    com.fasterxml.jackson.core.util.DefaultIndenter indenter =
        new com.fasterxml.jackson.core.util.DefaultIndenter("    ", "\n");
    com.fasterxml.jackson.core.util.Separators separators =
        com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator("");
    com.fasterxml.jackson.core.util.DefaultPrettyPrinter printer =
        new com.fasterxml.jackson.core.util.DefaultPrettyPrinter(separators)
            .withObjectIndenter(indenter)
            .withArrayIndenter(indenter);
    try {
      return MAPPER.writer(printer).writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code t} as every JSON document here writes it ({@link Instant#toString()}'s form). */
  static String timeText(Instant t) {
    return InstantSerializer.ZERO_TIME.equals(t)
        ? InstantSerializer.ZERO_TIME_TEXT
        : Rfc3339.format(t);
  }

  private static ObjectMapper create() {
    return create(true);
  }

  /**
   * The mapper; without {@code handWritten}, {@link GlobalPinInfo}, {@link Pin} and the text types
   * are written by data binding instead of by hand: the tests compare the two.
   */
  static ObjectMapper create(boolean handWritten) {
    SimpleModule module = new SimpleModule("pincluster");
    module.addSerializer(Instant.class, new InstantSerializer());
    module.addDeserializer(Instant.class, new InstantDeserializer());
    module.addSerializer(LocalPinStatus.class, new LocalPinStatusCodec.Writer());
    module.addDeserializer(LocalPinStatus.class, new LocalPinStatusCodec.Reader());
    if (handWritten) {
      module.addSerializer(GlobalPinInfo.class, new GlobalPinInfoWriter());
      module.addSerializer(Pin.class, new PinWriter());
      // the text these types name with @JsonValue, written without Jackson's reflective call (a
      // tenth of a status stream's encoding)
      module.addSerializer(Cid.class, new TextSerializer<>(Cid::toString));
      module.addSerializer(PeerId.class, new TextSerializer<>(PeerId::toString));
      module.addSerializer(Multiaddr.class, new TextSerializer<>(Multiaddr::toString));
      module.addSerializer(TrackerStatus.class, new TextSerializer<>(TrackerStatus::wire));
      module.addSerializer(PinType.class, new TextSerializer<>(PinType::wire));
      module.addSerializer(PinMode.class, new TextSerializer<>(PinMode::wire));
    }
    ObjectMapper m = new ObjectMapper();
    m.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    m.registerModule(module);
    m.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    m.configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);
    return m;
  }

  private static final class InstantSerializer extends JsonSerializer<Instant> {
    private static final Instant ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");
    private static final String ZERO_TIME_TEXT = ZERO_TIME.toString();

    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers)
        throws IOException {
      // the zero time (Go's time.Time{}) is in most pins (expire_at, often timestamp): skip
      // formatting it
      gen.writeString(timeText(value));
    }
  }

  /** Writes a value as the JSON string {@code text} gives, which its @JsonValue method also is. */
  private static final class TextSerializer<T> extends JsonSerializer<T> {
    private final Function<T, String> text;

    TextSerializer(Function<T, String> text) {
      this.text = text;
    }

    @Override
    public void serialize(T value, JsonGenerator gen, SerializerProvider serializers)
        throws IOException {
      gen.writeString(text.apply(value));
    }
  }

  private static final class InstantDeserializer extends JsonDeserializer<Instant> {
    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getValueAsString();
      if (text == null || text.isEmpty()) {
        return null;
      }
      try {
        return Rfc3339.parse(text);
      } catch (DateTimeParseException e) {
        return (Instant) ctxt.handleWeirdStringValue(Instant.class, text, "not an RFC 3339 time");
      }
    }
  }
}

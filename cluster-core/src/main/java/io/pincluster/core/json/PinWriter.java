package io.pincluster.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.util.NameTransformer;
import io.pincluster.core.api.Pin;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Writes {@link Pin} with Jackson's streaming API: the same fields, order and nulls as data binding
 * (checked against it in the tests), without its reflective calls. Every pin is written this way
 * into its Raft entry and into the pinset, and again for every {@code pin ls} line and state
 * export, so this was most of the encoding cost of ingestion and of {@code state import}.
 */
final class PinWriter extends JsonSerializer<Pin> {
  /** Field names as written: as they are, or changed by an enclosing {@code @JsonUnwrapped}. */
  private final NameTransformer names;

  PinWriter() {
    this(null);
  }

  private PinWriter(NameTransformer unwrapped) {
    this.names = unwrapped;
  }

  /** The pin's fields without braces, into an enclosing object (REST's {@code WirePin}). */
  @Override
  public JsonSerializer<Pin> unwrappingSerializer(NameTransformer unwrapper) {
    return new PinWriter(unwrapper);
  }

  @Override
  public boolean isUnwrappingSerializer() {
    return names != null;
  }

  @Override
  public void serialize(Pin p, JsonGenerator gen, SerializerProvider provider) throws IOException {
    if (names == null) {
      gen.writeStartObject();
    }
    gen.writeFieldName(name("cid"));
    GlobalPinInfoWriter.text(gen, p.cid());
    gen.writeStringField(name("type"), p.type().wire());
    gen.writeFieldName(name("allocations"));
    peers(gen, p.allocations());
    gen.writeNumberField(name("max_depth"), p.maxDepth());
    gen.writeFieldName(name("reference"));
    GlobalPinInfoWriter.text(gen, p.reference());
    gen.writeStringField(name("timestamp"), Json.timeText(p.timestamp()));
    gen.writeNumberField(name("replication_factor_min"), p.replicationFactorMin());
    gen.writeNumberField(name("replication_factor_max"), p.replicationFactorMax());
    gen.writeStringField(name("name"), p.name());
    gen.writeStringField(name("mode"), p.mode().wire());
    gen.writeFieldName(name("user_allocations"));
    peers(gen, p.userAllocations());
    gen.writeStringField(name("expire_at"), Json.timeText(p.expireAt()));
    gen.writeObjectFieldStart(name("metadata"));
    for (Map.Entry<String, String> e : p.metadata().entrySet()) {
      gen.writeFieldName(e.getKey());
      GlobalPinInfoWriter.text(gen, e.getValue());
    }
    gen.writeEndObject();
    gen.writeFieldName(name("pin_update"));
    GlobalPinInfoWriter.text(gen, p.pinUpdate());
    gen.writeArrayFieldStart(name("origins"));
    for (Multiaddr origin : p.origins()) {
      GlobalPinInfoWriter.text(gen, origin);
    }
    gen.writeEndArray();
    if (names == null) {
      gen.writeEndObject();
    }
  }

  private String name(String field) {
    return names == null ? field : names.transform(field);
  }

  private static void peers(JsonGenerator gen, List<PeerId> peers) throws IOException {
    gen.writeStartArray();
    for (PeerId peer : peers) {
      GlobalPinInfoWriter.text(gen, peer);
    }
    gen.writeEndArray();
  }
}

package io.pincluster.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
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
  /** Whether the fields go into an enclosing object ({@code @JsonUnwrapped}), without braces. */
  private final boolean unwrapped;

  // The field names as written (as they are, or changed by an enclosing @JsonUnwrapped), encoded
  // once: Jackson then copies their bytes instead of checking every character of every name.
  private final SerializableString cid;
  private final SerializableString type;
  private final SerializableString allocations;
  private final SerializableString maxDepth;
  private final SerializableString reference;
  private final SerializableString timestamp;
  private final SerializableString replicationFactorMin;
  private final SerializableString replicationFactorMax;
  private final SerializableString name;
  private final SerializableString mode;
  private final SerializableString userAllocations;
  private final SerializableString expireAt;
  private final SerializableString metadata;
  private final SerializableString pinUpdate;
  private final SerializableString origins;

  PinWriter() {
    this(null);
  }

  private PinWriter(NameTransformer names) {
    this.unwrapped = names != null;
    this.cid = field("cid", names);
    this.type = field("type", names);
    this.allocations = field("allocations", names);
    this.maxDepth = field("max_depth", names);
    this.reference = field("reference", names);
    this.timestamp = field("timestamp", names);
    this.replicationFactorMin = field("replication_factor_min", names);
    this.replicationFactorMax = field("replication_factor_max", names);
    this.name = field("name", names);
    this.mode = field("mode", names);
    this.userAllocations = field("user_allocations", names);
    this.expireAt = field("expire_at", names);
    this.metadata = field("metadata", names);
    this.pinUpdate = field("pin_update", names);
    this.origins = field("origins", names);
  }

  private static SerializableString field(String field, NameTransformer names) {
    return new SerializedString(names == null ? field : names.transform(field));
  }

  /** The pin's fields without braces, into an enclosing object (REST's {@code WirePin}). */
  @Override
  public JsonSerializer<Pin> unwrappingSerializer(NameTransformer unwrapper) {
    return new PinWriter(unwrapper);
  }

  @Override
  public boolean isUnwrappingSerializer() {
    return unwrapped;
  }

  @Override
  public void serialize(Pin p, JsonGenerator gen, SerializerProvider provider) throws IOException {
    if (!unwrapped) {
      gen.writeStartObject();
    }
    gen.writeFieldName(cid);
    GlobalPinInfoWriter.text(gen, p.cid());
    gen.writeFieldName(type);
    gen.writeString(p.type().wire());
    gen.writeFieldName(allocations);
    peers(gen, p.allocations());
    gen.writeFieldName(maxDepth);
    gen.writeNumber(p.maxDepth());
    gen.writeFieldName(reference);
    GlobalPinInfoWriter.text(gen, p.reference());
    gen.writeFieldName(timestamp);
    gen.writeString(Json.timeText(p.timestamp()));
    gen.writeFieldName(replicationFactorMin);
    gen.writeNumber(p.replicationFactorMin());
    gen.writeFieldName(replicationFactorMax);
    gen.writeNumber(p.replicationFactorMax());
    gen.writeFieldName(name);
    gen.writeString(p.name());
    gen.writeFieldName(mode);
    gen.writeString(p.mode().wire());
    gen.writeFieldName(userAllocations);
    peers(gen, p.userAllocations());
    gen.writeFieldName(expireAt);
    gen.writeString(Json.timeText(p.expireAt()));
    gen.writeFieldName(metadata);
    gen.writeStartObject();
    for (Map.Entry<String, String> e : p.metadata().entrySet()) {
      gen.writeFieldName(e.getKey());
      GlobalPinInfoWriter.text(gen, e.getValue());
    }
    gen.writeEndObject();
    gen.writeFieldName(pinUpdate);
    GlobalPinInfoWriter.text(gen, p.pinUpdate());
    gen.writeFieldName(origins);
    gen.writeStartArray();
    for (Multiaddr origin : p.origins()) {
      GlobalPinInfoWriter.text(gen, origin);
    }
    gen.writeEndArray();
    if (!unwrapped) {
      gen.writeEndObject();
    }
  }

  private static void peers(JsonGenerator gen, List<PeerId> peers) throws IOException {
    gen.writeStartArray();
    for (PeerId peer : peers) {
      GlobalPinInfoWriter.text(gen, peer);
    }
    gen.writeEndArray();
  }
}

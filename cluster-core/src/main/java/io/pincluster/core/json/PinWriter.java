package io.pincluster.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
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
  @Override
  public void serialize(Pin p, JsonGenerator gen, SerializerProvider provider) throws IOException {
    gen.writeStartObject();
    gen.writeFieldName("cid");
    GlobalPinInfoWriter.text(gen, p.cid());
    gen.writeStringField("type", p.type().wire());
    gen.writeFieldName("allocations");
    peers(gen, p.allocations());
    gen.writeNumberField("max_depth", p.maxDepth());
    gen.writeFieldName("reference");
    GlobalPinInfoWriter.text(gen, p.reference());
    gen.writeStringField("timestamp", Json.timeText(p.timestamp()));
    gen.writeNumberField("replication_factor_min", p.replicationFactorMin());
    gen.writeNumberField("replication_factor_max", p.replicationFactorMax());
    gen.writeStringField("name", p.name());
    gen.writeStringField("mode", p.mode().wire());
    gen.writeFieldName("user_allocations");
    peers(gen, p.userAllocations());
    gen.writeStringField("expire_at", Json.timeText(p.expireAt()));
    gen.writeObjectFieldStart("metadata");
    for (Map.Entry<String, String> e : p.metadata().entrySet()) {
      gen.writeFieldName(e.getKey());
      GlobalPinInfoWriter.text(gen, e.getValue());
    }
    gen.writeEndObject();
    gen.writeFieldName("pin_update");
    GlobalPinInfoWriter.text(gen, p.pinUpdate());
    gen.writeArrayFieldStart("origins");
    for (Multiaddr origin : p.origins()) {
      GlobalPinInfoWriter.text(gen, origin);
    }
    gen.writeEndArray();
    gen.writeEndObject();
  }

  private static void peers(JsonGenerator gen, List<PeerId> peers) throws IOException {
    gen.writeStartArray();
    for (PeerId peer : peers) {
      GlobalPinInfoWriter.text(gen, peer);
    }
    gen.writeEndArray();
  }
}

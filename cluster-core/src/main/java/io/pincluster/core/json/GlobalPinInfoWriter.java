package io.pincluster.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.PinInfoShort;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.io.IOException;
import java.util.Map;

/**
 * Writes {@link GlobalPinInfo} with Jackson's streaming API: the same fields, order and omissions
 * as data binding (checked against it in the tests), without its reflective calls. Every line of a
 * status stream is one, so this is most of the stream's encoding.
 */
final class GlobalPinInfoWriter extends JsonSerializer<GlobalPinInfo> {
  @Override
  public void serialize(GlobalPinInfo g, JsonGenerator gen, SerializerProvider provider)
      throws IOException {
    gen.writeStartObject();
    gen.writeFieldName("cid");
    text(gen, g.cid());
    gen.writeStringField("name", g.name());
    gen.writeArrayFieldStart("allocations");
    for (PeerId peer : g.allocations()) {
      text(gen, peer);
    }
    gen.writeEndArray();
    gen.writeArrayFieldStart("origins");
    for (Multiaddr origin : g.origins()) {
      text(gen, origin);
    }
    gen.writeEndArray();
    gen.writeStringField("created", Json.timeText(g.created()));
    gen.writeObjectFieldStart("metadata");
    for (Map.Entry<String, String> e : g.metadata().entrySet()) {
      gen.writeStringField(e.getKey(), e.getValue());
    }
    gen.writeEndObject();
    gen.writeObjectFieldStart("peer_map");
    for (Map.Entry<String, PinInfoShort> e : g.peerMap().entrySet()) {
      if (e.getValue() == null) {
        gen.writeNullField(e.getKey());
        continue;
      }
      gen.writeObjectFieldStart(e.getKey());
      LocalPinStatusCodec.writeStatusFields(gen, e.getValue());
      gen.writeEndObject();
    }
    gen.writeEndObject();
    gen.writeEndObject();
  }

  /**
   * A value's text, or null as data binding writes it (a client may hold one read elsewhere); also
   * {@link PinWriter}'s.
   */
  static void text(JsonGenerator gen, Object value) throws IOException {
    if (value == null) {
      gen.writeNull();
    } else {
      gen.writeString(value.toString());
    }
  }
}

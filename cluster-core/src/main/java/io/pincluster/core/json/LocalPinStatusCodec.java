package io.pincluster.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import io.pincluster.core.api.LocalPinStatus;
import io.pincluster.core.api.PinInfoShort;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link LocalPinStatus} in JSON with Jackson's streaming API: the same field names, order and
 * omissions as data binding gives {@link io.pincluster.core.api.PinInfo}, at a fraction of the
 * cost. Reading ignores unknown fields (a full {@code PinInfo} line reads as its CID and status).
 */
final class LocalPinStatusCodec {
  private LocalPinStatusCodec() {}

  static final class Writer extends JsonSerializer<LocalPinStatus> {
    @Override
    public void serialize(LocalPinStatus value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeStartObject();
      gen.writeStringField("cid", value.cid().toString());
      writeStatusFields(gen, value.status());
      gen.writeEndObject();
    }
  }

  /**
   * The fields of {@code s} in data binding's order and omissions, into an object the caller opened
   * (and closes).
   */
  static void writeStatusFields(JsonGenerator gen, PinInfoShort s) throws IOException {
    gen.writeStringField("peername", s.peername());
    if (!s.ipfsPeerId().isEmpty()) {
      gen.writeStringField("ipfs_peer_id", s.ipfsPeerId());
    }
    if (!s.ipfsPeerAddresses().isEmpty()) {
      gen.writeArrayFieldStart("ipfs_peer_addresses");
      for (String address : s.ipfsPeerAddresses()) {
        gen.writeString(address);
      }
      gen.writeEndArray();
    }
    gen.writeStringField("status", s.status().wire());
    gen.writeStringField("timestamp", Json.timeText(s.timestamp()));
    gen.writeStringField("error", s.error());
    gen.writeNumberField("attempt_count", s.attemptCount());
    gen.writeBooleanField("priority_pin", s.priorityPin());
  }

  static final class Reader extends JsonDeserializer<LocalPinStatus> {
    @Override
    public LocalPinStatus deserialize(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      if (!p.isExpectedStartObjectToken()) {
        throw JsonMappingException.from(p, "a status line must be a JSON object");
      }
      String cid = null;
      String peername = null;
      String ipfsPeerId = null;
      List<String> addresses = null;
      TrackerStatus status = null;
      Instant timestamp = null;
      String error = null;
      int attempts = 0;
      boolean priority = false;
      for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
        p.nextToken();
        switch (name) {
          case "cid" -> cid = text(p, name);
          case "peername" -> peername = text(p, name);
          case "ipfs_peer_id" -> ipfsPeerId = text(p, name);
          case "ipfs_peer_addresses" -> addresses = texts(p, name);
          case "status" -> status = status(p, text(p, name));
          case "timestamp" -> timestamp = time(p, text(p, name));
          case "error" -> error = text(p, name);
          case "attempt_count" -> attempts = number(p, name);
          case "priority_pin" -> priority = bool(p, name);
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw JsonMappingException.from(p, "a status line must be a JSON object");
      }
      if (cid == null) {
        throw JsonMappingException.from(p, "a status line has no cid");
      }
      Cid parsed;
      try {
        parsed = Cid.parse(cid);
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(p, "invalid cid \"" + cid + "\": " + e.getMessage(), e);
      }
      return new LocalPinStatus(
          parsed,
          new PinInfoShort(
              peername, ipfsPeerId, addresses, status, timestamp, error, attempts, priority));
    }

    private static String text(JsonParser p, String field) throws IOException {
      JsonToken t = p.currentToken();
      if (t == JsonToken.VALUE_NULL) {
        return null;
      }
      if (t != JsonToken.VALUE_STRING) {
        throw JsonMappingException.from(p, "\"" + field + "\" must be a string, not " + t);
      }
      return p.getText();
    }

    private static List<String> texts(JsonParser p, String field) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NULL) {
        return null;
      }
      if (p.currentToken() != JsonToken.START_ARRAY) {
        throw JsonMappingException.from(p, "\"" + field + "\" must be an array of strings");
      }
      List<String> out = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        String s = text(p, field);
        if (s == null) {
          throw JsonMappingException.from(p, "\"" + field + "\" holds a null");
        }
        out.add(s);
      }
      return out;
    }

    private static int number(JsonParser p, String field) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
        throw JsonMappingException.from(p, "\"" + field + "\" must be an integer");
      }
      return p.getIntValue();
    }

    private static boolean bool(JsonParser p, String field) throws IOException {
      JsonToken t = p.currentToken();
      if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
        throw JsonMappingException.from(p, "\"" + field + "\" must be true or false");
      }
      return t == JsonToken.VALUE_TRUE;
    }

    private static TrackerStatus status(JsonParser p, String text) throws IOException {
      if (text == null) {
        return null;
      }
      try {
        return TrackerStatus.fromWire(text);
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(p, e.getMessage(), e);
      }
    }

    private static Instant time(JsonParser p, String text) throws IOException {
      if (text == null || text.isEmpty()) {
        return null;
      }
      try {
        return Rfc3339.parse(text);
      } catch (DateTimeParseException e) {
        throw JsonMappingException.from(p, "\"" + text + "\" is not an RFC 3339 time", e);
      }
    }
  }
}

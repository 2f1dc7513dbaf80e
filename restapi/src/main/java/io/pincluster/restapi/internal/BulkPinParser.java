package io.pincluster.restapi.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.PinRequest;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.json.Json;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import io.pincluster.restapi.PinQuery;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads one line of a {@code POST /pins} body into a {@link PinRequest}. A line is one of:
 *
 * <ul>
 *   <li>a Pin object in the v1 JSON shape, as {@code state export} and {@code GET /allocations}
 *       write it ({@code cid}, {@code name}, {@code replication_factor_min}, {@code
 *       replication_factor_max}, {@code mode} (or {@code max_depth} 0 for direct), {@code
 *       user_allocations}, {@code expire_at}, {@code metadata}, {@code pin_update}, {@code
 *       origins}; {@code allocations}, {@code timestamp} and other fields are ignored; a {@code
 *       type} other than {@code pin} is refused). A v0.10 CID object {@code {"/": "Qm…"}} is
 *       accepted as the {@code cid};
 *   <li>a JSON string holding a CID, or the CID as bare text;
 *   <li>blank, and skipped.
 * </ul>
 *
 * <p>The request's query options are defaults: an item field that is absent, null or holds its zero
 * value (0, {@code ""}, {@code recursive}, the zero time, an empty list) takes the default;
 * metadata maps are merged, the item's keys winning. A line that cannot be read becomes {@link
 * PinRequest#invalid} with the message {@code line N: <problem>}. Stateless and thread-safe.
 */
public final class BulkPinParser {
  private static final int MAX_DETAIL = 200;

  private final PinOptions defaults;

  /**
   * @param defaults the options of the request's query ({@link PinQuery#options})
   */
  public BulkPinParser(PinOptions defaults) {
    this.defaults = defaults;
  }

  /** The item of line {@code line}, or empty when the line is blank. */
  public Optional<PinRequest> parse(long line, String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(item(line, t));
    } catch (BadItem e) {
      return Optional.of(PinRequest.invalid(line, "line " + line + ": " + e.getMessage()));
    }
  }

  /** The item for a line longer than the limit. */
  public static PinRequest tooLong(long line, int maxBytes) {
    return PinRequest.invalid(
        line, "line " + line + ": longer than " + maxBytes + " bytes, not read");
  }

  private PinRequest item(long line, String t) throws BadItem {
    if (t.startsWith("{")) {
      return fromObject(line, readJson(t));
    }
    if (t.startsWith("\"")) {
      JsonNode s = readJson(t);
      if (!s.isTextual()) {
        throw new BadItem("expected a CID string or a pin object");
      }
      return PinRequest.of(line, cid(s.asText()), defaults);
    }
    return PinRequest.of(line, cid(t), defaults);
  }

  private static JsonNode readJson(String t) throws BadItem {
    try {
      return Json.mapper().readTree(t);
    } catch (JsonProcessingException e) {
      throw new BadItem("invalid JSON: " + shorten(e.getOriginalMessage()));
    }
  }

  private PinRequest fromObject(long line, JsonNode o) throws BadItem {
    JsonNode type = o.get("type");
    if (present(type) && !type.asText().equals("pin") && !(type.isInt() && type.asInt() == 2)) {
      throw new BadItem("type " + type + " cannot be pinned here (only \"pin\")");
    }
    JsonNode cidNode = o.get("cid");
    if (!present(cidNode)) {
      throw new BadItem("no \"cid\"");
    }
    if (cidNode.isObject() && cidNode.has("/")) {
      cidNode = cidNode.get("/");
    }
    if (!cidNode.isTextual()) {
      throw new BadItem("error decoding Cid: \"cid\" must be a string");
    }
    Cid cid = cid(cidNode.asText());
    PinOptions item =
        new PinOptions(
            integer(o, "replication_factor_min"),
            integer(o, "replication_factor_max"),
            text(o, "name"),
            mode(o),
            peers(o),
            expireAt(o),
            metadata(o),
            pinUpdate(o),
            origins(o));
    return PinRequest.of(line, cid, merge(item, defaults));
  }

  /** The item's options where set (non-zero), else the defaults; metadata merged. */
  static PinOptions merge(PinOptions item, PinOptions d) {
    Map<String, String> metadata = new TreeMap<>(d.metadata());
    metadata.putAll(item.metadata());
    return new PinOptions(
        item.replicationFactorMin() != 0 ? item.replicationFactorMin() : d.replicationFactorMin(),
        item.replicationFactorMax() != 0 ? item.replicationFactorMax() : d.replicationFactorMax(),
        !item.name().isEmpty() ? item.name() : d.name(),
        item.mode() != PinMode.RECURSIVE ? item.mode() : d.mode(),
        !item.userAllocations().isEmpty() ? item.userAllocations() : d.userAllocations(),
        !item.expireAt().equals(Pin.ZERO_TIME) ? item.expireAt() : d.expireAt(),
        metadata,
        item.pinUpdate() != null ? item.pinUpdate() : d.pinUpdate(),
        !item.origins().isEmpty() ? item.origins() : d.origins());
  }

  private static Cid cid(String text) throws BadItem {
    try {
      return Cid.parse(text.strip());
    } catch (IllegalArgumentException e) {
      throw new BadItem("error decoding Cid: " + shorten(e.getMessage()));
    }
  }

  private static boolean present(JsonNode n) {
    return n != null && !n.isNull() && !n.isMissingNode();
  }

  private static int integer(JsonNode o, String field) throws BadItem {
    JsonNode n = o.get(field);
    if (!present(n)) {
      return 0;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw new BadItem(field + ": " + shorten(n.toString()) + " is not an integer");
    }
    return n.asInt();
  }

  private static String text(JsonNode o, String field) throws BadItem {
    JsonNode n = o.get(field);
    if (!present(n)) {
      return "";
    }
    if (!n.isTextual()) {
      throw new BadItem(field + ": " + shorten(n.toString()) + " is not a string");
    }
    return n.asText();
  }

  private static PinMode mode(JsonNode o) throws BadItem {
    String mode = text(o, "mode");
    if (mode.isEmpty()) {
      JsonNode depth = o.get("max_depth");
      return present(depth) && depth.isIntegralNumber() && depth.asInt() == 0
          ? PinMode.DIRECT
          : PinMode.RECURSIVE;
    }
    try {
      return PinMode.fromWire(mode);
    } catch (IllegalArgumentException e) {
      throw new BadItem(shorten(e.getMessage()));
    }
  }

  private static List<String> strings(JsonNode o, String field) throws BadItem {
    JsonNode n = o.get(field);
    List<String> out = new ArrayList<>();
    if (!present(n)) {
      return out;
    }
    if (!n.isArray()) {
      throw new BadItem(field + ": expected a list of strings");
    }
    for (JsonNode e : n) {
      if (!e.isTextual()) {
        throw new BadItem(field + ": " + shorten(e.toString()) + " is not a string");
      }
      out.add(e.asText());
    }
    return out;
  }

  private static List<PeerId> peers(JsonNode o) throws BadItem {
    List<PeerId> out = new ArrayList<>();
    for (String s : strings(o, "user_allocations")) {
      try {
        out.add(PeerId.parse(s));
      } catch (IllegalArgumentException e) {
        throw new BadItem("error decoding peer_id: " + shorten(e.getMessage()));
      }
    }
    return out;
  }

  private static Instant expireAt(JsonNode o) throws BadItem {
    String s = text(o, "expire_at");
    if (s.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw new BadItem("expire_at: \"" + shorten(s) + "\" is not an RFC 3339 time");
    }
  }

  private static Map<String, String> metadata(JsonNode o) throws BadItem {
    JsonNode n = o.get("metadata");
    Map<String, String> out = new TreeMap<>();
    if (!present(n)) {
      return out;
    }
    if (!n.isObject()) {
      throw new BadItem("metadata: expected an object of strings");
    }
    Iterator<Map.Entry<String, JsonNode>> fields = n.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      if (!f.getValue().isTextual()) {
        throw new BadItem("metadata." + shorten(f.getKey()) + ": not a string");
      }
      out.put(f.getKey(), f.getValue().asText());
    }
    return out;
  }

  private static Cid pinUpdate(JsonNode o) throws BadItem {
    String s = text(o, "pin_update");
    if (s.isEmpty()) {
      return null;
    }
    try {
      return Cid.parse(s);
    } catch (IllegalArgumentException e) {
      throw new BadItem("pin_update: error decoding Cid: " + shorten(e.getMessage()));
    }
  }

  private static List<Multiaddr> origins(JsonNode o) throws BadItem {
    List<Multiaddr> out = new ArrayList<>();
    for (String s : strings(o, "origins")) {
      Multiaddr m;
      try {
        m = Multiaddr.parse(s);
      } catch (IllegalArgumentException e) {
        throw new BadItem("origins: " + shorten(e.getMessage()));
      }
      if (m.peerId().isEmpty()) {
        throw new BadItem("origins: multiaddress " + shorten(s) + " does not contain a peer ID");
      }
      out.add(m);
    }
    return out;
  }

  private static String shorten(String s) {
    if (s == null) {
      return "";
    }
    String oneLine = s.replaceAll("\\s+", " ");
    return oneLine.length() <= MAX_DETAIL ? oneLine : oneLine.substring(0, MAX_DETAIL) + "…";
  }

  /** Why a line is not a valid item (no stack trace: it is an answer, not a failure). */
  private static final class BadItem extends Exception {
    private static final long serialVersionUID = 1L;

    BadItem(String message) {
      super(message, null, false, false);
    }
  }
}

package io.pincluster.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts config values between JSON and the Java types the section records use. */
final class ValueCodec {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Keys written as one string when they hold one address, as IPFS Cluster writes them. */
  private static final java.util.Set<String> SINGLE_AS_STRING =
      java.util.Set.of("http_listen_multiaddress");

  private ValueCodec() {}

  /**
   * @throws IllegalArgumentException {@code <json> is not a <kind>}
   */
  static Object fromJson(JsonNode node, Type type) {
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (raw == List.class) {
        return list(node, args[0]);
      }
      if (raw == Map.class) {
        return map(node, args[1]);
      }
    }
    Class<?> c = (Class<?>) type;
    if (c == String.class) {
      return requireText(node, "a string");
    }
    if (c == int.class) {
      if (node == null || !node.canConvertToInt() || !node.isIntegralNumber()) {
        throw bad(node, "an integer");
      }
      return node.intValue();
    }
    if (c == boolean.class) {
      if (node == null || !node.isBoolean()) {
        throw bad(node, "true or false");
      }
      return node.booleanValue();
    }
    if (c == Duration.class) {
      String text = requireText(node, "a duration");
      try {
        return GoDuration.parse(text);
      } catch (IllegalArgumentException e) {
        throw bad(node, "a duration");
      }
    }
    if (c == Multiaddr.class) {
      String text = requireText(node, "a multiaddress");
      return parse(() -> Multiaddr.parse(text));
    }
    if (c == PeerId.class) {
      String text = requireText(node, "a peer ID");
      return parse(() -> PeerId.parse(text));
    }
    if (c == PinMethod.class) {
      String text = requireText(node, "refs or pin");
      return PinMethod.fromWire(text);
    }
    throw new IllegalStateException("no config conversion for " + type);
  }

  static JsonNode toJson(String key, Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof List<?> list) {
      if (SINGLE_AS_STRING.contains(key) && list.size() == 1) {
        return NODES.textNode(list.get(0).toString());
      }
      ArrayNode array = NODES.arrayNode();
      list.forEach(v -> array.add(toJson(key, v)));
      return array;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode obj = NODES.objectNode();
      new java.util.TreeMap<>(map).forEach((k, v) -> obj.set(k.toString(), toJson(key, v)));
      return obj;
    }
    if (value instanceof Integer i) {
      return NODES.numberNode(i);
    }
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof Duration d) {
      return NODES.textNode(GoDuration.format(d));
    }
    if (value instanceof PinMethod m) {
      return NODES.textNode(m.wire());
    }
    return NODES.textNode(value.toString());
  }

  /** The JSON an environment override stands for, read according to the key's type. */
  static JsonNode fromEnvText(String text, Type type) {
    Class<?> raw =
        type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    if (raw == int.class) {
      try {
        return NODES.numberNode(Integer.parseInt(text.trim()));
      } catch (NumberFormatException e) {
        return NODES.textNode(text);
      }
    }
    if (raw == boolean.class) {
      String t = text.trim();
      return t.equals("true") || t.equals("false")
          ? NODES.booleanNode(Boolean.parseBoolean(t))
          : NODES.textNode(text);
    }
    if (raw == List.class) {
      if (text.trim().startsWith("[")) {
        return readJson(text);
      }
      ArrayNode array = NODES.arrayNode();
      for (String part : text.split(",")) {
        if (!part.isBlank()) {
          array.add(part.trim());
        }
      }
      return array;
    }
    if (raw == Map.class) {
      return text.trim().equals("null") ? NODES.nullNode() : readJson(text);
    }
    return NODES.textNode(text);
  }

  private static JsonNode readJson(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      return NODES.textNode(text);
    }
  }

  private static List<Object> list(JsonNode node, Type element) {
    if (node != null && node.isTextual()) {
      return List.of(fromJson(node, element));
    }
    if (node == null || !node.isArray()) {
      throw bad(node, "a list");
    }
    List<Object> out = new ArrayList<>();
    node.forEach(item -> out.add(fromJson(item, element)));
    return out;
  }

  private static Map<String, Object> map(JsonNode node, Type valueType) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw bad(node, "a JSON object");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    node.properties().forEach(e -> out.put(e.getKey(), fromJson(e.getValue(), valueType)));
    return out;
  }

  private static String requireText(JsonNode node, String kind) {
    if (node == null || !node.isTextual()) {
      throw bad(node, kind);
    }
    return node.textValue();
  }

  private static Object parse(java.util.function.Supplier<Object> parser) {
    try {
      return parser.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static IllegalArgumentException bad(JsonNode node, String kind) {
    return new IllegalArgumentException(
        (node == null ? "missing" : node.toString()) + " is not " + kind);
  }
}

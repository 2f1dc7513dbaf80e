package io.pincluster.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every key of service.json, generated from the defaults, given values of the wrong type, negative
 * durations and out-of-range numbers: loading either accepts the value or fails with a {@link
 * ConfigException} naming the key ({@code section.key}); a value of the wrong JSON type, a
 * malformed or negative duration and a number that does not fit always fail. Unknown keys are
 * warned about by name (IPFS Cluster ignores them, so newer configs keep loading).
 */
class ConfigBadInputTest {
  static final String SECRET = "ab".repeat(32);
  static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** A bad value for a key, and whether loading must refuse it. */
  record Bad(JsonNode value, boolean mustFail) {}

  @Test
  void everyKeyWithAWrongValueIsRefusedNamingTheKey() {
    ObjectNode defaults = ConfigLoader.toJson(ServiceConfig.defaults("h", SECRET));
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (String[] leaf : leaves(defaults, "")) {
      String section = leaf[0];
      String key = leaf[1];
      JsonNode current = at(defaults, section).get(key);
      for (Bad bad : badValues(key, current)) {
        ObjectNode doc = defaults.deepCopy();
        ((ObjectNode) at(doc, section)).set(key, bad.value());
        String name = section + "." + key;
        String problem = check(doc, name, bad);
        checked++;
        if (problem != null) {
          String v = bad.value().toString();
          v = v.length() > 40 ? v.substring(0, 40) + "…" : v;
          problems.add(name + " = " + v + ": " + problem);
        }
      }
    }
    assertThat(checked).isGreaterThan(200);
    assertThat(problems).isEmpty();
  }

  @Test
  void unknownKeysAndSectionsAreWarnedAboutByName() {
    ObjectNode doc = ConfigLoader.toJson(ServiceConfig.defaults("h", SECRET));
    ((ObjectNode) doc.get("cluster")).put("replication_factr_min", 2);
    ((ObjectNode) at(doc, "consensus.raft")).put("election_timeoutt", "1s");
    doc.putObject("informers");
    List<String> warnings = new ArrayList<>();
    ConfigLoader.fromJson(doc, Map.of(), "h", warnings::add);
    assertThat(String.join("\n", warnings))
        .contains("cluster.replication_factr_min")
        .contains("consensus.raft.election_timeoutt")
        .contains("informers");
  }

  static String check(ObjectNode doc, String name, Bad bad) {
    try {
      ConfigLoader.fromJson(doc, Map.of(), "h", w -> {});
    } catch (ConfigException e) {
      String key = name.substring(name.lastIndexOf('.') + 1);
      String section = name.substring(0, name.lastIndexOf('.'));
      boolean names = e.getMessage().contains(section) && e.getMessage().contains(key);
      return names ? null : "message does not name it: " + e.getMessage();
    } catch (RuntimeException e) {
      return "not a ConfigException: " + e;
    }
    return bad.mustFail() ? "accepted" : null;
  }

  static List<Bad> badValues(String key, JsonNode current) {
    List<Bad> out = new ArrayList<>();
    if (current.isTextual() && isDuration(current.asText())) {
      out.add(new Bad(F.textNode("abc"), true));
      out.add(new Bad(F.textNode("-1s"), true));
      out.add(new Bad(F.textNode("10"), true));
      out.add(new Bad(F.textNode("99999999999h"), true));
      out.add(new Bad(F.arrayNode(), true));
      out.add(new Bad(F.objectNode(), true));
    } else if (current.isNumber()) {
      out.add(new Bad(F.textNode("x"), true));
      out.add(new Bad(F.numberNode(-1), false));
      out.add(new Bad(F.numberNode(Long.MIN_VALUE), false));
      out.add(new Bad(F.numberNode(new java.math.BigInteger("1" + "0".repeat(30))), true));
      out.add(new Bad(F.numberNode(2.5), !current.isFloatingPointNumber()));
      out.add(new Bad(F.booleanNode(true), true));
      out.add(new Bad(F.objectNode(), true));
    } else if (current.isBoolean()) {
      out.add(new Bad(F.textNode("maybe"), true));
      out.add(new Bad(F.numberNode(3), true));
      out.add(new Bad(F.objectNode(), true));
    } else if (current.isArray()) {
      out.add(new Bad(F.objectNode(), true));
      out.add(new Bad(F.arrayNode().add(F.objectNode()), true));
      out.add(new Bad(F.numberNode(1), true));
    } else if (current.isObject()) {
      out.add(new Bad(F.arrayNode(), true));
      out.add(new Bad(F.numberNode(1), true));
      out.add(new Bad(F.objectNode().set("k", F.objectNode()), true));
    } else if (current.isTextual()) {
      out.add(new Bad(F.objectNode(), true));
      out.add(new Bad(F.arrayNode(), true));
      out.add(new Bad(F.textNode("\u0000" + "x".repeat(10_000)), false));
    }
    return out;
  }

  static boolean isDuration(String text) {
    try {
      GoDuration.parse(text);
      return !text.isEmpty() && !text.matches("[0-9]+");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** [section path, key] of every value in a section (an object holding a non-object value). */
  static List<String[]> leaves(ObjectNode node, String path) {
    List<String[]> out = new ArrayList<>();
    boolean isSection = false;
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      isSection |= !e.getValue().isObject();
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
      if (isSection) {
        out.add(new String[] {path, e.getKey()});
      } else if (e.getValue().isObject()) {
        out.addAll(leaves((ObjectNode) e.getValue(), child));
      }
    }
    return out;
  }

  static JsonNode at(JsonNode root, String path) {
    JsonNode n = root;
    for (String p : path.split("\\.")) {
      n = n.get(p);
    }
    return n;
  }
}

package io.pincluster.service.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.config.ConfigLoader;
import io.pincluster.core.config.ServiceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every key that {@code init} writes, under its section. */
class ConfigurationDocsTest {
  static final Path DOC = Path.of("..", "docs", "configuration.md");

  @Test
  void everyKeyInitWritesIsDocumentedInItsSection() throws Exception {
    String doc = Files.readString(DOC);
    JsonNode json = ConfigLoader.toJson(ServiceConfig.defaults("peer", "ab".repeat(32)));
    List<String> missing = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> top = json.fields(); top.hasNext(); ) {
      Map.Entry<String, JsonNode> t = top.next();
      if (t.getKey().equals("cluster")) {
        check(doc, "cluster", t.getValue(), missing);
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> sub = t.getValue().fields(); sub.hasNext(); ) {
        Map.Entry<String, JsonNode> s = sub.next();
        check(doc, t.getKey() + "." + s.getKey(), s.getValue(), missing);
      }
    }
    assertThat(missing).as("keys init writes that docs/configuration.md lacks").isEmpty();
  }

  /** Every key of {@code section} must appear as `key` between its ## header and the next one. */
  private static void check(String doc, String section, JsonNode keys, List<String> missing) {
    int header = -1;
    for (int i = doc.indexOf("\n## "); i >= 0; i = doc.indexOf("\n## ", i + 1)) {
      int end = doc.indexOf('\n', i + 1);
      if (doc.substring(i, end).contains("`" + section + "`")) {
        header = end;
        break;
      }
    }
    if (header < 0) {
      missing.add(section + " (no section header)");
      return;
    }
    int next = doc.indexOf("\n## ", header);
    String body = doc.substring(header, next < 0 ? doc.length() : next);
    for (Iterator<String> k = keys.fieldNames(); k.hasNext(); ) {
      String key = k.next();
      if (!body.contains("`" + key + "`") && !body.contains("`" + section + "." + key + "`")) {
        missing.add(section + "." + key);
      }
    }
  }
}

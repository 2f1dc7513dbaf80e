package io.pincluster.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads and writes {@code service.json}. Loading starts from the defaults, lays the file over them,
 * then the environment overrides ({@code CLUSTER_<KEY>} for the cluster section, {@code
 * CLUSTER_<SECTION>_<KEY>} with underscores removed otherwise), and validates every section before
 * returning. A bad value fails with a {@link ConfigException} naming section, key and value; an
 * unknown key is reported to the warning sink and otherwise ignored.
 *
 * <p>Design note: the section records are the schema. Key names are the record components in
 * snake_case, and values are converted by the component's Java type, so a key cannot be added to a
 * record without being loaded, overridable, validated and written.
 */
public final class ConfigLoader {
  /** Keys whose values are never repeated in errors: they hold secrets. */
  static final java.util.Set<String> SECRET_KEYS =
      java.util.Set.of("secret", "basic_auth_credentials");

  /** One section: where it sits in service.json and its environment-variable infix. */
  record Section(String path, String envName, Class<? extends Record> type) {
    String envVar(String key) {
      String bare = key.replace("_", "").toUpperCase(Locale.ROOT);
      return envName.isEmpty() ? "CLUSTER_" + bare : "CLUSTER_" + envName + "_" + bare;
    }
  }

  static final List<Section> SECTIONS =
      List.of(
          new Section(ClusterSection.SECTION, "", ClusterSection.class),
          new Section(RaftSection.SECTION, "RAFT", RaftSection.class),
          new Section(IpfsProxySection.SECTION, "IPFSPROXY", IpfsProxySection.class),
          new Section(RestApiSection.SECTION, "RESTAPI", RestApiSection.class),
          new Section(IpfsHttpSection.SECTION, "IPFSHTTP", IpfsHttpSection.class),
          new Section(MapTrackerSection.SECTION, "MAPTRACKER", MapTrackerSection.class),
          new Section(MonBasicSection.SECTION, "MONBASIC", MonBasicSection.class),
          new Section(BalancedAllocatorSection.SECTION, "BALANCED", BalancedAllocatorSection.class),
          new Section(DiskInformerSection.SECTION, "DISK", DiskInformerSection.class),
          new Section(TagsInformerSection.SECTION, "TAGS", TagsInformerSection.class),
          new Section(MetricsSection.SECTION, "METRICS", MetricsSection.class));

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String PLACEHOLDER_SECRET = "0".repeat(64);

  private ConfigLoader() {}

  /**
   * Loads {@code file}, applies {@code env} and validates everything.
   *
   * @param hostname the peer name used when the file names none
   * @throws ConfigException naming the file, or section, key and value
   */
  public static ServiceConfig load(
      Path file, Map<String, String> env, String hostname, Consumer<String> warnings) {
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          "no configuration at " + file + ": run `cluster-service init` first");
    } catch (IOException e) {
      throw new ConfigException(file + " is not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(file + " must hold a JSON object");
    }
    return fromJson((ObjectNode) root, env, hostname, warnings);
  }

  /** As {@link #load} for an already parsed document. */
  public static ServiceConfig fromJson(
      ObjectNode root, Map<String, String> env, String hostname, Consumer<String> warnings) {
    warnUnknownSections(root, warnings);
    ObjectNode defaults = toJson(ServiceConfig.defaults(hostname, PLACEHOLDER_SECRET));
    List<Object> sections = new ArrayList<>();
    for (Section section : SECTIONS) {
      ObjectNode merged = (ObjectNode) at(defaults, section.path()).deepCopy();
      JsonNode given = at(root, section.path());
      boolean secretGiven = false;
      if (given != null && given.isObject()) {
        secretGiven = given.has("secret");
        for (Map.Entry<String, JsonNode> e : given.properties()) {
          if (merged.has(e.getKey())) {
            merged.set(e.getKey(), e.getValue());
          } else {
            warnings.accept(
                "unknown key " + section.path() + "." + e.getKey() + " in service.json (ignored)");
          }
        }
      } else if (given != null) {
        throw new ConfigException(section.path() + " must be a JSON object");
      }
      Map<String, String> fromEnv = new LinkedHashMap<>();
      for (RecordComponent rc : section.type().getRecordComponents()) {
        String key = snake(rc.getName());
        String value = env.get(section.envVar(key));
        if (value != null) {
          merged.set(key, ValueCodec.fromEnvText(value, rc.getGenericType()));
          fromEnv.put(key, section.envVar(key));
        }
      }
      if (section.type() == ClusterSection.class
          && !secretGiven
          && !fromEnv.containsKey("secret")) {
        throw new ConfigException("cluster.secret must be set (or CLUSTER_SECRET given)");
      }
      sections.add(build(section, merged, fromEnv));
    }
    try {
      return ServiceConfig.class
          .getDeclaredConstructor(
              Arrays.stream(ServiceConfig.class.getRecordComponents())
                  .map(RecordComponent::getType)
                  .toArray(Class<?>[]::new))
          .newInstance(sections.toArray());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot assemble ServiceConfig", e);
    }
  }

  /** The service.json document for {@code config}, sections nested as IPFS Cluster nests them. */
  public static ObjectNode toJson(ServiceConfig config) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    RecordComponent[] parts = ServiceConfig.class.getRecordComponents();
    for (int i = 0; i < SECTIONS.size(); i++) {
      Section section = SECTIONS.get(i);
      Record value = (Record) get(parts[i], config);
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      for (RecordComponent rc : section.type().getRecordComponents()) {
        String key = snake(rc.getName());
        node.set(key, ValueCodec.toJson(key, get(rc, value)));
      }
      String[] path = section.path().split("\\.");
      ObjectNode parent = root;
      for (int p = 0; p < path.length - 1; p++) {
        parent = parent.has(path[p]) ? (ObjectNode) parent.get(path[p]) : parent.putObject(path[p]);
      }
      parent.set(path[path.length - 1], node);
    }
    return root;
  }

  /** Pretty text of {@link #toJson}, as init writes it. */
  public static String toText(ServiceConfig config) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(config)) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The environment variable that overrides {@code section.key}, e.g. CLUSTER_RAFT_DATAFOLDER. */
  public static String envVar(String sectionPath, String key) {
    for (Section s : SECTIONS) {
      if (s.path().equals(sectionPath)) {
        return s.envVar(key);
      }
    }
    throw new IllegalArgumentException("no section " + sectionPath);
  }

  static String snake(String camel) {
    StringBuilder sb = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        sb.append('_').append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static Record build(Section section, ObjectNode node, Map<String, String> fromEnv) {
    RecordComponent[] components = section.type().getRecordComponents();
    Object[] args = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      String key = snake(components[i].getName());
      try {
        args[i] = ValueCodec.fromJson(node.get(key), components[i].getGenericType());
      } catch (IllegalArgumentException e) {
        String origin = fromEnv.containsKey(key) ? " (from " + fromEnv.get(key) + ")" : "";
        if (SECRET_KEYS.contains(key)) {
          // never repeat a secret's value, not even a malformed one, in an error or a log
          throw new ConfigException(
              section.path()
                  + "."
                  + key
                  + ": has the wrong type or form (value not shown)"
                  + origin);
        }
        throw new ConfigException(section.path() + "." + key + ": " + e.getMessage() + origin, e);
      }
    }
    try {
      Constructor<? extends Record> ctor =
          section
              .type()
              .getDeclaredConstructor(
                  Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
      return ctor.newInstance(args);
    } catch (InvocationTargetException e) {
      String message = String.valueOf(e.getCause().getMessage());
      boolean startsWithKey =
          Arrays.stream(components).anyMatch(rc -> message.startsWith(snake(rc.getName()) + " "));
      throw new ConfigException(
          section.path() + (startsWithKey ? "." : ": ") + message, e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + section.type().getSimpleName(), e);
    }
  }

  private static void warnUnknownSections(ObjectNode root, Consumer<String> warnings) {
    for (Map.Entry<String, JsonNode> top : root.properties()) {
      boolean known = false;
      for (Section s : SECTIONS) {
        String[] path = s.path().split("\\.");
        if (path[0].equals(top.getKey())) {
          known = true;
          if (path.length > 1 && top.getValue().isObject()) {
            top.getValue()
                .fieldNames()
                .forEachRemaining(
                    name -> {
                      boolean sub =
                          SECTIONS.stream().anyMatch(x -> x.path().equals(path[0] + "." + name));
                      if (!sub) {
                        warnings.accept(
                            "unknown section "
                                + path[0]
                                + "."
                                + name
                                + " in service.json (ignored)");
                      }
                    });
          }
          break;
        }
      }
      if (!known) {
        warnings.accept("unknown section " + top.getKey() + " in service.json (ignored)");
      }
    }
  }

  private static JsonNode at(JsonNode root, String path) {
    JsonNode node = root;
    for (String part : path.split("\\.")) {
      node = node == null ? null : node.get(part);
    }
    return node;
  }

  private static Object get(RecordComponent rc, Object target) {
    try {
      return rc.getAccessor().invoke(target);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.pincluster.service.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pincluster.core.config.ConfigException;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.PeerId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code identity.json}, as IPFS Cluster writes it: {@code {"id": "<peer ID>", "private_key":
 * "<base64 libp2p key>"}}. {@code CLUSTER_ID} and {@code CLUSTER_PRIVATEKEY} override it.
 */
public final class IdentityFile {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private IdentityFile() {}

  /**
   * Reads and checks the identity: the key must be valid and match the id.
   *
   * @throws ConfigException naming the file and the problem
   */
  public static Identity load(Path file, Map<String, String> env) {
    String key = env.get("CLUSTER_PRIVATEKEY");
    String id = env.get("CLUSTER_ID");
    if (key == null) {
      JsonNode node;
      try {
        node = MAPPER.readTree(Files.readAllBytes(file));
      } catch (NoSuchFileException e) {
        throw new ConfigException("no identity at " + file + ": run `cluster-service init` first");
      } catch (IOException e) {
        throw new ConfigException(file + " is not valid JSON: " + e.getMessage(), e);
      }
      if (node == null || !node.path("private_key").isTextual()) {
        throw new ConfigException(file + ": private_key is missing");
      }
      key = node.get("private_key").asText();
      id = id != null ? id : node.path("id").asText(null);
    }
    Identity identity;
    try {
      identity = Identity.fromPrivateKeyBase64(key);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(file + ": " + e.getMessage(), e);
    }
    if (id != null) {
      PeerId stated;
      try {
        stated = PeerId.parse(id);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(file + ": id: " + e.getMessage(), e);
      }
      if (!stated.equals(identity.id())) {
        throw new ConfigException(
            file
                + ": id "
                + stated
                + " does not match private_key (which is "
                + identity.id()
                + ")");
      }
    }
    return identity;
  }

  /** Writes the identity with mode 0600, atomically. */
  public static void write(Path file, Identity identity) throws IOException {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("id", identity.id().toString());
    node.put("private_key", identity.privateKeyBase64());
    SecureFiles.writePrivate(
        file, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n");
  }
}

package io.pincluster.ipfs.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.pincluster.core.api.IpfsAdded;
import io.pincluster.core.api.RepoGcKey;
import io.pincluster.core.cid.Cid;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads the answers of the commands around pinning: {@code repo/gc} lines, {@code swarm/peers},
 * {@code block/put}, {@code resolve}, {@code dag/resolve}. Lenient about Kubo's and js-ipfs's
 * shapes (links as {@code {"/":…}} or text, {@code Error} or {@code Err}, {@code null} lists).
 * Stateless.
 */
public final class KuboAnswers {
  private KuboAnswers() {}

  /**
   * One {@code repo/gc} line: {@code {"Key":{"/":cid}}}, {@code {"Key":"cid"}}, or an error ({@code
   * {"Error":…}} from Kubo with {@code stream-errors}, {@code {"Err":…}} from js-ipfs). An error
   * entry has no key; a key that cannot be read becomes an error entry naming it.
   */
  public static void gcLine(JsonNode node, Consumer<RepoGcKey> out) {
    String error = KuboJson.text(node, "Error");
    if (error.isEmpty()) {
      error = KuboJson.text(node, "Err");
    }
    JsonNode key = node.get("Key");
    Optional<Cid> cid = KuboJson.cid(key);
    if (!error.isEmpty()) {
      out.accept(new RepoGcKey(cid.orElse(null), error));
    } else if (cid.isPresent()) {
      out.accept(new RepoGcKey(cid.get(), ""));
    } else if (key != null && !key.isNull()) {
      out.accept(new RepoGcKey(null, "unreadable key in the repo/gc answer: " + key));
    }
  }

  /** The peer IDs of a {@code swarm/peers} answer ({@code Peers} may be null or empty). */
  public static List<String> swarmPeers(JsonNode node) {
    List<String> out = new ArrayList<>();
    JsonNode peers = node.get("Peers");
    if (peers != null && peers.isArray()) {
      for (JsonNode p : peers) {
        String id = KuboJson.text(p, "Peer");
        if (!id.isEmpty()) {
          out.add(id);
        }
      }
    }
    return out;
  }

  /** The {@code Key} of a {@code block/put} answer (text or link). */
  public static Optional<Cid> blockKey(JsonNode node) {
    return KuboJson.cid(node.get("Key"));
  }

  /**
   * The CID of a path that names nothing but a CID: {@code /ipfs/<cid>}, {@code /ipld/<cid>} or a
   * bare CID, trailing slashes allowed; empty for anything else ({@code /ipns/…}, a sub-path, an
   * unreadable CID).
   */
  public static Optional<Cid> justACid(String path) {
    String p = path.trim();
    for (String prefix : List.of("/ipfs/", "/ipld/")) {
      if (p.startsWith(prefix)) {
        p = p.substring(prefix.length());
        break;
      }
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.isEmpty() || p.indexOf('/') >= 0) {
      return Optional.empty();
    }
    return KuboJson.cid(TextNode.valueOf(p));
  }

  /**
   * One {@code add} output line: an added object {@code {"Name","Hash","Size"}} (Hash as text or
   * link, Size as number or string) or a progress line {@code {"Name","Bytes"}}; other lines are
   * skipped.
   *
   * @throws IllegalArgumentException when a line has a Hash that is not a CID
   */
  public static void addLine(JsonNode node, Consumer<IpfsAdded> out) {
    String name = KuboJson.text(node, "Name");
    JsonNode hash = node.get("Hash");
    if (hash != null && (hash.isObject() || !hash.asText().isEmpty())) {
      Cid cid =
          KuboJson.cid(hash)
              .orElseThrow(
                  () -> new IllegalArgumentException("unreadable Hash in the add answer: " + hash));
      out.accept(
          new IpfsAdded(
              name, cid, KuboJson.number(node, "Bytes", 0), KuboJson.number(node, "Size", 0)));
    } else if (node.has("Bytes")) {
      out.accept(new IpfsAdded(name, null, KuboJson.number(node, "Bytes", 0), 0));
    }
  }

  /** The root of one {@code dag/import} line ({@code {"Root":{"Cid":{"/":…}}}}), if any. */
  public static Optional<Cid> importedRoot(JsonNode node) {
    JsonNode root = node.get("Root");
    return root == null || root.isNull() ? Optional.empty() : KuboJson.cid(root.get("Cid"));
  }
}

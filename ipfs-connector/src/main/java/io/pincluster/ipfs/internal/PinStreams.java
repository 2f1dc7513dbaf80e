package io.pincluster.ipfs.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.api.IpfsPin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import okhttp3.Headers;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * Reads the answers of the pinning commands: the progress streams of {@code pin/add} and {@code
 * refs} (enforcing pin_timeout from the last progress) and {@code pin/ls} in its two shapes ({@code
 * {"Keys":{…}}} or NDJSON {@code {"Cid","Type"}} lines). Stateless.
 */
public final class PinStreams {
  private PinStreams() {}

  /**
   * Consumes a {@code pin/add} (or {@code pin/update}) answer: optional {@code {"Progress":n}}
   * lines, then {@code {"Pins":[…]}}. The time allowed since the progress last grew (or since the
   * start) is pin_timeout; silence is bounded by the read timeout of the same length.
   *
   * @param what the CID or CIDs pinned, for messages
   */
  public static Void pinAdd(KuboClient client, String cmd, String what, Response response)
      throws IOException {
    String refusal = pinAddRefusal(client, cmd, what, response);
    if (refusal != null) {
      throw client.refused(cmd, refusal);
    }
    return null;
  }

  /**
   * As {@link #pinAdd}, but the node's refusal (an error line, the {@code X-Stream-Error} trailer,
   * or an answer that ends without confirming the pin) is returned instead of thrown; null when the
   * pin was confirmed. A pin that makes no progress for pin_timeout still throws.
   */
  public static String pinAddRefusal(KuboClient client, String cmd, String what, Response response)
      throws IOException {
    BufferedSource source = response.body().source();
    ProgressClock clock = new ProgressClock(client);
    boolean confirmed = false;
    for (String line = KuboJson.readLine(source); line != null; line = KuboJson.readLine(source)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode node = KuboJson.parse(line);
      if (KuboJson.isErrorLine(node)) {
        return KuboJson.errorMessage(node);
      }
      node = KuboJson.object(node, line); // parsed once
      clock.progress(KuboJson.number(node, "Progress", -1));
      confirmed |= node.has("Pins");
      if (clock.expired()) {
        throw client.noProgress(cmd, what);
      }
    }
    String error = streamError(response);
    if (error != null) {
      return error;
    }
    return confirmed ? null : "the answer ended without confirming the pin of " + what;
  }

  /**
   * Consumes a {@code refs -r} answer: {@code {"Ref":…,"Err":…}} lines. A line with a non-empty
   * {@code Err} fails even though the status was 200; every ref counts as progress. Returns the
   * number of refs (the DAG's blocks below its root, duplicates included).
   */
  public static Long refs(KuboClient client, Cid cid, Response response) throws IOException {
    return countRefs(client, cid.toString(), response, false);
  }

  /**
   * Consumes the answer of {@code refs -r} with {@code offline=true} for one or more roots (see
   * {@link #refs}): the number of refs below them all, or {@link #NOT_LOCAL} when the node reported
   * an error (a block it does not hold: Kubo fails such a walk instead of fetching).
   *
   * @param what the CID or CIDs walked, for messages
   */
  public static Long localRefs(KuboClient client, String what, Response response)
      throws IOException {
    return countRefs(client, what, response, true);
  }

  /** What {@link #localRefs} answers when the node could not walk every DAG from its own blocks. */
  public static final long NOT_LOCAL = -1;

  private static Long countRefs(
      KuboClient client, String what, Response response, boolean errorMeansNotLocal)
      throws IOException {
    BufferedSource source = response.body().source();
    ProgressClock clock = new ProgressClock(client);
    long refs = 0;
    for (String line = KuboJson.readLine(source); line != null; line = KuboJson.readLine(source)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode node = KuboJson.parse(line);
      boolean errorLine = KuboJson.isErrorLine(node);
      String err =
          errorLine
              ? KuboJson.errorMessage(node)
              : KuboJson.text(KuboJson.object(node, line), "Err"); // parsed once
      if (errorLine || !err.isEmpty()) {
        if (errorMeansNotLocal) {
          return NOT_LOCAL;
        }
        throw client.refused("refs", err);
      }
      clock.progress(++refs);
      if (clock.expired()) {
        throw client.noProgress("refs", what);
      }
    }
    if (errorMeansNotLocal && streamError(response) != null) {
      return NOT_LOCAL;
    }
    checkTrailer(client, "refs", response);
    return refs;
  }

  /** How {@code cid} appears in a {@code pin/ls?arg=<cid>} answer (matched by multihash). */
  public static Optional<PinMode> pinStatus(Cid cid, Response response) throws IOException {
    String body = KuboJson.readAll(response.body().source(), KuboJson.MAX_BODY);
    List<Map.Entry<Cid, String>> entries = new ArrayList<>();
    for (String line : (Iterable<String>) body.lines()::iterator) {
      if (!line.isBlank()) {
        parseEntries(KuboJson.object(line), entries);
      }
    }
    for (Map.Entry<Cid, String> e : entries) {
      if (e.getKey().multihash().equals(cid.multihash())) {
        Optional<PinMode> mode = mode(e.getValue());
        if (mode.isPresent()) {
          return mode;
        }
      }
    }
    return Optional.empty();
  }

  /** Adds the recursive and direct pins of one streamed {@code pin/ls} line; skips the rest. */
  public static void pinLsLine(JsonNode node, java.util.function.Consumer<IpfsPin> out) {
    List<Map.Entry<Cid, String>> entries = new ArrayList<>();
    parseEntries(node, entries);
    for (Map.Entry<Cid, String> e : entries) {
      mode(e.getValue()).ifPresent(m -> out.accept(new IpfsPin(e.getKey(), m)));
    }
  }

  /** Whether a refusal means "this CID is not pinned" (Kubo and js-ipfs wordings). */
  public static boolean isNotPinned(String message) {
    return message.toLowerCase(Locale.ROOT).contains("not pinned");
  }

  /**
   * Whether a refusal of {@code pin/update} calls for a plain pin instead: the node lacks the
   * command (js-ipfs: 404; some nodes: "unknown command"), or {@code from} is not pinned
   * recursively there.
   */
  public static boolean cannotUpdate(int status, String message) {
    String m = message.toLowerCase(Locale.ROOT);
    return status == 404
        || m.contains("unknown command")
        || m.contains("not recursively pinned")
        || isNotPinned(m);
  }

  /** {@code recursive} or {@code direct}; indirect pins and anything else are empty. */
  public static Optional<PinMode> mode(String type) {
    return switch (type.toLowerCase(Locale.ROOT)) {
      case "recursive" -> Optional.of(PinMode.RECURSIVE);
      case "direct" -> Optional.of(PinMode.DIRECT);
      default -> Optional.empty();
    };
  }

  /** Adds the (CID, type) pairs of one pin/ls JSON value: a Keys object or a Cid line. */
  static void parseEntries(JsonNode node, List<Map.Entry<Cid, String>> out) {
    JsonNode keys = node.get("Keys");
    if (keys != null && keys.isObject()) {
      for (Map.Entry<String, JsonNode> f : keys.properties()) {
        parseCid(f.getKey())
            .ifPresent(c -> out.add(Map.entry(c, KuboJson.text(f.getValue(), "Type"))));
      }
    } else if (node.hasNonNull("Cid")) {
      KuboJson.cid(node.get("Cid"))
          .ifPresent(c -> out.add(Map.entry(c, KuboJson.text(node, "Type"))));
    }
  }

  private static Optional<Cid> parseCid(String text) {
    return KuboJson.cid(com.fasterxml.jackson.databind.node.TextNode.valueOf(text));
  }

  /** Kubo reports errors that happen mid-stream in an {@code X-Stream-Error} trailer. */
  static void checkTrailer(KuboClient client, String cmd, Response response) {
    String error = streamError(response);
    if (error != null) {
      throw client.refused(cmd, error);
    }
  }

  /** The {@code X-Stream-Error} trailer of a fully read answer, or null when there is none. */
  private static String streamError(Response response) {
    Headers trailers;
    try {
      trailers = response.trailers();
    } catch (IOException | IllegalStateException e) {
      return null;
    }
    String error = trailers.get("X-Stream-Error");
    return error == null || error.isBlank() ? null : error;
  }

  /** Time since the progress last grew, on the injected ticker. */
  private static final class ProgressClock {
    private final KuboClient client;
    private final long timeoutNanos;
    private long lastGrowth;
    private long best;

    ProgressClock(KuboClient client) {
      this.client = client;
      this.timeoutNanos = client.config().pinTimeout().toNanos();
      this.lastGrowth = client.ticker().getAsLong();
    }

    void progress(long value) {
      if (value > best) {
        best = value;
        lastGrowth = client.ticker().getAsLong();
      }
    }

    boolean expired() {
      return client.ticker().getAsLong() - lastGrowth > timeoutNanos;
    }
  }
}

package io.pincluster.ctl.client;

import io.pincluster.core.api.PinOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The query of {@code POST /add} (reference §1.5, without sharding) as cluster-ctl sends it: the
 * pin options of the root and how IPFS chunks the content and builds the DAG. Immutable; validated
 * on construction.
 *
 * @param pin the cluster pin of the root ({@code pinUpdate} is not sent)
 * @param expireIn how long after the add the pin expires, or null for never
 * @param local add the blocks only to the contacted peer's IPFS
 * @param recursive the upload holds directories
 * @param hidden the upload holds hidden files
 * @param wrap wrap everything in a directory ({@code wrap-with-directory})
 * @param format {@code unixfs} or {@code car} (the upload is one CAR file)
 * @param layout {@code ""} (balanced), {@code balanced} or {@code trickle}
 * @param chunker the IPFS chunker, e.g. {@code size-262144}
 * @param rawLeaves raw leaves
 * @param cidVersion 0 or 1
 * @param hash the multihash function, e.g. {@code sha2-256}
 * @param noCopy ask IPFS to reference the URLs instead of storing the content (urlstore)
 * @param noPin add to IPFS without making a cluster pin
 * @param streamChannels whether the server streams one object per line as it adds (true) or answers
 *     one JSON array at the end (false)
 */
public record AddParams(
    PinOptions pin,
    Duration expireIn,
    boolean local,
    boolean recursive,
    boolean hidden,
    boolean wrap,
    String format,
    String layout,
    String chunker,
    boolean rawLeaves,
    int cidVersion,
    String hash,
    boolean noCopy,
    boolean noPin,
    boolean streamChannels) {

  public static final String DEFAULT_CHUNKER = "size-262144";
  public static final String DEFAULT_HASH = "sha2-256";

  public AddParams {
    Objects.requireNonNull(pin, "pin");
    if (!format.equals("unixfs") && !format.equals("car")) {
      throw new IllegalArgumentException("--format \"" + format + "\" is not unixfs or car");
    }
    if (!layout.isEmpty() && !layout.equals("balanced") && !layout.equals("trickle")) {
      throw new IllegalArgumentException("--layout \"" + layout + "\" is not balanced or trickle");
    }
    if (chunker.isBlank()) {
      throw new IllegalArgumentException("--chunker is empty; the default is " + DEFAULT_CHUNKER);
    }
    if (cidVersion != 0 && cidVersion != 1) {
      throw new IllegalArgumentException("--cid-version must be 0 or 1: " + cidVersion);
    }
    if (hash.isBlank()) {
      throw new IllegalArgumentException("--hash is empty; the default is " + DEFAULT_HASH);
    }
  }

  /** These parameters with {@code streamChannels} set. */
  public AddParams withStreamChannels(boolean stream) {
    return new AddParams(
        pin,
        expireIn,
        local,
        recursive,
        hidden,
        wrap,
        format,
        layout,
        chunker,
        rawLeaves,
        cidVersion,
        hash,
        noCopy,
        noPin,
        stream);
  }

  /** The query parameters, percent-encoded, in the order sent. */
  Map<String, String> query() {
    Map<String, String> q = new LinkedHashMap<>(RestClient.pinQuery(pin, expireIn));
    q.remove("pin-update");
    q.put("local", Boolean.toString(local));
    q.put("recursive", Boolean.toString(recursive));
    q.put("hidden", Boolean.toString(hidden));
    q.put("wrap-with-directory", Boolean.toString(wrap));
    q.put("format", format);
    if (!layout.isEmpty()) {
      q.put("layout", layout);
    }
    q.put("chunker", RestClient.encode(chunker));
    q.put("raw-leaves", Boolean.toString(rawLeaves));
    q.put("cid-version", Integer.toString(cidVersion));
    q.put("hash", RestClient.encode(hash));
    q.put("nocopy", Boolean.toString(noCopy));
    q.put("no-pin", Boolean.toString(noPin));
    q.put("stream-channels", Boolean.toString(streamChannels));
    return q;
  }
}

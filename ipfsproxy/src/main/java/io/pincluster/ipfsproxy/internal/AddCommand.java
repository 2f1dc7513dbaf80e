package io.pincluster.ipfsproxy.internal;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.ClusterApi;
import io.pincluster.core.api.AddOptions;
import io.pincluster.core.api.AddedOutput;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinOptions;
import io.pincluster.http.Request;
import io.pincluster.http.Response;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code add}: the multipart body goes to the cluster's add (added to this peer's IPFS node, then
 * pinned in the cluster unless {@code pin=false}), read as it arrives; the output is Kubo's, one
 * line per object as it comes: {@code {"Name","Hash","Size"}} (Size as a string, as Kubo writes it)
 * and progress lines {@code {"Name","Bytes"}}.
 *
 * <p>Kubo options passed on to the node: {@code recursive}, {@code hidden}, {@code
 * wrap-with-directory}, {@code trickle}, {@code chunker}, {@code raw-leaves}, {@code cid-version},
 * {@code hash}, {@code progress}, {@code nocopy}, {@code inline}, {@code inline-limit}. IPFS
 * Cluster's pin options ({@code name}, {@code replication*}, …) and {@code local} apply to the
 * cluster pin. {@code only-hash} is refused, as IPFS Cluster's proxy does: nothing would be pinned.
 */
public final class AddCommand {
  private static final List<String> IPFS_OPTIONS =
      List.of(
          "recursive",
          "hidden",
          "wrap-with-directory",
          "trickle",
          "chunker",
          "raw-leaves",
          "cid-version",
          "hash",
          "progress",
          "nocopy",
          "inline",
          "inline-limit");

  private static final List<String> BOOLEAN_OPTIONS =
      List.of(
          "recursive",
          "hidden",
          "wrap-with-directory",
          "trickle",
          "raw-leaves",
          "progress",
          "nocopy",
          "inline");

  private final ClusterApi api;
  private final InstantSource clock;

  public AddCommand(ClusterApi api, InstantSource clock) {
    this.api = api;
    this.clock = clock;
  }

  public Response add(Request req) {
    if (KuboArgs.flag(req, "only-hash", false)) {
      throw KuboError.failed("only-hash is not supported when adding to cluster");
    }
    String contentType = req.header("Content-Type").orElse("");
    if (!contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw KuboError.badArgument(
          "add expects a multipart/form-data body, got \"" + contentType + "\"");
    }
    AddOptions options =
        new AddOptions(
            pinOptions(req),
            KuboArgs.flag(req, "local", false),
            !KuboArgs.flag(req, "pin", true),
            true,
            "unixfs",
            ipfsParams(req));
    CloseableIterator<AddedOutput> added =
        PiecesBody.started(api.add(req.bodyStream(), contentType, options));
    return PiecesBody.answer(added.map(AddCommand::line), 0, true);
  }

  private PinOptions pinOptions(Request req) {
    return KuboArgs.pinOptions(req, PinMode.RECURSIVE, clock);
  }

  /** Kubo's add options as sent; booleans normalised to {@code true}/{@code false}. */
  private static Map<String, String> ipfsParams(Request req) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : IPFS_OPTIONS) {
      if (req.queryParam(name).isEmpty()) {
        continue;
      }
      String value =
          BOOLEAN_OPTIONS.contains(name)
              ? String.valueOf(KuboArgs.flag(req, name, false))
              : req.queryParam(name, "");
      out.put(name, value);
    }
    return out;
  }

  /** One object of Kubo's add output. */
  static byte[] line(AddedOutput a) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("Name", a.name());
    if (a.cid() != null) {
      out.put("Hash", a.cid().toString());
    }
    if (a.bytes() != 0) {
      out.put("Bytes", a.bytes());
    }
    if (a.size() != 0) {
      out.put("Size", Long.toString(a.size()));
    }
    return KuboError.line(out);
  }
}

package io.pincluster.ipfsproxy.internal;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.ClusterApi;
import io.pincluster.core.api.GlobalRepoGc;
import io.pincluster.core.api.RepoGc;
import io.pincluster.core.api.RepoGcKey;
import io.pincluster.core.api.RepoStat;
import io.pincluster.http.Request;
import io.pincluster.http.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code repo/stat} and {@code repo/gc} over the whole cluster, answered in Kubo's shapes.
 *
 * <p>{@code repo/stat}: {@code RepoSize} and {@code StorageMax} summed over every peer's node (as
 * IPFS Cluster's proxy); {@code NumObjects} is 0 and {@code RepoPath} and {@code Version} are
 * empty, as no single node's values describe the cluster (the fields are kept because clients read
 * them); {@code size-only=true} leaves those three out, as Kubo does.
 *
 * <p>{@code repo/gc}: garbage collection on every peer's node; one {@code {"Key":{"/":"<cid>"}}}
 * line per removed block. Errors (of a key, or of a whole peer) are collected into the {@code
 * X-Stream-Error} trailer, or with {@code stream-errors=true} sent as {@code {"Error":"…"}} lines.
 */
public final class RepoCommands {
  private final ClusterApi api;

  public RepoCommands(ClusterApi api) {
    this.api = api;
  }

  public Response repoStat(Request req) {
    RepoStat total = api.repoStat(false);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("RepoSize", total.repoSize());
    out.put("StorageMax", total.storageMax());
    if (!KuboArgs.flag(req, "size-only", false)) {
      out.put("NumObjects", 0);
      out.put("RepoPath", "");
      out.put("Version", "");
    }
    return Response.json(200, out);
  }

  public Response repoGc(Request req) {
    boolean streamErrors = KuboArgs.flag(req, "stream-errors", false);
    GlobalRepoGc gc = api.ipfsGc(false);
    List<byte[]> lines = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (RepoGc peer : gc.peerMap().values()) {
      for (RepoGcKey key : peer.keys()) {
        Map<String, Object> line = new LinkedHashMap<>();
        if (key.key() != null) {
          line.put("Key", Map.of("/", key.key().toString()));
        }
        if (!key.error().isEmpty()) {
          if (streamErrors) {
            line.put("Error", key.error());
          } else {
            errors.add(key.error());
          }
        }
        if (!line.isEmpty()) {
          lines.add(KuboError.line(line));
        }
      }
      if (!peer.error().isEmpty()) {
        String message = "peer " + name(peer) + ": " + peer.error();
        if (streamErrors) {
          lines.add(KuboError.line(Map.of("Error", message)));
        } else {
          errors.add(message);
        }
      }
    }
    CloseableIterator<byte[]> pieces = CloseableIterator.of(lines);
    if (!errors.isEmpty()) {
      pieces = failingAtEnd(pieces, String.join("; ", errors));
    }
    return PiecesBody.answer(pieces, PinLsCommand.BATCH_BYTES, true);
  }

  private static String name(RepoGc peer) {
    if (!peer.peername().isEmpty()) {
      return peer.peername();
    }
    return peer.peer() == null ? "?" : peer.peer().toString();
  }

  /** {@code pieces}, then a failure with {@code message} (which becomes the trailer). */
  private static CloseableIterator<byte[]> failingAtEnd(
      CloseableIterator<byte[]> pieces, String message) {
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        if (!pieces.hasNext()) {
          throw new IllegalStateException(message);
        }
        return true;
      }

      @Override
      public byte[] next() {
        return pieces.next();
      }

      @Override
      public void close() {
        pieces.close();
      }
    };
  }
}

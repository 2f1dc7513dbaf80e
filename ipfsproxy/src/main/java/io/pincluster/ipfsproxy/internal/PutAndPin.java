package io.pincluster.ipfsproxy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.CloseableIterator;
import io.pincluster.core.ClusterApi;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.json.Json;
import io.pincluster.http.Request;
import io.pincluster.http.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code block/put} and {@code dag/put} with {@code pin=true} (IPFS Cluster v1.0.3+): the call goes
 * to the node with {@code pin=false}, then each CID it answers ({@code {"Key":…}} or {@code
 * {"Cid":{"/":…}}}) is pinned in the cluster (with IPFS Cluster's pin options from the query)
 * before its line is passed on. A pin that fails does not stop the others: the failures are
 * reported in the {@code X-Stream-Error} trailer. A node error is passed on as it is. Without
 * {@code pin=true} the call is simply forwarded.
 */
public final class PutAndPin {
  private static final Logger LOG = LoggerFactory.getLogger(PutAndPin.class);

  private final ClusterApi api;
  private final Upstream upstream;
  private final InstantSource clock;

  public PutAndPin(ClusterApi api, Upstream upstream, InstantSource clock) {
    this.api = api;
    this.upstream = upstream;
    this.clock = clock;
  }

  public Response handle(Request req) throws IOException {
    if (!KuboArgs.flag(req, "pin", false)) {
      return upstream.forward(req);
    }
    PinOptions options = KuboArgs.pinOptions(req, PinMode.RECURSIVE, clock);
    okhttp3.Response answer = upstream.execute(req, withoutPin(req.rawQuery()));
    if (answer.code() != 200) {
      return Upstream.toRaw(req, answer);
    }
    return PiecesBody.answer(new PinnedLines(answer, options), 0, true);
  }

  /** The query with every {@code pin} parameter replaced by {@code pin=false}. */
  static String withoutPin(String rawQuery) {
    List<String> kept = new ArrayList<>();
    for (String part : rawQuery.split("&")) {
      String name = part.contains("=") ? part.substring(0, part.indexOf('=')) : part;
      if (!part.isEmpty() && !name.equals("pin")) {
        kept.add(part);
      }
    }
    kept.add("pin=false");
    return String.join("&", kept);
  }

  /** The node's answer lines, each passed on once its CID is pinned in the cluster. */
  private final class PinnedLines implements CloseableIterator<byte[]> {
    private final okhttp3.Response answer;
    private final BufferedReader lines;
    private final PinOptions options;
    private final List<String> failures = new ArrayList<>();
    private String next;
    private boolean done;

    PinnedLines(okhttp3.Response answer, PinOptions options) {
      this.answer = answer;
      this.options = options;
      this.lines =
          new BufferedReader(
              new InputStreamReader(answer.body().byteStream(), StandardCharsets.UTF_8));
    }

    @Override
    public boolean hasNext() {
      if (next != null) {
        return true;
      }
      if (done) {
        return false;
      }
      try {
        String line;
        do {
          line = lines.readLine();
        } while (line != null && line.isBlank());
        if (line == null) {
          done = true;
          if (!failures.isEmpty()) {
            throw new IllegalStateException(String.join("; ", failures));
          }
          return false;
        }
        pin(line);
        next = line;
        return true;
      } catch (IOException e) {
        done = true;
        throw new UncheckedIOException("reading the IPFS answer failed: " + e.getMessage(), e);
      }
    }

    private void pin(String line) {
      Cid cid;
      try {
        JsonNode json = Json.mapper().readTree(line);
        JsonNode c = json.has("Key") ? json.get("Key") : json.path("Cid");
        cid = Cid.parse(c.isObject() ? c.path("/").asText() : c.asText());
      } catch (IOException | IllegalArgumentException e) {
        failures.add("cannot read a CID in the IPFS answer " + line);
        return;
      }
      try {
        api.pin(cid, options).join();
      } catch (CompletionException | io.pincluster.core.ClusterException e) {
        Throwable cause =
            e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        LOG.debug("pinning {} after a put failed: {}", cid, cause.toString());
        failures.add(cid + ": " + KuboError.messageOf(cause));
      }
    }

    @Override
    public byte[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      byte[] out = (next + "\n").getBytes(StandardCharsets.UTF_8);
      next = null;
      return out;
    }

    @Override
    public void close() {
      answer.close();
    }
  }
}

package io.pincluster.faults.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST calls the runner makes, with each write classified as acknowledged, failed or unknown.
 * Thread-safe (one shared {@link HttpClient}).
 */
final class Rest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The allocation error (500, as IPFS Cluster answers it): decided before anything is proposed to
   * Raft, so the pin certainly did not commit.
   */
  static final String NOT_ENOUGH_PEERS = "not enough peers to allocate";

  private final HttpClient http;
  private final Duration requestTimeout;

  /** The answer to one write. */
  record Answer(Op.Outcome outcome, String detail) {}

  Rest(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .executor(
                java.util.concurrent.Executors.newCachedThreadPool(
                    r -> {
                      Thread t = new Thread(r, "crash-rest");
                      t.setDaemon(true);
                      return t;
                    }))
            .build();
  }

  /**
   * {@code POST /pins/{cid}} (with replication factors when positive) or {@code DELETE
   * /pins/{cid}}. 2xx is acknowledged; 4xx and a refused connection failed (nothing was done); 5xx,
   * timeouts and broken connections unknown.
   */
  Answer write(String baseUrl, Op.Kind kind, String cid, int rmin, int rmax)
      throws InterruptedException {
    String url = baseUrl + "/pins/" + cid;
    HttpRequest.Builder b = HttpRequest.newBuilder().timeout(requestTimeout);
    if (kind == Op.Kind.PIN) {
      if (rmin > 0) {
        url += "?replication-min=" + rmin + "&replication-max=" + rmax;
      }
      b.POST(HttpRequest.BodyPublishers.noBody());
    } else {
      b.DELETE();
    }
    try {
      HttpResponse<String> r =
          http.send(b.uri(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
      int s = r.statusCode();
      if (s / 100 == 2) {
        return new Answer(Op.Outcome.ACKNOWLEDGED, "");
      }
      String detail = s + " " + abbreviate(r.body());
      boolean refused = s / 100 == 4 || r.body().contains(NOT_ENOUGH_PEERS);
      return new Answer(refused ? Op.Outcome.FAILED : Op.Outcome.UNKNOWN, detail);
    } catch (ConnectException e) {
      return new Answer(Op.Outcome.FAILED, "connection refused");
    } catch (IOException e) {
      return new Answer(Op.Outcome.UNKNOWN, abbreviate(e.toString()));
    }
  }

  /** {@code DELETE url}: "STATUS body" or the exception. */
  String delete(String url) throws InterruptedException {
    try {
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).DELETE().build();
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + abbreviate(r.body());
    } catch (IOException e) {
      return e.toString();
    }
  }

  /**
   * Bulk pin ({@code POST /pins}, one CID per line); "" when every item was pinned, else the first
   * problem and how many items failed.
   */
  String bulkPin(String baseUrl, String lines, int rmin, int rmax)
      throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(
                URI.create(baseUrl + "/pins?replication-min=" + rmin + "&replication-max=" + rmax))
            .timeout(Duration.ofSeconds(120))
            .POST(HttpRequest.BodyPublishers.ofString(lines))
            .build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      return "POST /pins answered " + r.statusCode() + " " + abbreviate(r.body());
    }
    int failed = 0;
    String first = "";
    int items = 0;
    try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(r.body())) {
      while (it.hasNext()) {
        JsonNode n = it.next();
        items++;
        String error = n.path("error").asText("");
        if (!error.isEmpty()) {
          if (failed++ == 0) {
            first = "line " + n.path("line").asText() + ": " + error;
          }
        }
      }
    }
    long expected = lines.lines().count();
    if (failed == 0 && items != expected) {
      return "POST /pins answered " + items + " items for " + expected + " lines";
    }
    return failed == 0 ? "" : failed + " of " + items + " items failed, first " + first;
  }

  /** True when {@code GET /id} answers 200. */
  boolean answers(String baseUrl) throws InterruptedException {
    try {
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(baseUrl + "/id"))
              .timeout(Duration.ofSeconds(3))
              .build();
      return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** That peer's local pinset ({@code GET /allocations}: NDJSON or a JSON array of pins). */
  PeerView allocations(String peerName, String baseUrl) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(baseUrl + "/allocations"))
            .timeout(Duration.ofSeconds(30))
            .build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(
          peerName + ": GET /allocations answered " + r.statusCode() + " " + abbreviate(r.body()));
    }
    return parseAllocations(peerName, r.body());
  }

  /** Parses an {@code /allocations} body (NDJSON objects or one array). */
  static PeerView parseAllocations(String peerName, String body) throws IOException {
    Map<String, PeerView.PinView> pins = new HashMap<>();
    try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(body)) {
      while (it.hasNext()) {
        JsonNode node = it.next();
        if (node.isArray()) {
          for (JsonNode p : node) {
            add(pins, p);
          }
        } else {
          add(pins, node);
        }
      }
    }
    return new PeerView(peerName, pins);
  }

  private static void add(Map<String, PeerView.PinView> pins, JsonNode p) throws IOException {
    JsonNode cidNode = p.path("cid");
    String cid = cidNode.isObject() ? cidNode.path("/").asText() : cidNode.asText();
    if (cid.isEmpty()) {
      throw new IOException("a pin without a cid in /allocations: " + abbreviate(p.toString()));
    }
    List<String> allocations = new ArrayList<>();
    for (JsonNode a : p.path("allocations")) {
      allocations.add(a.asText());
    }
    pins.put(
        cid,
        new PeerView.PinView(
            allocations,
            p.path("replication_factor_min").asInt(),
            p.path("replication_factor_max").asInt(),
            p.path("type").asText()));
  }

  static String abbreviate(String s) {
    String one = s.replace('\n', ' ').strip();
    return one.length() <= 160 ? one : one.substring(0, 160) + "…";
  }
}

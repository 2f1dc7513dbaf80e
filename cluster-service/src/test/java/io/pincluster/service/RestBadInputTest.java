package io.pincluster.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pincluster.core.cid.Cid;
import io.pincluster.testing.Cids;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input against a real single-peer daemon's REST API: a seeded fuzz run of malformed requests
 * over every route (see {@link RestFuzzCases}), plus oversized headers, malformed request lines and
 * slow clients over raw sockets. Every malformed request must get a 4xx with a JSON {@code
 * {"code","message"}} body, within a client timeout, and leave the pinset and peerset unchanged.
 *
 * <p>A 5xx is legitimate only for a valid request the server cannot carry out (IPFS down, no Raft
 * leader, a full worker queue); none of these requests is valid, so none may get one. The seed is
 * printed; rerun one with {@code -Dpincluster.fuzz.seed=N} (and {@code
 * -Dpincluster.fuzz.requests=N} for a longer run).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestBadInputTest {
  static final long DEFAULT_SEED = 0x9_2026_1127L;
  static final Duration WAIT = Duration.ofSeconds(45);
  static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(15);
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  LocalCluster cluster;
  RawHttp http;
  final List<Cid> pinned = List.of(Cids.V0_1, Cids.V1_1, Cids.V1_2);

  @BeforeAll
  void start() throws Exception {
    cluster = LocalCluster.start(dir, 1, RestBadInputTest::shortTimeouts);
    await().atMost(WAIT).until(() -> cluster.ready());
    http = new RawHttp(cluster.restUrl(0), CLIENT_TIMEOUT);
    for (Cid c : pinned) {
      assertThat(http.send("POST", "/pins/" + c, null, null).status()).isEqualTo(200);
    }
    await().atMost(WAIT).until(() -> allocations().size() == pinned.size());
  }

  /** Slow clients are cut off after these; long enough for every fuzz request to finish. */
  static void shortTimeouts(ObjectNode json) {
    ((ObjectNode) json.get("api").get("restapi"))
        .put("read_header_timeout", "1s")
        .put("read_timeout", "3s");
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void fuzzedMalformedRequestsGetJsonClientErrorsAndChangeNothing() throws Exception {
    long seed = Long.getLong("pincluster.fuzz.seed", DEFAULT_SEED);
    int count = Integer.getInteger("pincluster.fuzz.requests", 300);
    System.out.println("RestBadInputTest seed " + seed + " (-Dpincluster.fuzz.seed=" + seed + ")");
    Set<String> before = allocations();
    Set<String> peersBefore = peerIds();
    RestFuzzCases cases = new RestFuzzCases(new Random(seed));
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      RestFuzzCases.Case c = cases.next();
      String problem = check(c);
      if (problem != null) {
        problems.add("#" + i + " " + c + " -> " + problem);
      }
    }
    if (!problems.isEmpty()) {
      fail(
          "seed "
              + seed
              + ", "
              + problems.size()
              + " bad answers:\n"
              + String.join("\n", problems));
    }
    assertThat(allocations()).as("pinset after the fuzz run").isEqualTo(before);
    assertThat(peerIds()).as("peerset after the fuzz run").isEqualTo(peersBefore);
    assertThat(cluster.kubo(0).pins().keySet()).containsExactlyInAnyOrderElementsOf(pinned);
    assertThat(http.send("GET", "/health", null, null).status()).isEqualTo(204);
  }

  /** Null when the answer is right for the case, otherwise what is wrong with it. */
  String check(RestFuzzCases.Case c) {
    RawHttp.Answer a;
    try {
      a = http.send(c.method(), c.target(), c.contentType(), c.body());
    } catch (IOException e) {
      return "no answer: " + e;
    }
    if (a.status() >= 500) {
      return "server error " + a.status() + " " + RawHttp.abbreviate(a.body());
    }
    boolean clientError = a.status() >= 400;
    if (c.expect() == RestFuzzCases.Expect.CLIENT_ERROR && !clientError) {
      return "expected 4xx, got " + a.status() + " " + RawHttp.abbreviate(a.body());
    }
    return clientError ? jsonErrorProblem(a) : null;
  }

  static String jsonErrorProblem(RawHttp.Answer a) {
    try {
      JsonNode e = JSON.readTree(a.body());
      if (e == null
          || e.path("code").asInt() != a.status()
          || !e.path("message").isTextual()
          || e.path("message").asText().isBlank()) {
        return "error body is not {\"code\":" + a.status() + ",\"message\":…}: " + a.body();
      }
      return null;
    } catch (IOException e) {
      return "error body is not JSON: " + RawHttp.abbreviate(a.body());
    }
  }

  @Test
  void oversizedHeadersGet431WithJsonError() throws Exception {
    RawHttp.Answer a = http.send("GET", "/id", null, null, "X-Big: " + "a".repeat(64 * 1024));
    assertThat(a.status()).isEqualTo(431);
    assertThat(jsonErrorProblem(a)).isNull();
    RawHttp.Answer many =
        http.send(
            "GET",
            "/id",
            null,
            null,
            java.util.stream.IntStream.range(0, 3000)
                .mapToObj(i -> "X-H" + i + ": v")
                .toArray(String[]::new));
    assertThat(many.status()).isEqualTo(431);
    RawHttp.Answer longLine = http.send("GET", "/pins/" + "Q".repeat(70_000), null, null);
    assertThat(longLine.status()).isBetween(400, 499);
    assertThat(jsonErrorProblem(longLine)).isNull();
  }

  @Test
  void malformedRequestsOnTheWireGet400() throws Exception {
    List<String> problems = new ArrayList<>();
    for (String raw :
        List.of(
            "GARBAGE\r\n\r\n",
            "POST /pins/" + Cids.V0_3 + " HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
            "POST /peers HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{}{}{}{",
            "POST /peers HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")) {
      RawHttp.Answer a;
      try {
        a = sendRaw(raw.getBytes(StandardCharsets.ISO_8859_1));
      } catch (IOException e) {
        problems.add(raw + " -> no answer: " + e);
        continue;
      }
      if (a.status() < 400 || a.status() > 499 || jsonErrorProblem(a) != null) {
        problems.add(raw + " -> " + a.status() + " " + a.body());
      }
    }
    assertThat(problems).isEmpty();
    assertThat(allocations()).hasSize(pinned.size());
  }

  @Test
  void slowClientsAreCutOffAndDoNotStopOthers() throws Exception {
    URI u = URI.create(cluster.restUrl(0));
    try (Socket slowHeaders = new Socket();
        Socket slowBody = new Socket()) {
      slowHeaders.connect(new InetSocketAddress(u.getHost(), u.getPort()));
      slowHeaders.getOutputStream().write("GET /id HTTP/1.1\r\nHost: x\r\n".getBytes());
      slowBody.connect(new InetSocketAddress(u.getHost(), u.getPort()));
      OutputStream out = slowBody.getOutputStream();
      out.write(
          ("POST /peers HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"peer_id\"")
              .getBytes());
      out.flush();
      // Others are served while both stall.
      assertThat(http.send("GET", "/id", null, null).status()).isEqualTo(200);
      // read_header_timeout (1s) and read_timeout (3s) close the stalled connections.
      assertClosedWithin(slowHeaders, Duration.ofSeconds(10));
      assertClosedWithin(slowBody, Duration.ofSeconds(10));
    }
    assertThat(allocations()).hasSize(pinned.size());
    assertThat(http.send("GET", "/health", null, null).status()).isEqualTo(204);
  }

  /** Reads until EOF (any answer, e.g. a 408, is allowed first); fails if it takes longer. */
  static void assertClosedWithin(Socket s, Duration limit) throws IOException {
    s.setSoTimeout((int) limit.toMillis());
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    try {
      while (in.read(buf) >= 0) {
        // drain
      }
    } catch (java.net.SocketTimeoutException e) {
      fail("a stalled client was not cut off within " + limit);
    } catch (java.net.SocketException e) {
      // reset by the server: cut off
    }
  }

  RawHttp.Answer sendRaw(byte[] request) throws IOException {
    URI u = URI.create(cluster.restUrl(0));
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(u.getHost(), u.getPort()));
      s.setSoTimeout((int) CLIENT_TIMEOUT.toMillis());
      s.getOutputStream().write(request);
      return RawHttp.parse(s.getInputStream().readAllBytes());
    }
  }

  /** {@code GET /allocations} as a set of lines (each a pin object, stable while nothing pins). */
  Set<String> allocations() throws IOException {
    RawHttp.Answer a = http.send("GET", "/allocations", null, null);
    assertThat(a.status()).isIn(200, 204);
    Set<String> out = new TreeSet<>();
    for (String line : a.body().split("\n")) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line).toString());
      }
    }
    return out;
  }

  Set<String> peerIds() throws IOException {
    RawHttp.Answer a = http.send("GET", "/peers", null, null);
    Set<String> out = new TreeSet<>();
    for (String line : a.body().split("\n")) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line).path("id").asText());
      }
    }
    return out;
  }
}

package io.pincluster.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The load generator: concurrent REST clients on platform threads {@code bench-client-N}, each with
 * its own kept-alive connection ({@link PlainHttpConnection}) for the one-pin requests. Blocks
 * until the run ends; any failed request fails the run with its status and body.
 */
final class RestLoad {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /**
   * {@code total} pins, one {@code POST /pins/{cid}} each, from {@code clients} concurrent clients;
   * client {@code i} talks to {@code urls[i % urls.size()]}.
   */
  RunResult pinOneByOne(List<String> urls, int clients, int total, CidSource cids)
      throws InterruptedException {
    if (clients <= 0 || total < clients) {
      throw new IllegalArgumentException(
          "need 0 < clients <= pins: " + clients + " clients, " + total + " pins");
    }
    long[] latencies = new long[total];
    AtomicReference<String> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      final int client = c;
      final String base = urls.get(c % urls.size());
      Thread t =
          new Thread(
              () -> {
                URI baseUri = URI.create(base);
                String prefix = baseUri.getRawPath() == null ? "" : baseUri.getRawPath();
                try (PlainHttpConnection conn = new PlainHttpConnection(baseUri, REQUEST_TIMEOUT)) {
                  for (int i = client; i < total && failure.get() == null; i += clients) {
                    String path = prefix + "/pins/" + cids.next();
                    long t0 = System.nanoTime();
                    try {
                      PlainHttpConnection.Answer r = conn.postEmpty(path);
                      if (r.status() != 200) {
                        failure.compareAndSet(
                            null, "POST " + base + path + " → " + r.status() + " " + r.body());
                      }
                    } catch (IOException | RuntimeException e) {
                      failure.compareAndSet(null, "POST " + base + path + " failed: " + e);
                    }
                    latencies[i] = System.nanoTime() - t0;
                  }
                }
              },
              "bench-client-" + c);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    long elapsed = System.nanoTime() - start;
    if (failure.get() != null) {
      throw new IllegalStateException(failure.get());
    }
    return new RunResult(total, elapsed, latencies);
  }

  /** One {@code POST /pins/{cid}}; true when it answered 200 (failures are expected here). */
  boolean pinOnce(String url, String cid) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(url + "/pins/" + cid))
            .timeout(REQUEST_TIMEOUT)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    try {
      return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * {@code total} pins through the bulk endpoint ({@code POST /pins}, NDJSON of CIDs) in requests
   * of {@code batch} lines, one request at a time; latency samples are per request.
   */
  RunResult pinBulk(String url, int total, int batch, CidSource cids) throws InterruptedException {
    if (batch <= 0 || total <= 0) {
      throw new IllegalArgumentException(
          "bulk needs pins > 0 and batch > 0: " + total + ", " + batch);
    }
    List<Long> latencies = new ArrayList<>();
    long start = System.nanoTime();
    for (int done = 0; done < total; ) {
      int n = Math.min(batch, total - done);
      List<String> lines = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        lines.add(cids.next());
      }
      long t0 = System.nanoTime();
      postBulk(http, URI.create(url + "/pins"), lines);
      latencies.add(System.nanoTime() - t0);
      done += n;
    }
    long elapsed = System.nanoTime() - start;
    return new RunResult(total, elapsed, latencies.stream().mapToLong(Long::longValue).toArray());
  }

  /**
   * Sends {@code cids} (their text, one a line) in one bulk NDJSON {@code POST} to {@code pinsUri}
   * ({@code …/pins}, with any query options) and reads the answer; fails unless every line was
   * committed.
   */
  static void postBulk(HttpClient http, URI pinsUri, List<?> cids) throws InterruptedException {
    StringBuilder body = new StringBuilder(cids.size() * 64);
    for (Object cid : cids) {
      body.append(cid).append('\n');
    }
    HttpRequest req =
        HttpRequest.newBuilder(pinsUri)
            .timeout(Duration.ofMinutes(5))
            .header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    try {
      HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      int ok = countOk(r, cids.size());
      if (ok != cids.size()) {
        throw new IllegalStateException(
            "bulk request: " + ok + " of " + cids.size() + " pins committed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("bulk POST " + req.uri() + " failed: " + e, e);
    }
  }

  private static int countOk(HttpResponse<InputStream> r, int expected) throws IOException {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      if (r.statusCode() != 200) {
        StringBuilder b = new StringBuilder();
        in.lines().limit(5).forEach(b::append);
        throw new IllegalStateException("bulk POST → " + r.statusCode() + " " + b);
      }
      int ok = 0;
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        if (!line.contains("\"error\":\"\"")) {
          throw new IllegalStateException("bulk item failed: " + line);
        }
        ok++;
      }
      return ok;
    }
  }
}

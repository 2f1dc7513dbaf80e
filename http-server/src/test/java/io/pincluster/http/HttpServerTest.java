package io.pincluster.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.CloseableIterator;
import io.pincluster.core.ClusterException;
import io.pincluster.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request.Builder;
import okhttp3.RequestBody;
import okio.BufferedSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpServerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final OkHttpClient client =
      new OkHttpClient.Builder()
          .followRedirects(false)
          .retryOnConnectionFailure(false)
          .readTimeout(Duration.ofSeconds(10))
          .build();
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<AccessLog.Entry> accessLog = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(HttpServer::close);
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  private String start(Router router) {
    return start(router, o -> {});
  }

  private String start(Router router, Consumer<HttpServerOptions.Builder> tweak) {
    return start(router, tweak, false);
  }

  /** A server answering {@code GET /stream} with {@code items}; its base URL. */
  private String startStreaming(CloseableIterator<?> items, boolean encodeOnWorkers) {
    return start(
        Router.builder().get("/stream", req -> Response.stream(items)).build(),
        o -> {},
        encodeOnWorkers);
  }

  /** {@code encodeOnWorkers}: streams take the path used when no encoder thread is free. */
  private String start(
      Router router, Consumer<HttpServerOptions.Builder> tweak, boolean encodeOnWorkers) {
    HttpServerOptions.Builder b =
        HttpServerOptions.builder("test").extraHeader("X-Extra", "yes").maxBodyBytes(1024);
    tweak.accept(b);
    HttpServer server = new HttpServer(b.build(), router, accessLog::add);
    if (encodeOnWorkers) {
      server.encodeOnWorkers();
    }
    servers.add(server);
    InetSocketAddress a = server.start().get(0);
    return "http://127.0.0.1:" + a.getPort();
  }

  private okhttp3.Response get(String url) throws IOException {
    return client.newCall(new Builder().url(url).build()).execute();
  }

  private static JsonNode json(okhttp3.Response r) throws IOException {
    return Json.mapper().readTree(r.body().bytes());
  }

  private static Router echoRouter() {
    return Router.builder()
        .get("/pins/{cid}", req -> Response.ok(Map.of("cid", req.pathParam("cid"))))
        .get("/pins/recover", req -> Response.ok(Map.of("literal", true)))
        .post("/pins/{cid}", req -> Response.ok(Map.of("posted", req.pathParam("cid"))))
        .get("/pins/ipfs/{path...}", req -> Response.ok(Map.of("path", req.pathParam("path"))))
        .get("/query", req -> Response.ok(req.query()))
        .get("/empty", req -> Response.noContent())
        .post("/echo", req -> Response.bytes(200, req.body()))
        .build();
  }

  @Test
  void routesByMethodAndTemplateWithDecodedParamsAndJsonHeaders() throws IOException {
    String base = start(echoRouter());
    try (okhttp3.Response r = get(base + "/pins/a%20b")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      assertThat(r.header("X-Extra")).isEqualTo("yes");
      assertThat(json(r).get("cid").asText()).isEqualTo("a b");
    }
    try (okhttp3.Response r = get(base + "/pins/recover")) {
      assertThat(json(r).get("literal").asBoolean()).isTrue();
    }
    try (okhttp3.Response r = get(base + "/pins/ipfs/Qm1/dir/file")) {
      assertThat(json(r).get("path").asText()).isEqualTo("Qm1/dir/file");
    }
    try (okhttp3.Response r = get(base + "/query?name=a+b&meta-x=%2F&name=second")) {
      JsonNode q = json(r);
      assertThat(q.get("name").get(0).asText()).isEqualTo("a b");
      assertThat(q.get("name").get(1).asText()).isEqualTo("second");
      assertThat(q.get("meta-x").get(0).asText()).isEqualTo("/");
    }
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405WithJsonErrors() throws IOException {
    String base = start(echoRouter());
    try (okhttp3.Response r = get(base + "/nope")) {
      assertThat(r.code()).isEqualTo(404);
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      assertThat(r.header("X-Extra")).isEqualTo("yes");
      JsonNode body = json(r);
      assertThat(body.get("code").asInt()).isEqualTo(404);
      assertThat(body.get("message").asText()).isEqualTo("not found");
    }
    RequestBody empty = RequestBody.create(new byte[0], MediaType.get("application/json"));
    try (okhttp3.Response r =
        client.newCall(new Builder().url(base + "/empty").post(empty).build()).execute()) {
      assertThat(r.code()).isEqualTo(405);
      assertThat(r.header("Allow")).isEqualTo("GET");
      assertThat(json(r).get("code").asInt()).isEqualTo(405);
    }
  }

  @Test
  void pathWithTrailingSlashIsRedirectedWith307KeepingTheQuery() throws IOException {
    String base = start(echoRouter());
    try (okhttp3.Response r = get(base + "/pins/abc/?local=true")) {
      assertThat(r.code()).isEqualTo(307);
      assertThat(r.header("Location")).isEqualTo("/pins/abc?local=true");
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
    }
  }

  @Test
  void emptyResponseIs204AndBodyIsPassedToHandler() throws IOException {
    String base = start(echoRouter());
    try (okhttp3.Response r = get(base + "/empty")) {
      assertThat(r.code()).isEqualTo(204);
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
    }
    RequestBody body = RequestBody.create("{\"a\":1}".getBytes(), MediaType.get("text/plain"));
    try (okhttp3.Response r =
        client.newCall(new Builder().url(base + "/echo").post(body).build()).execute()) {
      assertThat(r.body().string()).isEqualTo("{\"a\":1}");
    }
  }

  @Test
  void exceptionsAreMappedToErrorResponses() throws IOException {
    Router router =
        Router.builder()
            .get(
                "/boom",
                req -> {
                  throw new IllegalStateException("it broke");
                })
            .get(
                "/bad",
                req -> {
                  throw new HttpException(400, "parameter x invalid");
                })
            .get(
                "/mapped",
                req -> {
                  throw new ClusterException("special");
                })
            .errorMapper(t -> t instanceof ClusterException ? Response.error(418, "tea") : null)
            .build();
    String base = start(router);
    try (okhttp3.Response r = get(base + "/boom")) {
      assertThat(r.code()).isEqualTo(500);
      assertThat(json(r).get("message").asText()).isEqualTo("it broke");
    }
    try (okhttp3.Response r = get(base + "/bad")) {
      assertThat(r.code()).isEqualTo(400);
      assertThat(json(r).get("message").asText()).isEqualTo("parameter x invalid");
    }
    try (okhttp3.Response r = get(base + "/mapped")) {
      assertThat(r.code()).isEqualTo(418);
    }
  }

  @Test
  void filtersWrapRoutingAndDecorateEveryResponse() throws IOException {
    List<String> order = new CopyOnWriteArrayList<>();
    Router router =
        Router.builder()
            .filter(
                (req, next) -> {
                  order.add("outer");
                  return next.handle(req).withHeader("X-Outer", "1");
                })
            .filter(
                (req, next) -> {
                  order.add("inner");
                  if (req.header("X-Deny").isPresent()) {
                    return Response.error(401, "denied");
                  }
                  return next.handle(req);
                })
            .get("/ok", req -> Response.ok(Map.of()))
            .build();
    String base = start(router);
    try (okhttp3.Response r = get(base + "/missing")) {
      assertThat(r.code()).isEqualTo(404);
      assertThat(r.header("X-Outer")).isEqualTo("1");
    }
    assertThat(order).containsExactly("outer", "inner");
    try (okhttp3.Response r =
        client.newCall(new Builder().url(base + "/ok").header("X-Deny", "1").build()).execute()) {
      assertThat(r.code()).isEqualTo(401);
      assertThat(r.header("X-Outer")).isEqualTo("1");
    }
  }

  @Test
  void asyncResponsesAreWrittenWhenTheFutureCompletes() throws Exception {
    CompletableFuture<Object> pending = new CompletableFuture<>();
    CountDownLatch entered = new CountDownLatch(1);
    Router router =
        Router.builder()
            .get(
                "/later",
                req -> {
                  entered.countDown();
                  return Response.async(pending).withHeader("X-Async", "1");
                })
            .get(
                "/failed",
                req ->
                    Response.async(
                        CompletableFuture.failedFuture(new HttpException(409, "conflict"))))
            .build();
    String base = start(router);
    CompletableFuture<okhttp3.Response> call = new CompletableFuture<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                call.complete(get(base + "/later"));
              } catch (IOException e) {
                call.completeExceptionally(e);
              }
            },
            "test-async-caller");
    caller.start();
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(call).isNotDone();
    new Thread(() -> pending.complete(Map.of("done", true)), "test-completer").start();
    try (okhttp3.Response r = call.join()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("X-Async")).isEqualTo("1");
      assertThat(json(r).get("done").asBoolean()).isTrue();
    }
    try (okhttp3.Response r = get(base + "/failed")) {
      assertThat(r.code()).isEqualTo(409);
      assertThat(json(r).get("message").asText()).isEqualTo("conflict");
    }
  }

  @ParameterizedTest(name = "encoded on workers: {0}")
  @ValueSource(booleans = {false, true})
  void streamsALargeNdjsonResponseWithBackPressure(boolean onWorkers) throws Exception {
    int total = 100_000;
    GeneratedItems items = new GeneratedItems(total, -1, 1000);
    String base = startStreaming(items, onWorkers);
    try (okhttp3.Response r = get(base + "/stream")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      assertThat(r.header("Trailer")).isEqualTo("X-Stream-Error");
      assertThat(r.header("X-Extra")).isEqualTo("yes");
      BufferedSource source = r.body().source();
      assertThat(Json.mapper().readTree(source.readUtf8LineStrict()).get("i").asInt()).isZero();
      // The client has read one item: the stream must now be waiting for the channel to drain
      // (the worker, or the encoder while the worker waits for room in the lane) instead of
      // producing everything into memory.
      await().atMost(WAIT).until(() -> streamIsWaitingForWritability());
      assertThat(items.produced.get()).isLessThan(total / 2);
      int count = 1;
      String line;
      while ((line = source.readUtf8Line()) != null) {
        assertThat(line).startsWith("{");
        count++;
      }
      assertThat(count).isEqualTo(total);
      assertThat(r.trailers().get("X-Stream-Error")).isEmpty();
    }
    await().atMost(WAIT).untilTrue(items.closed);
  }

  @ParameterizedTest(name = "encoded on workers: {0}")
  @ValueSource(booleans = {false, true})
  void aLineReachesTheClientWhileTheNextItemIsStillBeingProduced(boolean onWorkers)
      throws Exception {
    // Lines are gathered into chunks; a slow stream (progress) must still deliver each line
    // without waiting for the next one.
    java.util.concurrent.CountDownLatch firstLineRead = new java.util.concurrent.CountDownLatch(1);
    CloseableIterator<Map<String, Integer>> slow =
        new CloseableIterator<>() {
          private int i;

          @Override
          public boolean hasNext() {
            if (i == 1) {
              try {
                if (!firstLineRead.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                  throw new IllegalStateException("the client never got the first line");
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
              }
            }
            return i < 2;
          }

          @Override
          public Map<String, Integer> next() {
            return Map.of("i", i++);
          }

          @Override
          public void close() {}
        };
    String base = startStreaming(slow, onWorkers);
    try (okhttp3.Response r = get(base + "/stream")) {
      BufferedSource source = r.body().source();
      assertThat(source.readUtf8LineStrict()).isEqualTo("{\"i\":0}");
      firstLineRead.countDown();
      assertThat(source.readUtf8LineStrict()).isEqualTo("{\"i\":1}");
      assertThat(source.readUtf8Line()).isNull();
      assertThat(r.trailers().get("X-Stream-Error")).isEmpty();
    }
  }

  @ParameterizedTest(name = "encoded on workers: {0}")
  @ValueSource(booleans = {false, true})
  void errorAfterTheFirstItemEndsUpInTheTrailer(boolean onWorkers) throws IOException {
    GeneratedItems items = new GeneratedItems(10, 3, 1);
    String base = startStreaming(items, onWorkers);
    try (okhttp3.Response r = get(base + "/stream")) {
      assertThat(r.code()).isEqualTo(200);
      String[] lines = r.body().string().split("\n");
      assertThat(lines).hasSize(3);
      Headers trailers = r.trailers();
      assertThat(trailers.get("X-Stream-Error")).isEqualTo("boom after 3");
    }
    await().atMost(WAIT).untilTrue(items.closed);
    await().atMost(WAIT).until(() -> accessLog.size() == 1);
    assertThat(accessLog.get(0).status()).isEqualTo(200);
    assertThat(accessLog.get(0).uri()).isEqualTo("/stream");
  }

  @Test
  void emptyStreamIs204AndFailureBeforeTheFirstItemIs500() throws IOException {
    GeneratedItems empty = new GeneratedItems(0, -1, 1);
    GeneratedItems failing = new GeneratedItems(10, 0, 1);
    Router router =
        Router.builder()
            .get("/empty", req -> Response.stream(empty))
            .get("/failing", req -> Response.stream(failing))
            .build();
    String base = start(router);
    try (okhttp3.Response r = get(base + "/empty")) {
      assertThat(r.code()).isEqualTo(204);
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
    }
    try (okhttp3.Response r = get(base + "/failing")) {
      assertThat(r.code()).isEqualTo(500);
      JsonNode body = json(r);
      assertThat(body.get("code").asInt()).isEqualTo(500);
      assertThat(body.get("message").asText()).isEqualTo("boom after 0");
    }
    await().atMost(WAIT).untilTrue(empty.closed);
    await().atMost(WAIT).untilTrue(failing.closed);
  }

  @ParameterizedTest(name = "encoded on workers: {0}")
  @ValueSource(booleans = {false, true})
  void anItemThatCannotBeEncodedEndsTheStreamWithItsErrorInTheTrailer(boolean onWorkers)
      throws IOException {
    GeneratedItems good = new GeneratedItems(5, -1, 1);
    CloseableIterator<Object> items =
        new CloseableIterator<>() {
          private int i;

          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public Object next() {
            return i++ == 3 ? new Unencodable() : good.next();
          }

          @Override
          public void close() {
            good.close();
          }
        };
    String base = startStreaming(items, onWorkers);
    try (okhttp3.Response r = get(base + "/stream")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string().split("\n")).hasSize(3);
      assertThat(r.trailers().get("X-Stream-Error"))
          .isEqualTo("cannot encode item: cannot write Unencodable");
    }
    await().atMost(WAIT).untilTrue(good.closed);
  }

  /** A value Jackson fails on. */
  static final class Unencodable {
    public String getValue() {
      throw new IllegalStateException("not encodable");
    }
  }

  @ParameterizedTest(name = "encoded on workers: {0}")
  @ValueSource(booleans = {false, true})
  void iteratorIsClosedWhenTheClientGoesAway(boolean onWorkers) throws IOException {
    GeneratedItems endless = new GeneratedItems(Long.MAX_VALUE, -1, 100);
    String base = startStreaming(endless, onWorkers);
    okhttp3.Response r = get(base + "/stream");
    assertThat(r.body().source().readUtf8LineStrict()).startsWith("{");
    r.close();
    await().atMost(WAIT).untilTrue(endless.closed);
  }

  @Test
  void bodyLargerThanTheLimitIs413() throws IOException {
    String base = start(echoRouter());
    byte[] big = new byte[2048];
    Arrays.fill(big, (byte) 'a');
    RequestBody body = RequestBody.create(big, MediaType.get("text/plain"));
    try (okhttp3.Response r =
        client.newCall(new Builder().url(base + "/echo").post(body).build()).execute()) {
      assertThat(r.code()).isEqualTo(413);
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      assertThat(json(r).get("code").asInt()).isEqualTo(413);
    }
  }

  @Test
  void chunkedBodyLargerThanTheLimitIs413() throws IOException {
    String base = start(echoRouter());
    String head =
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "400\r\n"
            + "a".repeat(1024)
            + "\r\n"
            + "10\r\n"
            + "b".repeat(16)
            + "\r\n0\r\n\r\n";
    String response = exchangeRaw(base, head);
    assertThat(response).startsWith("HTTP/1.1 413");
  }

  @Test
  void headersLargerThanTheLimitAre431() throws IOException {
    String base = start(echoRouter(), o -> o.maxHeaderBytes(1024));
    try (okhttp3.Response r =
        client
            .newCall(new Builder().url(base + "/empty").header("X-Big", "b".repeat(4096)).build())
            .execute()) {
      assertThat(r.code()).isEqualTo(431);
      assertThat(json(r).get("code").asInt()).isEqualTo(431);
    }
  }

  @Test
  void fullWorkerPoolIsAnswered503() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    Router router =
        Router.builder()
            .get(
                "/block",
                req -> {
                  entered.countDown();
                  release.await(10, TimeUnit.SECONDS);
                  return Response.ok(Map.of("released", true));
                })
            .build();
    String base = start(router, o -> o.workerThreads(1).workerQueue(0));
    CompletableFuture<Integer> first = new CompletableFuture<>();
    new Thread(
            () -> {
              try (okhttp3.Response r = get(base + "/block")) {
                first.complete(r.code());
              } catch (IOException e) {
                first.completeExceptionally(e);
              }
            },
            "test-first-caller")
        .start();
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    try (okhttp3.Response r = get(base + "/block")) {
      assertThat(r.code()).isEqualTo(503);
      assertThat(json(r).get("code").asInt()).isEqualTo(503);
    }
    release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(200);
  }

  @Test
  void handlersRunOnNamedWorkerThreads() throws IOException {
    Router router =
        Router.builder()
            .get("/thread", req -> Response.ok(Map.of("name", Thread.currentThread().getName())))
            .build();
    String base = start(router);
    try (okhttp3.Response r = get(base + "/thread")) {
      assertThat(json(r).get("name").asText()).isEqualTo("test-worker-1");
    }
    assertThat(threadsNamed("test-io-")).isNotEmpty();
  }

  @Test
  void idleKeepAliveConnectionIsClosed() throws IOException {
    String base = start(echoRouter(), o -> o.idleTimeout(Duration.ofMillis(200)));
    try (Socket s = connect(base)) {
      send(s, "GET /empty HTTP/1.1\r\nHost: x\r\n\r\n");
      String response = readUntilClosed(s);
      assertThat(response).startsWith("HTTP/1.1 204");
    }
  }

  @Test
  void requestWhoseHeadersDoNotArriveInTimeIsCutOff() throws IOException {
    String base = start(echoRouter(), o -> o.readHeaderTimeout(Duration.ofMillis(200)));
    try (Socket s = connect(base)) {
      send(s, "GET /empty HTTP/1.1\r\nHost: x\r\n");
      assertThat(readUntilClosed(s)).isEmpty();
    }
  }

  @Test
  void requestWhoseBodyDoesNotArriveInTimeIsCutOff() throws IOException {
    String base = start(echoRouter(), o -> o.readTimeout(Duration.ofMillis(300)));
    try (Socket s = connect(base)) {
      send(s, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab");
      assertThat(readUntilClosed(s)).isEmpty();
    }
  }

  @Test
  void responseThatTakesLongerThanTheWriteTimeoutIsCutOff() throws IOException {
    CompletableFuture<Object> never = new CompletableFuture<>();
    Router router = Router.builder().get("/never", req -> Response.async(never)).build();
    String base = start(router, o -> o.writeTimeout(Duration.ofMillis(300)));
    try (Socket s = connect(base)) {
      send(s, "GET /never HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readUntilClosed(s)).isEmpty();
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws IOException {
    String base = start(echoRouter());
    String two =
        "GET /pins/first HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /pins/second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    String response = exchangeRaw(base, two);
    assertThat(response.indexOf("first")).isPositive();
    assertThat(response.indexOf("second")).isGreaterThan(response.indexOf("first"));
  }

  @Test
  void listensOnEveryAddressAndCloseIsIdempotent() throws IOException {
    HttpServer server =
        new HttpServer(
            HttpServerOptions.builder("multi")
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .build(),
            echoRouter());
    servers.add(server);
    List<InetSocketAddress> bound = server.start();
    assertThat(bound).hasSize(2);
    assertThat(bound.get(0).getPort()).isNotEqualTo(bound.get(1).getPort());
    for (InetSocketAddress a : bound) {
      try (okhttp3.Response r = get("http://127.0.0.1:" + a.getPort() + "/empty")) {
        assertThat(r.code()).isEqualTo(204);
      }
    }
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    server.close();
    server.close();
    await().atMost(WAIT).until(() -> threadsNamed("multi-").isEmpty());
  }

  @Test
  void bindingABusyPortFailsNamingTheAddress() {
    HttpServer first = new HttpServer(HttpServerOptions.builder("first").build(), echoRouter());
    servers.add(first);
    InetSocketAddress taken = first.start().get(0);
    HttpServer second =
        new HttpServer(HttpServerOptions.builder("second").bind(taken).build(), echoRouter());
    servers.add(second);
    assertThatThrownBy(second::start)
        .isInstanceOf(ClusterException.class)
        .hasMessageContaining("cannot listen on")
        .hasMessageContaining(String.valueOf(taken.getPort()));
  }

  @Test
  void closeWaitsForAnInFlightRequest() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CompletableFuture<Object> slow = new CompletableFuture<>();
    Router router =
        Router.builder()
            .get(
                "/slow",
                req -> {
                  entered.countDown();
                  return Response.async(slow);
                })
            .build();
    String base = start(router);
    CompletableFuture<Integer> call = new CompletableFuture<>();
    new Thread(
            () -> {
              try (okhttp3.Response r = get(base + "/slow")) {
                call.complete(r.code());
              } catch (IOException e) {
                call.completeExceptionally(e);
              }
            },
            "test-slow-caller")
        .start();
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    HttpServer server = servers.get(0);
    Thread closer = new Thread(server::close, "test-closer");
    closer.start();
    slow.complete(Map.of("ok", true));
    assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo(200);
    closer.join(10_000);
    assertThat(closer.isAlive()).isFalse();
  }

  // --- helpers ---

  private static List<Thread> threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
        .toList();
  }

  private static boolean streamIsWaitingForWritability() {
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      if (e.getKey().getName().startsWith("test-worker-")
          || e.getKey().getName().startsWith("test-encoder-")) {
        for (StackTraceElement el : e.getValue()) {
          if (el.getMethodName().equals("awaitWritable")
              && e.getKey().getState() == Thread.State.TIMED_WAITING) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static Socket connect(String base) throws IOException {
    int port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(10_000);
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads until the server closes the connection (bounded by the socket timeout). */
  private static String readUntilClosed(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  private static String exchangeRaw(String base, String request) throws IOException {
    try (Socket s = connect(base)) {
      send(s, request);
      return readUntilClosed(s);
    }
  }
}

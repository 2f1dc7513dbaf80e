package io.pincluster.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.CloseableIterator;
import io.pincluster.core.ClusterException;
import io.pincluster.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Routes that read their request body as a stream while they answer. */
class StreamingBodyTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<HttpServer> servers = new ArrayList<>();
  private final List<RawConnection> connections = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  /** Lines the handler has taken from the body (one answer each). */
  private final AtomicLong consumed = new AtomicLong();

  private final AtomicBoolean answersClosed = new AtomicBoolean();

  @AfterEach
  void stop() throws Exception {
    for (RawConnection c : connections) {
      c.close();
    }
    servers.forEach(HttpServer::close);
    for (Thread t : threads) {
      t.join(10_000);
    }
  }

  private String start(Router router, Consumer<HttpServerOptions.Builder> tweak) {
    HttpServerOptions.Builder b = HttpServerOptions.builder("stream").maxBodyBytes(1024);
    tweak.accept(b);
    HttpServer server = new HttpServer(b.build(), router);
    servers.add(server);
    InetSocketAddress a = server.start().get(0);
    return "http://127.0.0.1:" + a.getPort();
  }

  /** {@code POST /lines}: one answer {@code {"n": i, "len": …, "pad": …}} per body line. */
  private Router linesRouter(int padBytes) {
    String pad = "p".repeat(padBytes);
    return Router.builder()
        .postStreamingBody(
            "/lines", req -> Response.stream(new LineAnswers(req, consumed, answersClosed, pad)))
        .post("/small", req -> Response.ok(Map.of("bytes", req.body().length)))
        .postStreamingBody("/refuse", req -> Response.error(400, "no thanks"))
        .build();
  }

  private RawConnection connect(String base, int socketBuffers) throws IOException {
    RawConnection c = new RawConnection(base, socketBuffers);
    connections.add(c);
    return c;
  }

  private Thread background(String name, ThrowingRunnable body, AtomicReference<Throwable> error) {
    Thread t =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (Throwable e) {
                error.set(e);
              }
            },
            name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
    return t;
  }

  @Test
  void streamedBodyIsAnsweredLineByLineWhileItIsStillUploading() throws Exception {
    int total = 200_000;
    String base = start(linesRouter(0), o -> {});
    RawConnection c = connect(base, 0);
    CountDownLatch firstAnswerRead = new CountDownLatch(1);
    AtomicBoolean answeredBeforeUploadEnded = new AtomicBoolean();
    AtomicReference<Throwable> writerError = new AtomicReference<>();
    Thread writer =
        background(
            "test-body-writer",
            () -> {
              c.write("POST /lines HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
              c.writeChunk(lines(1, 10, 0));
              // The server must answer the first lines before it has the whole body.
              answeredBeforeUploadEnded.set(firstAnswerRead.await(10, TimeUnit.SECONDS));
              for (int from = 11; from <= total; from += 1000) {
                c.writeChunk(lines(from, Math.min(total, from + 999), 0));
              }
              c.endChunks();
            },
            writerError);

    RawConnection.Head head = c.readHead();
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.headers().get("trailer")).isEqualTo("X-Stream-Error");
    int n = 0;
    String line;
    while ((line = c.readChunkedLine()) != null) {
      n++;
      JsonNode answer = Json.mapper().readTree(line);
      assertThat(answer.get("n").asInt()).isEqualTo(n);
      if (n == 1) {
        firstAnswerRead.countDown();
      }
    }
    writer.join(10_000);
    assertThat(writerError.get()).isNull();
    assertThat(answeredBeforeUploadEnded).isTrue();
    assertThat(n).isEqualTo(total);
    assertThat(c.trailers().get("X-Stream-Error")).isEmpty();
    await().atMost(WAIT).untilTrue(answersClosed);

    // The body ended before the answer: the connection stays usable.
    c.write("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
    RawConnection.Head next = c.readHead();
    assertThat(next.status()).isEqualTo(200);
    assertThat(c.readBody(next)).contains("\"bytes\":3");
  }

  @Test
  void clientThatDoesNotReadTheAnswerStopsTheServerReadingItsBody() throws Exception {
    // Each line is 1 KB, each answer about 1 KB: the 64 MB body is larger than anything the
    // kernel and the server may buffer between them, the answers too.
    int total = 64 * 1024;
    String base = start(linesRouter(1000), o -> {});
    RawConnection c = connect(base, 16 * 1024);
    AtomicLong sent = new AtomicLong();
    AtomicReference<Throwable> writerError = new AtomicReference<>();
    background(
        "test-body-writer",
        () -> {
          c.write("POST /lines HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
          for (int from = 1; from <= total; from += 64) {
            byte[] chunk = lines(from, Math.min(total, from + 63), 1000);
            c.writeChunk(chunk);
            sent.addAndGet(chunk.length);
          }
          c.endChunks();
        },
        writerError);

    // Nobody reads the answers: both sides must come to a halt with the server holding a
    // bounded part of the body.
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(stalled(sent::get, consumed::get));
    long bodyBytes = (long) total * 1001;
    assertThat(sent.get()).isLessThan(bodyBytes);
    assertThat(consumed.get()).isPositive().isLessThan(total / 4);

    // Reading the answer releases the server, which reads more of the body.
    long before = consumed.get();
    RawConnection.Head head = c.readHead();
    assertThat(head.status()).isEqualTo(200);
    while (consumed.get() <= before + 100) {
      // Fails (socket timeout, or the end of the answer) if the server never resumes.
      assertThat(c.readChunkedLine()).isNotNull();
    }
    c.close();
    await().atMost(WAIT).untilTrue(answersClosed);
  }

  @Test
  void answerGivenBeforeTheBodyEndedClosesTheConnectionAfterIt() throws Exception {
    String base = start(linesRouter(0), o -> {});
    RawConnection c = connect(base, 0);
    byte[] body = lines(1, 2000, 100);
    c.write("POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length * 4 + "\r\n\r\n");
    c.write(body);
    RawConnection.Head head = c.readHead();
    assertThat(head.status()).isEqualTo(400);
    assertThat(head.headers().get("connection")).isEqualTo("close");
    assertThat(c.readBody(head)).contains("no thanks");
    assertThat(c.closedByServer()).isTrue();
  }

  @Test
  void readerSeesAnErrorWhenTheClientGoesAwayMidBody() throws Exception {
    CompletableFuture<String> failure = new CompletableFuture<>();
    CountDownLatch reading = new CountDownLatch(1);
    Router router =
        Router.builder()
            .postStreamingBody(
                "/upload",
                req -> {
                  reading.countDown();
                  try {
                    req.bodyStream().readAllBytes();
                    failure.complete("no error");
                  } catch (IOException e) {
                    failure.complete(e.getMessage());
                  }
                  return Response.noContent();
                })
            .build();
    String base = start(router, o -> {});
    RawConnection c = connect(base, 0);
    c.write("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nsome bytes");
    assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
    c.close();
    assertThat(failure.get(10, TimeUnit.SECONDS))
        .isEqualTo("the connection closed before the request body ended");
  }

  @Test
  void readerThatWaitsLongerThanTheIdleTimeoutFails() throws Exception {
    Router router =
        Router.builder()
            .postStreamingBody(
                "/upload",
                req -> {
                  req.bodyStream().readAllBytes();
                  return Response.noContent();
                })
            .build();
    String base = start(router, o -> o.idleTimeout(Duration.ofMillis(300)));
    RawConnection c = connect(base, 0);
    c.write("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly this");
    RawConnection.Head head = c.readHead();
    assertThat(head.status()).isEqualTo(500);
    assertThat(c.readBody(head)).contains("the client sent no request body data for 300 ms");
    assertThat(c.closedByServer()).isTrue();
  }

  @Test
  void continueIsSentBeforeAStreamedBodyIsRead() throws Exception {
    Router router =
        Router.builder()
            .postStreamingBody(
                "/upload",
                req -> Response.ok(Map.of("bytes", req.bodyStream().readAllBytes().length)))
            .build();
    String base = start(router, o -> {});
    RawConnection c = connect(base, 0);
    c.write(
        "POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    assertThat(c.readHead().status()).isEqualTo(100);
    c.write("hello");
    RawConnection.Head head = c.readHead();
    assertThat(head.status()).isEqualTo(200);
    assertThat(c.readBody(head)).contains("\"bytes\":5");
  }

  @Test
  void failureBeforeTheFirstItemGoesThroughTheErrorMapper() throws Exception {
    Router router =
        Router.builder()
            .postStreamingBody(
                "/fails",
                req ->
                    Response.stream(
                        new CloseableIterator<Object>() {
                          @Override
                          public boolean hasNext() {
                            throw new ClusterException("mapped failure");
                          }

                          @Override
                          public Object next() {
                            throw new NoSuchElementException();
                          }

                          @Override
                          public void close() {}
                        }))
            .errorMapper(t -> t instanceof ClusterException ? Response.error(503, "busy") : null)
            .build();
    String base = start(router, o -> {});
    RawConnection c = connect(base, 0);
    c.write("POST /fails HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    RawConnection.Head head = c.readHead();
    assertThat(head.status()).isEqualTo(503);
    assertThat(c.readBody(head)).contains("busy");
  }

  // --- helpers ---

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** NDJSON-ish lines {@code from..to}, each padded to {@code pad} characters plus a newline. */
  private static byte[] lines(int from, int to, int pad) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i <= to; i++) {
      String text = "line-" + i;
      sb.append(text);
      if (pad > text.length()) {
        sb.append("x".repeat(pad - text.length()));
      }
      sb.append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** True once none of the values changed over the last three polls. */
  private static java.util.concurrent.Callable<Boolean> stalled(LongSupplier... values) {
    long[] last = new long[values.length];
    int[] unchanged = new int[1];
    return () -> {
      boolean same = true;
      for (int i = 0; i < values.length; i++) {
        long v = values[i].getAsLong();
        same &= v == last[i];
        last[i] = v;
      }
      unchanged[0] = same ? unchanged[0] + 1 : 0;
      return unchanged[0] >= 3;
    };
  }

  /** One answer per line of the request body, read only when the server asks for the next. */
  private static final class LineAnswers implements CloseableIterator<Map<String, Object>> {
    private final BufferedReader reader;
    private final AtomicLong consumed;
    private final AtomicBoolean closed;
    private final String pad;
    private String next;

    LineAnswers(Request req, AtomicLong consumed, AtomicBoolean closed, String pad) {
      this.reader =
          new BufferedReader(new InputStreamReader(req.bodyStream(), StandardCharsets.UTF_8));
      this.consumed = consumed;
      this.closed = closed;
      this.pad = pad;
    }

    @Override
    public boolean hasNext() {
      if (next == null) {
        try {
          next = reader.readLine();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return next != null;
    }

    @Override
    public Map<String, Object> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      String line = next;
      next = null;
      return Map.of("n", consumed.incrementAndGet(), "len", line.length(), "pad", pad);
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }
}

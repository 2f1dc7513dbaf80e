package io.pincluster.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Raw responses: any status and headers, a body pulled from a source, framed by the server. */
class RawResponseTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<HttpServer> servers = new ArrayList<>();
  private final List<RawConnection> connections = new ArrayList<>();
  private final AtomicInteger goneActions = new AtomicInteger();
  private final AtomicBoolean sourceClosed = new AtomicBoolean();
  private final AtomicLong produced = new AtomicLong();

  @AfterEach
  void stop() throws IOException {
    for (RawConnection c : connections) {
      c.close();
    }
    servers.forEach(HttpServer::close);
  }

  private RawConnection connect(int socketBuffers) throws IOException {
    Router router =
        Router.builder()
            .get(
                "/fixed",
                req ->
                    Response.raw(201, 5, source("hello"))
                        .withHeader("Content-Type", "text/plain")
                        .withHeader("Transfer-Encoding", "chunked")
                        .withHeader("X-Upstream", "1"))
            .get(
                "/chunked",
                req ->
                    Response.raw(200, trailing(source("a\n", "b\n"), "boom"))
                        .withHeader("Trailer", "X-Stream-Error"))
            .get("/broken", req -> Response.raw(200, failingAfter("partial\n")))
            .get("/endless", req -> Response.raw(200, endless()))
            .get("/hanging", this::hanging)
            .get("/watched", this::watched)
            .fallback(
                req ->
                    Response.raw(200, source()).withHeader("Content-Length", "42")) // HEAD answers
            .build();
    HttpServer server = new HttpServer(HttpServerOptions.builder("raw").build(), router);
    servers.add(server);
    int port = server.start().get(0).getPort();
    RawConnection c = new RawConnection("http://127.0.0.1:" + port, socketBuffers);
    connections.add(c);
    return c;
  }

  @Test
  void knownLengthIsSentAsContentLengthWithTheHandlersHeadersOnly() throws Exception {
    RawConnection c = connect(0);
    c.write("GET /fixed HTTP/1.1\r\nHost: x\r\n\r\n");
    RawConnection.Head head = c.readHead();
    assertThat(head.status()).isEqualTo(201);
    assertThat(head.headers())
        .containsEntry("content-length", "5")
        .containsEntry("content-type", "text/plain")
        .containsEntry("x-upstream", "1")
        .doesNotContainKey("transfer-encoding");
    assertThat(c.readBody(head)).isEqualTo("hello");
    await().atMost(WAIT).untilTrue(sourceClosed);
  }

  @Test
  void unknownLengthIsChunkedAndEndsWithTheSourcesTrailers() throws Exception {
    RawConnection c = connect(0);
    c.write("GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n");
    RawConnection.Head head = c.readHead();
    assertThat(head.chunked()).isTrue();
    assertThat(head.headers()).containsEntry("trailer", "X-Stream-Error");
    assertThat(head.headers()).doesNotContainKey("content-type");
    assertThat(c.readChunkedLine()).isEqualTo("a");
    assertThat(c.readChunkedLine()).isEqualTo("b");
    assertThat(c.readChunkedLine()).isNull();
    assertThat(c.trailers()).containsEntry("X-Stream-Error", "boom");
  }

  @Test
  void http10ClientsGetABodyDelimitedByTheConnectionClosing() throws Exception {
    RawConnection c = connect(0);
    c.write("GET /chunked HTTP/1.0\r\n\r\n");
    RawConnection.Head head = c.readHead();
    assertThat(head.headers())
        .doesNotContainKey("transfer-encoding")
        .doesNotContainKey("trailer")
        .doesNotContainKey("content-length");
    assertThat(c.readBody(new RawConnection.Head(200, Map.of("content-length", "4"))))
        .isEqualTo("a\nb\n");
    assertThat(c.closedByServer()).isTrue();
  }

  @Test
  void headAnswersKeepTheirContentLengthAndSendNoBody() throws Exception {
    RawConnection c = connect(0);
    c.write("HEAD /anything HTTP/1.1\r\nHost: x\r\n\r\nGET /fixed HTTP/1.1\r\nHost: x\r\n\r\n");
    RawConnection.Head head = c.readHead();
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.headers()).containsEntry("content-length", "42");
    RawConnection.Head next = c.readHead();
    assertThat(next.status()).as("the next answer follows the head directly").isEqualTo(201);
    assertThat(c.readBody(next)).isEqualTo("hello");
  }

  @Test
  void aSourceThatFailsMidBodyDropsTheConnection() throws Exception {
    RawConnection c = connect(0);
    c.write("GET /broken HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(c.readHead().chunked()).isTrue();
    assertThat(c.readChunkedLine()).isEqualTo("partial");
    assertThatThrownBy(c::readChunkedLine)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("connection closed");
    await().atMost(WAIT).untilTrue(sourceClosed);
  }

  @Test
  void aClientThatDoesNotReadStopsTheSourceBeingRead() throws Exception {
    RawConnection c = connect(16 * 1024);
    c.write("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n");
    c.readHead();
    await().atMost(WAIT).until(() -> produced.get() > 0);
    long bound = 8L << 20;
    await().atMost(WAIT).during(Duration.ofMillis(500)).until(() -> produced.get() < bound);
    long before = produced.get();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              for (int i = 0; i < 1000; i++) {
                c.readChunkedLine();
              }
              return produced.get() > before;
            });
    c.close();
    await().atMost(WAIT).untilTrue(sourceClosed);
  }

  @Test
  void clientGoneActionsRunWhenTheClientLeavesMidResponseOnly() throws Exception {
    RawConnection c = connect(0);
    c.write("GET /watched HTTP/1.1\r\nHost: x\r\n\r\n");
    RawConnection.Head head = c.readHead();
    assertThat(c.readBody(head)).isEqualTo("hello");
    c.write("GET /hanging HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(c.readHead().status()).isEqualTo(200);
    c.close();
    await().atMost(WAIT).untilAsserted(() -> assertThat(goneActions).hasValue(1));
    await().atMost(WAIT).untilTrue(sourceClosed);
    assertThat(goneActions).as("the completed /watched exchange ran nothing").hasValue(1);
  }

  // ---- handlers and sources ----

  private Response watched(Request req) {
    req.onClientGone(goneActions::incrementAndGet);
    return Response.raw(200, 5, source("hello"));
  }

  /** Answers the head, then blocks reading until the client leaves (the action releases it). */
  private Response hanging(Request req) {
    CountDownLatch gone = new CountDownLatch(1);
    req.onClientGone(
        () -> {
          goneActions.incrementAndGet();
          gone.countDown();
        });
    return Response.raw(
        200,
        new BodySource() {
          @Override
          public int read(byte[] buffer) throws IOException {
            try {
              gone.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            throw new IOException("upstream cancelled");
          }

          @Override
          public void close() {
            sourceClosed.set(true);
          }
        });
  }

  private BodySource source(String... parts) {
    List<byte[]> chunks = new ArrayList<>();
    for (String p : parts) {
      chunks.add(p.getBytes(StandardCharsets.UTF_8));
    }
    return new BodySource() {
      private int next;

      @Override
      public int read(byte[] buffer) {
        if (next == chunks.size()) {
          return -1;
        }
        byte[] c = chunks.get(next++);
        System.arraycopy(c, 0, buffer, 0, c.length);
        return c.length;
      }

      @Override
      public void close() {
        sourceClosed.set(true);
      }
    };
  }

  private static BodySource trailing(BodySource inner, String error) {
    return new BodySource() {
      @Override
      public int read(byte[] buffer) throws IOException {
        return inner.read(buffer);
      }

      @Override
      public Map<String, List<String>> trailers() {
        return Map.of(Response.STREAM_ERROR_TRAILER, List.of(error));
      }

      @Override
      public void close() {
        inner.close();
      }
    };
  }

  private BodySource failingAfter(String text) {
    InputStream first = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    return new BodySource() {
      @Override
      public int read(byte[] buffer) throws IOException {
        int n = first.read(buffer, 0, buffer.length);
        if (n > 0) {
          return n;
        }
        throw new IOException("upstream broke");
      }

      @Override
      public void close() {
        sourceClosed.set(true);
      }
    };
  }

  /** Lines of 63 bytes plus a newline, forever. */
  private BodySource endless() {
    byte[] line = ("x".repeat(63) + "\n").getBytes(StandardCharsets.UTF_8);
    return new BodySource() {
      @Override
      public int read(byte[] buffer) {
        int n = buffer.length - buffer.length % line.length;
        for (int i = 0; i < n; i += line.length) {
          System.arraycopy(line, 0, buffer, i, line.length);
        }
        produced.addAndGet(n);
        return n;
      }

      @Override
      public void close() {
        sourceClosed.set(true);
      }
    };
  }
}

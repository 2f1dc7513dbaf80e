package io.pincluster.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PlainHttpConnectionTest {
  private HttpServer server;
  private final Set<InetSocketAddress> clients = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/fixed",
        ex -> {
          clients.add(ex.getRemoteAddress());
          answer(ex, 200, "fixed " + ex.getRequestMethod() + " " + ex.getRequestURI(), false);
        });
    server.createContext(
        "/chunked", ex -> answer(ex, 201, "a chunked answer of a few bytes".repeat(100), true));
    server.createContext(
        "/close",
        ex -> {
          clients.add(ex.getRemoteAddress());
          ex.getResponseHeaders().add("Connection", "close");
          answer(ex, 500, "closing", false);
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static void answer(
      com.sun.net.httpserver.HttpExchange ex, int status, String body, boolean chunked)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, chunked ? 0 : b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  private PlainHttpConnection connection() {
    return new PlainHttpConnection(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort()), Duration.ofSeconds(5));
  }

  @Test
  void keepsOneConnectionForManyRequests() throws IOException {
    try (PlainHttpConnection c = connection()) {
      for (int i = 0; i < 5; i++) {
        PlainHttpConnection.Answer a = c.postEmpty("/fixed/pins/" + i);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).isEqualTo("fixed POST /fixed/pins/" + i);
      }
    }
    assertThat(clients).hasSize(1);
  }

  @Test
  void readsChunkedAnswers() throws IOException {
    try (PlainHttpConnection c = connection()) {
      PlainHttpConnection.Answer a = c.postEmpty("/chunked");
      assertThat(a.status()).isEqualTo(201);
      assertThat(a.body()).isEqualTo("a chunked answer of a few bytes".repeat(100));
      assertThat(c.postEmpty("/fixed").status()).isEqualTo(200); // still in step after it
    }
  }

  @Test
  void opensAnotherConnectionAfterTheServerClosedOne() throws IOException {
    try (PlainHttpConnection c = connection()) {
      assertThat(c.postEmpty("/close").status()).isEqualTo(500);
      assertThat(c.postEmpty("/close").body()).isEqualTo("closing");
    }
    assertThat(clients).hasSize(2);
  }

  @Test
  void refusesWhatItCannotReach() throws IOException {
    int port = server.getAddress().getPort();
    server.stop(0);
    try (PlainHttpConnection c =
        new PlainHttpConnection(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(2))) {
      assertThatThrownBy(() -> c.postEmpty("/fixed")).isInstanceOf(IOException.class);
    }
    assertThatThrownBy(() -> new PlainHttpConnection(URI.create("https://x:1"), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://host:port");
  }
}

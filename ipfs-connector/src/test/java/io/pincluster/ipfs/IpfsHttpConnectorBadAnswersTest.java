package io.pincluster.ipfs;

import static io.pincluster.ipfs.TestConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.IpfsException;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.config.PinMethod;
import io.pincluster.testing.Cids;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node that answers garbage, truncates its answers, speaks no HTTP or never answers: every call
 * fails with an {@link IpfsException} naming the node, within the configured timeouts, and the
 * connector works again once the node behaves.
 */
class IpfsHttpConnectorBadAnswersTest {
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
  static final Duration PIN_TIMEOUT = Duration.ofSeconds(1);

  /** The longest any call may take against a misbehaving node (timeouts plus slack). */
  static final Duration BOUND = Duration.ofSeconds(8);

  private final BadKubo node = new BadKubo();
  private final List<IpfsHttpConnector> connectors = new ArrayList<>();

  @AfterEach
  void tearDown() throws IOException {
    connectors.forEach(IpfsHttpConnector::close);
    node.close();
  }

  /** What the connector is asked; each answer must fail it. */
  static final Map<String, Consumer<IpfsHttpConnector>> CALLS =
      Map.of(
          "id", IpfsHttpConnector::id,
          "version", IpfsHttpConnector::version,
          "repo/stat", IpfsHttpConnector::repoStat,
          "swarm/peers", IpfsHttpConnector::swarmPeers,
          "pin/ls one", c -> c.pinStatus(Cids.V0_1),
          "pin/ls all", c -> drain(c.pinLs()),
          "pin/add", c -> c.pin(Cids.V0_1, PinMode.RECURSIVE),
          "pin/rm", c -> c.unpin(Cids.V0_1),
          "resolve", c -> c.resolve("/ipns/example.com"),
          "block/put", c -> c.blockPut(new byte[] {1, 2, 3}, "raw"));

  static final List<String> ANSWERS =
      List.of(
          json("{{{ not json"),
          json("<html><body>502 Bad Gateway</body></html>"),
          json("[1, 2, 3]"),
          json("\"a string\""),
          json("{\"Pins\": [\"" + Cids.V0_1 + "\""),
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"Ke",
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nff\r\n{\"Pins\":[",
          "this is not HTTP at all\r\n\r\n",
          "");

  static String json(String body) {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length
        + "\r\nConnection: close\r\n\r\n"
        + body;
  }

  static void drain(CloseableIterator<?> it) {
    try (it) {
      it.forEachRemaining(x -> {});
    }
  }

  IpfsHttpConnector connector() {
    IpfsHttpConnector c =
        new IpfsHttpConnector(
            config(
                node.port(),
                PinMethod.PIN,
                PIN_TIMEOUT,
                REQUEST_TIMEOUT,
                Duration.ofSeconds(1),
                Duration.ofMinutes(10)));
    connectors.add(c);
    return c;
  }

  @Test
  void garbageAndTruncatedAnswersFailEveryCallWithAnIpfsErrorNamingTheNode() {
    List<String> problems = new ArrayList<>();
    for (String answer : ANSWERS) {
      node.answer(answer);
      for (Map.Entry<String, Consumer<IpfsHttpConnector>> call : CALLS.entrySet()) {
        if (call.getKey().equals("pin/rm") && answer.contains("Connection: close")) {
          continue; // a complete 2xx answer to pin/rm is success whatever its body (as Kubo means
          // it)
        }
        String problem = failsCleanly(connector(), call.getValue());
        if (problem != null) {
          String shown = answer.length() > 80 ? answer.substring(0, 80) : answer;
          problems.add(call.getKey() + " <- " + shown.replace("\r\n", "⏎") + ": " + problem);
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void aNodeThatNeverAnswersIsCutOffByTheTimeouts() {
    node.answer(null);
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Consumer<IpfsHttpConnector>> call : CALLS.entrySet()) {
      String problem = failsCleanly(connector(), call.getValue());
      if (problem != null) {
        problems.add(call.getKey() + ": " + problem);
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void afterGarbageTheConnectorWorksAgainWhenTheNodeBehaves() {
    IpfsHttpConnector c = connector();
    node.answer(json("{{{"));
    assertThatThrownBy(c::version).isInstanceOf(IpfsException.class);
    node.answer(json("{\"Version\":\"0.30.0\"}"));
    assertThat(c.version()).isEqualTo("0.30.0");
  }

  /** Null when {@code call} threw an IpfsException naming the node within the bound. */
  String failsCleanly(IpfsHttpConnector c, Consumer<IpfsHttpConnector> call) {
    long start = System.nanoTime();
    Throwable thrown = null;
    try {
      call.accept(c);
    } catch (Throwable t) {
      thrown = t;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    if (took.compareTo(BOUND) > 0) {
      return "took " + took;
    }
    if (thrown == null) {
      return "succeeded";
    }
    if (!(thrown instanceof IpfsException)) {
      return "threw " + thrown;
    }
    String where = "127.0.0.1:" + node.port();
    return thrown.getMessage().contains(where) ? null : "message without the node: " + thrown;
  }

  /** A TCP server that answers every request with one fixed byte string (null: never answers). */
  static final class BadKubo implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile String answer = "";

    BadKubo() {
      try {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      acceptor = new Thread(this::acceptLoop, "bad-kubo-accept");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    void answer(String a) {
      this.answer = a;
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          open.add(s);
          Thread t = new Thread(() -> serve(s), "bad-kubo-conn");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket s) {
      try {
        InputStream in = s.getInputStream();
        int state = 0;
        while (state < 4) {
          int b = in.read();
          if (b < 0) {
            return;
          }
          state =
              (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                  ? state + 1
                  : 0;
        }
        String a = answer;
        if (a == null) {
          while (in.read() >= 0) {
            // hold the connection open and silent until the client leaves
          }
          return;
        }
        OutputStream out = s.getOutputStream();
        out.write(a.getBytes(StandardCharsets.UTF_8));
        out.flush();
        s.close();
      } catch (IOException e) {
        // the client left
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : open) {
        s.close();
      }
    }
  }
}

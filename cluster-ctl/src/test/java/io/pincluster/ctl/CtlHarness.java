package io.pincluster.ctl;

import io.pincluster.ctl.internal.Sleeper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Runs cluster-ctl black-box against a MockWebServer on 127.0.0.1 (random port), with a fake clock:
 * sleeping only advances {@link #clock} and is recorded in {@link #sleeps}.
 */
abstract class CtlHarness {
  /** What one run printed and returned. */
  record Result(int code, String out, String err) {}

  protected MockWebServer server;
  protected final AtomicLong clock = new AtomicLong(1_000_000_000L);

  /** What the run's wall clock reads. */
  protected volatile Instant now = Instant.parse("2024-05-01T12:00:00Z");

  protected final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  protected final Map<String, String> env = new HashMap<>();

  /** What the run reads as stdin. */
  protected byte[] stdin = new byte[0];

  /** Whether the run's stderr counts as a terminal. */
  protected boolean terminal;

  @BeforeEach
  void startServer() throws Exception {
    server = new MockWebServer();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  /** The server's address as a multiaddress. */
  protected String host() {
    return "/ip4/127.0.0.1/tcp/" + server.getPort();
  }

  /** Runs {@code cluster-ctl --host <server> args…}. */
  protected Result ctl(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--host";
    all[1] = host();
    System.arraycopy(args, 0, all, 2, args.length);
    return raw(all);
  }

  /** Runs {@code cluster-ctl args…} as given. */
  protected Result raw(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = run(args, out, err);
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  protected int run(String[] args, ByteArrayOutputStream out, ByteArrayOutputStream err) {
    return ClusterCtl.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        settings());
  }

  protected CtlSettings settings() {
    Sleeper fake =
        d -> {
          sleeps.add(d);
          clock.addAndGet(d.toNanos());
        };
    return new CtlSettings(
        Duration.ZERO,
        Duration.ofSeconds(1),
        fake,
        clock::get,
        () -> now,
        env::get,
        () -> new ByteArrayInputStream(stdin),
        () -> terminal);
  }

  /** The next request the server received (fails the test after 5 s). */
  protected RecordedRequest request() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("the server received no (further) request");
    }
    return r;
  }

  /** {@code METHOD target}, e.g. {@code GET /pins/Qm…?local=true}. */
  protected String line(RecordedRequest r) {
    return r.getMethod() + " " + r.getTarget();
  }
}

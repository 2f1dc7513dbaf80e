package io.pincluster.bench;

import io.pincluster.testing.process.ChildProcess;
import io.pincluster.testing.process.PeerPorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Figures 3–5 on one peer holding a large imported state (state import makes a one-peer cluster):
 * restart to serving, streaming {@code GET /allocations} and {@code GET /pins?local=true}, heap
 * (sampled with {@code jcmd GC.heap_info}) and disk. The peer talks to its own fake Kubo process,
 * which starts empty, so the tracker is pinning in the background.
 */
final class LargeStateRun implements AutoCloseable {
  private static final Pattern USED = Pattern.compile("used (\\d+)K");
  private final Path dist;
  private final Path folder;
  private final String classpath;
  private final int[] ports = PeerPorts.freePorts(5); // rest, proxy, raft, rpc, kubo
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private ChildProcess kubo;
  private ChildProcess daemon;

  LargeStateRun(Path dist, Path work, String classpath) {
    this.dist = dist;
    this.folder = work.resolve("large-peer");
    this.classpath = classpath;
  }

  /** Sets the peer up and imports {@code file}; the daemon is not started. */
  void prepare(Path file) {
    Map<String, String> env =
        Map.of(
            "CLUSTER_LISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + ports[2],
            "CLUSTER_RPCLISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + ports[3],
            "CLUSTER_RESTAPI_HTTPLISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + ports[0],
            "CLUSTER_IPFSPROXY_LISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + ports[1],
            "CLUSTER_IPFSPROXY_NODEMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + ports[4],
            "CLUSTER_IPFSHTTP_NODEMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + ports[4],
            "PINCLUSTER_JAVA_OPTS", "-Xmx1g -XX:+UseSerialGC");
    String bin = dist.resolve("bin/cluster-service").toString();
    Path log = folder.resolveSibling("large-peer-init.log");
    ChildProcess.run(
        "init large peer",
        List.of(bin, "--config", folder.toString(), "init", "--force"),
        env,
        log,
        120);
    ChildProcess.run(
        "state import (large)",
        List.of(bin, "--config", folder.toString(), "state", "import", "--force", file.toString()),
        env,
        log,
        1800);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    kubo =
        ChildProcess.start(
            "fakekubo-large",
            List.of(
                java, "-Xmx1g", "-cp", classpath, "io.pincluster.testing.FakeKubo", "" + ports[4]),
            Map.of(),
            folder.resolveSibling("fakekubo-large.log"));
  }

  /** Starts the daemon; returns ms until {@code GET /allocations} gives its first line. */
  double startToServing() throws InterruptedException {
    long t0 = System.nanoTime();
    daemon =
        ChildProcess.start(
            "large peer",
            List.of(
                dist.resolve("bin/cluster-service").toString(),
                "--config",
                folder.toString(),
                "daemon"),
            Map.of("PINCLUSTER_JAVA_OPTS", "-Xmx1g -XX:+UseSerialGC"),
            folder.resolveSibling("large-peer.log"));
    long deadline = t0 + Duration.ofMinutes(5).toNanos();
    while (true) {
      if (!daemon.isAlive()) {
        throw new IllegalStateException("the large peer exited:\n" + daemon.tail());
      }
      try {
        HttpResponse<InputStream> r =
            http.send(get("/allocations"), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
          if (r.statusCode() == 200 && in.read() >= 0) {
            return (System.nanoTime() - t0) / 1e6;
          }
        }
      } catch (IOException e) {
        // not serving yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the large peer did not serve in 5 min:\n" + daemon.tail());
      }
      Thread.sleep(50);
    }
  }

  /**
   * Waits (at most 10 min) until this peer's tracker has nothing queued or in progress, so the
   * streams are timed without the tracker pinning every imported pin into the (empty) fake Kubo at
   * the same time; returns ms waited.
   */
  double awaitTrackerIdle() throws InterruptedException {
    long t0 = System.nanoTime();
    long deadline = t0 + Duration.ofMinutes(10).toNanos();
    String busy = "/pins?local=true&filter=queued,pinning,unpinning";
    while (true) {
      if (!daemon.isAlive()) {
        throw new IllegalStateException("the large peer exited:\n" + daemon.tail());
      }
      try {
        HttpResponse<InputStream> r =
            http.send(get(busy), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
          if (r.statusCode() == 204 || (r.statusCode() == 200 && in.read() < 0)) {
            return (System.nanoTime() - t0) / 1e6;
          }
          if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + busy + " → " + r.statusCode());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("GET " + busy, e);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the tracker was still busy after 10 min");
      }
      Thread.sleep(1000);
    }
  }

  void stopDaemon() {
    daemon.close();
  }

  /** Streams {@code path}, counting lines; heap growth sampled meanwhile. */
  Streamed stream(String path) throws InterruptedException {
    long base = heapUsedBytes();
    AtomicLong peak = new AtomicLong(base);
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(heapUsedBytes(), Math::max);
                try {
                  Thread.sleep(1000); // each jcmd costs CPU: sample sparingly
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "bench-heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    long t0 = System.nanoTime();
    long lines = 0;
    try {
      HttpResponse<InputStream> r = http.send(get(path), HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("GET " + path + " → " + r.statusCode());
      }
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        while (in.readLine() != null) {
          lines++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + path, e);
    } finally {
      sampler.interrupt();
      sampler.join();
    }
    return new Streamed(
        new RunResult(lines, System.nanoTime() - t0, new long[0]), base, peak.get() - base);
  }

  record Streamed(RunResult run, long heapBeforeBytes, long heapGrowthBytes) {}

  /** Heap in use of the daemon now, from {@code jcmd <pid> GC.heap_info}; -1 when unreadable. */
  long heapUsedBytes() {
    try {
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                  Long.toString(daemon.pid()),
                  "GC.heap_info")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      long sum = 0;
      Matcher m = USED.matcher(out);
      // serial GC: "def new generation total …K, used …K" and "tenured generation … used …K"
      while (m.find()) {
        sum += Long.parseLong(m.group(1)) * 1024;
      }
      return sum == 0 ? -1 : sum;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Bytes on disk under the peer folder. */
  long diskBytes() {
    try (Stream<Path> s = Files.walk(folder)) {
      return s.filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[0] + path))
        .timeout(Duration.ofMinutes(10))
        .build();
  }

  @Override
  public void close() {
    if (daemon != null) {
      daemon.close();
    }
    if (kubo != null) {
      kubo.close();
    }
  }
}

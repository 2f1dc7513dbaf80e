package io.pincluster.faults.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.pincluster.testing.Cids;
import io.pincluster.testing.process.PeerCustomizer;
import io.pincluster.testing.process.PeerPorts;
import io.pincluster.testing.process.ProcessCluster;
import io.pincluster.testing.process.ProcessClusterConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Network partitions between three real peer processes (issue 9): every peer-to-peer connection
 * (Raft and peer RPC) goes through the source peer's {@link FaultProxy} ({@link LoopbackNetwork}),
 * so links are broken without privileges. The peers are a {@link ProcessCluster} whose ports are
 * chosen before the network starts; each peer announces {@code
 * /dns4/peerN.pincluster.test/tcp/<raft port>} and resolves names through its own hosts file
 * ({@link #throughTheNetwork}). Each scenario breaks links, writes on every side, heals, and then
 * checks that every peer holds the same pinset, with every acknowledged write and none that failed
 * definitely ("no leader").
 *
 * <p>Shrunk timeouts: wait_for_leader_timeout W = 3 s, network_timeout N = 2 s, commit_retries 1,
 * election 1 s. A write on a side without a majority must fail with a 5xx and a message within
 * {@link #CLEAR_FAILURE_BOUND} = W + 2N + 5 s slack (a hang would be longer); the HTTP client gives
 * up after {@link #HANG}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworkPartitionTest {
  private static final Map<String, String> RAFT =
      Map.of(
          "CLUSTER_RAFT_WAITFORLEADERTIMEOUT", "3s",
          "CLUSTER_RAFT_NETWORKTIMEOUT", "2s",
          "CLUSTER_RAFT_COMMITRETRIES", "1",
          "CLUSTER_RAFT_COMMITRETRYDELAY", "200ms",
          "CLUSTER_RAFT_ELECTIONTIMEOUT", "1s",
          "CLUSTER_RAFT_HEARTBEATTIMEOUT", "500ms",
          "CLUSTER_RAFT_LEADERLEASETIMEOUT", "500ms");
  static final Duration CLEAR_FAILURE_BOUND = Duration.ofSeconds(3 + 2 * 2 + 5);
  static final Duration HANG = Duration.ofSeconds(40);
  private static final Duration ELECTION = Duration.ofSeconds(30);
  private static final Duration CONVERGE = Duration.ofSeconds(30);
  private static final Pattern CID =
      Pattern.compile("\"cid\"\\s*:\\s*(?:\\{\\s*\"/\"\\s*:\\s*)?\"([^\"]+)\"");
  private static final int N = 3;

  private LoopbackNetwork net;
  private ProcessCluster cluster;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Writes answered 200: they must be on every peer after each heal. */
  private final Set<String> acknowledged = Collections.synchronizedSet(new TreeSet<>());

  /** Writes that failed with "no leader": they must be on no peer. */
  private final Set<String> definitelyFailed = Collections.synchronizedSet(new TreeSet<>());

  /** Every failed write, for the report. */
  private final List<Write> failures = Collections.synchronizedList(new ArrayList<>());

  /** One POST /pins/{cid} and its outcome; status -1: no answer within {@link #HANG}. */
  record Write(int peer, String cid, int status, String body, Duration took) {
    boolean ok() {
      return status == 200;
    }

    @Override
    public String toString() {
      return ProcessCluster.nameOf(peer)
          + " "
          + status
          + " in "
          + took.toMillis()
          + " ms: "
          + body.strip();
    }
  }

  @BeforeAll
  void startCluster(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path work)
      throws InterruptedException {
    assumeThat(LoopbackNetwork.unsupportedReason()).isEmpty();
    Path dist = Path.of(System.getProperty("pincluster.dist", "../dist/pincluster"));
    assumeThat(Files.isExecutable(dist.resolve("bin/cluster-service")))
        .as("the distribution is built (mvn install -DskipTests) at " + dist)
        .isTrue();
    List<PeerPorts> ports = PeerPorts.free(N);
    List<LoopbackNetwork.Peer> peers = new ArrayList<>();
    for (int n = 0; n < N; n++) {
      peers.add(
          new LoopbackNetwork.Peer(
              ProcessCluster.nameOf(n), List.of(ports.get(n).raft(), ports.get(n).rpc())));
    }
    net = LoopbackNetwork.start(peers, work.resolve("net"), FaultProxyConfig.DEFAULT);
    ProcessClusterConfig config =
        ProcessClusterConfig.of(dist, work, System.getProperty("java.class.path"), N)
            .withEnv(RAFT)
            .withPorts(ports)
            .withCustomizer(throughTheNetwork(net));
    cluster = new ProcessCluster(config); // assigned first: @AfterAll stops what started
    cluster.start(Duration.ofSeconds(90));
    await("a first write commits")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> write(0).ok());
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
    if (net != null) {
      net.close();
    }
    synchronized (failures) {
      failures.forEach(w -> System.out.println("failed write: " + w));
    }
  }

  @AfterEach
  void healAndConverge() {
    if (cluster == null) {
      return;
    }
    net.partitions().healAll();
    awaitConverged();
  }

  @Test
  @Order(1)
  void isolatingTheLeaderFailsItsWritesClearlyWhileTheMajorityElectsANewLeader() {
    int old = awaitLeader(allPeers());
    long oldTerm = (long) cluster.metric(old, "pincluster_raft_term").orElse(0);
    assertThat(write(old).ok()).isTrue();

    net.partitions().isolate(ProcessCluster.nameOf(old), Partitions.Mode.CUT);

    Write onOld = write(old);
    assertClearFailure(onOld);
    Set<Integer> majority = allPeers();
    majority.remove(old);
    int next = awaitLeader(majority);
    assertThat(cluster.metric(next, "pincluster_raft_term").orElse(0)).isGreaterThan(oldTerm);
    for (int n : majority) {
      awaitWriteSucceeds(n);
    }
    assertClearFailure(write(old));

    net.partitions().healAll();

    awaitConverged();
    await("the old leader " + ProcessCluster.nameOf(old) + " follows")
        .atMost(ELECTION)
        .until(() -> leaders().size() == 1 && !leaders().contains(old));
    awaitWriteSucceeds(old);
  }

  @Test
  @Order(2)
  void twoAgainstOneFailsWritesOnTheMinorityAndAcceptsThemOnTheMajority() {
    int leader = awaitLeader(allPeers());
    int minority = (leader + 1) % N;
    Set<Integer> majority = allPeers();
    majority.remove(minority);

    net.partitions().isolate(ProcessCluster.nameOf(minority), Partitions.Mode.CUT);

    for (int n : majority) {
      awaitWriteSucceeds(n);
    }
    assertClearFailure(write(minority));
    assertClearFailure(write(minority));
    assertThat(leaders()).doesNotContain(minority);
  }

  @Test
  @Order(4)
  void aSilentTwoAgainstOnePartitionKeepsTheMajorityWritableAndHealsWithoutDivergence() {
    int leader = awaitLeader(allPeers());
    int minority = (leader + 2) % N;
    Set<Integer> majority = allPeers();
    majority.remove(minority);

    // silent: nothing is refused, the minority's packets are just not delivered
    net.partitions().isolate(ProcessCluster.nameOf(minority), Partitions.Mode.BLACKHOLE);

    for (int n : majority) {
      awaitWriteSucceeds(n);
    }
    // convergence after the heal is checked by healAndConverge()
  }

  @Test
  @Order(5)
  void aWriteOnTheMinorityOfASilentPartitionFailsClearlyInTime() {
    int leader = awaitLeader(allPeers());
    int minority = (leader + 1) % N;

    net.partitions().isolate(ProcessCluster.nameOf(minority), Partitions.Mode.BLACKHOLE);

    assertClearFailure(write(minority));
    assertClearFailure(write(minority));
  }

  @Test
  @Order(3)
  void oneOneOneFailsEveryWriteClearlyAndWritesResumeAfterHealing() {
    awaitLeader(allPeers());

    net.partitions().apply("peer1|peer2|peer3", Partitions.Mode.CUT);

    // the leader may still take a write until it notices it lost its majority: wait for that
    await("no peer leads")
        .atMost(ELECTION)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> leaders().isEmpty());
    for (int n = 0; n < N; n++) {
      assertClearFailure(write(n));
    }

    net.partitions().healAll();

    awaitLeader(allPeers());
    for (int n = 0; n < N; n++) {
      awaitWriteSucceeds(n);
    }
  }

  // ---- helpers ----

  /**
   * Each peer resolves names through its own hosts file and announces its name in the network, so
   * that the others reach it through their egress proxies.
   */
  private static PeerCustomizer throughTheNetwork(LoopbackNetwork net) {
    return new PeerCustomizer() {
      @Override
      public Launch launch(int peer, ProcessCluster c) {
        return new Launch(net.javaOptions(c.peerName(peer)), Map.of());
      }

      @Override
      public Optional<String> announce(int peer, ProcessCluster c) {
        return Optional.of(
            "/dns4/" + net.hostname(c.peerName(peer)) + "/tcp/" + c.ports(peer).raft());
      }
    };
  }

  /** POST /pins/{a new cid} through peer {@code n}; records the outcome. */
  private Write write(int n) {
    String cid = Cids.random().toString();
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(cluster.restUrl(n) + "/pins/" + cid))
            .timeout(HANG)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    long start = System.nanoTime();
    Write w;
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      w = new Write(n, cid, r.statusCode(), r.body(), Duration.ofNanos(System.nanoTime() - start));
    } catch (HttpTimeoutException e) {
      w = new Write(n, cid, -1, "no answer (hang)", Duration.ofNanos(System.nanoTime() - start));
    } catch (IOException e) {
      w = new Write(n, cid, -2, e.toString(), Duration.ofNanos(System.nanoTime() - start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (w.ok()) {
      acknowledged.add(cid);
    } else {
      failures.add(w);
      if (w.status() == 503 && w.body().toLowerCase().contains("no leader")) {
        definitelyFailed.add(cid);
      }
    }
    return w;
  }

  private static void assertClearFailure(Write w) {
    assertThat(w.status())
        .as("a write without a majority fails with a 5xx, not a hang or success: %s", w)
        .isBetween(500, 599);
    assertThat(w.body()).as("the error names the problem: %s", w).contains("\"message\"");
    assertThat(w.took())
        .as("the error comes within %s: %s", CLEAR_FAILURE_BOUND, w)
        .isLessThanOrEqualTo(CLEAR_FAILURE_BOUND);
  }

  private void awaitWriteSucceeds(int n) {
    await("a write through " + ProcessCluster.nameOf(n) + " succeeds")
        .atMost(ELECTION)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> write(n).ok());
  }

  /** The peers whose Raft server says it leads (Prometheus gauge). */
  private Set<Integer> leaders() {
    Set<Integer> out = new HashSet<>();
    for (int n = 0; n < N; n++) {
      if (cluster.metric(n, "pincluster_raft_leader").orElse(0) == 1) {
        out.add(n);
      }
    }
    return out;
  }

  /** Waits until exactly one peer of {@code side} leads, and returns it. */
  private int awaitLeader(Set<Integer> side) {
    return await("one leader among " + side)
        .atMost(ELECTION)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              Set<Integer> l = leaders();
              l.retainAll(side);
              return l.size() == 1 ? Optional.of(l.iterator().next()) : Optional.<Integer>empty();
            },
            Optional::isPresent)
        .orElseThrow();
  }

  /** Every peer holds the same pinset, with every acknowledged write and no definite failure. */
  private void awaitConverged() {
    await("every peer holds the same pinset")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              Set<String> first = pinset(0);
              for (int n = 1; n < N; n++) {
                assertThat(pinset(n)).as("pinset of peer%d vs peer1", n + 1).isEqualTo(first);
              }
              assertThat(first).containsAll(acknowledged);
              if (!definitelyFailed.isEmpty()) { // AssertJ refuses an empty set to look for
                assertThat(first).doesNotContainAnyElementsOf(definitelyFailed);
              }
            });
  }

  /** GET /allocations of peer {@code n} (its local copy of the pinset). */
  private Set<String> pinset(int n) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(cluster.restUrl(n) + "/allocations"))
            .timeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET /allocations of peer%d: %s", n + 1, r.body()).isEqualTo(200);
    Set<String> cids = new TreeSet<>();
    Matcher m = CID.matcher(r.body());
    while (m.find()) {
      cids.add(m.group(1));
    }
    return cids;
  }

  private static Set<Integer> allPeers() {
    Set<Integer> all = new TreeSet<>();
    for (int n = 0; n < N; n++) {
      all.add(n);
    }
    return all;
  }
}

package io.pincluster.ipfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.IpfsException;
import io.pincluster.core.api.IpfsPin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.RepoGcKey;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import io.pincluster.core.config.IpfsHttpSection;
import io.pincluster.core.config.PinMethod;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.testing.Cids;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connector against a real IPFS node: js-ipfs 0.66 from {@code testing/ipfs-node}, started with
 * {@code ipfs-node.sh} on a free port under a temporary {@code IPFS_TEST_ROOT}, and stopped
 * afterwards. Skipped when the node cannot be had: no {@code node_modules} and no {@code npm} to
 * install them (then {@code install.sh} is run, about a minute), or no {@code node}.
 *
 * <p>Runs under {@code mvn verify} (failsafe). The last test stops the node and starts it again on
 * the same port.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealIpfsConnectorIT {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);

  @TempDir static Path root;

  private static Path nodeDir;
  private static final List<String> started = new ArrayList<>();
  private static Node node;
  private static IpfsHttpConnector ipfs;

  /** One started node: its API port, API URL and peer multiaddress. */
  private record Node(String name, int apiPort, String apiUrl, Multiaddr peer) {}

  @BeforeAll
  static void startNode() throws Exception {
    nodeDir = findNodeDir();
    Assumptions.assumeTrue(onPath("node"), "node (Node.js) is not on the PATH");
    if (!Files.exists(nodeDir.resolve("node_modules/ipfs/src/cli.js"))) {
      Assumptions.assumeTrue(
          onPath("npm"), "testing/ipfs-node/node_modules is missing and npm is not on the PATH");
      run(INSTALL_TIMEOUT, List.of("bash", nodeDir.resolve("install.sh").toString()));
    }
    node = start("it-" + UUID.randomUUID().toString().substring(0, 8), freePort());
    ipfs = new IpfsHttpConnector(config(node.apiPort(), PinMethod.REFS, Duration.ofSeconds(20)));
  }

  @AfterAll
  static void stopNodes() throws Exception {
    if (ipfs != null) {
      ipfs.close();
    }
    for (String name : started) {
      run(Duration.ofSeconds(30), List.of("bash", script(), "stop", name));
    }
  }

  @Test
  @Order(1)
  void idVersionRepoStatAndSwarmPeersOfALoneNode() {
    assertThat(ipfs.id().id()).isEqualTo(node.peer().peerId().orElseThrow().toString());
    assertThat(ipfs.id().addresses()).isNotEmpty();
    assertThat(ipfs.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(ipfs.repoStat().storageMax()).as("sent as a string").isPositive();
    assertThat(ipfs.swarmPeers()).as("{\"Peers\":[]}").isEmpty();
  }

  @Test
  @Order(2)
  void blockPutPinPinLsAndUnpin() {
    byte[] data = bytes("pincluster it " + UUID.randomUUID());
    Cid cid = ipfs.blockPut(data, "raw");
    assertThat(cid).isEqualTo(Cids.rawOf(data));
    ipfs.pin(cid, PinMode.RECURSIVE);
    assertThat(ipfs.pinStatus(cid)).contains(PinMode.RECURSIVE);
    assertThat(listed()).contains(new IpfsPin(cid, PinMode.RECURSIVE));

    Cid direct = ipfs.blockPut(bytes("direct " + UUID.randomUUID()), "raw");
    ipfs.pin(direct, PinMode.DIRECT);
    assertThat(ipfs.pinStatus(direct)).contains(PinMode.DIRECT);
    assertThat(listed()).contains(new IpfsPin(direct, PinMode.DIRECT));

    ipfs.unpin(cid);
    ipfs.unpin(cid);
    assertThat(ipfs.pinStatus(cid)).isEmpty();
    assertThat(listed()).doesNotContain(new IpfsPin(cid, PinMode.RECURSIVE));
  }

  @Test
  @Order(2)
  void pinLocalPinsManyBlocksTheNodeHoldsInOneOfflinePinAdd() {
    List<Cid> cids = new ArrayList<>();
    for (int i = 0; i < IpfsHttpConnector.MAX_PINS_PER_CALL; i++) {
      cids.add(ipfs.blockPut(bytes("local " + i + " " + UUID.randomUUID()), "raw"));
    }
    assertThat(ipfs.pinLocal(cids)).containsExactlyInAnyOrderElementsOf(cids);
    cids.forEach(c -> assertThat(ipfs.pinStatus(c)).as(c.toString()).contains(PinMode.RECURSIVE));
  }

  @Test
  @Order(2)
  void pinsFetchedAtOnceShareThePinAddCallsTheNodeTakes() throws Exception {
    List<Integer> argsPerPinAdd = new CopyOnWriteArrayList<>();
    OkHttpClient counting =
        new OkHttpClient.Builder()
            .addInterceptor(
                chain -> {
                  HttpUrl url = chain.request().url();
                  if (url.encodedPath().endsWith("/pin/add")) {
                    argsPerPinAdd.add(url.queryParameterValues("arg").size());
                  }
                  return chain.proceed(chain.request());
                })
            .build();
    List<Cid> cids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      cids.add(ipfs.blockPut(bytes("shared " + i + " " + UUID.randomUUID()), "raw"));
    }
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try (IpfsHttpConnector shared =
        new IpfsHttpConnector(
            config(node.apiPort(), PinMethod.REFS, Duration.ofSeconds(20)),
            counting,
            System::nanoTime)) {
      List<Future<?>> pins = new ArrayList<>();
      cids.forEach(c -> pins.add(pool.submit(() -> shared.pinNew(c, PinMode.RECURSIVE))));
      for (Future<?> f : pins) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      counting.dispatcher().executorService().shutdown();
    }
    cids.forEach(c -> assertThat(ipfs.pinStatus(c)).as(c.toString()).contains(PinMode.RECURSIVE));
    assertThat(argsPerPinAdd.stream().mapToInt(Integer::intValue).sum()).isEqualTo(40);
    assertThat(argsPerPinAdd).as("some calls carried several CIDs").anyMatch(n -> n > 1);
  }

  @Test
  @Order(3)
  void pinUpdateFallsBackToAPinOnANodeWithoutIt() {
    Cid from = ipfs.blockPut(bytes("from " + UUID.randomUUID()), "raw");
    Cid to = ipfs.blockPut(bytes("to " + UUID.randomUUID()), "raw");
    ipfs.pin(from, PinMode.RECURSIVE);
    ipfs.pinUpdate(from, to);
    assertThat(ipfs.pinStatus(to)).contains(PinMode.RECURSIVE);
    assertThat(ipfs.pinStatus(from)).contains(PinMode.RECURSIVE);
  }

  @Test
  @Order(4)
  void repoGcRemovesWhatIsNoLongerPinned() {
    Cid kept = ipfs.blockPut(bytes("kept " + UUID.randomUUID()), "raw");
    Cid gone = ipfs.blockPut(bytes("gone " + UUID.randomUUID()), "raw");
    ipfs.pin(kept, PinMode.RECURSIVE);
    List<Multihash> removed = new ArrayList<>();
    try (CloseableIterator<RepoGcKey> gc = ipfs.repoGc()) {
      gc.forEachRemaining(
          k -> {
            assertThat(k.error()).isEmpty();
            removed.add(k.key().multihash());
          });
    }
    assertThat(removed).contains(gone.multihash()).doesNotContain(kept.multihash());
  }

  @Test
  @Order(5)
  void resolveIpfsPathsPathsInsideABlockAndIpnsNames() throws Exception {
    Cid cid = ipfs.blockPut(bytes("resolve " + UUID.randomUUID()), "raw");
    assertThat(ipfs.resolve("/ipfs/" + cid)).isEqualTo(cid);

    String dagJson = "{\"a\":{\"b\":\"c\"}}";
    Cid dag = Cid.parse(post("dag/put?store-codec=dag-cbor&input-codec=dag-json", dagJson, "Cid"));
    assertThat(ipfs.resolve("/ipfs/" + dag + "/a/b")).isEqualTo(dag);

    post("name/publish?allow-offline=true&arg=/ipfs/" + cid, null, "Name");
    assertThat(ipfs.resolve("/ipns/" + ipfs.id().id())).isEqualTo(cid);
    assertThatThrownBy(() -> ipfs.resolve("/ipfs/QmNotACid/x"))
        .isInstanceOf(IpfsException.class)
        .hasMessageContaining("refused resolve");
  }

  @Test
  @Order(6)
  void contentOfAnotherNodeIsFetchedAfterASwarmConnectWithBothPinMethods() throws Exception {
    Node other = start("it-other-" + UUID.randomUUID().toString().substring(0, 8), 0);
    try (IpfsHttpConnector there =
            new IpfsHttpConnector(config(other.apiPort(), PinMethod.PIN, Duration.ofSeconds(20)));
        IpfsHttpConnector pinOnly =
            new IpfsHttpConnector(config(node.apiPort(), PinMethod.PIN, Duration.ofSeconds(20)))) {
      Cid a = there.blockPut(bytes("over there a " + UUID.randomUUID()), "raw");
      Cid b = there.blockPut(bytes("over there b " + UUID.randomUUID()), "raw");
      assertThat(
              ipfs.connectSwarmsAfterDelay(() -> List.of(other.peer())).get(30, TimeUnit.SECONDS))
          .isEqualTo(1);
      assertThat(ipfs.swarmPeers()).contains(other.peer().peerId().orElseThrow().toString());
      ipfs.pin(a, PinMode.RECURSIVE);
      pinOnly.pin(b, PinMode.RECURSIVE);
      assertThat(ipfs.pinStatus(a)).contains(PinMode.RECURSIVE);
      assertThat(ipfs.pinStatus(b)).contains(PinMode.RECURSIVE);
    } finally {
      run(Duration.ofSeconds(30), List.of("bash", script(), "stop", other.name()));
    }
  }

  @Test
  @Order(7)
  void contentNobodyHasTimesOutNamingPinTimeout() {
    try (IpfsHttpConnector impatient =
        new IpfsHttpConnector(config(node.apiPort(), PinMethod.REFS, Duration.ofSeconds(2)))) {
      assertThatThrownBy(() -> impatient.pin(Cids.random(), PinMode.RECURSIVE))
          .isInstanceOf(IpfsException.class)
          .hasMessageContaining("made no progress on refs")
          .hasMessageContaining("pin_timeout (2s)");
    }
  }

  @Test
  @Order(8)
  void addGivesFakeKubosCidsAndImportsACarWithoutPinning() {
    byte[] big = new byte[700_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 7 + (i >> 8));
    }
    io.pincluster.testing.AddBody body =
        io.pincluster.testing.AddBody.builder()
            .directory("dir")
            .file("dir/small.txt", "hello\n")
            .file("dir/big.bin", big)
            .build();
    List<io.pincluster.core.api.IpfsAdded> out = new ArrayList<>();
    try (CloseableIterator<io.pincluster.core.api.IpfsAdded> it =
        ipfs.add(body.stream(), body.contentType(), java.util.Map.of("progress", "true"))) {
      it.forEachRemaining(out::add);
    }
    assertThat(out).anyMatch(a -> a.cid() == null && a.bytes() > 0);
    List<io.pincluster.core.api.IpfsAdded> objects =
        out.stream().filter(a -> a.cid() != null).toList();
    assertThat(objects.get(objects.size() - 1).name()).isEqualTo("dir");
    assertThat(objects)
        .filteredOn(a -> a.name().equals("dir/small.txt"))
        .singleElement()
        .satisfies(
            a ->
                assertThat(a.cid())
                    .isEqualTo(Cid.parse("QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN")));
    assertThat(objects)
        .filteredOn(a -> a.name().equals("dir/big.bin"))
        .singleElement()
        .satisfies(
            a ->
                assertThat(a.cid())
                    .isEqualTo(io.pincluster.testing.FakeKubo.addedCid(big, java.util.Map.of())));
    Cid root = objects.get(objects.size() - 1).cid();
    assertThat(ipfs.pinStatus(root)).as("add never pins").isEmpty();

    byte[] block = ("car " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    Cid carRoot = Cids.rawOf(block);
    io.pincluster.testing.AddBody car =
        io.pincluster.testing.AddBody.ofFile(
            "x.car",
            io.pincluster.testing.CarFiles.write(
                List.of(carRoot), java.util.Map.of(carRoot, block)));
    assertThat(ipfs.dagImport(car.stream(), car.contentType())).containsExactly(carRoot);
    assertThat(ipfs.pinStatus(carRoot)).isEmpty();
    ipfs.pin(carRoot, PinMode.RECURSIVE);
    assertThat(ipfs.pinStatus(carRoot)).contains(PinMode.RECURSIVE);
  }

  @Test
  @Order(100)
  void aStoppedNodeIsReportedUnreachableAndWorksAgainOnceRestarted() throws Exception {
    Cid cid = ipfs.blockPut(bytes("survives " + UUID.randomUUID()), "raw");
    ipfs.pin(cid, PinMode.RECURSIVE);
    run(Duration.ofSeconds(30), List.of("bash", script(), "stop", node.name()));
    assertThatThrownBy(ipfs::id)
        .isInstanceOf(IpfsException.class)
        .hasMessage("cannot reach IPFS at 127.0.0.1:" + node.apiPort() + ": connection refused");
    start(node.name(), node.apiPort());
    assertThat(ipfs.pinStatus(cid)).contains(PinMode.RECURSIVE);
  }

  // ---- helpers ----

  private static List<IpfsPin> listed() {
    List<IpfsPin> out = new ArrayList<>();
    try (CloseableIterator<IpfsPin> it = ipfs.pinLs()) {
      it.forEachRemaining(out::add);
    }
    return out;
  }

  private static IpfsHttpSection config(int port, PinMethod method, Duration pinTimeout) {
    return new IpfsHttpSection(
        Multiaddr.tcp("127.0.0.1", port),
        Duration.ZERO,
        Duration.ofSeconds(30),
        pinTimeout,
        Duration.ofSeconds(30),
        Duration.ofMinutes(2),
        method);
  }

  /** Starts (initialising if needed) node {@code name}; port 0 lets the node choose. */
  private static Node start(String name, int apiPort) throws IOException, InterruptedException {
    if (!started.contains(name)) {
      started.add(name);
    }
    String out =
        run(START_TIMEOUT, List.of("bash", script(), "start", name, String.valueOf(apiPort), "0"))
            .trim();
    String[] parts = out.substring(out.lastIndexOf('\n') + 1).split(" ");
    if (parts.length != 3) {
      throw new IllegalStateException("unexpected ipfs-node.sh output: " + out);
    }
    URI api = URI.create(parts[1]);
    return new Node(name, api.getPort(), parts[1], Multiaddr.parse(parts[2]));
  }

  /** Runs a command with IPFS_TEST_ROOT set; returns its stdout, fails on a non-zero exit. */
  private static String run(Duration timeout, List<String> command)
      throws IOException, InterruptedException {
    Path err = Files.createTempFile(root, "cmd", ".err");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(nodeDir.toFile())
            .redirectInput(new File("/dev/null"))
            .redirectError(err.toFile());
    pb.environment().put("IPFS_TEST_ROOT", root.resolve("ipfs").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(command + " did not finish within " + timeout);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          command + " exited with " + p.exitValue() + ": " + Files.readString(err));
    }
    return out;
  }

  /** POSTs a node command directly (for what the connector does not do); returns one field. */
  private static String post(String cmd, String jsonFile, String field) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(node.apiUrl() + "/api/v0/" + cmd))
            .timeout(Duration.ofSeconds(30));
    if (jsonFile == null) {
      b.POST(HttpRequest.BodyPublishers.noBody());
    } else {
      String boundary = "pincluster-it";
      String body =
          "--"
              + boundary
              + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"data\"\r\n"
              + "Content-Type: application/json\r\n\r\n"
              + jsonFile
              + "\r\n--"
              + boundary
              + "--\r\n";
      b.header("Content-Type", "multipart/form-data; boundary=" + boundary)
          .POST(HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(cmd + ": " + r.body()).isEqualTo(200);
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    var value = json.get(field);
    return value.isObject() ? value.get("/").asText() : value.asText();
  }

  private static String script() {
    return nodeDir.resolve("ipfs-node.sh").toString();
  }

  private static Path findNodeDir() {
    String repo = System.getProperty("pincluster.repo");
    Path start = Path.of(repo != null ? repo : System.getProperty("user.dir")).toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      Path candidate = p.resolve("testing/ipfs-node");
      if (Files.exists(candidate.resolve("ipfs-node.sh"))) {
        return candidate;
      }
    }
    Assumptions.abort("testing/ipfs-node not found above " + start);
    throw new IllegalStateException("unreachable");
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

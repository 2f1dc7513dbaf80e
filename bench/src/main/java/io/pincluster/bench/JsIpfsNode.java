package io.pincluster.bench;

import io.pincluster.core.cid.Cid;
import io.pincluster.testing.process.ChildProcess;
import io.pincluster.testing.process.PeerPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real IPFS node (js-ipfs), started and stopped through the project's recipe {@code
 * testing/ipfs-node} ({@code ipfs-node.sh}) under its own {@code IPFS_TEST_ROOT}, on free loopback
 * ports, and the few RPC calls the harness makes to it directly. {@link #close()} stops it.
 * Thread-safe once started.
 */
final class JsIpfsNode implements AutoCloseable {
  private static final Pattern KEY = Pattern.compile("\"Key\"\\s*:\\s*\"([^\"]+)\"");
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
  private static final String BOUNDARY = "pincluster-bench-boundary";

  private final Path recipe;
  private final Path root;
  private final String name;
  private final SecureRandom random = new SecureRandom();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private String apiUrl;

  /**
   * @param recipe the {@code testing/ipfs-node} folder (its {@code install.sh} must have run)
   * @param root an empty folder for the node's repository and log
   * @param name the node's name under {@code root}
   */
  JsIpfsNode(Path recipe, Path root, String name) {
    this.recipe = recipe;
    this.root = root;
    this.name = name;
  }

  /**
   * True when the recipe's node can be started here: its {@code node_modules} are installed and
   * {@code node} is on the PATH. The reason when not, else null.
   */
  static String unavailableReason(Path recipe) {
    if (!Files.isRegularFile(recipe.resolve("node_modules/ipfs/src/cli.js"))) {
      return "the js-ipfs test node is not installed in "
          + recipe
          + "/node_modules (run "
          + recipe
          + "/install.sh; the ipfs-connector and distribution ITs do)";
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "node"))) {
        return null;
      }
    }
    return "node (Node.js) is not on the PATH";
  }

  /** Starts the node (about 5–10 s) and returns once its API answers. */
  JsIpfsNode start() {
    String why = unavailableReason(recipe);
    if (why != null) {
      throw new IllegalStateException("cannot start the IPFS node: " + why);
    }
    try {
      Files.createDirectories(root);
      Path out = root.resolve(name + ".start.out");
      ChildProcess.run(
          "ipfs-node.sh start " + name,
          List.of(
              recipe.resolve("ipfs-node.sh").toString(),
              "start",
              name,
              Integer.toString(PeerPorts.freePorts(1)[0]),
              "0"),
          Map.of("IPFS_TEST_ROOT", root.toString()),
          out,
          180);
      List<String> lines = Files.readAllLines(out);
      String[] parts =
          lines.stream()
              .map(l -> l.trim().split("\\s+"))
              .filter(p -> p.length >= 2 && p[1].startsWith("http://"))
              .reduce((a, b) -> b)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "ipfs-node.sh start printed no 'PID API_URL': "
                              + String.join("\n", lines)));
      apiUrl = parts[1];
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the IPFS node " + name, e);
    }
    call("id", "");
    return this;
  }

  String apiUrl() {
    return apiUrl;
  }

  /** The API address as a multiaddress, for the peer's {@code node_multiaddress}. */
  String apiMultiaddr() {
    String[] hostPort = apiUrl.replaceFirst("^http://", "").split(":");
    return "/ip4/" + hostPort[0] + "/tcp/" + hostPort[1];
  }

  /**
   * Stores 256 random bytes as a raw block ({@code block/put}, not pinned) and returns its CID in
   * the cluster's form (CIDv1, base32).
   */
  Cid putRandomBlock() {
    byte[] data = new byte[256];
    random.nextBytes(data);
    byte[] head =
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(apiUrl + "/api/v0/block/put?format=raw&mhtype=sha2-256"))
            .timeout(CALL_TIMEOUT)
            .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
            .POST(HttpRequest.BodyPublishers.ofByteArrays(List.of(head, data, tail)))
            .build();
    String body = send(req, "block/put");
    Matcher m = KEY.matcher(body);
    if (!m.find()) {
      throw new IllegalStateException("block/put answered without a Key: " + body);
    }
    return Cid.parse(m.group(1));
  }

  /** {@code count} fresh random blocks, stored {@code parallel} at a time. */
  List<Cid> putRandomBlocks(int count, int parallel) throws InterruptedException {
    List<Cid> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(null);
    }
    Parallel.run(count, parallel, "bench-block-put-", i -> out.set(i, putRandomBlock()));
    return out;
  }

  /** {@code pin/add?arg=<cid>&recursive=true}; returns once the node answered 200. */
  void pinAdd(Cid cid) {
    call("pin/add", "?arg=" + cid + "&recursive=true");
  }

  private String call(String command, String query) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(apiUrl + "/api/v0/" + command + query))
            .timeout(CALL_TIMEOUT)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    return send(req, command);
  }

  private String send(HttpRequest req, String command) {
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            "IPFS " + command + " → " + r.statusCode() + " " + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException("IPFS " + command + " at " + apiUrl + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during IPFS " + command, e);
    }
  }

  @Override
  public void close() {
    if (apiUrl == null) {
      return;
    }
    apiUrl = null;
    ChildProcess.run(
        "ipfs-node.sh stop " + name,
        List.of(recipe.resolve("ipfs-node.sh").toString(), "stop", name),
        Map.of("IPFS_TEST_ROOT", root.toString()),
        root.resolve(name + ".stop.out"),
        60);
  }
}

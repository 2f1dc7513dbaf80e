package io.pincluster.distribution;

import io.pincluster.core.peer.Multiaddr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real js-ipfs nodes for integration tests, started and stopped through the project's own recipe
 * ({@code testing/ipfs-node}), which it installs on first use. Each node keeps its repository and
 * API port across stop/start.
 */
final class JsIpfsNodes implements AutoCloseable {
  /** A started node: its name, API URL and swarm address. */
  record Node(String name, String apiUrl, String swarm) {
    Multiaddr apiMultiaddr() {
      String hostPort = apiUrl.replaceFirst("^http://", "");
      String[] hp = hostPort.split(":");
      return Multiaddr.parse("/ip4/" + hp[0] + "/tcp/" + hp[1]);
    }

    int apiPort() {
      return Integer.parseInt(apiUrl.replaceFirst(".*:", ""));
    }
  }

  static final Path RECIPE =
      Path.of(System.getProperty("pincluster.repo", ".."))
          .toAbsolutePath()
          .normalize()
          .resolve("testing/ipfs-node");

  private final Path root;
  private final List<String> running = new ArrayList<>();

  JsIpfsNodes(Path root) throws IOException, InterruptedException {
    this.root = root;
    run(RECIPE.resolve("install.sh").toString());
  }

  /** Starts (or restarts, on the same ports) node {@code name}. */
  Node start(String name, int apiPort, int swarmPort) throws IOException, InterruptedException {
    String out =
        run(RECIPE.resolve("ipfs-node.sh").toString(), "start", name, "" + apiPort, "" + swarmPort);
    String[] parts = out.trim().split("\\s+");
    running.add(name);
    return new Node(name, parts[1], parts[2]);
  }

  void stop(String name) throws IOException, InterruptedException {
    run(RECIPE.resolve("ipfs-node.sh").toString(), "stop", name);
    running.remove(name);
  }

  private String run(String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("IPFS_TEST_ROOT", root.toString());
    Path out = Files.createTempFile(root.getParent(), "ipfs", ".out");
    Path err = Files.createTempFile(root.getParent(), "ipfs", ".err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + Files.readString(err));
    }
    return Files.readString(out);
  }

  @Override
  public void close() throws Exception {
    for (String name : new ArrayList<>(running)) {
      stop(name);
    }
  }
}

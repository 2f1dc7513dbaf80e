package io.pincluster.service.cli;

import io.pincluster.core.config.ConfigException;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.service.config.ConfigFolder;
import io.pincluster.service.config.Initializer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code cluster-service init}: writes a new configuration and identity. */
@Command(
    name = "init",
    description = {
      "Create service.json (defaults plus any CLUSTER_* environment overrides), identity.json"
          + " (if absent) and the peerstore in the configuration folder.",
      "The secret comes from CLUSTER_SECRET, --custom-secret, or is generated."
    })
final class InitCommand implements Callable<Integer> {
  @ParentCommand ClusterServiceCommand parent;

  @Option(
      names = {"--force", "-f"},
      description = "Overwrite an existing service.json.")
  boolean force;

  @Option(
      names = {"--custom-secret", "-s"},
      description = "Prompt for the cluster secret (32-byte hex) instead of generating one.")
  boolean customSecret;

  @Option(
      names = "--peers",
      split = ",",
      paramLabel = "<multiaddr>",
      description =
          "Cluster peers (/ip4/H/tcp/RAFTPORT/p2p/ID, comma separated): written to the peerstore,"
              + " their IDs to consensus.raft.init_peerset.")
  List<String> peers = new ArrayList<>();

  @Option(names = "--randomports", description = "Use random free ports for every listener.")
  boolean randomPorts;

  @Override
  public Integer call() throws IOException {
    ConfigFolder folder = parent.folder();
    List<Multiaddr> peerAddrs = new ArrayList<>();
    for (String p : peers) {
      try {
        peerAddrs.add(Multiaddr.parse(p.trim()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--peers: " + e.getMessage(), e);
      }
    }
    String secret = null; // CLUSTER_SECRET, when set, is applied as an environment override
    if (customSecret && parent.env.get("CLUSTER_SECRET") == null) {
      parent.out.print("Enter cluster secret (32-byte hex string): ");
      parent.out.flush();
      secret =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      if (secret == null) {
        throw new ConfigException("no secret given on standard input");
      }
      secret = secret.trim();
    }
    Initializer.Result result =
        Initializer.init(
            folder,
            new Initializer.Options(force, secret, peerAddrs, randomPorts),
            parent.env,
            Hostnames.local(parent.env),
            w -> parent.err.println("warning: " + w));
    parent.out.println("configuration written to " + folder.serviceJson());
    if (result.newIdentity()) {
      parent.out.println("new identity written to " + folder.identityJson());
    }
    parent.out.println("peer ID: " + result.identity().id());
    return 0;
  }
}

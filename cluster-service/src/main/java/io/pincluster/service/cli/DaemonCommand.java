package io.pincluster.service.cli;

import io.pincluster.core.config.ConfigException;
import io.pincluster.core.config.ConfigLoader;
import io.pincluster.core.config.ServiceConfig;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.service.Daemon;
import io.pincluster.service.config.ConfigFolder;
import io.pincluster.service.config.IdentityFile;
import io.pincluster.service.config.SecureFiles;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code cluster-service daemon}: runs the peer until SIGTERM or SIGINT. */
@Command(name = "daemon", description = "Run the cluster peer until it receives SIGTERM or SIGINT.")
final class DaemonCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(DaemonCommand.class);

  @ParentCommand ClusterServiceCommand parent;

  @Option(
      names = {"--upgrade", "-u"},
      description = "Migrate the state folder to this version's format first (no-op when current).")
  boolean upgrade;

  @Option(
      names = {"--bootstrap", "-j"},
      paramLabel = "<multiaddr>",
      description =
          "Join the cluster of this peer (/ip4/H/tcp/RAFTPORT/p2p/ID). Ignored, with a warning,"
              + " when this peer already has cluster state.")
  String bootstrap;

  @Option(
      names = {"--leave", "-x"},
      description = "Leave the cluster on clean shutdown (as cluster.leave_on_shutdown).")
  boolean leave;

  @Override
  public Integer call() throws InterruptedException {
    LogLevels.apply(parent.logLevel, parent.env);
    LogLevels.applyFormat(parent.logFormat);
    ConfigFolder folder = parent.folder();
    ServiceConfig config =
        ConfigLoader.load(
            folder.serviceJson(), parent.env, Hostnames.local(parent.env), w -> log.warn("{}", w));
    // warned, not refused: the operator may have reasons (e.g. a group-readable backup setup)
    SecureFiles.exposureWarnings(folder, config).forEach(w -> log.warn("{}", w));
    Identity identity = IdentityFile.load(folder.identityJson(), parent.env);
    Optional<Multiaddr> via = Optional.empty();
    if (bootstrap != null) {
      try {
        via = Optional.of(Multiaddr.parse(bootstrap.split(",")[0].trim()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--bootstrap: " + e.getMessage(), e);
      }
    }
    Signals.ignoreHangup();
    Daemon daemon = Daemon.start(folder, config, identity, new Daemon.Options(upgrade, via, leave));
    Signals.install(daemon);
    // also when the JVM is stopped some other way (System.exit elsewhere, a signal not handled)
    Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "cluster-shutdown"));
    daemon.awaitTermination();
    return daemon.restartRequested() ? Daemon.EXIT_RESTART : 0;
  }
}

package io.pincluster.service.cli;

import io.pincluster.core.config.ConfigLoader;
import io.pincluster.core.config.ServiceConfig;
import io.pincluster.core.peer.Identity;
import io.pincluster.service.Daemon;
import io.pincluster.service.config.ConfigFolder;
import io.pincluster.service.config.IdentityFile;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code cluster-service daemon}: runs the peer until SIGTERM or SIGINT. */
@Command(name = "daemon", description = "Run the cluster peer until it receives SIGTERM or SIGINT.")
final class DaemonCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(DaemonCommand.class);

  @ParentCommand ClusterServiceCommand parent;

  @Override
  public Integer call() throws InterruptedException {
    LogLevels.apply(parent.logLevel, parent.env);
    ConfigFolder folder = parent.folder();
    ServiceConfig config =
        ConfigLoader.load(
            folder.serviceJson(), parent.env, Hostnames.local(parent.env), w -> log.warn("{}", w));
    Identity identity = IdentityFile.load(folder.identityJson(), parent.env);
    Daemon daemon = Daemon.start(folder, config, identity);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down");
                  daemon.close();
                  stopped.countDown();
                },
                "cluster-shutdown"));
    stopped.await();
    return 0;
  }
}

package io.pincluster.ctl;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pin add <cid>}: {@code POST /pins/{cid}}, then the status (or the pin, or a wait). */
@Command(
    name = "add",
    description = {
      "Pin a CID in the cluster. Once the cluster has committed the pin, prints the status of the"
          + " CID on every peer.",
      "Replication factors: -1 pins everywhere, 0 (default) uses the cluster's configured"
          + " factor, N pins on N peers."
    })
final class PinAddCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  private final CtlContext ctx;

  @Parameters(index = "0", paramLabel = "<cid>", description = "The CID to pin.")
  String cid;

  @Option(
      names = {"-n", "--name"},
      paramLabel = "<name>",
      defaultValue = "",
      description = "A name for the pin.")
  String name;

  @Option(
      names = {"-r", "--replication"},
      paramLabel = "<n>",
      defaultValue = "0",
      description = "Sets both --replication-min and --replication-max (overrides them).")
  int replication;

  @Option(
      names = {"--replication-min", "--rmin"},
      paramLabel = "<n>",
      defaultValue = "0",
      description = "The fewest peers that must pin it.")
  int replicationMin;

  @Option(
      names = {"--replication-max", "--rmax"},
      paramLabel = "<n>",
      defaultValue = "0",
      description = "The most peers that should pin it.")
  int replicationMax;

  @Mixin FollowOptions follow;

  PinAddCommand(CtlContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    Cid target = Args.cid(cid);
    Duration waitTimeout = follow.waitTimeout();
    int min = replication != 0 ? replication : replicationMin;
    int max = replication != 0 ? replication : replicationMax;
    PinOptions options = PinOptions.DEFAULT.withReplication(min, max).withName(name);
    Pin pin = ctx.client().pin(target, options);
    return PinFollowUp.handle(ctx, pin, TrackerStatus.PINNED, follow, waitTimeout);
  }
}

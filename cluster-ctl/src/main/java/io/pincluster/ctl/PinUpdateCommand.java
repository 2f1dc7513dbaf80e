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

/**
 * {@code pin update <from-cid> <to-cid|path>}: {@code POST /pins/{to}?pin-update={from}&…}, then
 * what {@code pin add} prints.
 */
@Command(
    name = "update",
    description = {
      "Pin a new version of an existing pin: the new CID (or IPFS path) is pinned with the"
          + " allocations and options of the existing one, and IPFS pins it by updating the"
          + " existing pin, which only fetches the blocks that changed.",
      "The existing pin is not removed: unpin it with 'pin rm' once the new one is pinned."
    })
final class PinUpdateCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  private final CtlContext ctx;

  @Parameters(index = "0", paramLabel = "<from-cid>", description = "The CID of the existing pin.")
  String from;

  @Parameters(
      index = "1",
      paramLabel = "<to-cid|path>",
      description = "The CID or IPFS path to pin.")
  String to;

  @Option(
      names = {"-r", "--replication"},
      paramLabel = "<n>",
      defaultValue = "0",
      description = "Sets both --replication-min and --replication-max (overrides them).")
  int replication;

  @Option(
      names = "--mode",
      paramLabel = "recursive|direct",
      defaultValue = "recursive",
      description = "Pin the whole DAG (recursive, default) or only the root block (direct).")
  String mode;

  @Mixin PinFlags pinFlags;

  @Mixin FollowOptions follow;

  PinUpdateCommand(CtlContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    Cid existing = Args.cid(from);
    PinTarget target = PinTarget.parse(to);
    Duration waitTimeout = follow.waitTimeout();
    PinOptions options = pinFlags.options(replication, PinFlags.mode(mode), existing);
    Duration expireIn = pinFlags.expireIn();
    Pin pin = target.pin(ctx.client(), options, expireIn);
    return PinFollowUp.handle(ctx, pin, TrackerStatus.PINNED, follow, waitTimeout);
  }
}

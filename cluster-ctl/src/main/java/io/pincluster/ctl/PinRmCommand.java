package io.pincluster.ctl;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.TrackerStatus;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code pin rm <cid|path>}: {@code DELETE /pins/{cid}} (or {@code /pins/ipfs/…}), then the status
 * (or the pin, or a wait).
 */
@Command(
    name = "rm",
    description = {
      "Unpin a CID (or what an IPFS path resolves to) from the cluster. Once the cluster has"
          + " committed the removal, prints the status of the CID on every peer (unpinning in"
          + " IPFS happens afterwards)."
    })
final class PinRmCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  private final CtlContext ctx;

  @Parameters(
      index = "0",
      paramLabel = "<cid|path>",
      description = "The CID or IPFS path to unpin.")
  String cid;

  @Mixin FollowOptions follow;

  PinRmCommand(CtlContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    PinTarget target = PinTarget.parse(cid);
    Duration waitTimeout = follow.waitTimeout();
    Pin pin = target.unpin(ctx.client());
    return PinFollowUp.handle(ctx, pin, TrackerStatus.UNPINNED, follow, waitTimeout);
  }
}

package io.pincluster.ctl;

import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.TrackerStatus;
import java.time.Duration;

/**
 * What {@code pin add}, {@code pin rm} and {@code pin update} do once the API accepted the request
 * (IPFS Cluster's {@code handlePinResponseFormatFlags}): optionally wait for the target status,
 * then print the pin ({@code --no-status}) or the cluster-wide status of the CID (after a short
 * delay when it did not wait, so the peers have started working).
 */
final class PinFollowUp {
  private PinFollowUp() {}

  /**
   * @param waitTimeout the parsed {@code --wait-timeout} (see {@link FollowOptions#waitTimeout()})
   */
  static int handle(
      CtlContext ctx, Pin pin, TrackerStatus target, FollowOptions follow, Duration waitTimeout)
      throws InterruptedException {
    GlobalPinInfo status = null;
    if (follow.waitForStatus) {
      int limit = target == TrackerStatus.PINNED ? pin.replicationFactorMin() : 0;
      if (follow.waitLimit > 0) {
        limit = follow.waitLimit;
      }
      status = ctx.waiter().waitFor(pin.cid(), target, limit, waitTimeout);
    }
    if (follow.noStatus) {
      ctx.output().print(pin);
      return 0;
    }
    if (status == null) {
      ctx.settings().sleeper().sleep(ctx.settings().statusDelay());
      status = ctx.client().status(pin.cid(), false);
    }
    ctx.output().print(status);
    return 0;
  }
}

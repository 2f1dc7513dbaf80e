package io.pincluster.ctl;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.ctl.internal.CtlException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code status [cid...]}: {@code GET /pins/{cid}} for one CID, {@code GET /pins?cids=} for
 * several, {@code GET /pins} (streamed, {@code --filter}) for every pin.
 */
@Command(
    name = "status",
    description = {
      "Show the status of pins on every cluster peer (or only on the contacted one: --local).",
      "--filter keeps only peers whose status matches one of a comma-separated list: pinned,"
          + " pinning, pin_queued, pin_error, unpinned, unpinning, unpin_queued, unpin_error,"
          + " remote, cluster_error, undefined, unexpectedly_unpinned, and the groups error and"
          + " queued."
    })
final class StatusCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  private final CtlContext ctx;

  @Parameters(
      arity = "0..*",
      paramLabel = "<cid>",
      description = "The CIDs to show (default: all).")
  List<String> cids = new ArrayList<>();

  @Option(names = "--local", description = "Ask only the contacted peer.")
  boolean local;

  @Option(
      names = "--filter",
      paramLabel = "<statuses>",
      defaultValue = "",
      description = "Only these statuses (when listing every pin).")
  String filter;

  StatusCommand(CtlContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    List<Cid> parsed = cids.stream().map(Args::cid).toList();
    if (!filter.isBlank()) {
      if (!parsed.isEmpty()) {
        throw CtlException.failure("--filter applies only when no CID is given");
      }
      try {
        TrackerStatus.parseFilter(filter);
      } catch (IllegalArgumentException e) {
        throw CtlException.failure("--filter: " + e.getMessage());
      }
    }
    if (parsed.size() == 1) {
      GlobalPinInfo status = ctx.client().status(parsed.get(0), local);
      ctx.output().print(status);
      return 0;
    }
    try (CloseableIterator<GlobalPinInfo> all =
        parsed.isEmpty()
            ? ctx.client().statusAll(filter, local)
            : ctx.client().statusCids(parsed, local)) {
      ctx.output().printAll(all);
    }
    return 0;
  }
}

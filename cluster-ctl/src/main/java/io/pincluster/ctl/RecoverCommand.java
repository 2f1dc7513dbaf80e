package io.pincluster.ctl;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.cid.Cid;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code recover [cid] [--local]}: {@code POST /pins/{cid}/recover} for one CID (prints its status
 * once the re-queued operation finished), {@code POST /pins/recover} for every pin in error (prints
 * the status of each one re-queued as it arrives).
 */
@Command(
    name = "recover",
    description = {
      "Re-queue pins in error (pin_error, unpin_error, unexpectedly_unpinned) on every cluster"
          + " peer, or only on the contacted one (--local), and show their status.",
      "With a CID, wait for that CID's operations to finish (up to the pin timeout) and show its"
          + " status; without one, re-queue every pin in error and show each one re-queued."
    })
final class RecoverCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  @Parameters(
      arity = "0..1",
      paramLabel = "<cid>",
      description = "The CID to recover (default: every pin in error).")
  String cid;

  @Option(names = "--local", description = "Recover only on the contacted peer.")
  boolean local;

  private final CtlContext ctx;

  RecoverCommand(CtlContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    return run(ctx, cid, c -> ctx.client().recover(c, local), () -> ctx.client().recoverAll(local));
  }

  /**
   * Prints the status of one CID ({@code one}) or of each streamed item ({@code all}); shared with
   * {@link SyncCommand}. The CID is parsed before any request.
   */
  static int run(
      CtlContext ctx,
      String cidText,
      Function<Cid, GlobalPinInfo> one,
      java.util.function.Supplier<CloseableIterator<GlobalPinInfo>> all) {
    if (cidText != null) {
      Cid cid = Args.cid(cidText);
      ctx.output().print(one.apply(cid));
      return 0;
    }
    try (CloseableIterator<GlobalPinInfo> items = all.get()) {
      ctx.output().printAll(items);
    }
    return 0;
  }
}

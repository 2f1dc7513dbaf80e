package io.pincluster.ctl;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sync [cid] [--local]} (IPFS Cluster's Raft-era command): {@code POST /pins/{cid}/sync} for
 * one CID, {@code POST /pins/sync} for every pin; prints statuses as {@code status} does.
 */
@Command(
    name = "sync",
    description = {
      "Check pins against IPFS now, on every cluster peer or only on the contacted one (--local),"
          + " instead of waiting for the next ipfs_sync_interval: a pin IPFS lost becomes"
          + " unexpectedly_unpinned, an error IPFS now shows pinned becomes pinned.",
      "With a CID, show its status; without one, show every pin whose status changed or is in"
          + " error. (Use 'recover' to re-pin what IPFS lost.)"
    })
final class SyncCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  @Parameters(
      arity = "0..1",
      paramLabel = "<cid>",
      description = "The CID to sync (default: every pin).")
  String cid;

  @Option(names = "--local", description = "Sync only on the contacted peer.")
  boolean local;

  private final CtlContext ctx;

  SyncCommand(CtlContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    return RecoverCommand.run(
        ctx, cid, c -> ctx.client().sync(c, local), () -> ctx.client().syncAll(local));
  }
}

package io.pincluster.ctl;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ipfs}: act on the IPFS daemons of the cluster peers. */
@Command(
    name = "ipfs",
    description = "Manage the IPFS daemons of the cluster peers.",
    subcommands = {IpfsCommand.Gc.class})
final class IpfsCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /**
   * {@code ipfs gc [--local]}: {@code POST /ipfs/gc}; prints, per peer, the blocks removed and the
   * errors met, as {@code ipfs-cluster-ctl} does.
   */
  @Command(
      name = "gc",
      description = {
        "Run garbage collection on the IPFS repositories of every cluster peer (or only the"
            + " contacted one: --local) and list, per peer, the blocks removed and any error."
      })
  static final class Gc implements Callable<Integer> {
    @Mixin HelpOption helpOption;

    @Option(names = "--local", description = "Collect only on the contacted peer's IPFS.")
    boolean local;

    private final CtlContext ctx;

    Gc(CtlContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      ctx.output().print(ctx.client().ipfsGc(local));
      return 0;
    }
  }
}

package io.pincluster.ctl;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.PeerInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code peers}: list the cluster members. */
@Command(
    name = "peers",
    description = "List cluster peers.",
    subcommands = {PeersCommand.Ls.class})
final class PeersCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** {@code peers ls}: {@code GET /peers}, streamed. */
  @Command(
      name = "ls",
      description = "List every cluster peer as it sees itself; unreachable ones show their error.")
  static final class Ls implements Callable<Integer> {
    @Mixin HelpOption helpOption;

    private final CtlContext ctx;

    Ls(CtlContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      try (CloseableIterator<PeerInfo> peers = ctx.client().peers()) {
        ctx.output().printAll(peers);
      }
      return 0;
    }
  }
}

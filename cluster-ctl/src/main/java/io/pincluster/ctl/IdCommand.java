package io.pincluster.ctl;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code id}: {@code GET /id}. */
@Command(name = "id", description = "Show the cluster peer serving the API and its IPFS node.")
final class IdCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  private final CtlContext ctx;

  IdCommand(CtlContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    ctx.output().print(ctx.client().id());
    return 0;
  }
}

package io.pincluster.ctl;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code version}: {@code GET /version}. */
@Command(
    name = "version",
    description = "Show the version of the cluster peer (cluster-ctl's own: --version).")
final class VersionCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  private final CtlContext ctx;

  VersionCommand(CtlContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    ctx.output().print(ctx.client().version());
    return 0;
  }
}

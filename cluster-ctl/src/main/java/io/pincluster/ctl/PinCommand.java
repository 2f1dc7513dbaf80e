package io.pincluster.ctl;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code pin}: pin, unpin and list the pinset. {@code pin <cid>} is accepted as {@code pin add
 * <cid>} (see {@link PinAlias}).
 */
@Command(
    name = "pin",
    description = {
      "Pin, unpin, update and list items of the cluster pinset.",
      "\"pin <cid> [options]\" is the same as \"pin add <cid> [options]\"."
    },
    subcommands = {
      PinAddCommand.class,
      PinRmCommand.class,
      PinUpdateCommand.class,
      PinLsCommand.class
    })
final class PinCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }
}

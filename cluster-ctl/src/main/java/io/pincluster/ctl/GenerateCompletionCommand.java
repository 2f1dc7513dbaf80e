package io.pincluster.ctl;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code generate-completion}: prints a bash completion script (picocli's) for every command. */
@Command(
    name = "generate-completion",
    description = {
      "Print a bash completion script for cluster-ctl (zsh: after 'autoload -U bashcompinit &&"
          + " bashcompinit').",
      "Use it with: source <(cluster-ctl generate-completion)"
    })
final class GenerateCompletionCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine root = spec.root().commandLine();
    String script = AutoComplete.bash(root.getCommandName(), root);
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return 0;
  }
}

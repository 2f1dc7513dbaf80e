package io.pincluster.ctl;

import java.io.PrintWriter;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code commands} (hidden, as in ipfs-cluster-ctl): lists the command tree, one per line. */
@Command(name = "commands", hidden = true, description = "List every command.")
final class CommandsCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    walk(spec.root(), out);
    out.flush();
    return 0;
  }

  private static void walk(CommandLine.Model.CommandSpec parent, PrintWriter out) {
    Set<CommandLine> children = new LinkedHashSet<>(parent.subcommands().values());
    for (CommandLine child : children) {
      out.println(child.getCommandSpec().qualifiedName());
      walk(child.getCommandSpec(), out);
    }
  }
}

package io.pincluster.ctl;

import io.pincluster.core.api.Alert;
import io.pincluster.core.api.ConnectGraph;
import io.pincluster.core.api.Metric;
import io.pincluster.core.json.Json;
import io.pincluster.ctl.internal.CtlException;
import io.pincluster.ctl.internal.GraphDot;
import io.pincluster.ctl.internal.HealthText;
import io.pincluster.ctl.internal.Output;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code health}: the monitoring view of the contacted peer (metrics, alerts, connectivity graph).
 * With {@code --enc json} each command prints the API's answer as one pretty JSON document.
 */
@Command(
    name = "health",
    description = "Show cluster monitoring information: metrics, alerts and connectivity.",
    subcommands = {
      HealthCommand.Metrics.class,
      HealthCommand.Alerts.class,
      HealthCommand.Graph.class
    })
final class HealthCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /**
   * {@code health metrics [name]}: {@code GET /monitor/metrics} (one name per line) or {@code GET
   * /monitor/metrics/{name}} (one line per peer).
   */
  @Command(
      name = "metrics",
      description = {
        "Without a name, list the names of the metrics the contacted peer holds (usually ping,"
            + " freespace or reposize, and tag:<name>).",
        "With a name, show the latest valid metric of that name for every peer, as seen by the"
            + " contacted peer: <peer> | <name>: <value> | Expires in: <time left or expired>."
      })
  static final class Metrics implements Callable<Integer> {
    @Mixin HelpOption helpOption;

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "<name>",
        description = "The metric to show, e.g. freespace or ping.")
    String name;

    private final CtlContext ctx;

    Metrics(CtlContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      if (name == null) {
        List<String> names = ctx.client().metricNames();
        printList(ctx, names, n -> n + "\n");
        return 0;
      }
      if (name.isBlank()) {
        throw CtlException.failure("a metric name cannot be blank");
      }
      List<Metric> metrics = ctx.client().metrics(name.trim());
      Instant now = ctx.settings().clock().instant();
      printList(ctx, metrics, m -> HealthText.metric(m, now));
      return 0;
    }
  }

  /** {@code health alerts}: {@code GET /health/alerts}, one line per alert, newest first. */
  @Command(
      name = "alerts",
      description = {
        "List the latest alerts the cluster raised, newest first. An alert is raised when a"
            + " peer's metric expires without a newer one arriving (an expired ping means the peer"
            + " is down, and may start re-pinning its content elsewhere).",
        "Each line: <peer>: <metric>. Expired at: <time>. Triggered at: <time> (UTC)."
      })
  static final class Alerts implements Callable<Integer> {
    @Mixin HelpOption helpOption;

    private final CtlContext ctx;

    Alerts(CtlContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      List<Alert> alerts = ctx.client().alerts();
      printList(ctx, alerts, HealthText::alert);
      return 0;
    }
  }

  /** {@code health graph}: {@code GET /health/graph} as Graphviz dot (or JSON). */
  @Command(
      name = "graph",
      description = {
        "Draw who can reach whom: the cluster peers, their IPFS daemons and the connections"
            + " among them, as a Graphviz dot graph (render it with: dot -Tsvg -o graph.svg).",
        "The contacted peer asks every member, so this takes up to its peer RPC timeout when"
            + " one does not answer."
      })
  static final class Graph implements Callable<Integer> {
    @Mixin HelpOption helpOption;

    @Option(
        names = {"-f", "--file"},
        paramLabel = "<file>",
        description = "Write the graph to this file instead of stdout (replacing it).")
    Path file;

    @Option(
        names = "--all-ipfs-peers",
        description =
            "Also draw IPFS swarm peers that are not daemons of the cluster. pincluster's graph"
                + " only lists the cluster's own daemons, so this usually adds nothing.")
    boolean allIpfsPeers;

    private final CtlContext ctx;

    Graph(CtlContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Output.Encoding encoding = ctx.encoding();
      ConnectGraph graph = ctx.client().connectGraph();
      String text =
          encoding == Output.Encoding.JSON
              ? Json.pretty(graph) + "\n"
              : GraphDot.of(graph, allIpfsPeers);
      if (file == null) {
        PrintStream out = ctx.out();
        out.print(text);
        out.flush();
      } else {
        write(file, text);
      }
      return 0;
    }

    private static void write(Path file, String text) {
      try {
        Files.writeString(file, text, StandardCharsets.UTF_8);
      } catch (IOException | InvalidPathException e) {
        throw CtlException.failure("cannot write the graph to " + file + ": " + reason(e));
      }
    }

    private static String reason(Exception e) {
      if (e instanceof NoSuchFileException) {
        return "its directory does not exist";
      }
      if (e instanceof AccessDeniedException) {
        return "permission denied";
      }
      return e.getMessage() == null ? e.toString() : e.getMessage();
    }
  }

  /** {@code items} as one JSON array, or as text ({@code text} of each item); empty: no text. */
  private static <T> void printList(CtlContext ctx, List<T> items, Function<T, String> text) {
    if (ctx.encoding() == Output.Encoding.JSON) {
      ctx.output().print(items);
      return;
    }
    PrintStream out = ctx.out();
    items.forEach(item -> out.print(text.apply(item)));
    out.flush();
  }
}

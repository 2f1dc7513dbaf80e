package io.pincluster.service.cli;

import io.pincluster.core.BuildInfo;
import io.pincluster.core.ClusterException;
import io.pincluster.service.config.ConfigFolder;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cluster-service}: the pincluster daemon and its setup commands. */
@Command(
    name = "cluster-service",
    mixinStandardHelpOptions = true,
    versionProvider = ClusterServiceCommand.Version.class,
    description = "The pincluster peer: a clustered IPFS pinning daemon (Raft via Apache Ratis).",
    subcommands = {
      InitCommand.class,
      DaemonCommand.class,
      StateCommand.class,
      VersionCommand.class
    })
public final class ClusterServiceCommand implements Callable<Integer> {
  @Option(
      names = {"--config", "-c"},
      paramLabel = "<folder>",
      description = "Configuration folder (default: $PINCLUSTER_PATH or ~/.pincluster).")
  Path config;

  @Option(
      names = {"--loglevel", "-l"},
      paramLabel = "<level>",
      description =
          "Log levels: LEVEL for every pincluster logger, or facility:LEVEL,… (e.g."
              + " info,raft:debug,restapi:warn). Levels: error, warn, info, debug, trace.")
  String logLevel;

  @Option(
      names = "--log-format",
      paramLabel = "text|json",
      description = "Log line format on stderr: text (default) or json (one object per line).")
  String logFormat;

  final Map<String, String> env;
  final PrintStream out;
  final PrintStream err;

  ClusterServiceCommand(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  ConfigFolder folder() {
    return ConfigFolder.resolve(config, env);
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(out);
    return 1;
  }

  /** Runs the command line; returns the exit code. */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    ClusterServiceCommand root = new ClusterServiceCommand(env, out, err);
    CommandLine cl = new CommandLine(root);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ClusterException || e instanceof IllegalArgumentException) {
            err.println("error: " + e.getMessage());
            return 1;
          }
          throw e;
        });
    return cl.execute(args);
  }

  public static void main(String[] args) {
    int code = run(args, System.getenv(), System.out, System.err);
    System.exit(code);
  }

  /** Prints {@link BuildInfo#VERSION}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"cluster-service " + BuildInfo.VERSION};
    }
  }
}

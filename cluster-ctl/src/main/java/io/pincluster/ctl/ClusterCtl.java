package io.pincluster.ctl;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * {@code cluster-ctl}: the command-line client of pincluster's REST API, IPFS Cluster's {@code
 * ipfs-cluster-ctl} for pincluster.
 *
 * <p>{@link #run} parses the arguments, runs one command against the REST API and returns the exit
 * code without calling {@link System#exit}: 0 success, 1 bad arguments or transport error, 2 the
 * API answered with an error, 62 a deadline passed, 125 interrupted. Output goes to {@code out};
 * errors, warnings and {@code --debug} traces go to {@code err}.
 */
public final class ClusterCtl {
  private static final Charset UTF8 = StandardCharsets.UTF_8;

  private ClusterCtl() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, UTF8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, UTF8);
    int code = run(args, out, err);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs cluster-ctl with {@code args} (as given on the command line, without the program name).
   * Blocks until the command is done; safe to call from several threads with different streams.
   *
   * @return the exit code
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, CtlSettings.system());
  }

  static int run(String[] args, PrintStream out, PrintStream err, CtlSettings settings) {
    PrintWriter outWriter = writer(out);
    PrintWriter errWriter = writer(err);
    try (CtlContext ctx = new CtlContext(out, err, settings)) {
      CommandLine cli = new CommandLine(new RootCommand(ctx), new CommandFactory(ctx));
      cli.setOut(outWriter)
          .setErr(errWriter)
          .setParameterExceptionHandler(ClusterCtl::badArguments)
          .setExecutionExceptionHandler((e, cmd, parsed) -> ErrorReporter.report(e, ctx));
      return cli.execute(PinAlias.rewrite(args));
    } finally {
      outWriter.flush();
      errWriter.flush();
    }
  }

  private static int badArguments(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("error: " + e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.println("See '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
    err.flush();
    return 1;
  }

  private static PrintWriter writer(PrintStream stream) {
    return new PrintWriter(new OutputStreamWriter(stream, UTF8), true);
  }
}

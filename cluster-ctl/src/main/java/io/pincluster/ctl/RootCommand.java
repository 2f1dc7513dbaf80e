package io.pincluster.ctl;

import io.pincluster.core.BuildInfo;
import io.pincluster.ctl.client.HostAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cluster-ctl}: the global options, given before the subcommand. */
@Command(
    name = "cluster-ctl",
    mixinStandardHelpOptions = true,
    versionProvider = RootCommand.CtlVersion.class,
    sortOptions = false,
    description = {
      "cluster-ctl manages a pincluster cluster through the REST API of one of its peers.",
      "",
      "The peer is assumed to be at " + HostAddress.DEFAULT + "; use --host for another one.",
      "Exit codes: 0 ok, 1 bad arguments or transport error, 2 the API answered with an"
          + " error, 62 a deadline passed, 125 interrupted."
    },
    subcommands = {
      IdCommand.class,
      PeersCommand.class,
      AddCommand.class,
      PinCommand.class,
      StatusCommand.class,
      RecoverCommand.class,
      SyncCommand.class,
      IpfsCommand.class,
      HealthCommand.class,
      VersionCommand.class,
      GenerateCompletionCommand.class,
      CommandsCommand.class,
      CommandLine.HelpCommand.class
    })
final class RootCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-l", "--host"},
      paramLabel = "<address>",
      defaultValue = HostAddress.DEFAULT,
      description =
          "REST API address: a multiaddress /ip4|ip6|dns4|dns6|dns/<host>/tcp/<port>[/https]"
              + " or an http(s)://host:port URL (default: ${DEFAULT-VALUE}). A comma-separated"
              + " list names several peers: a request that cannot reach one goes to the next.")
  String host;

  @Option(
      names = {"--enc", "--encoding"},
      paramLabel = "text|json",
      defaultValue = "text",
      description = "Output format: text or json (default: ${DEFAULT-VALUE}).")
  String encoding;

  @Option(
      names = {"-t", "--timeout"},
      paramLabel = "<seconds>",
      defaultValue = "0",
      description =
          "Give up on a request that has not completed after this many seconds; 0 (default) sets"
              + " no overall limit (connecting is still limited to 10s and a silent server to"
              + " 10m).")
  int timeoutSeconds;

  @Option(
      names = "--basic-auth",
      paramLabel = "<user>[:<password>]",
      description =
          "Basic auth credentials (or env CLUSTER_CREDENTIALS). Implies --https for a"
              + " multiaddress, unless --force-http.")
  String basicAuth;

  @Option(
      names = {"-f", "--force-http"},
      description = "Use plain http even with --basic-auth.")
  boolean forceHttp;

  @Option(
      names = {"-s", "--https"},
      description = "Use https for a multiaddress without /http or /https.")
  boolean https;

  @Option(
      names = "--no-check-certificate",
      description = "Do not verify the server's TLS certificate (self-signed setups).")
  boolean noCheckCertificate;

  @Option(
      names = {"-d", "--debug"},
      description = "Print every request and answer to stderr.")
  boolean debug;

  RootCommand(CtlContext ctx) {
    ctx.setOptions(this);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** {@code --version}. */
  static final class CtlVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"cluster-ctl version " + BuildInfo.VERSION};
    }
  }
}

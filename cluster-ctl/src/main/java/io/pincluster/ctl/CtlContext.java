package io.pincluster.ctl;

import io.pincluster.ctl.client.HostAddress;
import io.pincluster.ctl.client.RestClient;
import io.pincluster.ctl.client.RestClientConfig;
import io.pincluster.ctl.internal.CtlException;
import io.pincluster.ctl.internal.Output;
import io.pincluster.ctl.internal.StatusWaiter;
import io.pincluster.ctl.internal.WaitProgress;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * What every command of one run shares: the output streams, the settings, the parsed global
 * options, and the REST client built from them on first use. One per run; not thread-safe.
 */
final class CtlContext implements AutoCloseable {
  static final String CREDENTIALS_ENV = "CLUSTER_CREDENTIALS";

  private final PrintStream out;
  private final PrintStream err;
  private final CtlSettings settings;
  private RootCommand options;
  private RestClient client;

  CtlContext(PrintStream out, PrintStream err, CtlSettings settings) {
    this.out = out;
    this.err = err;
    this.settings = settings;
  }

  void setOptions(RootCommand options) {
    this.options = options;
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }

  CtlSettings settings() {
    return settings;
  }

  /** The output in the {@code --encoding} chosen. */
  Output output() {
    return new Output(out, encoding());
  }

  Output.Encoding encoding() {
    try {
      return Output.Encoding.parse(options.encoding);
    } catch (IllegalArgumentException e) {
      throw CtlException.failure(e.getMessage());
    }
  }

  /** The REST client for the global options, built on first use. */
  RestClient client() {
    if (client == null) {
      client = new RestClient(clientConfig());
    }
    return client;
  }

  /** A waiter for {@code --wait} that shows its progress on stderr. */
  StatusWaiter waiter() {
    WaitProgress progress = WaitProgress.to(err, settings.stderrIsTerminal().getAsBoolean());
    return new StatusWaiter(
        client(), settings.sleeper(), settings.nanoTime(), settings.pollInterval(), progress);
  }

  private RestClientConfig clientConfig() {
    encoding(); // reject a bad --encoding before sending anything
    if (options.timeoutSeconds < 0) {
      throw CtlException.failure("--timeout cannot be negative: " + options.timeoutSeconds);
    }
    String credentials = options.basicAuth;
    if (credentials == null || credentials.isEmpty()) {
      credentials = settings.env().apply(CREDENTIALS_ENV);
    }
    boolean withAuth = credentials != null && !credentials.isEmpty();
    // As ipfs-cluster-ctl: credentials imply https unless --force-http.
    boolean https = options.https || (withAuth && !options.forceHttp);
    List<URI> hosts;
    try {
      hosts = HostAddress.parseList(options.host, https);
    } catch (IllegalArgumentException e) {
      throw CtlException.failure(e.getMessage());
    }
    RestClientConfig config =
        RestClientConfig.of(hosts)
            .withTimeout(Duration.ofSeconds(options.timeoutSeconds))
            .withSkipCertificateCheck(options.noCheckCertificate)
            .withDebug(options.debug ? err : null);
    if (withAuth) {
      config = withCredentials(config, credentials);
      List<String> plain =
          hosts.stream()
              .filter(u -> u.getScheme().equals("http"))
              .map(RestClientConfig::hostPort)
              .toList();
      if (!plain.isEmpty() && !options.forceHttp) {
        err.println(
            "warning: sending credentials over plain http to "
                + String.join(", ", plain)
                + " (use --force-http to silence this warning)");
      }
    }
    return config;
  }

  /** {@code user:password}, or {@code user} alone for an empty password (as ipfs-cluster-ctl). */
  private static RestClientConfig withCredentials(RestClientConfig config, String credentials) {
    int colon = credentials.indexOf(':');
    String user = colon < 0 ? credentials : credentials.substring(0, colon);
    if (user.isEmpty()) {
      throw CtlException.failure("--basic-auth needs <username>[:<password>]; the user is empty");
    }
    return config.withBasicAuth(user, colon < 0 ? "" : credentials.substring(colon + 1));
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
  }
}

package io.pincluster.ctl.client;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How a {@link RestClient} reaches the REST API. Immutable; validated on construction.
 *
 * @param baseUrls one or more {@code http(s)://host:port[/prefix]} (see {@link HostAddress#parse}):
 *     the REST APIs of the peers to ask, in order; a call goes to the next one when it cannot reach
 *     one (see {@link RestClient})
 * @param timeout the longest a whole call may take, answer body included; {@link Duration#ZERO}
 *     means no overall limit (the connect and read timeouts still apply)
 * @param connectTimeout the longest to wait for a TCP (and TLS) connection
 * @param readTimeout the longest to wait for the next byte of an answer
 * @param username the Basic auth user, or null to send no credentials
 * @param password the Basic auth password (may be empty; ignored without {@code username})
 * @param skipCertificateCheck accept any TLS certificate and host name (self-signed setups)
 * @param debug where requests and answers are echoed, or null for no echo
 */
public record RestClientConfig(
    List<URI> baseUrls,
    Duration timeout,
    Duration connectTimeout,
    Duration readTimeout,
    String username,
    String password,
    boolean skipCertificateCheck,
    PrintStream debug) {

  /** Connecting takes at most this long unless {@code timeout} is shorter. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * A silent server is given up on after this long. Generous because a cluster-wide status asks
   * every peer before the first item is sent.
   */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(10);

  /**
   * The read timeout of the calls whose answer waits for IPFS work on the server (recover and sync
   * of one CID, IPFS garbage collection): the server bounds them by its own timeouts ({@code
   * pin_timeout}, {@code unpin_timeout}, {@code repogc_timeout}, 24h by default), so the client
   * only guards against a connection that died silently. {@code --timeout} still bounds them.
   */
  public static final Duration WAITING_CALL_READ_TIMEOUT = Duration.ofHours(25);

  public RestClientConfig {
    baseUrls = List.copyOf(Objects.requireNonNull(baseUrls, "baseUrls"));
    if (baseUrls.isEmpty()) {
      throw new IllegalArgumentException("baseUrls is empty: give at least one REST API URL");
    }
    for (URI baseUrl : baseUrls) {
      String scheme =
          baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("baseUrl (" + baseUrl + ") must be an http(s) URL");
      }
    }
    requireNotNegative("timeout", timeout);
    requirePositive("connectTimeout", connectTimeout);
    requirePositive("readTimeout", readTimeout);
    password = password == null ? "" : password;
  }

  /** One host, no timeout, no credentials, certificates checked, no debug echo. */
  public static RestClientConfig of(URI baseUrl) {
    return of(List.of(baseUrl));
  }

  /** Several hosts tried in order, no timeout, no credentials, certificates checked, no echo. */
  public static RestClientConfig of(List<URI> baseUrls) {
    return new RestClientConfig(
        baseUrls,
        Duration.ZERO,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_READ_TIMEOUT,
        null,
        "",
        false,
        null);
  }

  public RestClientConfig withTimeout(Duration newTimeout) {
    return new RestClientConfig(
        baseUrls,
        newTimeout,
        connectTimeout,
        readTimeout,
        username,
        password,
        skipCertificateCheck,
        debug);
  }

  public RestClientConfig withReadTimeout(Duration newReadTimeout) {
    return new RestClientConfig(
        baseUrls,
        timeout,
        connectTimeout,
        newReadTimeout,
        username,
        password,
        skipCertificateCheck,
        debug);
  }

  public RestClientConfig withBasicAuth(String newUsername, String newPassword) {
    return new RestClientConfig(
        baseUrls,
        timeout,
        connectTimeout,
        readTimeout,
        newUsername,
        newPassword,
        skipCertificateCheck,
        debug);
  }

  public RestClientConfig withSkipCertificateCheck(boolean skip) {
    return new RestClientConfig(
        baseUrls, timeout, connectTimeout, readTimeout, username, password, skip, debug);
  }

  public RestClientConfig withDebug(PrintStream newDebug) {
    return new RestClientConfig(
        baseUrls,
        timeout,
        connectTimeout,
        readTimeout,
        username,
        password,
        skipCertificateCheck,
        newDebug);
  }

  /** The first base URL. */
  public URI baseUrl() {
    return baseUrls.get(0);
  }

  /** Whether any of the base URLs uses https. */
  public boolean anyHttps() {
    return baseUrls.stream().anyMatch(u -> u.getScheme().equalsIgnoreCase("https"));
  }

  /** {@code host:port} of the first base URL, as error messages name the server. */
  public String hostPort() {
    return hostPort(baseUrl());
  }

  /** {@code host:port} of {@code baseUrl}. */
  public static String hostPort(URI baseUrl) {
    String host = baseUrl.getHost();
    int port = baseUrl.getPort();
    if (port == -1) {
      port = baseUrl.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }
    return host + ":" + port;
  }

  @Override
  public String toString() {
    // Never print the password.
    return "RestClientConfig[baseUrls="
        + baseUrls
        + ", timeout="
        + timeout
        + ", username="
        + username
        + ", skipCertificateCheck="
        + skipCertificateCheck
        + "]";
  }

  private static void requireNotNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " cannot be negative: " + d);
    }
  }

  private static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0: " + d);
    }
  }
}

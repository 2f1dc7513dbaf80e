package io.pincluster.restapi;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.pincluster.core.ClusterApi;
import io.pincluster.core.config.ConfigException;
import io.pincluster.core.config.RestApiSection;
import io.pincluster.http.BindAddresses;
import io.pincluster.http.CommonLogFile;
import io.pincluster.http.HttpServer;
import io.pincluster.http.HttpServerOptions;
import io.pincluster.http.Router;
import io.pincluster.restapi.internal.Auth;
import io.pincluster.restapi.internal.AuthFailures;
import io.pincluster.restapi.internal.Cors;
import io.pincluster.restapi.internal.Routes;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API ({@code api.restapi}), wire-compatible with IPFS Cluster v1: {@code /id}, {@code
 * /version}, {@code /peers} (GET, POST, DELETE {@code /peers/{peer}}), {@code /pins[/{cid}]},
 * {@code /pins/{ipfs|ipns|ipld}/{path...}} (POST, DELETE), {@code POST /pins[/{cid}]/recover},
 * {@code POST /add} (multipart or CAR), {@code POST /ipfs/gc}, {@code /allocations[/{cid}]}, {@code
 * POST /token}, {@code /health}, {@code /monitor/metrics[/{name}]}, {@code /health/alerts}, {@code
 * /health/graph}, the Raft-era {@code POST /pins[/{cid}]/sync}; plus the bulk ingest endpoint
 * {@code POST /pins} (NDJSON in, NDJSON {@code PinResult}s out, both streamed; see {@link Routes}).
 * Not served: {@code /health/bandwidth}, sharding.
 *
 * <p>Request handling order (as IPFS Cluster): request log → authentication, Basic or a Bearer JWT
 * from {@code POST /token} (except {@code OPTIONS} and {@code /health}) → CORS → trailing-slash 307
 * redirect → route. Authentication failures are rate-limited per client address (at most {@link
 * AuthFailures#MAX_FAILURES} wrong passwords or bad tokens per {@link AuthFailures#WINDOW}, then
 * 429 until the window ends).
 *
 * <p>Config keys honoured: {@code http_listen_multiaddress} (several; ip4/ip6/dns* + tcp only),
 * {@code ssl_cert_file}/{@code ssl_key_file} (PEM, PKCS#8 key; paths used as given), {@code
 * read_timeout}, {@code read_header_timeout}, {@code write_timeout}, {@code idle_timeout} (0 =
 * none, Go semantics), {@code max_header_bytes} (plus Go's 4096 bytes of slack), {@code
 * basic_auth_credentials}, {@code http_log_file}, {@code headers}, and every {@code cors_*} key. A
 * value that cannot be served (a unix socket, an unreadable key) makes the constructor or {@link
 * #start()} fail with a {@link ConfigException} naming the key.
 *
 * <p>Threads: those of its {@link HttpServer} ({@code restapi-io-N}, {@code restapi-worker-N}) and,
 * with {@code http_log_file}, {@code restapi-accesslog}. Thread-safe; start once, close any number
 * of times.
 */
public final class RestApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RestApiServer.class);
  private static final String KEY = RestApiSection.SECTION + ".";

  /** Threads running handlers and streams, and requests that may wait for one. */
  static final int WORKER_THREADS = 16;

  static final int WORKER_QUEUE = 256;

  /**
   * Bounds request bodies (e.g. {@code POST /peers}); the body of {@code POST /pins} is streamed
   * and not limited.
   */
  static final int MAX_BODY_BYTES = 1 << 20;

  /** Go's net/http allows this much more than {@code MaxHeaderBytes}. */
  static final int GO_HEADER_SLACK = 4096;

  private final RestApiSection config;
  private final HttpServerOptions options;
  private final Router router;
  private final InstantSource clock;
  private CommonLogFile requestLog;
  private HttpServer server;
  private boolean closed;

  /** A server over {@code api} with the system clock. */
  public RestApiServer(RestApiSection config, ClusterApi api) {
    this(config, api, InstantSource.system());
  }

  /**
   * @param clock what {@code expire-in} counts from
   * @throws ConfigException naming the key when a value cannot be served
   */
  public RestApiServer(RestApiSection config, ClusterApi api, InstantSource clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.options = options(config);
    Router.Builder b = Router.builder();
    if (config.basicAuthCredentials() != null) {
      b.filter(new Auth(config.basicAuthCredentials(), clock, new AuthFailures()));
    }
    b.filter(new Cors(config));
    this.router =
        new Routes(Objects.requireNonNull(api, "api"), clock, config.basicAuthCredentials())
            .addTo(b)
            .build();
  }

  private static HttpServerOptions options(RestApiSection c) {
    HttpServerOptions.Builder b =
        HttpServerOptions.builder("restapi")
            .ioThreads(2)
            .workerThreads(WORKER_THREADS)
            .workerQueue(WORKER_QUEUE)
            .maxBodyBytes(MAX_BODY_BYTES)
            .maxHeaderBytes(c.maxHeaderBytes() + GO_HEADER_SLACK)
            .readHeaderTimeout(c.readHeaderTimeout())
            .readTimeout(c.readTimeout())
            .writeTimeout(c.writeTimeout())
            .idleTimeout(c.idleTimeout())
            .shutdownTimeout(Duration.ofSeconds(5))
            .extraHeaders(c.headers());
    BindAddresses.resolve(KEY + "http_listen_multiaddress", c.httpListenMultiaddress())
        .forEach(b::bind);
    if (!c.sslCertFile().isEmpty()) {
      b.sslContext(tls(c.sslCertFile(), c.sslKeyFile()));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(KEY + "headers: " + e.getMessage(), e);
    }
  }

  private static SslContext tls(String certFile, String keyFile) {
    try {
      return SslContextBuilder.forServer(new File(certFile), new File(keyFile))
          .protocols("TLSv1.3", "TLSv1.2")
          .build();
    } catch (Exception e) {
      throw new ConfigException(
          KEY
              + "ssl_cert_file / ssl_key_file ("
              + certFile
              + ", "
              + keyFile
              + "): cannot load a PEM certificate and PKCS#8 key: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Opens the request log and binds every listen address.
   *
   * @return the bound addresses (real ports when the config used port 0)
   * @throws ConfigException when {@code http_log_file} cannot be opened
   * @throws io.pincluster.core.ClusterException when an address cannot be bound
   * @throws IllegalStateException when already started or closed
   */
  public synchronized List<InetSocketAddress> start() {
    if (closed || server != null) {
      throw new IllegalStateException("the REST API server was already started or closed");
    }
    ZoneId zone = ZoneId.systemDefault();
    requestLog =
        config.httpLogFile().isEmpty()
            ? CommonLogFile.toLogger("restapilog", "restapi-accesslog", zone)
            : CommonLogFile.toFile(
                RestApiSection.SECTION + ".http_log_file",
                Path.of(config.httpLogFile()),
                "restapi-accesslog",
                zone);
    server = new HttpServer(options, router, requestLog, clock);
    try {
      List<InetSocketAddress> bound = server.start();
      LOG.info(
          "REST API ({}{}) listening on {}",
          options.sslContext() == null ? "HTTP" : "HTTPS",
          config.basicAuthCredentials() == null ? "" : ", authenticated",
          bound);
      return bound;
    } catch (RuntimeException e) {
      requestLog.close();
      throw e;
    }
  }

  /** Every route served, as {@code METHOD template} (see {@link Router#routes()}). */
  List<String> routes() {
    return router.routes();
  }

  /** The bound addresses; empty before {@link #start()}. */
  public synchronized List<InetSocketAddress> addresses() {
    return server == null ? List.of() : server.addresses();
  }

  /** Stops serving (graceful, bounded by 5 s) and closes the request log. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (server != null) {
      server.close();
    }
    if (requestLog != null) {
      requestLog.close();
    }
  }
}

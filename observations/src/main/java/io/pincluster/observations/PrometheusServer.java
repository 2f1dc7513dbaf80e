package io.pincluster.observations;

import io.pincluster.core.config.MetricsSection;
import io.pincluster.http.BindAddresses;
import io.pincluster.http.HttpServer;
import io.pincluster.http.HttpServerOptions;
import io.pincluster.http.Response;
import io.pincluster.http.Router;
import io.pincluster.observations.internal.TextFormat;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus endpoint ({@code observations.metrics}): {@code GET /metrics} answers the
 * registry's metrics in the text exposition format 0.0.4, read when the request arrives. Any other
 * path is a 404, any other method a 405.
 *
 * <p>Config keys: {@code enable_stats} (false: {@link #start()} opens nothing), {@code
 * prometheus_endpoint} (where to listen: {@code /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>}, port 0
 * picks a free one). {@code reporting_interval} has no effect: values are read at each scrape, not
 * aggregated in the background.
 *
 * <p>Threads: {@code prometheus-io-0} (socket I/O) and up to {@value #WORKER_THREADS} {@code
 * prometheus-worker-N} (they read the metrics); at most {@value #WORKER_QUEUE} scrapes wait, beyond
 * that they are answered 503. A scrape's headers must arrive within 5 s, its answer is cut after 30
 * s; idle keep-alive connections close after 2 min. Thread-safe; start once, close any number of
 * times.
 */
public final class PrometheusServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PrometheusServer.class);

  /** Where the metrics are served. */
  public static final String PATH = "/metrics";

  /** The config key of the listen address, for messages. */
  public static final String ENDPOINT_KEY = MetricsSection.SECTION + ".prometheus_endpoint";

  static final int WORKER_THREADS = 2;
  static final int WORKER_QUEUE = 8;

  private final MetricsSection config;
  private final HttpServerOptions options;
  private final Router router;
  private HttpServer server;
  private boolean closed;

  /**
   * @throws io.pincluster.core.config.ConfigException naming {@value #ENDPOINT_KEY} when stats are
   *     enabled and the endpoint is not a supported address or does not resolve
   */
  public PrometheusServer(MetricsSection config, MetricsRegistry registry) {
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(registry, "registry");
    this.options = config.enableStats() ? options(config) : null;
    this.router =
        Router.builder()
            .get(
                PATH,
                request ->
                    Response.bytes(200, registry.scrape().getBytes(StandardCharsets.UTF_8))
                        .withHeader("Content-Type", TextFormat.CONTENT_TYPE))
            .build();
  }

  private static HttpServerOptions options(MetricsSection c) {
    return HttpServerOptions.builder("prometheus")
        .bind(BindAddresses.resolve(ENDPOINT_KEY, c.prometheusEndpoint()))
        .ioThreads(1)
        .workerThreads(WORKER_THREADS)
        .workerQueue(WORKER_QUEUE)
        .maxBodyBytes(0)
        .readHeaderTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(10))
        .writeTimeout(Duration.ofSeconds(30))
        .idleTimeout(Duration.ofMinutes(2))
        .shutdownTimeout(Duration.ofSeconds(2))
        .build();
  }

  /** True when {@code enable_stats} is set: {@link #start()} listens. */
  public boolean enabled() {
    return options != null;
  }

  /**
   * Starts listening when stats are enabled.
   *
   * @return the bound addresses (real port numbers); empty when stats are disabled
   * @throws io.pincluster.core.ClusterException naming the address when it cannot be bound
   * @throws IllegalStateException when already started or closed
   */
  public synchronized List<InetSocketAddress> start() {
    if (closed || server != null) {
      throw new IllegalStateException("the Prometheus endpoint was already started or closed");
    }
    if (options == null) {
      LOG.debug("{}.enable_stats is false: no Prometheus endpoint", MetricsSection.SECTION);
      return List.of();
    }
    server = new HttpServer(options, router);
    List<InetSocketAddress> bound = server.start();
    LOG.info("Prometheus metrics at http://{}{}", hostPort(bound.get(0)), PATH);
    return bound;
  }

  private static String hostPort(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** The bound addresses; empty before {@link #start()} and when stats are disabled. */
  public synchronized List<InetSocketAddress> addresses() {
    return server == null ? List.of() : server.addresses();
  }

  /** The config this endpoint was built from. */
  public MetricsSection config() {
    return config;
  }

  /** Stops listening (in-flight scrapes may finish for 2 s). Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (server != null) {
      server.close();
    }
  }
}

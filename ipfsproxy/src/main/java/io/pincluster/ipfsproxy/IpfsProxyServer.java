package io.pincluster.ipfsproxy;

import io.pincluster.core.ClusterApi;
import io.pincluster.core.config.ConfigException;
import io.pincluster.core.config.IpfsProxySection;
import io.pincluster.http.BindAddresses;
import io.pincluster.http.CommonLogFile;
import io.pincluster.http.HttpServer;
import io.pincluster.http.HttpServerOptions;
import io.pincluster.http.Router;
import io.pincluster.ipfsproxy.internal.ProxyRoutes;
import io.pincluster.ipfsproxy.internal.Upstream;
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
 * The IPFS proxy ({@code api.ipfsproxy}, IPFS Cluster's {@code api/ipfsproxy}): a Kubo RPC endpoint
 * ({@code /api/v0/…}, {@code POST}, {@code GET} or {@code PUT}) for existing IPFS tooling.
 *
 * <p>Intercepted and done by the cluster through {@link ClusterApi}, answered in Kubo's shapes:
 * {@code pin/add}, {@code pin/rm}, {@code pin/ls} (also {@code stream=true}), {@code pin/update},
 * {@code add}, {@code repo/stat} (summed over the peers), {@code repo/gc} (every peer), and {@code
 * block/put} / {@code dag/put} with {@code pin=true}. Everything else, whatever its method and
 * path, is forwarded unchanged to the node at {@code node_multiaddress}, bodies streamed both ways
 * (a 1 GB {@code cat} passes with flat memory). Errors are Kubo's {@code
 * {"Message","Code","Type":"error"}} (500, or 400 for bad arguments; 502 when the node cannot be
 * reached).
 *
 * <p>Config keys honoured: {@code listen_multiaddress} (ip4/ip6/dns* + tcp), {@code
 * node_multiaddress}, {@code log_file} (Common Log Format access log; without it, lines go to the
 * logger {@code ipfsproxylog} at INFO), {@code read_timeout}, {@code read_header_timeout}, {@code
 * write_timeout}, {@code idle_timeout} (0 = none, Go semantics; they also bound forwarded calls:
 * when one expires the client connection closes and the upstream call is cancelled) and {@code
 * max_header_bytes} (plus Go's 4096 bytes of slack). The hidden {@code extract_headers_*} keys of
 * IPFS Cluster are not supported: intercepted answers carry no headers learnt from the node.
 *
 * <p>Threads: {@code ipfsproxy-io-N} (2, socket I/O), {@code ipfsproxy-worker-N} (up to {@link
 * #WORKER_THREADS}: they run the commands and each forwarded call for its whole duration, with at
 * most {@link #WORKER_QUEUE} requests waiting, beyond which requests get 503), {@code
 * ipfsproxy-accesslog} with {@code log_file}, and OkHttp's shared {@code OkHttp TaskRunner}.
 * Thread-safe; start once, close any number of times.
 */
public final class IpfsProxyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IpfsProxyServer.class);
  private static final String KEY = IpfsProxySection.SECTION + ".";

  /**
   * Workers: each forwarded call holds one until it ends (long calls such as {@code pubsub/sub}
   * included).
   */
  public static final int WORKER_THREADS = 64;

  /** Requests that may wait for a worker. */
  public static final int WORKER_QUEUE = 128;

  /** Bounds the bodies of intercepted commands that take none ({@code pin/add}…). */
  static final int MAX_BODY_BYTES = 1 << 20;

  /** Go's net/http allows this much more than {@code MaxHeaderBytes}. */
  static final int GO_HEADER_SLACK = 4096;

  private final IpfsProxySection config;
  private final HttpServerOptions options;
  private final Upstream upstream;
  private final Router router;
  private final InstantSource clock;
  private CommonLogFile accessLog;
  private HttpServer server;
  private boolean closed;

  /** A proxy over {@code api} with the system clock. */
  public IpfsProxyServer(IpfsProxySection config, ClusterApi api) {
    this(config, api, InstantSource.system());
  }

  /**
   * @param clock what {@code expire-in} counts from, and what stamps access log entries
   * @throws ConfigException naming the key when an address cannot be served
   */
  public IpfsProxyServer(IpfsProxySection config, ClusterApi api, InstantSource clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.options = options(config);
    this.upstream = new Upstream(KEY + "node_multiaddress", config.nodeMultiaddress());
    this.router = new ProxyRoutes(Objects.requireNonNull(api, "api"), upstream, clock).router();
  }

  private static HttpServerOptions options(IpfsProxySection c) {
    return HttpServerOptions.builder("ipfsproxy")
        .bind(BindAddresses.resolve(KEY + "listen_multiaddress", c.listenMultiaddress()))
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
        .build();
  }

  /**
   * Opens the access log and starts listening.
   *
   * @return the bound address (its real port when the config used port 0)
   * @throws ConfigException when {@code log_file} cannot be opened
   * @throws io.pincluster.core.ClusterException when the address cannot be bound
   * @throws IllegalStateException when already started or closed
   */
  public synchronized List<InetSocketAddress> start() {
    if (closed || server != null) {
      throw new IllegalStateException("the IPFS proxy was already started or closed");
    }
    ZoneId zone = ZoneId.systemDefault();
    accessLog =
        config.logFile().isEmpty()
            ? CommonLogFile.toLogger("ipfsproxylog", "ipfsproxy-accesslog", zone)
            : CommonLogFile.toFile(
                KEY + "log_file", Path.of(config.logFile()), "ipfsproxy-accesslog", zone);
    server = new HttpServer(options, router, accessLog, clock);
    try {
      List<InetSocketAddress> bound = server.start();
      LOG.info("IPFS proxy listening on {}, forwarding to {}", bound, upstream.hostPort());
      return bound;
    } catch (RuntimeException e) {
      accessLog.close();
      throw e;
    }
  }

  /** The bound addresses; empty before {@link #start()}. */
  public synchronized List<InetSocketAddress> addresses() {
    return server == null ? List.of() : server.addresses();
  }

  /**
   * Stops serving (in-flight calls may finish for 5 s, then their connections are closed, which
   * cancels forwarded calls), then releases the upstream connections and closes the access log.
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (server != null) {
      server.close();
    }
    upstream.close();
    if (accessLog != null) {
      accessLog.close();
    }
  }
}

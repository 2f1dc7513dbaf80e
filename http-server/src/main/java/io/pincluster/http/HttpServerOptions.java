package io.pincluster.http;

import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How an {@link HttpServer} listens and what it bounds. Immutable and validated on construction:
 * messages name the option and the bad value. Durations of zero mean "no timeout" for the four
 * request timeouts (as in Go's {@code net/http}).
 *
 * @param name used in thread names ({@code <name>-io-N}, {@code <name>-worker-N}) and logs
 * @param bindAddresses where to listen; resolved addresses, each may use port 0
 * @param ioThreads Netty event-loop threads (accept and socket I/O, never handler code)
 * @param workerThreads threads that run handlers and stream responses
 * @param workerQueue requests waiting for a worker; when full the server answers 503
 * @param maxBodyBytes a larger request body is answered with 413 (not for routes that stream their
 *     body, see {@link Router.Builder#routeStreamingBody})
 * @param duplexBufferBytes while a route that streams its request body answers, this much of its
 *     response may wait unsent before the handler has to wait for the client (instead of 64 KiB):
 *     most HTTP/1.1 clients send the whole body before reading the answer, so this is how much
 *     answer such a client can receive per request without both sides waiting for each other
 * @param maxHeaderBytes a larger request line or header block is answered with 431
 * @param readHeaderTimeout from the first byte of a request to the end of its headers
 * @param readTimeout from the first byte of a request to the end of its body
 * @param writeTimeout from the end of a request's headers to the end of its response (cuts long
 *     streams)
 * @param idleTimeout how long a keep-alive connection may wait for its next request; zero falls
 *     back to {@code readTimeout}
 * @param shutdownTimeout how long {@link HttpServer#close()} waits for in-flight requests
 * @param extraHeaders added to every response
 * @param sslContext serve TLS with this context; null for plain HTTP
 */
public record HttpServerOptions(
    String name,
    List<InetSocketAddress> bindAddresses,
    int ioThreads,
    int workerThreads,
    int workerQueue,
    int maxBodyBytes,
    int duplexBufferBytes,
    int maxHeaderBytes,
    Duration readHeaderTimeout,
    Duration readTimeout,
    Duration writeTimeout,
    Duration idleTimeout,
    Duration shutdownTimeout,
    Map<String, List<String>> extraHeaders,
    SslContext sslContext) {

  public HttpServerOptions {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("name (\"" + name + "\") must match [A-Za-z0-9._-]+");
    }
    bindAddresses = List.copyOf(Objects.requireNonNull(bindAddresses, "bindAddresses"));
    if (bindAddresses.isEmpty()) {
      throw new IllegalArgumentException("bindAddresses must name at least one address");
    }
    for (InetSocketAddress a : bindAddresses) {
      if (a.isUnresolved()) {
        throw new IllegalArgumentException("bind address " + a + " is not resolved");
      }
    }
    atLeast("ioThreads", ioThreads, 1);
    atLeast("workerThreads", workerThreads, 1);
    atLeast("workerQueue", workerQueue, 0);
    atLeast("maxBodyBytes", maxBodyBytes, 0);
    atLeast("duplexBufferBytes", duplexBufferBytes, 64 * 1024);
    atLeast("maxHeaderBytes", maxHeaderBytes, 256);
    notNegative("readHeaderTimeout", readHeaderTimeout);
    notNegative("readTimeout", readTimeout);
    notNegative("writeTimeout", writeTimeout);
    notNegative("idleTimeout", idleTimeout);
    notNegative("shutdownTimeout", shutdownTimeout);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    Objects.requireNonNull(extraHeaders, "extraHeaders")
        .forEach(
            (k, v) -> {
              checkHeader(k, v);
              headers.put(k, List.copyOf(v));
            });
    extraHeaders = java.util.Collections.unmodifiableMap(headers);
  }

  /** A builder with the defaults listed on {@link Builder}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The effective idle timeout: {@code idleTimeout}, or {@code readTimeout} when it is zero. */
  public Duration effectiveIdleTimeout() {
    return idleTimeout.isZero() ? readTimeout : idleTimeout;
  }

  /** The effective header timeout: {@code readHeaderTimeout}, or {@code readTimeout} when zero. */
  public Duration effectiveReadHeaderTimeout() {
    return readHeaderTimeout.isZero() ? readTimeout : readHeaderTimeout;
  }

  private static void checkHeader(String name, List<String> values) {
    if (name == null || !name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
      throw new IllegalArgumentException("header name \"" + name + "\" is not a valid token");
    }
    for (String v : values) {
      if (v == null || v.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
        throw new IllegalArgumentException("header " + name + " has an invalid value");
      }
    }
  }

  private static void atLeast(String key, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(key + " (" + value + ") must be >= " + min);
    }
  }

  private static void notNegative(String key, Duration d) {
    Objects.requireNonNull(d, key);
    if (d.isNegative()) {
      throw new IllegalArgumentException(key + " (" + d + ") must be >= 0");
    }
  }

  /**
   * Builds {@link HttpServerOptions}. Defaults: bind {@code 127.0.0.1:0}, 1 I/O thread, 8 workers,
   * queue 64, body 1 MiB, duplex buffer 1 MiB, headers 8 KiB, read-header 5 s, read 0, write 0,
   * idle 2 min, shutdown 5 s, no extra headers, no TLS.
   */
  public static final class Builder {
    private final String name;
    private final List<InetSocketAddress> bind = new ArrayList<>();
    private int ioThreads = 1;
    private int workerThreads = 8;
    private int workerQueue = 64;
    private int maxBodyBytes = 1 << 20;
    private int duplexBufferBytes = 1 << 20;
    private int maxHeaderBytes = 8192;
    private Duration readHeaderTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ZERO;
    private Duration writeTimeout = Duration.ZERO;
    private Duration idleTimeout = Duration.ofMinutes(2);
    private Duration shutdownTimeout = Duration.ofSeconds(5);
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private SslContext sslContext;

    private Builder(String name) {
      this.name = name;
    }

    /** Adds a listen address (call several times for several). */
    public Builder bind(InetSocketAddress address) {
      bind.add(Objects.requireNonNull(address, "address"));
      return this;
    }

    public Builder ioThreads(int n) {
      this.ioThreads = n;
      return this;
    }

    public Builder workerThreads(int n) {
      this.workerThreads = n;
      return this;
    }

    public Builder workerQueue(int n) {
      this.workerQueue = n;
      return this;
    }

    public Builder maxBodyBytes(int n) {
      this.maxBodyBytes = n;
      return this;
    }

    public Builder duplexBufferBytes(int n) {
      this.duplexBufferBytes = n;
      return this;
    }

    public Builder maxHeaderBytes(int n) {
      this.maxHeaderBytes = n;
      return this;
    }

    public Builder readHeaderTimeout(Duration d) {
      this.readHeaderTimeout = d;
      return this;
    }

    public Builder readTimeout(Duration d) {
      this.readTimeout = d;
      return this;
    }

    public Builder writeTimeout(Duration d) {
      this.writeTimeout = d;
      return this;
    }

    public Builder idleTimeout(Duration d) {
      this.idleTimeout = d;
      return this;
    }

    public Builder shutdownTimeout(Duration d) {
      this.shutdownTimeout = d;
      return this;
    }

    /** Adds a header value sent with every response. */
    public Builder extraHeader(String header, String value) {
      headers.computeIfAbsent(header, k -> new ArrayList<>()).add(value);
      return this;
    }

    /** Adds every header of {@code extra} (name to values). */
    public Builder extraHeaders(Map<String, List<String>> extra) {
      extra.forEach((k, vs) -> vs.forEach(v -> extraHeader(k, v)));
      return this;
    }

    public Builder sslContext(SslContext ctx) {
      this.sslContext = ctx;
      return this;
    }

    public HttpServerOptions build() {
      List<InetSocketAddress> addresses =
          bind.isEmpty() ? List.of(new InetSocketAddress("127.0.0.1", 0)) : bind;
      return new HttpServerOptions(
          name,
          addresses,
          ioThreads,
          workerThreads,
          workerQueue,
          maxBodyBytes,
          duplexBufferBytes,
          maxHeaderBytes,
          readHeaderTimeout,
          readTimeout,
          writeTimeout,
          idleTimeout,
          shutdownTimeout,
          headers,
          sslContext);
    }
  }
}

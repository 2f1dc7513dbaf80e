package io.pincluster.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.pincluster.core.ClusterException;
import io.pincluster.http.internal.HttpConnection;
import io.pincluster.http.internal.NamedThreadFactory;
import io.pincluster.http.internal.ServerContext;
import io.pincluster.http.internal.ServerInitializer;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server on Netty: routing through a {@link Router}, JSON and NDJSON streaming
 * responses, bounded everything.
 *
 * <p>Threads: {@code <name>-io-N} ({@link HttpServerOptions#ioThreads()}) accept connections,
 * decode requests and write bytes; they never run handler code. {@code <name>-worker-N} ({@link
 * HttpServerOptions#workerThreads()}) run handlers, wait for futures' results to be written, and
 * write streams item by item; at most {@link HttpServerOptions#workerQueue()} requests wait for
 * one, beyond that requests are answered 503. A stream occupies its worker until it ends, the
 * client goes away, or the write timeout closes the connection. {@code <name>-encoder-N} (as many
 * as workers at most, started on demand) encode a stream's items while its worker reads the next
 * ones; a stream that finds none free is encoded by its worker.
 *
 * <p>Request bodies are aggregated (bounded by {@link HttpServerOptions#maxBodyBytes()}) except for
 * routes added with {@link Router.Builder#routeStreamingBody}: those run as soon as the headers
 * arrive and read the body from {@link Request#bodyStream()} (on their worker or a thread they hand
 * it to) while they answer. The connection reads from the socket only while the body's 64 KiB
 * buffer has room, and the answer may queue up to {@link HttpServerOptions#duplexBufferBytes()}
 * before the writer waits for the client: memory stays bounded both ways, whatever the body size.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} any number of times (also without start).
 * Close stops accepting, lets in-flight requests finish for up to {@link
 * HttpServerOptions#shutdownTimeout()} (idle keep-alive connections are closed at once), then
 * closes what is left, stops the workers (interrupting them), the encoders and the event loops, and
 * logs what did not stop. Thread-safe.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
  private static final long MIN_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private enum State {
    NEW,
    RUNNING,
    CLOSED
  }

  private final HttpServerOptions options;
  private final Router router;
  private final AccessLog accessLog;
  private final InstantSource clock;
  private State state = State.NEW;
  private EventLoopGroup group;
  private ThreadPoolExecutor workers;
  private ThreadPoolExecutor encoders;
  private boolean encodeOnWorkers;
  private ServerContext context;
  private final List<Channel> listeners = new ArrayList<>();
  private volatile List<InetSocketAddress> addresses = List.of();

  public HttpServer(HttpServerOptions options, Router router) {
    this(options, router, AccessLog.NONE);
  }

  public HttpServer(HttpServerOptions options, Router router, AccessLog accessLog) {
    this(options, router, accessLog, InstantSource.system());
  }

  /**
   * @param clock stamps access log entries
   */
  public HttpServer(
      HttpServerOptions options, Router router, AccessLog accessLog, InstantSource clock) {
    this.options = Objects.requireNonNull(options, "options");
    this.router = Objects.requireNonNull(router, "router");
    this.accessLog = Objects.requireNonNull(accessLog, "accessLog");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Binds every address and starts serving.
   *
   * @return the bound addresses, in the order of {@link HttpServerOptions#bindAddresses()}, with
   *     real port numbers
   * @throws IllegalStateException when already started or closed
   * @throws ClusterException naming the address when one cannot be bound (nothing stays open)
   */
  public synchronized List<InetSocketAddress> start() {
    if (state != State.NEW) {
      throw new IllegalStateException(options.name() + " server is " + state.name().toLowerCase());
    }
    workers = newWorkerPool();
    encoders = encodeOnWorkers ? null : newEncoderPool();
    group =
        new MultiThreadIoEventLoopGroup(
            options.ioThreads(),
            new NamedThreadFactory(options.name() + "-io", true),
            NioIoHandler.newFactory());
    context =
        new ServerContext(
            options,
            router,
            accessLog,
            workers,
            encoders != null ? encoders : ServerContext.NO_ENCODERS,
            clock);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 256)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, ServerContext.WRITE_BUFFER)
            .childHandler(new ServerInitializer(context));
    List<InetSocketAddress> bound = new ArrayList<>();
    for (InetSocketAddress address : options.bindAddresses()) {
      ChannelFuture f = bootstrap.bind(address).awaitUninterruptibly();
      if (!f.isSuccess()) {
        state = State.RUNNING;
        close();
        throw new ClusterException(
            options.name() + ": cannot listen on " + address + ": " + f.cause().getMessage(),
            f.cause());
      }
      listeners.add(f.channel());
      bound.add((InetSocketAddress) f.channel().localAddress());
    }
    addresses = List.copyOf(bound);
    state = State.RUNNING;
    LOG.info("{}: listening on {}", options.name(), addresses);
    return addresses;
  }

  private ThreadPoolExecutor newWorkerPool() {
    BlockingQueue<Runnable> queue =
        options.workerQueue() == 0
            ? new SynchronousQueue<>()
            : new ArrayBlockingQueue<>(options.workerQueue());
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            options.workerThreads(),
            options.workerThreads(),
            60,
            TimeUnit.SECONDS,
            queue,
            new NamedThreadFactory(options.name() + "-worker", false),
            new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** For tests, before {@link #start()}: every stream is encoded by its worker (the fallback). */
  synchronized HttpServer encodeOnWorkers() {
    encodeOnWorkers = true;
    return this;
  }

  /**
   * One encoder thread per busy streaming worker at most, started on demand; a stream that finds
   * none free is encoded by its worker.
   */
  private ThreadPoolExecutor newEncoderPool() {
    return new ThreadPoolExecutor(
        0,
        options.workerThreads(),
        60,
        TimeUnit.SECONDS,
        new SynchronousQueue<>(),
        new NamedThreadFactory(options.name() + "-encoder", false),
        new ThreadPoolExecutor.AbortPolicy());
  }

  /** The bound addresses; empty before {@link #start()}. */
  public List<InetSocketAddress> addresses() {
    return addresses;
  }

  public HttpServerOptions options() {
    return options;
  }

  /** Graceful, bounded, idempotent shutdown (see the class comment). */
  @Override
  public void close() {
    synchronized (this) {
      State previous = state;
      state = State.CLOSED;
      if (previous != State.RUNNING) {
        return;
      }
      long deadline = System.nanoTime() + options.shutdownTimeout().toNanos();
      context.startClosing();
      for (Channel listener : listeners) {
        listener.close().awaitUninterruptibly(remainingMillis(deadline, 0));
      }
      drainConnections(deadline);
      stopWorkers(deadline);
      stopEncoders();
      stopEventLoops(deadline);
      LOG.info("{}: stopped", options.name());
    }
  }

  private void drainConnections(long deadline) {
    List<HttpConnection> open = new ArrayList<>(context.connections());
    open.forEach(HttpConnection::requestClose);
    int busy = 0;
    for (HttpConnection c : open) {
      if (!c.closeFuture().awaitUninterruptibly(remainingMillis(deadline, 0))) {
        busy++;
        c.forceClose();
      }
    }
    if (busy > 0) {
      LOG.warn(
          "{}: closed {} connection(s) still busy after {}",
          options.name(),
          busy,
          options.shutdownTimeout());
    }
  }

  private void stopWorkers(long deadline) {
    workers.shutdown();
    try {
      if (!workers.awaitTermination(
          remainingMillis(deadline, MIN_STEP_NANOS), TimeUnit.MILLISECONDS)) {
        List<Runnable> dropped = workers.shutdownNow();
        boolean stopped = workers.awaitTermination(1, TimeUnit.SECONDS);
        LOG.warn(
            "{}: interrupted busy workers, dropped {} queued task(s){}",
            options.name(),
            dropped.size(),
            stopped ? "" : "; some workers are still running");
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** After the workers: an encoder still running belongs to a worker that was interrupted. */
  private void stopEncoders() {
    if (encoders == null) {
      return;
    }
    encoders.shutdownNow();
    try {
      if (!encoders.awaitTermination(1, TimeUnit.SECONDS)) {
        LOG.warn("{}: some stream encoders are still running", options.name());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void stopEventLoops(long deadline) {
    long wait = remainingMillis(deadline, MIN_STEP_NANOS);
    boolean stopped =
        group.shutdownGracefully(0, wait, TimeUnit.MILLISECONDS).awaitUninterruptibly(wait + 1000);
    if (!stopped) {
      LOG.warn("{}: I/O threads did not stop within {} ms", options.name(), wait + 1000);
    }
  }

  private static long remainingMillis(long deadline, long minNanos) {
    return TimeUnit.NANOSECONDS.toMillis(Math.max(minNanos, deadline - System.nanoTime()));
  }
}

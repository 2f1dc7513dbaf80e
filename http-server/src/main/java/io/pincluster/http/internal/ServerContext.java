package io.pincluster.http.internal;

import io.netty.channel.WriteBufferWaterMark;
import io.pincluster.http.AccessLog;
import io.pincluster.http.HttpServerOptions;
import io.pincluster.http.Router;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every connection of one server shares. Thread-safe. */
public final class ServerContext {
  /**
   * Each connection's write buffer: a worker writing a stream waits while more than the high mark
   * is queued (see {@link HttpConnection#awaitWritable()}).
   */
  public static final WriteBufferWaterMark WRITE_BUFFER =
      new WriteBufferWaterMark(32 * 1024, 64 * 1024);

  private static final Logger LOG = LoggerFactory.getLogger(ServerContext.class);

  final HttpServerOptions options;
  final Router router;
  final ExecutorService workers;

  /** An encoder pool that is always busy: every stream is encoded by its worker. */
  public static final Executor NO_ENCODERS =
      task -> {
        throw new RejectedExecutionException("no encoder threads");
      };

  /** Encoder threads of streamed responses ({@link EncodingLane}); may refuse (then inline). */
  final Executor encoders;

  final ResponseWriter writer;
  final InstantSource clock;
  private final AccessLog accessLog;
  private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
  private volatile boolean closing;

  public ServerContext(
      HttpServerOptions options,
      Router router,
      AccessLog accessLog,
      ExecutorService workers,
      Executor encoders,
      InstantSource clock) {
    this.options = options;
    this.router = router;
    this.accessLog = accessLog;
    this.workers = workers;
    this.encoders = encoders;
    this.clock = clock;
    this.writer = new ResponseWriter(this);
  }

  /** Open connections (a snapshot view; connections remove themselves when closed). */
  public Set<HttpConnection> connections() {
    return connections;
  }

  void opened(HttpConnection c) {
    connections.add(c);
  }

  void closed(HttpConnection c) {
    connections.remove(c);
  }

  /** From now on responses carry {@code Connection: close} and connections close when idle. */
  public void startClosing() {
    closing = true;
  }

  boolean closing() {
    return closing;
  }

  void log(AccessLog.Entry entry) {
    try {
      accessLog.log(entry);
    } catch (RuntimeException e) {
      LOG.warn("{}: access log failed: {}", options.name(), e.toString());
    }
  }
}

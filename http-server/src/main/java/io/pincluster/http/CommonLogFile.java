package io.pincluster.http;

import io.pincluster.core.config.ConfigException;
import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An access log in Apache Common Log Format, as gorilla/handlers writes it for IPFS Cluster's APIs
 * ({@code 127.0.0.1 - - [02/Jan/2006:15:04:05 -0700] "GET /id HTTP/1.1" 200 512}), by one named
 * writer thread fed through a bounded queue: appended to a file ({@link #toFile}) or logged at INFO
 * to an SLF4J logger ({@link #toLogger}). When the queue is full, lines are dropped and counted
 * (the count is logged at close): the HTTP I/O threads never wait for the disk or the log. Lines
 * queued are written at {@link #close()}, which is idempotent and bounded (about 3 s). Thread-safe.
 */
public final class CommonLogFile implements AccessLog, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CommonLogFile.class);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  /** Lines that may wait for the writer thread. */
  public static final int QUEUE = 8192;

  private static final String STOP = "\u0000stop";
  private final ZoneId zone;
  private final String what;
  private final Sink sink;
  private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;
  private volatile boolean closed;

  /** Starts the writer thread, named {@code threadName}; {@code what} names the log in messages. */
  private CommonLogFile(String what, Sink sink, String threadName, ZoneId zone) {
    this.zone = zone;
    this.what = what;
    this.sink = sink;
    this.writer = new Thread(this::run, threadName);
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Logs each entry at INFO to the logger {@code loggerName} (e.g. {@code ipfsproxylog}) from a
   * thread named {@code threadName}, so that the HTTP I/O threads never wait for the log's output
   * (stderr under systemd) nor for each other on its lock.
   */
  public static CommonLogFile toLogger(String loggerName, String threadName, ZoneId zone) {
    Logger logger = LoggerFactory.getLogger(loggerName);
    return new CommonLogFile(
        "logger " + loggerName,
        new Sink() {
          @Override
          public boolean wanted() {
            return logger.isInfoEnabled();
          }

          @Override
          public void write(String line) {
            logger.info(line);
          }
        },
        threadName,
        zone);
  }

  /**
   * Appends to {@code file} (created when missing) from a thread named {@code threadName}.
   *
   * @param key the config key naming the file, for messages (e.g. {@code api.ipfsproxy.log_file})
   * @throws ConfigException naming {@code key} when the file cannot be opened
   */
  public static CommonLogFile toFile(String key, Path file, String threadName, ZoneId zone) {
    Writer out;
    try {
      out =
          new BufferedWriter(
              new OutputStreamWriter(
                  new FileOutputStream(file.toFile(), true), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigException(key + " (" + file + "): cannot open: " + e.getMessage(), e);
    }
    return new CommonLogFile(
        key + " (" + file + ")",
        new Sink() {
          @Override
          public void write(String line) throws IOException {
            out.write(line);
            out.write('\n');
          }

          @Override
          public void flush() throws IOException {
            out.flush();
          }

          @Override
          public void close() throws IOException {
            out.close();
          }
        },
        threadName,
        zone);
  }

  /** One line, without the trailing newline. */
  public String format(Entry e) {
    InetSocketAddress remote = e.remoteAddress();
    String host =
        remote == null
            ? "-"
            : remote.getAddress() == null
                ? remote.getHostString()
                : remote.getAddress().getHostAddress();
    return host
        + " - - ["
        + TIME.format(e.received().atZone(zone))
        + "] \""
        + e.method()
        + " "
        + e.uri()
        + " "
        + e.protocol()
        + "\" "
        + e.status()
        + " "
        + e.bytes();
  }

  /** Where the writer thread puts lines. */
  private interface Sink {
    /** Whether lines are wanted at all (checked on the caller's thread, before formatting). */
    default boolean wanted() {
      return true;
    }

    void write(String line) throws IOException;

    /** Called when no more lines wait. */
    default void flush() throws IOException {}

    default void close() throws IOException {}
  }

  @Override
  public void log(Entry entry) {
    if (!sink.wanted()) {
      return;
    }
    if (closed || !queue.offer(format(entry))) {
      dropped.incrementAndGet();
    }
  }

  private void run() {
    try {
      while (true) {
        String line = queue.take();
        if (line.equals(STOP)) {
          break;
        }
        sink.write(line);
        if (queue.isEmpty()) {
          sink.flush();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.warn("{}: write failed, request logging stops: {}", what, e.toString());
    } finally {
      try {
        sink.close();
      } catch (IOException e) {
        LOG.warn("{}: close failed: {}", what, e.toString());
      }
    }
  }

  /** Writes what is queued and stops the writer thread. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (!queue.offer(STOP, 1, TimeUnit.SECONDS)) {
        writer.interrupt();
      }
      writer.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      LOG.warn("{}: the writer thread did not stop", what);
    }
    if (dropped.get() > 0) {
      LOG.warn("{}: dropped {} line(s) (queue full)", what, dropped.get());
    }
  }
}

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
 * ({@code 127.0.0.1 - - [02/Jan/2006:15:04:05 -0700] "GET /id HTTP/1.1" 200 512}): appended to a
 * file by one named writer thread fed through a bounded queue ({@link #toFile}), or logged at INFO
 * to an SLF4J logger ({@link #toLogger}). When the queue is full, lines are dropped and counted:
 * the HTTP I/O threads never wait for the disk. Thread-safe; {@link #close()} is idempotent and
 * bounded (about 3 s).
 */
public abstract class CommonLogFile implements AccessLog, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CommonLogFile.class);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  /** Lines that may wait for the writer thread. */
  public static final int QUEUE = 8192;

  private final ZoneId zone;

  CommonLogFile(ZoneId zone) {
    this.zone = zone;
  }

  /** Logs each entry at INFO to the logger {@code loggerName} (e.g. {@code ipfsproxylog}). */
  public static CommonLogFile toLogger(String loggerName, ZoneId zone) {
    Logger logger = LoggerFactory.getLogger(loggerName);
    return new CommonLogFile(zone) {
      @Override
      public void log(Entry entry) {
        if (logger.isInfoEnabled()) {
          logger.info(format(entry));
        }
      }

      @Override
      public void close() {}
    };
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
    return new FileLog(key, file, out, threadName, zone);
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

  /** Flushes what is queued and stops the writer thread, if any. */
  @Override
  public abstract void close();

  private static final class FileLog extends CommonLogFile {
    private static final String STOP = "\u0000stop";
    private final String key;
    private final Path file;
    private final Writer out;
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;

    FileLog(String key, Path file, Writer out, String threadName, ZoneId zone) {
      super(zone);
      this.key = key;
      this.file = file;
      this.out = out;
      this.writer = new Thread(this::run, threadName);
      writer.setDaemon(true);
      writer.start();
    }

    @Override
    public void log(Entry entry) {
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
          out.write(line);
          out.write('\n');
          if (queue.isEmpty()) {
            out.flush();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        LOG.warn("{} {}: write failed, request logging stops: {}", key, file, e.toString());
      } finally {
        try {
          out.close();
        } catch (IOException e) {
          LOG.warn("{} {}: close failed: {}", key, file, e.toString());
        }
      }
    }

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
        LOG.warn("{} {}: the writer thread did not stop", key, file);
      }
      if (dropped.get() > 0) {
        LOG.warn("{} {}: dropped {} line(s) (queue full)", key, file, dropped.get());
      }
    }
  }
}

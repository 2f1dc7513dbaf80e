package io.pincluster.restapi.internal;

import io.pincluster.core.config.ConfigException;
import io.pincluster.http.AccessLog;
import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API's request log ({@code http_log_file}): Common Log Format lines appended to a file by
 * one named writer thread ({@code restapi-accesslog}) fed through a bounded queue, or, without a
 * file, logged at INFO to the SLF4J logger {@code restapilog}. When the queue is full lines are
 * dropped and counted (the HTTP I/O threads never wait for the disk). Thread-safe.
 */
public abstract class RequestLog implements AccessLog, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RequestLog.class);
  static final int QUEUE = 8192;

  final CommonLog format;

  RequestLog(CommonLog format) {
    this.format = format;
  }

  /** Logs to the {@code restapilog} logger. */
  public static RequestLog toLogger(CommonLog format) {
    Logger logger = LoggerFactory.getLogger("restapilog");
    return new RequestLog(format) {
      @Override
      public void log(Entry entry) {
        if (logger.isInfoEnabled()) {
          logger.info(format.format(entry));
        }
      }

      @Override
      public void close() {}
    };
  }

  /**
   * Appends to {@code file} (created when missing).
   *
   * @throws ConfigException naming {@code http_log_file} when the file cannot be opened
   */
  public static RequestLog toFile(Path file, CommonLog format) {
    Writer out;
    try {
      out =
          new BufferedWriter(
              new OutputStreamWriter(
                  new FileOutputStream(file.toFile(), true), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigException(
          "api.restapi.http_log_file (" + file + "): cannot open: " + e.getMessage(), e);
    }
    return new FileLog(file, out, format);
  }

  @Override
  public abstract void close();

  private static final class FileLog extends RequestLog {
    private static final String STOP = "\u0000stop";
    private final Path file;
    private final Writer out;
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;

    FileLog(Path file, Writer out, CommonLog format) {
      super(format);
      this.file = file;
      this.out = out;
      this.writer = new Thread(this::run, "restapi-accesslog");
      writer.setDaemon(true);
      writer.start();
    }

    @Override
    public void log(Entry entry) {
      if (closed || !queue.offer(format.format(entry))) {
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
        LOG.warn("http_log_file {}: write failed, request logging stops: {}", file, e.toString());
      } finally {
        try {
          out.close();
        } catch (IOException e) {
          LOG.warn("http_log_file {}: close failed: {}", file, e.toString());
        }
      }
    }

    @Override
    public void close() {
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
        LOG.warn("http_log_file {}: the writer thread did not stop", file);
      }
      if (dropped.get() > 0) {
        LOG.warn("http_log_file {}: dropped {} line(s) (queue full)", file, dropped.get());
      }
    }
  }
}

package io.pincluster.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Both access logs write Common Log Format lines from their own thread, all of them by close. */
class CommonLogFileTest {
  private static final String LINE =
      "127.0.0.1 - - [02/Jan/2006:15:04:05 +0000] \"POST /pins/x HTTP/1.1\" 200 512";

  private static AccessLog.Entry entry() {
    return new AccessLog.Entry(
        new InetSocketAddress("127.0.0.1", 4000),
        "POST",
        "/pins/x",
        "HTTP/1.1",
        200,
        512,
        Instant.parse("2006-01-02T15:04:05Z"),
        Duration.ofMillis(3));
  }

  @Test
  void theLoggerLogIsWrittenByItsOwnThread() {
    LoggerContext logs = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger logger = logs.getLogger("testaccesslog");
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.setContext(logs);
    captured.start();
    logger.addAppender(captured);
    logger.setLevel(Level.INFO);
    try {
      CommonLogFile log = CommonLogFile.toLogger("testaccesslog", "test-accesslog", ZoneOffset.UTC);
      for (int i = 0; i < 100; i++) {
        log.log(entry());
      }
      log.close();
      log.close(); // idempotent
      log.log(entry()); // after close: dropped
    } finally {
      logger.detachAppender(captured);
      logger.setLevel(null);
    }
    assertThat(captured.list).hasSize(100);
    assertThat(captured.list)
        .allSatisfy(
            e -> {
              assertThat(e.getFormattedMessage()).isEqualTo(LINE);
              assertThat(e.getThreadName()).isEqualTo("test-accesslog");
            });
  }

  @Test
  void theFileLogAppendsLines(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("access.log");
    CommonLogFile log = CommonLogFile.toFile("test.log_file", file, "test-filelog", ZoneOffset.UTC);
    log.log(entry());
    log.log(entry());
    log.close();
    assertThat(Files.readAllLines(file)).isEqualTo(List.of(LINE, LINE));
  }
}

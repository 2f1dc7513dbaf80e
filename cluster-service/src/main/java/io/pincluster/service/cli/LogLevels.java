package io.pincluster.service.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** Applies {@code --loglevel} to pincluster's loggers (logback.xml reads PINCLUSTER_LOG_LEVEL). */
final class LogLevels {
  private LogLevels() {}

  static void apply(String level, Map<String, String> env) {
    if (level == null) {
      return;
    }
    Level parsed = Level.toLevel(level, null);
    if (parsed == null) {
      throw new IllegalArgumentException(
          "--loglevel \"" + level + "\" is not one of error, warn, info, debug, trace");
    }
    ((Logger) LoggerFactory.getLogger("io.pincluster")).setLevel(parsed);
  }
}

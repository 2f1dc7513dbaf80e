package io.pincluster.service.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * {@code --loglevel} and {@code --log-format}. A level is {@code LEVEL} (every pincluster logger)
 * or a comma-separated list of {@code facility:LEVEL} entries (with an optional bare {@code LEVEL}
 * for the rest), as IPFS Cluster's {@code --loglevel info,restapi:debug}. Facilities are the
 * component names of {@link #FACILITIES}; {@code raft} also covers Ratis's own loggers. An unknown
 * facility or level is an error naming it. {@code --log-format json} writes one JSON object per log
 * event (logback's JsonEncoder) instead of text lines.
 */
final class LogLevels {
  /** Facility → the logger names it sets. */
  static final Map<String, List<String>> FACILITIES = facilities();

  private LogLevels() {}

  private static Map<String, List<String>> facilities() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("all", List.of("io.pincluster"));
    m.put("cluster", List.of("io.pincluster.service"));
    m.put("service", List.of("io.pincluster.service"));
    m.put("raft", List.of("io.pincluster.consensus", "org.apache.ratis"));
    m.put("consensus", List.of("io.pincluster.consensus"));
    m.put("state", List.of("io.pincluster.state"));
    m.put("pintracker", List.of("io.pincluster.pintracker"));
    m.put("ipfshttp", List.of("io.pincluster.ipfs"));
    m.put("restapi", List.of("io.pincluster.restapi", "restapilog"));
    m.put("ipfsproxy", List.of("io.pincluster.ipfsproxy", "ipfsproxylog"));
    m.put("monitor", List.of("io.pincluster.monitor"));
    m.put("informer", List.of("io.pincluster.informer"));
    m.put("allocator", List.of("io.pincluster.service.cluster"));
    m.put("peerrpc", List.of("io.pincluster.peerrpc"));
    m.put("http", List.of("io.pincluster.http"));
    m.put("observations", List.of("io.pincluster.observations"));
    return Map.copyOf(m);
  }

  /** The logger levels {@code spec} asks for; throws IllegalArgumentException naming a problem. */
  static Map<String, Level> parse(String spec) {
    Map<String, Level> out = new LinkedHashMap<>();
    for (String part : spec.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int colon = p.indexOf(':');
      String facility = colon < 0 ? "all" : p.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String level = colon < 0 ? p : p.substring(colon + 1).trim();
      Level parsed = Level.toLevel(level, null);
      if (parsed == null || !level.equalsIgnoreCase(parsed.levelStr)) {
        throw new IllegalArgumentException(
            "--loglevel: \"" + level + "\" is not one of error, warn, info, debug, trace");
      }
      List<String> loggers = FACILITIES.get(facility);
      if (loggers == null) {
        throw new IllegalArgumentException(
            "--loglevel: unknown facility \""
                + facility
                + "\" (known: "
                + String.join(", ", new java.util.TreeSet<>(FACILITIES.keySet()))
                + ")");
      }
      loggers.forEach(l -> out.put(l, parsed));
    }
    return out;
  }

  static void apply(String spec, Map<String, String> env) {
    if (spec == null) {
      return;
    }
    Map<String, Level> levels = parse(spec);
    // a bare level applies first, so facility entries refine it whatever their order
    Level all = levels.remove("io.pincluster");
    if (all != null) {
      ((Logger) LoggerFactory.getLogger("io.pincluster")).setLevel(all);
    }
    levels.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
  }

  /** {@code --log-format}: {@code text} (default) or {@code json}. */
  static void applyFormat(String format) {
    if (format == null || format.equalsIgnoreCase("text")) {
      return;
    }
    if (!format.equalsIgnoreCase("json")) {
      throw new IllegalArgumentException(
          "--log-format \"" + format + "\" is not one of text, json");
    }
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> out) {
        JsonEncoder json = new JsonEncoder();
        json.setContext(ctx);
        // {"timestamp","level","threadName","loggerName","mdc","formattedMessage","throwable"}
        json.setWithFormattedMessage(true);
        json.setWithMessage(false);
        json.setWithArguments(false);
        json.setWithContext(false);
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.start();
        out.stop();
        out.setEncoder(json);
        out.start();
      }
    }
  }
}

package io.pincluster.core.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written the way Go writes them ({@code "2m10s"}, {@code "200ms"}, {@code "1h0m0s"}),
 * which is how {@code service.json} holds every duration.
 */
public final class GoDuration {
  private static final Pattern PART =
      Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)");

  private GoDuration() {}

  /**
   * Parses Go duration text: an optional sign, then number+unit pairs; {@code "0"} alone is zero.
   *
   * @throws IllegalArgumentException {@code "<text>" is not a duration}
   */
  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("null is not a duration");
    }
    String s = text.trim();
    boolean negative = s.startsWith("-");
    if (negative || s.startsWith("+")) {
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw notADuration(text);
    }
    Matcher m = PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int pos = 0;
    while (pos < s.length()) {
      if (!m.find(pos) || m.start() != pos || m.group(1).isEmpty() || m.group(1).equals(".")) {
        throw notADuration(text);
      }
      nanos =
          nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
      pos = m.end();
    }
    Duration d = Duration.ofNanos(nanos.longValue());
    return negative ? d.negated() : d;
  }

  /**
   * Go's text for {@code d}: {@code 0s}, {@code 200ms}, {@code 1.5s}, {@code 2m10s}, {@code
   * 1h0m0s}.
   */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    long nanos = d.toNanos();
    if (nanos < 1_000L) {
      return nanos + "ns";
    }
    if (nanos < 1_000_000L) {
      return fraction(nanos, 1_000L) + "µs";
    }
    if (nanos < 1_000_000_000L) {
      return fraction(nanos, 1_000_000L) + "ms";
    }
    long hours = nanos / 3_600_000_000_000L;
    long minutes = (nanos / 60_000_000_000L) % 60;
    long secNanos = nanos % 60_000_000_000L;
    String seconds = fraction(secNanos, 1_000_000_000L) + "s";
    if (hours > 0) {
      return hours + "h" + minutes + "m" + seconds;
    }
    if (minutes > 0) {
      return minutes + "m" + seconds;
    }
    return seconds;
  }

  private static String fraction(long value, long unit) {
    BigDecimal v = BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit));
    return v.stripTrailingZeros().toPlainString();
  }

  private static long unitNanos(String unit) {
    return switch (unit) {
      case "ns" -> 1L;
      case "us", "µs", "μs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      default -> 3_600_000_000_000L;
    };
  }

  private static IllegalArgumentException notADuration(String text) {
    return new IllegalArgumentException("\"" + text + "\" is not a duration");
  }
}

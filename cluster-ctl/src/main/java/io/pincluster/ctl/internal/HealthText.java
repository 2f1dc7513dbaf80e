package io.pincluster.ctl.internal;

import io.pincluster.core.api.Alert;
import io.pincluster.core.api.Metric;
import io.pincluster.core.config.GoDuration;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The text output of {@code health metrics} and {@code health alerts}, after {@code
 * ipfs-cluster-ctl}'s layouts. Metric expiry is shown relative to a given "now" (the caller's
 * clock), so these take it as an argument; every method returns one line ending in {@code \n}.
 */
public final class HealthText {
  private static final String[] SI_UNITS = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};

  private HealthText() {}

  /**
   * {@code <peer> | <name>: <value> | Expires in: <duration>}, or {@code … | Expires in: expired}
   * once {@code now} is past the metric's expiry. A {@code freespace} metric with a positive weight
   * shows its weight in SI units ({@code 1.2 GB}), as ipfs-cluster-ctl does; other values are
   * printed as published.
   */
  public static String metric(Metric m, Instant now) {
    String value = m.value();
    if (m.name().equals("freespace") && m.weight() > 0) {
      value = siBytes(m.weight());
    }
    return m.peer()
        + " | "
        + m.name()
        + ": "
        + value
        + " | Expires in: "
        + expiresIn(m, now)
        + "\n";
  }

  /**
   * {@code <peer>: <metric>. Expired at: <time>. Triggered at: <time>}, times in UTC to the second
   * (RFC 3339).
   */
  public static String alert(Alert a) {
    return a.peer()
        + ": "
        + a.name()
        + ". Expired at: "
        + utcSeconds(unixNanos(a.expire()))
        + ". Triggered at: "
        + utcSeconds(a.triggeredAt())
        + "\n";
  }

  /**
   * The time left until {@code m} expires, rounded up to whole seconds ({@code 29s}, {@code
   * 1m30s}), or {@code expired}.
   */
  static String expiresIn(Metric m, Instant now) {
    Duration left = Duration.between(now, unixNanos(m.expire()));
    if (left.isNegative() || left.isZero()) {
      return "expired";
    }
    Duration whole = left.truncatedTo(ChronoUnit.SECONDS);
    if (whole.compareTo(left) < 0) {
      whole = whole.plusSeconds(1);
    }
    return GoDuration.format(whole);
  }

  /**
   * {@code bytes} as go-humanize's {@code Bytes}: below 10 as {@code N B}, otherwise in powers of
   * 1000 with one decimal below 10 ({@code 1.2 GB}) and none above ({@code 15 GB}).
   */
  static String siBytes(long bytes) {
    if (bytes < 10) {
      return bytes + " B";
    }
    int exp = 0;
    double unit = 1;
    for (long rest = bytes; rest >= 1000 && exp < SI_UNITS.length - 1; rest /= 1000) {
      exp++;
      unit *= 1000;
    }
    double value = Math.floor(bytes / unit * 10 + 0.5) / 10;
    String format = value < 10 ? "%.1f %s" : "%.0f %s";
    return String.format(Locale.ROOT, format, value, SI_UNITS[exp]);
  }

  private static Instant unixNanos(long nanos) {
    return Instant.ofEpochSecond(0, nanos);
  }

  private static String utcSeconds(Instant t) {
    return t == null ? "unknown" : GoTime.rfc3339Nano(t.truncatedTo(ChronoUnit.SECONDS));
  }
}

package io.pincluster.core.json;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Writes {@link Instant}s as {@link Instant#toString()} does, and parses RFC 3339 times into {@link
 * Instant}s. Writing remembers the text of the last second written (a status stream stamps a
 * million entries with a handful of seconds), so most times cost only their fraction digits.
 * Parsing: The form {@link Instant#toString()} writes ({@code 2026-11-27T09:20:00Z}, optionally
 * with 1–9 fraction digits, always UTC) is read by hand, which is several times cheaper than {@link
 * OffsetDateTime#parse}; every other form (offsets, lowercase letters, out-of-range fields) goes to
 * {@code OffsetDateTime.parse}, so the accepted language and the results are exactly that method's.
 * Stateless and thread-safe.
 */
final class Rfc3339 {
  /** The first second {@link #format} does not handle itself (year 10000). */
  private static final long YEAR_ZERO = LocalDate.of(0, 1, 1).toEpochDay() * 86_400;

  private static final long YEAR_10000 = LocalDate.of(10000, 1, 1).toEpochDay() * 86_400;

  /** The second {@link #format} wrote last, and its text up to the seconds ("…T09:20:00"). */
  private record Second(long epochSecond, String text) {}

  private static volatile Second last = new Second(Long.MIN_VALUE, "");

  private Rfc3339() {}

  /** Exactly {@code t.toString()}. */
  static String format(Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds < YEAR_ZERO || seconds >= YEAR_10000) {
      return t.toString();
    }
    Second s = last;
    if (s.epochSecond != seconds) {
      s = new Second(seconds, LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC).toString());
      if (s.text.length() == 16) {
        s = new Second(seconds, s.text + ":00"); // LocalDateTime leaves out zero seconds
      }
      last = s;
    }
    int nanos = t.getNano();
    StringBuilder b = new StringBuilder(30).append(s.text);
    if (nanos != 0) {
      int digits;
      int value;
      if (nanos % 1_000_000 == 0) {
        digits = 3;
        value = nanos / 1_000_000;
      } else if (nanos % 1000 == 0) {
        digits = 6;
        value = nanos / 1000;
      } else {
        digits = 9;
        value = nanos;
      }
      b.append('.');
      String v = Integer.toString(value);
      for (int i = v.length(); i < digits; i++) {
        b.append('0');
      }
      b.append(v);
    }
    return b.append('Z').toString();
  }

  /**
   * @throws java.time.format.DateTimeParseException when {@code text} is not an RFC 3339 time
   */
  static Instant parse(String text) {
    Instant fast = parseUtc(text);
    return fast != null ? fast : OffsetDateTime.parse(text).toInstant();
  }

  /** {@code yyyy-mm-ddThh:mm:ss[.f{1,9}]Z}, or null for anything else (the slow path decides). */
  private static Instant parseUtc(String s) {
    int n = s.length();
    if (n < 20 || s.charAt(n - 1) != 'Z') {
      return null;
    }
    if (s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T') {
      return null;
    }
    if (s.charAt(13) != ':' || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0
        || hour > 23
        || minute > 59
        || second > 59) {
      return null;
    }
    int nanos = 0;
    if (n > 20) {
      int fraction = n - 21; // between '.' and 'Z'
      if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
        return null;
      }
      int f = digits(s, 20, fraction);
      if (f < 0) {
        return null;
      }
      for (int i = fraction; i < 9; i++) {
        f *= 10;
      }
      nanos = f;
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null;
    }
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second, nanos);
  }

  /** The decimal value of {@code count} ASCII digits at {@code from}, or -1. */
  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}

package io.pincluster.ctl.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Times printed the way IPFS Cluster's ctl prints them (Go layouts), always in UTC. */
public final class GoTime {
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private GoTime() {}

  /** Go's RFC3339Nano: fraction without trailing zeros, e.g. {@code 2024-05-01T10:00:00.12Z}. */
  public static String rfc3339Nano(Instant t) {
    StringBuilder sb = new StringBuilder(SECONDS.format(t));
    int nanos = t.getNano();
    if (nanos != 0) {
      String fraction = String.format("%09d", nanos).replaceAll("0+$", "");
      sb.append('.').append(fraction);
    }
    return sb.append('Z').toString();
  }

  /** Go's {@code 2006-01-02 15:04:05} layout. */
  public static String dateTime(Instant t) {
    return DATE_TIME.format(t);
  }
}

package io.pincluster.restapi.internal;

import io.pincluster.http.AccessLog;
import java.net.InetSocketAddress;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Apache Common Log Format lines, as gorilla/handlers writes them for IPFS Cluster: {@code
 * 127.0.0.1 - - [02/Jan/2006:15:04:05 -0700] "GET /id HTTP/1.1" 200 512}.
 */
public final class CommonLog {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  private final ZoneId zone;

  public CommonLog(ZoneId zone) {
    this.zone = zone;
  }

  /** One line, without the trailing newline. */
  public String format(AccessLog.Entry e) {
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
}

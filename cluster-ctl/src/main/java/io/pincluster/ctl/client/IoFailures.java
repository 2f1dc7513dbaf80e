package io.pincluster.ctl.client;

import io.pincluster.core.config.GoDuration;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import javax.net.ssl.SSLException;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * Turns OkHttp's I/O failures into messages that name the server (the one the request went to) and
 * the condition. Failures to open a connection are {@link TransportException}s with {@link
 * TransportException#connectFailed()} set.
 */
final class IoFailures {
  private IoFailures() {}

  static RestClientException of(RestClientConfig config, Request request, IOException e) {
    String server = hostPort(request.url());
    String call = request.method() + " " + request.url().encodedPath();
    if (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException)) {
      // OkHttp's call timeout (the whole call, answer included).
      return new RequestTimeoutException(
          call
              + ": no complete answer from "
              + server
              + " within "
              + GoDuration.format(config.timeout())
              + indeterminate(request),
          e);
    }
    if (e instanceof SocketTimeoutException && duringTlsHandshake(e)) {
      return new TransportException(
          "TLS with "
              + server
              + " failed: no handshake within "
              + GoDuration.format(config.connectTimeout())
              + " (is it serving https?)",
          e,
          true);
    }
    if (e instanceof SocketTimeoutException && !mentions(e, "connect")) {
      return new RequestTimeoutException(
          call
              + ": "
              + server
              + " sent nothing for "
              + GoDuration.format(config.readTimeout())
              + indeterminate(request),
          e);
    }
    Throwable cause = rootOf(e, ConnectException.class, UnknownHostException.class);
    if (e instanceof SocketTimeoutException) {
      return new TransportException("cannot reach " + server + ": connection timed out", e, true);
    }
    if (cause instanceof UnknownHostException) {
      return new TransportException("cannot reach " + server + ": unknown host", e, true);
    }
    if (cause instanceof NoRouteToHostException) {
      return new TransportException("cannot reach " + server + ": no route to host", e, true);
    }
    if (cause instanceof ConnectException) {
      String why = mentions(cause, "refused") ? "connection refused" : lower(cause.getMessage());
      return new TransportException("cannot reach " + server + ": " + why, e, true);
    }
    if (rootOf(e, SSLException.class) instanceof SSLException ssl) {
      return new TransportException(
          "TLS with "
              + server
              + " failed: "
              + ssl.getMessage()
              + " (is it serving https? for a self-signed certificate use --no-check-certificate)",
          e,
          true);
    }
    return new TransportException(call + " to " + server + " failed: " + e, e);
  }

  /**
   * Whether {@code e} is OkHttp's call timeout (the whole call's budget is spent) rather than a
   * connect or read timeout.
   */
  static boolean isCallTimeout(IOException e) {
    return e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException);
  }

  /** {@code host:port} of {@code url}, an IPv6 host in brackets. */
  static String hostPort(HttpUrl url) {
    String host = url.host();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + url.port();
  }

  @SafeVarargs
  private static Throwable rootOf(Throwable e, Class<? extends Throwable>... types) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      for (Class<? extends Throwable> type : types) {
        if (type.isInstance(t)) {
          // Prefer the innermost match: it carries the OS's words ("Connection refused").
          Throwable inner = t.getCause() == null ? null : rootOf(t.getCause(), types);
          return inner != null ? inner : t;
        }
      }
    }
    return null;
  }

  /** For a write that timed out: it may have been applied. */
  private static String indeterminate(Request request) {
    return request.method().equals("GET")
        ? ""
        : " (the request may still have been applied; repeating it is safe)";
  }

  /** Whether {@code e} was thrown by a TLS handshake (OkHttp does not say so otherwise). */
  private static boolean duringTlsHandshake(Throwable e) {
    for (StackTraceElement frame : e.getStackTrace()) {
      if (frame.getMethodName().equals("startHandshake")) {
        return true;
      }
    }
    return false;
  }

  private static boolean mentions(Throwable t, String word) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() != null && c.getMessage().toLowerCase(Locale.ROOT).contains(word)) {
        return true;
      }
    }
    return false;
  }

  private static String lower(String s) {
    return s == null ? "connection failed" : s.toLowerCase(Locale.ROOT);
  }
}

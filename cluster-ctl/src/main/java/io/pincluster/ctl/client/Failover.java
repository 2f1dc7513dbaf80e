package io.pincluster.ctl.client;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Sends a request to the first of several REST API hosts that answers (IPFS Cluster's failover
 * client for {@code --host a,b,c}).
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>A call starts with the host that answered the previous call (the first host at first), then
 *       tries the others in order, each at most once.
 *   <li>It moves to the next host only when the request failed at the transport level before any
 *       answer: connection refused, unknown host, TLS failure, connect or read timeout. An answer
 *       of any HTTP status, API errors included, ends the call.
 *   <li>A request with a streamed body (one-shot: {@code add}, {@code pin add --from-file}) moves
 *       on only when the connection could not be opened and writing the body had not started, so a
 *       body is never sent twice.
 *   <li>The call timeout ({@code --timeout}) bounds all attempts together: once it has passed, no
 *       other host is tried.
 * </ul>
 *
 * Thread-safe.
 */
final class Failover {
  private final List<HttpUrl> hosts;
  private final AtomicInteger current = new AtomicInteger();

  Failover(List<URI> baseUrls) {
    List<HttpUrl> urls = new ArrayList<>();
    for (URI u : baseUrls) {
      urls.add(HttpUrl.get(u));
    }
    this.hosts = List.copyOf(urls);
  }

  /** The first host: requests are built against it and moved to the others as needed. */
  HttpUrl first() {
    return hosts.get(0);
  }

  /**
   * Executes {@code request} (built against {@link #first()}) on the first host that answers.
   *
   * @return the answer, whatever its HTTP status; the caller closes it
   * @throws RestClientException the failure of the last host tried (with those of the others in the
   *     message when there are several)
   */
  Response execute(OkHttpClient http, Request request, RestClientConfig config, DebugLog debug) {
    int n = hosts.size();
    int start = current.get();
    long deadline = config.timeout().isZero() ? 0 : System.nanoTime() + config.timeout().toNanos();
    List<String> failures = new ArrayList<>();
    RestClientException last = null;
    for (int k = 0; k < n; k++) {
      int i = (start + k) % n;
      Request attempt =
          i == 0 ? request : request.newBuilder().url(rebase(request.url(), hosts.get(i))).build();
      Call call = http.newCall(attempt);
      if (deadline != 0 && k > 0) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          break;
        }
        call.timeout().timeout(remaining, TimeUnit.NANOSECONDS);
      }
      if (debug != null) {
        debug.request(attempt);
      }
      try {
        Response response = call.execute();
        current.set(i);
        if (debug != null) {
          debug.response(response);
        }
        return response;
      } catch (IOException e) {
        last = IoFailures.of(config, attempt, e);
        if (n == 1 || !mayTryAnother(e, last, attempt)) {
          throw last;
        }
        failures.add(last.getMessage());
        if (debug != null && k + 1 < n) {
          debug.note(last.getMessage() + "; trying the next host");
        }
      }
    }
    throw allFailed(failures, last, n);
  }

  private static boolean mayTryAnother(IOException e, RestClientException f, Request attempt) {
    if (IoFailures.isCallTimeout(e)) {
      return false; // the whole call's time is spent (or the thread was interrupted)
    }
    if (attempt.body() instanceof StreamedBody body) {
      return f instanceof TransportException t && t.connectFailed() && !body.started();
    }
    return f instanceof TransportException || f instanceof RequestTimeoutException;
  }

  private static RestClientException allFailed(
      List<String> failures, RestClientException last, int hosts) {
    String tried = failures.size() == hosts ? "all " + hosts : failures.size() + " of " + hosts;
    String message =
        tried
            + " hosts failed"
            + (failures.size() < hosts ? " before --timeout passed" : "")
            + ": "
            + String.join("; ", failures);
    if (last instanceof RequestTimeoutException || failures.size() < hosts) {
      return new RequestTimeoutException(message, last);
    }
    boolean connectFailed = last instanceof TransportException t && t.connectFailed();
    return new TransportException(message, last, connectFailed);
  }

  /** {@code url} (built against the first host) moved to {@code to}, path prefix included. */
  private HttpUrl rebase(HttpUrl url, HttpUrl to) {
    String fromPath = hosts.get(0).encodedPath();
    String rest =
        fromPath.equals("/") ? url.encodedPath() : url.encodedPath().substring(fromPath.length());
    String toPath = to.encodedPath();
    String path = toPath.equals("/") ? rest : toPath + rest;
    return to.newBuilder().encodedPath(path).encodedQuery(url.encodedQuery()).build();
  }
}

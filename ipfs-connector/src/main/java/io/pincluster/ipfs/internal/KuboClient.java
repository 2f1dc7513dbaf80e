package io.pincluster.ipfs.internal;

import io.pincluster.core.InvalidRequestException;
import io.pincluster.core.IpfsException;
import io.pincluster.core.config.IpfsHttpSection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Sends Kubo RPC commands ({@code POST /api/v0/<cmd>?arg=…}) and turns every failure into an {@link
 * IpfsException} that names the node, the command and the cause.
 *
 * <p>Design notes. Calls are enqueued on OkHttp's dispatcher and the caller waits on a future, so
 * that interrupting the caller cancels the HTTP call (a blocking {@code execute()} would sit in a
 * socket read, deaf to interrupts). The answer is handled on the dispatcher thread ({@code
 * ipfs-http-N}, at most {@link #MAX_CONCURRENT}); a handler that keeps the response open (a lazy
 * pin listing) hands it over to the caller. Each {@link Timeout} kind gets its own derived client
 * sharing one dispatcher and connection pool: {@code REQUEST}, {@code UNPIN} and {@code REPOGC}
 * bound the whole call (OkHttp's call timeout, body included); {@code PIN} and {@code STREAM} bound
 * silence (socket read timeout), and for {@code PIN} the stream handler also bounds the time since
 * the last progress. Failures to reach the node feed {@link FailureBackoff}.
 *
 * <p>Thread-safe.
 */
public final class KuboClient implements AutoCloseable {
  /** Most requests in flight at once; more wait in OkHttp's dispatcher queue. */
  public static final int MAX_CONCURRENT = 64;

  private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Handles a successful (2xx) answer on the dispatcher thread. The response is closed afterwards,
   * unless the result is {@link AutoCloseable}: such a result takes the response over (a lazy
   * listing) and the caller must close it.
   */
  @FunctionalInterface
  public interface Handler<T> {
    T handle(Response response) throws IOException;
  }

  /** Decides what a refusal (non-2xx answer) means; null means "fail with it". */
  @FunctionalInterface
  public interface RefusalHandler<T> {
    T onRefusal(int status, String message);
  }

  private final IpfsHttpSection config;
  private final String node;
  private final HttpUrl base;
  private final Map<Timeout, OkHttpClient> clients = new EnumMap<>(Timeout.class);
  private final FailureBackoff backoff;
  private final LongSupplier ticker;
  private final ExecutorService executor;
  private final boolean ownsClient;
  private final OkHttpClient root;

  /**
   * @param client the client to derive from (its dispatcher and pool are replaced when {@code
   *     ownsClient}), or null to build one
   */
  public KuboClient(
      IpfsHttpSection config, OkHttpClient client, LongSupplier ticker, FailureBackoff backoff) {
    this.config = config;
    this.node = config.nodeMultiaddress().hostPort();
    String host = config.nodeMultiaddress().host().orElseThrow();
    this.base =
        new HttpUrl.Builder()
            .scheme("http")
            .host(host)
            .port(config.nodeMultiaddress().tcpPort().orElseThrow())
            .addPathSegments("api/v0")
            .build();
    this.ticker = ticker;
    this.backoff = backoff;
    this.ownsClient = client == null;
    this.executor = ownsClient ? newExecutor() : null;
    this.root = ownsClient ? newRoot(executor) : client;
    Duration connect =
        config.ipfsRequestTimeout().compareTo(MAX_CONNECT_TIMEOUT) < 0
            ? config.ipfsRequestTimeout()
            : MAX_CONNECT_TIMEOUT;
    for (Timeout t : Timeout.values()) {
      OkHttpClient.Builder b = root.newBuilder().connectTimeout(connect);
      Duration d = t.value(config);
      b.callTimeout(t.wholeCall() ? d : Duration.ZERO).readTimeout(d).writeTimeout(d);
      clients.put(t, b.build());
    }
  }

  /** {@code host:port} of the node, for messages. */
  public String node() {
    return node;
  }

  public LongSupplier ticker() {
    return ticker;
  }

  public IpfsHttpSection config() {
    return config;
  }

  /** {@code http://host:port/api/v0/<cmd>} with the given query parameters (name, value pairs). */
  public HttpUrl url(String cmd, String... params) {
    HttpUrl.Builder b = base.newBuilder().addPathSegments(cmd);
    for (int i = 0; i + 1 < params.length; i += 2) {
      b.addQueryParameter(params[i], params[i + 1]);
    }
    return b.build();
  }

  /** Sends {@code cmd}; refusals fail. */
  public <T> T call(String cmd, HttpUrl url, Timeout timeout, Handler<T> handler) {
    return call(cmd, url, timeout, handler, (status, message) -> null);
  }

  /** Sends {@code cmd} with an empty body; see {@link #call(String, HttpUrl, RequestBody, …)}. */
  public <T> T call(
      String cmd, HttpUrl url, Timeout timeout, Handler<T> handler, RefusalHandler<T> refusal) {
    return call(cmd, url, RequestBody.EMPTY, timeout, handler, refusal);
  }

  /**
   * Sends {@code cmd} with {@code body} and waits for {@code handler}'s result.
   *
   * @throws IpfsException when the node cannot be reached, times out, refuses (and {@code refusal}
   *     returns null), or the caller is interrupted (the call is then cancelled)
   * @throws InvalidRequestException when {@code refusal} throws it (the node refused the request's
   *     arguments)
   */
  public <T> T call(
      String cmd,
      HttpUrl url,
      RequestBody body,
      Timeout timeout,
      Handler<T> handler,
      RefusalHandler<T> refusal) {
    try {
      backoff.awaitTurn();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IpfsException("interrupted while waiting to send " + cmd + " to IPFS at " + node);
    }
    Request request = new Request.Builder().url(url).post(body).build();
    Call call = clients.get(timeout).newCall(request);
    CompletableFuture<T> result = new CompletableFuture<>();
    call.enqueue(new AnswerCallback<>(cmd, timeout, handler, refusal, result));
    try {
      return result.get();
    } catch (InterruptedException e) {
      call.cancel();
      Thread.currentThread().interrupt();
      throw new IpfsException(
          "interrupted while waiting for IPFS at " + node + " to answer " + cmd + writeNote(cmd));
    } catch (CancellationException e) {
      throw new IpfsException(cmd + " to IPFS at " + node + " was cancelled");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof InvalidRequestException invalid) {
        throw invalid;
      }
      throw translate(cmd, timeout, e.getCause());
    }
  }

  /** A failure of {@code cmd} with the node's own message. */
  public IpfsException refused(String cmd, String message) {
    return new IpfsException("IPFS at " + node + " refused " + cmd + ": " + message);
  }

  /** A pin that made no progress for pin_timeout. */
  public IpfsException noProgress(String cmd, String what) {
    return new IpfsException(
        "IPFS at "
            + node
            + " made no progress on "
            + cmd
            + " of "
            + what
            + " within "
            + Timeout.PIN.describe(config)
            + "; the pin may still complete in IPFS");
  }

  /**
   * The failure of a streamed answer that the caller reads after {@link #call} returned (a lazy
   * listing): named like the failures of {@link #call}.
   */
  public IpfsException streamFailure(String cmd, Timeout timeout, IOException cause) {
    return translate(cmd, timeout, cause);
  }

  /** Releases the dispatcher threads and pooled connections of a client this built. */
  @Override
  public void close() {
    if (!ownsClient) {
      return;
    }
    root.dispatcher().cancelAll();
    executor.shutdown();
    root.connectionPool().evictAll();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class AnswerCallback<T> implements Callback {
    private final String cmd;
    private final Timeout timeout;
    private final Handler<T> handler;
    private final RefusalHandler<T> refusal;
    private final CompletableFuture<T> result;

    AnswerCallback(
        String cmd,
        Timeout timeout,
        Handler<T> handler,
        RefusalHandler<T> refusal,
        CompletableFuture<T> result) {
      this.cmd = cmd;
      this.timeout = timeout;
      this.handler = handler;
      this.refusal = refusal;
      this.result = result;
    }

    @Override
    public void onFailure(Call call, IOException e) {
      backoff.failure();
      result.completeExceptionally(e);
    }

    @Override
    public void onResponse(Call call, Response response) {
      backoff.success();
      boolean handedOver = false;
      try {
        if (!response.isSuccessful()) {
          String message = refusalMessage(response);
          T value = refusal.onRefusal(response.code(), message);
          if (value == null) {
            throw refused(cmd, message);
          }
          result.complete(value);
          return;
        }
        T value = handler.handle(response);
        handedOver = value instanceof AutoCloseable;
        result.complete(value);
      } catch (IOException e) {
        backoff.failure();
        result.completeExceptionally(e);
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      } finally {
        if (!handedOver) {
          response.close();
        }
      }
    }
  }

  private String refusalMessage(Response response) {
    String body;
    try {
      body = KuboJson.readAll(response.body().source(), 64 * 1024).trim();
    } catch (IOException e) {
      body = "";
    }
    String message = KuboJson.errorMessage(KuboJson.parse(body));
    if (message.isEmpty()) {
      message = body.isEmpty() ? "HTTP " + response.code() : abbreviate(body);
      if (response.code() == 404) {
        message = "HTTP 404, the node does not know this command (" + message + ")";
      }
    }
    return message;
  }

  private IpfsException translate(String cmd, Timeout timeout, Throwable cause) {
    if (cause instanceof IpfsException e) {
      return e;
    }
    if (cause instanceof ConnectException) {
      return unreachable("connection refused", cause);
    }
    if (cause instanceof UnknownHostException) {
      return unreachable("unknown host", cause);
    }
    String text = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
    if (cause instanceof SocketTimeoutException && text.contains("connect")) {
      return unreachable("connect timed out", cause);
    }
    if (cause instanceof InterruptedIOException && isInterruption(cause)) {
      return new IpfsException(
          cmd
              + " to IPFS at "
              + node
              + " was interrupted (the peer is stopping or the operation"
              + " was cancelled)"
              + writeNote(cmd),
          cause);
    }
    if (cause instanceof InterruptedIOException) {
      String what =
          switch (timeout) {
            case PIN -> "made no progress on " + cmd + " within " + timeout.describe(config);
            case STREAM -> "went silent on " + cmd + " for longer than " + timeout.describe(config);
            default -> "did not finish " + cmd + " within " + timeout.describe(config);
          };
      return new IpfsException("IPFS at " + node + " " + what + writeNote(cmd), cause);
    }
    if (cause instanceof IOException) {
      return new IpfsException(
          "IPFS at " + node + " broke off " + cmd + ": " + cause.getMessage() + writeNote(cmd),
          cause);
    }
    return new IpfsException("IPFS at " + node + " failed " + cmd + ": " + cause, cause);
  }

  /**
   * Whether {@code cause} (an {@link InterruptedIOException}) is okio's answer to an interrupted
   * thread rather than a timeout: a read or write timeout is a {@link SocketTimeoutException}, the
   * whole-call timeout says "timeout", an interrupt "interrupted".
   */
  private static boolean isInterruption(Throwable cause) {
    return !(cause instanceof SocketTimeoutException) && "interrupted".equals(cause.getMessage());
  }

  private IpfsException unreachable(String why, Throwable cause) {
    return new IpfsException("cannot reach IPFS at " + node + ": " + why, cause);
  }

  /** Writes whose outcome is unknown say so (see STYLE: say what cannot be known). */
  private static String writeNote(String cmd) {
    return cmd.startsWith("pin/") && !cmd.equals("pin/ls")
        ? "; it may still complete in IPFS (safe to retry)"
        : "";
  }

  private static String abbreviate(String s) {
    String one = s.replace('\n', ' ');
    return one.length() <= 200 ? one : one.substring(0, 197) + "...";
  }

  private static ExecutorService newExecutor() {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            0,
            MAX_CONCURRENT,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "ipfs-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    return executor;
  }

  private static OkHttpClient newRoot(ExecutorService executor) {
    Dispatcher dispatcher = new Dispatcher(executor);
    dispatcher.setMaxRequests(MAX_CONCURRENT);
    dispatcher.setMaxRequestsPerHost(MAX_CONCURRENT);
    return new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .connectionPool(new ConnectionPool(8, 5, TimeUnit.MINUTES))
        .build();
  }
}

package io.pincluster.ipfsproxy.internal;

import io.pincluster.core.json.Json;
import io.pincluster.http.HttpException;
import io.pincluster.http.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * Kubo's error answers: {@code {"Message":…,"Code":0,"Type":"error"}} with HTTP 500, or code 1 with
 * HTTP 400 for bad arguments (go-ipfs-cmds' {@code ErrNormal} and {@code ErrClient}).
 */
public final class KuboError {
  private KuboError() {}

  /** {@code status} with Kubo's error body. */
  public static Response response(int status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("Message", message == null ? "" : message);
    body.put("Code", status >= 400 && status < 500 ? 1 : 0);
    body.put("Type", "error");
    return Response.json(status, body);
  }

  /** A bad argument: 400, code 1. */
  public static HttpException badArgument(String message) {
    return new HttpException(400, message);
  }

  /** A failure the cluster or the node reported: 500, code 0. */
  public static HttpException failed(String message) {
    return new HttpException(500, message);
  }

  /**
   * The router's error mapping: {@link HttpException}s keep their status (bad arguments are thrown
   * as 400 where they are parsed), everything else (cluster and IPFS failures) is 500; the message
   * is the failure's.
   */
  public static Response map(Throwable t) {
    String message = messageOf(t);
    if (t instanceof HttpException h) {
      return response(h.status(), message);
    }
    if (t instanceof CancellationException) {
      return response(500, "the request was cancelled");
    }
    return response(500, message);
  }

  static String messageOf(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isEmpty() ? t.getClass().getSimpleName() : m;
  }

  /** The JSON bytes of a Kubo-shaped object (field names as given), with a newline. */
  static byte[] line(Map<String, ?> object) {
    return Json.writeLine(object);
  }
}

package io.pincluster.ipfsproxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pincluster.core.config.IpfsProxySection;
import io.pincluster.core.peer.Multiaddr;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A started {@link IpfsProxyServer} in front of some node, and a plain OkHttp client acting as a
 * Kubo RPC client. Closes what it started.
 */
final class ProxyFixture implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** A complete answer: status, headers, body text and trailers. */
  record Answer(int code, Headers headers, String body, Headers trailers) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    /** The NDJSON lines of the body. */
    List<JsonNode> lines() {
      List<JsonNode> out = new ArrayList<>();
      for (String line : body.split("\n")) {
        if (!line.isEmpty()) {
          try {
            out.add(JSON.readTree(line));
          } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + line, e);
          }
        }
      }
      return out;
    }
  }

  final FakeClusterApi api = new FakeClusterApi();
  final IpfsProxyServer proxy;
  final String base;
  final OkHttpClient client =
      new OkHttpClient.Builder()
          .readTimeout(Duration.ofSeconds(30))
          .writeTimeout(Duration.ofSeconds(30))
          .retryOnConnectionFailure(false)
          .build();

  ProxyFixture(Multiaddr node) {
    this(config(node, ""));
  }

  ProxyFixture(IpfsProxySection config) {
    proxy = new IpfsProxyServer(config, api);
    InetSocketAddress bound = proxy.start().get(0);
    base = "http://127.0.0.1:" + bound.getPort();
  }

  static IpfsProxySection config(Multiaddr node, String logFile) {
    return new IpfsProxySection(
        Multiaddr.parse("/ip4/127.0.0.1/tcp/0"),
        node,
        logFile,
        Duration.ZERO,
        Duration.ofSeconds(5),
        Duration.ZERO,
        Duration.ofMinutes(1),
        4096);
  }

  /** {@code POST /api/v0/<cmdAndQuery>} with an empty body. */
  Answer post(String cmdAndQuery) throws IOException {
    return call("POST", cmdAndQuery, RequestBody.create(new byte[0]));
  }

  Answer call(String method, String cmdAndQuery, RequestBody body) throws IOException {
    Request r =
        new Request.Builder().url(base + "/api/v0/" + cmdAndQuery).method(method, body).build();
    try (Response resp = client.newCall(r).execute()) {
      String text = resp.body().string();
      return new Answer(resp.code(), resp.headers(), text, resp.trailers());
    }
  }

  /** A multipart body with one file part, as Kubo clients send to {@code add}. */
  static RequestBody multipartFile(String name, byte[] data) {
    return new okhttp3.MultipartBody.Builder()
        .setType(okhttp3.MultipartBody.FORM)
        .addFormDataPart(
            "file", name, RequestBody.create(data, MediaType.get("application/octet-stream")))
        .build();
  }

  @Override
  public void close() {
    proxy.close();
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}

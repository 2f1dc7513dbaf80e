package io.pincluster.restapi;

import static io.pincluster.restapi.FakeClusterApi.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;

/** Starts a REST API server on 127.0.0.1 port 0 over a {@link FakeClusterApi}; OkHttp calls it. */
abstract class ApiHarness {
  protected final FakeClusterApi api = new FakeClusterApi();
  protected final List<RestApiServer> servers = new ArrayList<>();
  protected final OkHttpClient client =
      new OkHttpClient.Builder().followRedirects(false).retryOnConnectionFailure(false).build();
  protected String base;

  @AfterEach
  void stopServers() {
    servers.forEach(RestApiServer::close);
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  protected String start() {
    return start(s -> {});
  }

  protected String start(Consumer<SectionBuilder> tweak) {
    SectionBuilder s = new SectionBuilder();
    tweak.accept(s);
    RestApiServer server = new RestApiServer(s.build(), api, InstantSource.fixed(T));
    servers.add(server);
    InetSocketAddress a = server.start().get(0);
    base = "http://127.0.0.1:" + a.getPort();
    return base;
  }

  protected Response call(String method, String path) throws IOException {
    return call(method, path, b -> {});
  }

  protected Response call(String method, String path, Consumer<Request.Builder> tweak)
      throws IOException {
    RequestBody body =
        method.equals("POST") || method.equals("PUT")
            ? RequestBody.create(new byte[0], MediaType.get("text/plain"))
            : null;
    Request.Builder b = new Request.Builder().url(base + path).method(method, body);
    tweak.accept(b);
    return client.newCall(b.build()).execute();
  }

  protected Response post(String path, RequestBody body, Consumer<Request.Builder> tweak)
      throws IOException {
    Request.Builder b = new Request.Builder().url(base + path).post(body);
    tweak.accept(b);
    return client.newCall(b.build()).execute();
  }

  protected static JsonNode json(Response r) throws IOException {
    return Json.mapper().readTree(r.body().bytes());
  }

  protected static JsonNode json(String text) throws IOException {
    return Json.mapper().readTree(text);
  }

  protected static List<JsonNode> ndjson(Response r) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : r.body().string().split("\n")) {
      if (!line.isEmpty()) {
        out.add(Json.mapper().readTree(line));
      }
    }
    return out;
  }

  protected static List<String> fields(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  protected static void assertError(Response r, int code, String message) throws IOException {
    assertThat(r.code()).isEqualTo(code);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    JsonNode body = json(r);
    assertThat(fields(body)).containsExactly("code", "message");
    assertThat(body.get("code").asInt()).isEqualTo(code);
    assertThat(body.get("message").asText()).isEqualTo(message);
  }
}

package io.pincluster.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routing without a network: the router is a plain function from request to response. */
class RouterTest {
  private static Request request(String method, String uri) {
    return new Request(method, uri, "HTTP/1.1", Map.of(), new byte[0], null);
  }

  private static String body(Response r) {
    return new String(r.body(), StandardCharsets.UTF_8).trim();
  }

  private final Router router =
      Router.builder()
          .get("/pins/{cid}", req -> Response.ok("param:" + req.pathParam("cid")))
          .delete("/pins/{cid}", req -> Response.ok("delete"))
          .get("/pins/ipfs/{path...}", req -> Response.ok("rest:" + req.pathParam("path")))
          .get("/pins/recover", req -> Response.ok("literal"))
          .get("/", req -> Response.ok("root"))
          .build();

  @Test
  void routesListsEveryMethodAndTemplateMostSpecificFirst() {
    assertThat(router.routes())
        .containsExactlyInAnyOrder(
            "GET /pins/{cid}",
            "DELETE /pins/{cid}",
            "GET /pins/ipfs/{path...}",
            "GET /pins/recover",
            "GET /");
    assertThat(router.routes().indexOf("GET /pins/recover"))
        .isLessThan(router.routes().indexOf("GET /pins/{cid}"));
  }

  @Test
  void mostSpecificTemplateWinsWhateverTheRegistrationOrder() {
    assertThat(body(router.handle(request("GET", "/pins/recover")))).isEqualTo("\"literal\"");
    assertThat(body(router.handle(request("GET", "/pins/Qm1")))).isEqualTo("\"param:Qm1\"");
    assertThat(body(router.handle(request("GET", "/pins/ipfs/Qm1/a%2Fb/c"))))
        .isEqualTo("\"rest:Qm1/a/b/c\"");
    assertThat(body(router.handle(request("GET", "/pins/ipfs")))).isEqualTo("\"param:ipfs\"");
    assertThat(body(router.handle(request("GET", "/")))).isEqualTo("\"root\"");
  }

  @Test
  void otherMethodsOnAKnownPathAre405ListingTheAllowedOnes() {
    Response r = router.handle(request("POST", "/pins/Qm1"));
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("Allow")).contains("DELETE, GET");
    assertThat(Json.read(r.body(), Map.class)).containsEntry("code", 405);
  }

  @Test
  void trailingSlashRedirectsAndMalformedEscapesAre400() {
    Response redirect = router.handle(request("DELETE", "/pins/Qm1/?a=1&b=2"));
    assertThat(redirect.status()).isEqualTo(307);
    assertThat(redirect.header("Location")).contains("/pins/Qm1?a=1&b=2");
    assertThat(router.handle(request("GET", "/pins/%zz")).status()).isEqualTo(400);
    assertThat(router.handle(request("GET", "/pins//x")).status()).isEqualTo(404);
  }

  @Test
  void absoluteFormTargetsAreRoutedByTheirPath() {
    Request r = request("GET", "http://example.com:9094/pins/Qm1?local=true");
    assertThat(r.rawPath()).isEqualTo("/pins/Qm1");
    assertThat(r.queryParam("local")).contains("true");
    assertThat(body(router.handle(r))).isEqualTo("\"param:Qm1\"");
  }

  @Test
  void malformedOrDuplicateRoutesAreRejectedWhenBuilt() {
    assertThatThrownBy(() -> Router.builder().get("pins", req -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must start with /");
    assertThatThrownBy(() -> Router.builder().get("/a/{rest...}/b", req -> null))
        .hasMessageContaining("must be the last segment");
    assertThatThrownBy(() -> Router.builder().get("/a/{x}/{x}", req -> null))
        .hasMessageContaining("repeats parameter");
    assertThatThrownBy(() -> Router.builder().get("/a/", req -> null))
        .hasMessageContaining("empty segment");
    assertThatThrownBy(() -> Router.builder().get("/a/{x}", req -> null).get("/a/{x}", req -> null))
        .hasMessageContaining("already set");
  }

  @Test
  void nullResponsesAndThrowingFiltersBecome500() {
    Router r =
        Router.builder()
            .filter(
                (req, next) -> {
                  if (req.rawPath().equals("/explode")) {
                    throw new IllegalStateException("filter broke");
                  }
                  return next.handle(req);
                })
            .get("/null", req -> null)
            .build();
    assertThat(r.handle(request("GET", "/null")).status()).isEqualTo(500);
    Response exploded = r.handle(request("GET", "/explode"));
    assertThat(exploded.status()).isEqualTo(500);
    assertThat(body(exploded)).contains("filter broke");
    assertThat(exploded.kind()).isEqualTo(Response.Kind.BODY);
  }

  @Test
  void onlyRoutesAddedAsStreamingTakeTheirBodyAsAStream() {
    Router r =
        Router.builder()
            .postStreamingBody("/pins", req -> Response.noContent())
            .post("/pins/{cid}", req -> Response.noContent())
            .get("/pins", req -> Response.noContent())
            .build();
    assertThat(r.streamsBody("POST", "/pins")).isTrue();
    assertThat(r.streamsBody("GET", "/pins")).isFalse();
    assertThat(r.streamsBody("POST", "/pins/Qm1")).isFalse();
    assertThat(r.streamsBody("POST", "/pins/")).isFalse();
    assertThat(r.streamsBody("POST", "/%zz")).isFalse();
    assertThat(r.streamsBody("POST", "/nowhere")).isFalse();
  }

  @Test
  void streamedRequestBodyIsReadFromItsStreamOnly() throws Exception {
    Request streamed =
        Request.streaming(
            "POST",
            "/pins?name=x",
            "HTTP/1.1",
            Map.of(),
            new java.io.ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8)),
            null);
    assertThat(streamed.hasStreamingBody()).isTrue();
    assertThat(streamed.queryParam("name")).contains("x");
    assertThatThrownBy(streamed::body)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bodyStream()");
    assertThat(streamed.withPathParams(Map.of()).bodyStream().readAllBytes())
        .isEqualTo("abc".getBytes(StandardCharsets.UTF_8));
    Request aggregated = request("POST", "/pins");
    assertThat(aggregated.hasStreamingBody()).isFalse();
    assertThat(aggregated.bodyStream().readAllBytes()).isEmpty();
  }

  @Test
  void fallbackTakesEveryUnmatchedMethodAndPathAndTrailingSlashesCanBeIgnored() {
    Router r =
        Router.builder()
            .ignoreTrailingSlash()
            .post("/api/v0/pin/add", req -> Response.ok("pin"))
            .post("/api/v0/pin/add/{arg...}", req -> Response.ok("pin:" + req.pathParam("arg")))
            .fallbackStreamingBody(req -> Response.ok("fallback:" + req.method() + req.rawPath()))
            .build();
    assertThat(body(r.handle(request("POST", "/api/v0/pin/add")))).isEqualTo("\"pin\"");
    assertThat(body(r.handle(request("POST", "/api/v0/pin/add//")))).isEqualTo("\"pin\"");
    assertThat(body(r.handle(request("POST", "/api/v0/pin/add/Qm1/")))).isEqualTo("\"pin:Qm1\"");
    assertThat(body(r.handle(request("DELETE", "/api/v0/pin/add"))))
        .as("another method on a known path")
        .isEqualTo("\"fallback:DELETE/api/v0/pin/add\"");
    assertThat(body(r.handle(request("POST", "/api/v0/id/"))))
        .as("the raw path keeps its slash")
        .isEqualTo("\"fallback:POST/api/v0/id/\"");
    assertThat(body(r.handle(request("GET", "/x/%zz")))).isEqualTo("\"fallback:GET/x/%zz\"");
    assertThat(r.streamsBody("POST", "/api/v0/pin/add/")).isFalse();
    assertThat(r.streamsBody("PUT", "/api/v0/pin/add")).isTrue();
    assertThat(r.streamsBody("POST", "/api/v0/cat")).isTrue();
    assertThat(r.streamsBody("POST", "/%zz")).isTrue();
  }
}

package io.pincluster.restapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** §1.6: Basic credentials, JWT from POST /token, Bearer tokens on every route, 401 shapes. */
class AuthAndTokenTest extends ApiHarness {
  private static final String BASIC_CHALLENGE = "Basic realm=\"Restricted IPFS Cluster API\"";
  private static final String BEARER_CHALLENGE = "Bearer realm=\"Restricted IPFS Cluster API\"";
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private static String basic(String userPass) {
    return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  /** A token made independently of the server: HS256 over header.payload with {@code key}. */
  private static String token(String headerJson, String payloadJson, String key, String alg)
      throws Exception {
    String signed =
        B64URL.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8))
            + "."
            + B64URL.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance(alg);
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), alg));
    return signed
        + "."
        + B64URL.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
  }

  private static String hs256(String payloadJson, String key) throws Exception {
    return token("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payloadJson, key, "HmacSHA256");
  }

  private Response get(String path, String authorization) throws IOException {
    return call("GET", path, b -> b.header("Authorization", authorization));
  }

  @Test
  void tokenIsTheJwtGolangJwtWouldSignForTheUser() throws Exception {
    start(s -> s.credentials = Map.of("alice", "secret", "bob", "hunter2"));
    String token;
    try (Response r =
        call("POST", "/token", b -> b.header("Authorization", basic("alice:secret")))) {
      assertThat(r.code()).isEqualTo(200);
      JsonNode body = json(r);
      assertThat(fields(body)).containsExactly("token");
      token = body.get("token").asText();
    }
    assertThat(token).isEqualTo(hs256("{\"iss\":\"alice\"}", "secret"));
    assertThat(token).startsWith("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJhbGljZSJ9.");

    try (Response r = get("/id", "Bearer " + token)) {
      assertThat(r.code()).isEqualTo(200);
    }
    try (Response r = call("POST", "/token", b -> b.header("Authorization", "bearer " + token))) {
      assertThat(json(r).get("token").asText()).as("a token renews itself").isEqualTo(token);
    }
  }

  @Test
  void badTokensAre401InvalidTokenWithABearerChallenge() throws Exception {
    start(s -> s.credentials = Map.of("alice", "secret", "bob", "hunter2"));
    String[] bad = {
      hs256("{\"iss\":\"alice\"}", "hunter2"), // bob's password
      hs256("{\"iss\":\"carol\"}", "secret"), // not a user
      hs256("{\"sub\":\"alice\"}", "secret"), // no issuer
      hs256("{\"iss\":\"alice\",\"exp\":1000}", "secret"), // expired
      hs256("{\"iss\":\"alice\",\"nbf\":99999999999}", "secret"), // not yet valid
      token("{\"alg\":\"none\"}", "{\"iss\":\"alice\"}", "secret", "HmacSHA256"),
      "not.a.token",
      "x"
    };
    for (String t : bad) {
      try (Response r = get("/id", "Bearer " + t)) {
        assertError(r, 401, "unauthorized: invalid token");
        assertThat(r.headers("WWW-Authenticate"))
            .containsExactly(BEARER_CHALLENGE + ", error=\"invalid_token\"");
      }
    }
    String hs512 =
        token("{\"alg\":\"HS512\",\"typ\":\"JWT\"}", "{\"iss\":\"bob\"}", "hunter2", "HmacSHA512");
    try (Response r = get("/id", "Bearer " + hs512)) {
      assertThat(r.code()).as("any HMAC algorithm, as golang-jwt").isEqualTo(200);
    }
    try (Response r =
        get("/id", "Bearer " + hs256("{\"iss\":\"bob\",\"exp\":99999999999}", "hunter2"))) {
      assertThat(r.code()).isEqualTo(200);
    }
  }

  @Test
  void missingOrUnknownCredentialsGetBothChallenges() throws Exception {
    start(s -> s.credentials = Map.of("alice", "secret"));
    for (String header : new String[] {"", "Digest abc", "Basic !!!notbase64", basic("nocolon")}) {
      try (Response r = header.isEmpty() ? call("GET", "/pins") : get("/pins", header)) {
        assertError(r, 401, "unauthorized: no auth provided");
        assertThat(r.headers("WWW-Authenticate"))
            .containsExactly(BEARER_CHALLENGE, BASIC_CHALLENGE);
      }
    }
    try (Response r = get("/pins", basic("alice:"))) {
      assertError(r, 401, "unauthorized: access denied");
      assertThat(r.headers("WWW-Authenticate")).containsExactly(BASIC_CHALLENGE);
    }
    try (Response r = call("POST", "/token")) {
      assertError(r, 401, "unauthorized: no auth provided");
    }
    try (Response r = call("POST", "/add", b -> b.header("Authorization", basic("alice:nope")))) {
      assertError(r, 401, "unauthorized: access denied");
    }
  }

  @Test
  void withoutConfiguredCredentialsTokenIs401Unauthorized() throws Exception {
    start();
    try (Response r =
        call("POST", "/token", b -> b.header("Authorization", basic("alice:secret")))) {
      assertError(r, 401, "unauthorized");
    }
    try (Response r = get("/id", "Bearer whatever")) {
      assertThat(r.code()).as("no authentication at all").isEqualTo(200);
    }
  }
}

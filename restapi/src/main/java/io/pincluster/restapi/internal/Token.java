package io.pincluster.restapi.internal;

import io.pincluster.http.Request;
import io.pincluster.http.Response;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /token} (IPFS Cluster's {@code GenerateTokenHandler}): a JWT for the user the request
 * authenticated as, {@code {"token": "…"}}. The request already passed {@link Auth}; the issuer is
 * the Basic user, or the issuer of the Bearer token. Without configured credentials, or without
 * either header, the answer is 401 {@code unauthorized}.
 */
final class Token {
  /** {@code {"token": …}}. */
  record JwtToken(String token) {}

  private Token() {}

  static Response issue(Request req, Map<String, String> credentials, InstantSource clock) {
    if (credentials == null) {
      return Response.error(401, "unauthorized");
    }
    String header = req.header("Authorization").orElse("");
    Optional<String> issuer = Auth.basic(header).map(Auth.BasicCredentials::user);
    if (issuer.isEmpty()) {
      issuer = Auth.bearer(header).flatMap(t -> Jwt.verify(credentials, t, clock.instant()));
    }
    String password = issuer.map(credentials::get).orElse(null);
    if (password == null) {
      return Response.error(401, "unauthorized");
    }
    return Response.ok(new JwtToken(Jwt.sign(issuer.get(), password)));
  }
}

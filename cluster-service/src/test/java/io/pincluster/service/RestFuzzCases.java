package io.pincluster.service;

import io.pincluster.core.cid.Cid;
import io.pincluster.testing.Cids;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Generates malformed REST requests from a seeded {@link Random}: invalid CIDs and peer IDs in
 * every route that takes one, invalid pin options on otherwise valid pins, bad bodies (garbage,
 * wrong JSON types, huge, broken multipart), unknown paths and methods, junk query strings. Every
 * case carries what the server must answer; none may change the pinset or the peerset.
 */
final class RestFuzzCases {
  /** What a case must get: exactly a 4xx with a JSON error, or anything below 500. */
  enum Expect {
    CLIENT_ERROR,
    BELOW_500
  }

  /** One request; {@code body} null means no body. */
  record Case(
      String name, String method, String target, String contentType, byte[] body, Expect expect) {
    @Override
    public String toString() {
      int n = body == null ? 0 : body.length;
      String t = target.length() > 160 ? target.substring(0, 160) + "…" : target;
      return name + ": " + method + " " + t + " (" + n + " body bytes)";
    }
  }

  private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  private static final List<String> CID_ROUTES =
      List.of(
          "POST /pins/%s",
          "DELETE /pins/%s",
          "GET /pins/%s",
          "POST /pins/%s/recover",
          "POST /pins/%s/sync",
          "GET /allocations/%s",
          "POST /pins/ipfs/%s",
          "DELETE /pins/ipfs/%s/a/b",
          "POST /pins/ipld/%s",
          "GET /pins?cids=%s",
          "GET /pins?cids=" + Cids.V0_1 + ",%s");

  private final Random random;
  private final List<Function<Random, Case>> generators =
      List.of(
          this::invalidCid,
          this::invalidPinOption,
          this::invalidPeerId,
          this::badPeerAddBody,
          this::badFilter,
          this::badBulkQuery,
          this::badAdd,
          this::wrongMethod,
          this::randomPath,
          this::junkQuery,
          this::hugeBody,
          this::badToken,
          this::badMetricName);

  RestFuzzCases(Random random) {
    this.random = random;
  }

  Case next() {
    return generators.get(random.nextInt(generators.size())).apply(random);
  }

  /** A fresh valid CID from the seeded random (never one the test pinned). */
  static Cid freshCid(Random r) {
    byte[] b = new byte[24];
    r.nextBytes(b);
    Cid c = Cids.rawOf(b);
    return r.nextBoolean() ? c : Cids.v0Of(new String(b, StandardCharsets.ISO_8859_1));
  }

  /** Text that does not decode as a CID: truncated, bad alphabet, wrong prefix, junk, huge. */
  static String invalidCidText(Random r) {
    String valid = freshCid(r).toString();
    switch (r.nextInt(9)) {
      case 0:
        return valid.substring(0, 1 + r.nextInt(valid.length() - 2));
      case 1:
        return valid.substring(0, 5) + "0OIl" + valid.substring(9);
      case 2:
        return "Qm" + randomString(r, BASE58, 10 + r.nextInt(60));
      case 3:
        return "z" + randomString(r, "!@$^*()[]{}<>~`'\"|", 1 + r.nextInt(30));
      case 4:
        return randomString(r, "abcdefghijklmnopqrstuvwxyz0123456789", 1 + r.nextInt(80));
      case 5:
        return "b" + randomString(r, "ABCDEFGHIJ", 3000 + r.nextInt(3000));
      case 6:
        return "%00" + valid;
      case 7:
        return "\u00e9\u4e2d\ud83d\ude00" + valid;
      default:
        return "f" + "01".repeat(1 + r.nextInt(40));
    }
  }

  static String randomString(Random r, String alphabet, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static <T> T pick(Random r, List<T> list) {
    return list.get(r.nextInt(list.size()));
  }

  private Case invalidCid(Random r) {
    String[] route = pick(r, CID_ROUTES).split(" ", 2);
    String target = String.format(route[1], enc(invalidCidText(r)));
    return new Case("invalid CID", route[0], target, null, null, Expect.CLIENT_ERROR);
  }

  private Case invalidPinOption(Random r) {
    List<String> bad =
        List.of(
            "replication-min="
                + enc(pick(r, List.of("abc", "1.5", "99999999999", "", "0x1")))
                + "x",
            "replication-max=" + pick(r, List.of("two", "-", "1e3")),
            "replication=" + pick(r, List.of("many", "3.0", "2147483648")),
            "mode=" + pick(r, List.of("indirect", "RECURSIVEX", "1", "%00")),
            "expire-at=" + enc(pick(r, List.of("tomorrow", "2024-13-01T00:00:00Z", "1700000000"))),
            "expire-in=" + pick(r, List.of("10", "1x", "-5m", "0s", "500ms", "h")),
            "user-allocations=" + enc(pick(r, List.of("notapeer", "12D3Koo,", "QmShort"))),
            "pin-update=" + enc(invalidCidText(r)),
            "origins="
                + enc(pick(r, List.of("/ip4/1.2.3.4/tcp/4001", "not-a-multiaddr", "/ip4/x"))),
            "shard-size=" + pick(r, List.of("-1", "big", "1.5")));
    String q = pick(r, bad);
    String cid = freshCid(r).toString();
    String route =
        pick(r, List.of("/pins/" + cid, "/pins/ipfs/" + cid + "/sub", "/pins/ipld/" + cid));
    return new Case("invalid pin option", "POST", route + "?" + q, null, null, Expect.CLIENT_ERROR);
  }

  private Case invalidPeerId(Random r) {
    String id =
        pick(
            r,
            List.of(
                randomString(r, BASE58, 1 + r.nextInt(60)),
                "12D3KooW" + randomString(r, "0OIl", 10),
                Cids.V0_1.toString().substring(0, 20),
                "x".repeat(4000)));
    return new Case(
        "invalid peer ID", "DELETE", "/peers/" + enc(id), null, null, Expect.CLIENT_ERROR);
  }

  private Case badPeerAddBody(Random r) {
    String body =
        pick(
            r,
            List.of(
                "",
                "{",
                "null",
                "[]",
                "\"peer\"",
                "{\"peer_id\": 42}",
                "{\"peer_id\": \"\"}",
                "{\"peer_id\": \"/ip4/127.0.0.1/tcp/1\"}",
                "{\"peer_id\": \"/ip4/999.1.1.1/tcp/1/p2p/x\"}",
                "{\"peer_id\": \"" + randomString(r, BASE58, 30) + "\"}",
                "{\"peer_id\": \"12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN\"}",
                "{\"peer_id\": \"12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN\","
                    + " \"addresses\": [1, 2]}",
                "{\"peer_id\": {\"nested\": [[[[[[[[[[[[]]]]]]]]]]]]}}",
                "[".repeat(5000),
                randomString(r, "{}[]\":,0123456789abc \n", 200)));
    String type = pick(r, java.util.Arrays.asList("application/json", "text/plain", null));
    return new Case(
        "bad peer-add body",
        "POST",
        "/peers",
        type,
        body.getBytes(StandardCharsets.UTF_8),
        Expect.CLIENT_ERROR);
  }

  private Case badFilter(Random r) {
    String v = enc(pick(r, List.of("bogus", "pinned,bogus2", ",", "PIN", "%")));
    String target =
        pick(r, List.of("/pins?filter=" + v, "/allocations?filter=" + enc("nothing" + v)));
    if (target.startsWith("/pins?filter=pinned")) {
      target = "/pins?filter=zzz";
    }
    return new Case("bad filter", "GET", target, null, null, Expect.CLIENT_ERROR);
  }

  private Case badBulkQuery(Random r) {
    String q =
        pick(
            r,
            List.of(
                "line-offset=-1",
                "line-offset=abc",
                "line-offset=99999999999999999999",
                "replication-min=x",
                "mode=bogus",
                "expire-in=1"));
    byte[] body = (freshCid(r) + "\n").getBytes(StandardCharsets.UTF_8);
    return new Case(
        "bad bulk query", "POST", "/pins?" + q, "application/x-ndjson", body, Expect.CLIENT_ERROR);
  }

  private Case badAdd(Random r) {
    String boundary = "b" + r.nextInt(1_000_000);
    String part =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\nhello";
    List<String[]> variants =
        List.of(
            new String[] {"text/plain", "hello"},
            new String[] {"multipart/form-data", part},
            new String[] {"multipart/form-data; boundary=" + boundary, part},
            new String[] {"multipart/form-data; boundary=" + boundary, part.substring(0, 20)},
            new String[] {"multipart/form-data; boundary=" + boundary, ""},
            new String[] {"multipart/form-data; boundary=" + boundary, "--" + boundary + "--\r\n"},
            new String[] {"multipart/form-data; boundary=" + boundary, "garbage\r\n\r\n"},
            new String[] {"multipart/form-data; boundary=" + boundary, part + "\r\n--other--\r\n"});
    String[] v = pick(r, variants);
    String q = r.nextBoolean() ? "" : "?stream-channels=false";
    if (r.nextInt(4) == 0) {
      // A valid body with an invalid option must be refused before anything is added.
      v =
          new String[] {
            "multipart/form-data; boundary=" + boundary, part + "\r\n--" + boundary + "--\r\n"
          };
      q =
          "?"
              + pick(
                  r, List.of("replication-min=x", "cid-version=7", "hash=nohash", "chunker=x-1"));
    }
    return new Case(
        "bad add",
        "POST",
        "/add" + q,
        v[0],
        v[1].getBytes(StandardCharsets.UTF_8),
        Expect.CLIENT_ERROR);
  }

  private Case wrongMethod(Random r) {
    String method = pick(r, List.of("PUT", "PATCH", "BREW", "PROPFIND", "TRACE"));
    String path =
        pick(
            r,
            List.of(
                "/pins/" + Cids.V0_1,
                "/pins",
                "/peers",
                "/id",
                "/allocations",
                "/add",
                "/health",
                "/pins/ipfs/" + Cids.V0_2));
    byte[] body = r.nextBoolean() ? null : "{}".getBytes(StandardCharsets.UTF_8);
    return new Case("wrong method", method, path, null, body, Expect.CLIENT_ERROR);
  }

  private Case randomPath(Random r) {
    StringBuilder p = new StringBuilder();
    int segments = 1 + r.nextInt(5);
    for (int i = 0; i < segments; i++) {
      String seg =
          pick(
              r,
              List.of(
                  randomString(r, "abcxyz0123-_.~", 1 + r.nextInt(12)),
                  "..",
                  ".",
                  "%2e%2e",
                  "%2F",
                  "%00",
                  "%ff%fe",
                  "nope",
                  "pinz",
                  "ipfs"));
      p.append('/').append(seg);
    }
    String path = "/zz" + p;
    String method = pick(r, List.of("GET", "POST", "DELETE"));
    return new Case("random path", method, path, null, null, Expect.CLIENT_ERROR);
  }

  private Case junkQuery(Random r) {
    String q =
        pick(
            r,
            List.of(
                "%%%&&==",
                "local=maybe&local=true&local",
                "a=" + "%".repeat(50),
                "=&=&=",
                "x=" + "y".repeat(3000),
                "local=%ZZ"));
    String path = pick(r, List.of("/id", "/version", "/peers", "/pins", "/allocations", "/health"));
    return new Case("junk query", "GET", path + "?" + q, null, null, Expect.BELOW_500);
  }

  private Case hugeBody(Random r) {
    byte[] body = new byte[(1 << 20) + 1 + r.nextInt(1 << 18)];
    r.nextBytes(body);
    String path = pick(r, List.of("/peers", "/pins/" + freshCid(r), "/token"));
    return new Case("huge body", "POST", path, "application/json", body, Expect.CLIENT_ERROR);
  }

  private Case badToken(Random r) {
    String body = pick(r, List.of("", "{", "garbage", "{\"user\":1}"));
    return new Case(
        "bad token request",
        "POST",
        "/token",
        "application/json",
        body.getBytes(StandardCharsets.UTF_8),
        Expect.CLIENT_ERROR);
  }

  private Case badMetricName(Random r) {
    return new Case(
        "blank metric name",
        "GET",
        "/monitor/metrics/" + pick(r, List.of("%20", "%20%20%09")),
        null,
        null,
        Expect.CLIENT_ERROR);
  }
}

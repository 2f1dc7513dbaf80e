package io.pincluster.ctl;

import static io.pincluster.ctl.Fixtures.PEER1;
import static io.pincluster.ctl.Fixtures.PEER2;
import static io.pincluster.ctl.Fixtures.PEER3;
import static io.pincluster.ctl.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.api.PeerInfo;
import io.pincluster.core.api.Version;
import io.pincluster.core.json.Json;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** Global options, id, version, peers and how failures are reported. */
class ClusterCtlTest extends CtlHarness {
  @Test
  void idPrintsThePeerTheWayIpfsClusterCtlDoes() throws Exception {
    server.enqueue(json(Fixtures.peer(PEER1, "peer-one", PEER1, PEER2, PEER3)));

    Result r = ctl("id");

    assertThat(r.code()).isZero();
    assertThat(line(request())).isEqualTo("GET /id");
    assertThat(r.out())
        .isEqualTo(
            PEER1
                + " | peer-one | Sees 2 other peers\n"
                + "  > Addresses:\n"
                + "    - /ip4/10.0.0.1/tcp/9096/p2p/"
                + PEER1
                + "\n"
                + "    - /ip4/127.0.0.1/tcp/9096/p2p/"
                + PEER1
                + "\n"
                + "  > IPFS: QmIpfspeer-one\n"
                + "    - /ip4/127.0.0.1/tcp/4001\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void idWithJsonEncodingPrettyPrintsWithFourSpaces() {
    PeerInfo peer = Fixtures.peer(PEER1, "peer-one", PEER1);
    server.enqueue(json(peer));

    Result r = ctl("--enc", "json", "id");

    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo(Json.pretty(peer) + "\n");
    assertThat(r.out()).contains("\n    \"peername\": \"peer-one\"");
  }

  @Test
  void versionPrintsTheDaemonVersion() throws Exception {
    server.enqueue(json(new Version("0.1.0")));

    Result r = ctl("version");

    assertThat(line(request())).isEqualTo("GET /version");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("0.1.0\n");
  }

  @Test
  void versionOptionPrintsTheCtlVersionWithoutARequest() {
    Result r = ctl("--version");

    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("cluster-ctl version ");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void peersLsPrintsEveryStreamedPeerIncludingUnreachableOnes() throws Exception {
    PeerInfo down = PeerInfo.unreachable(PEER2, "", "context deadline exceeded");
    server.enqueue(Fixtures.stream(Fixtures.peer(PEER1, "peer-one", PEER1, PEER2), down));

    Result r = ctl("peers", "ls");

    assertThat(line(request())).isEqualTo("GET /peers");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .startsWith(PEER1 + " | peer-one | Sees 1 other peers\n")
        .endsWith(
            "  > IPFS: QmIpfspeer-one\n    - /ip4/127.0.0.1/tcp/4001\n"
                + PEER2
                + " | ERROR: context deadline exceeded\n");
  }

  @Test
  void peersLsWithJsonPrintsOnePrettyObjectAfterAnother() {
    PeerInfo one = Fixtures.peer(PEER1, "peer-one", PEER1, PEER2);
    PeerInfo two = Fixtures.peer(PEER2, "peer-two", PEER1, PEER2);
    server.enqueue(Fixtures.stream(one, two));

    Result r = ctl("--encoding", "json", "peers", "ls");

    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo(Json.pretty(one) + "\n" + Json.pretty(two) + "\n");
  }

  @Test
  void hostAcceptsAnHttpUrl() throws Exception {
    server.enqueue(json(new Version("0.1.0")));

    Result r = raw("--host", "http://127.0.0.1:" + server.getPort(), "version");

    assertThat(r.code()).isZero();
    assertThat(line(request())).isEqualTo("GET /version");
  }

  @Test
  void hostUrlPathIsKeptAsAPrefix() throws Exception {
    server.enqueue(json(new Version("0.1.0")));

    Result r = raw("-l", "http://127.0.0.1:" + server.getPort() + "/cluster/", "version");

    assertThat(r.code()).isZero();
    assertThat(line(request())).isEqualTo("GET /cluster/version");
  }

  @Test
  void hostMultiaddressEndingInHttpsSpeaksTls() throws Exception {
    try (PlainHttpPort plain = new PlainHttpPort()) {
      Result r = raw("--debug", "--host", plain.multiaddr() + "/https", "version");

      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("> GET https://127.0.0.1:" + plain.port() + "/version");
      assertThat(r.err()).contains("error: TLS with 127.0.0.1:" + plain.port() + " failed");
    }
  }

  @Test
  void httpsFlagSwitchesAMultiaddressToTls() throws Exception {
    try (PlainHttpPort plain = new PlainHttpPort()) {
      Result r = raw("--https", "--debug", "--host", plain.multiaddr(), "version");

      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("> GET https://127.0.0.1:" + plain.port() + "/version");
    }
  }

  @Test
  void libp2pHostIsRefusedBeforeAnyRequest() {
    Result r = raw("--host", "/ip4/127.0.0.1/tcp/9096/p2p/" + PEER1, "id");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("libp2p addresses are not supported by pincluster")
        .contains("use the REST API address instead, e.g. /ip4/127.0.0.1/tcp/9094");
    assertThat(r.out()).isEmpty();
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void unreachableServerIsATransportErrorNamingTheAddress() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }

    Result r = raw("--host", "/ip4/127.0.0.1/tcp/" + port, "id");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo("error: cannot reach 127.0.0.1:" + port + ": connection refused\n");
  }

  @Test
  void apiErrorIsPrintedToStderrAndExitsTwo() {
    server.enqueue(Fixtures.apiError(500, "no leader"));

    Result r = ctl("id");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("An error occurred:\n  Code: 500\n  Message: no leader\n");
  }

  @Test
  void apiErrorWithJsonEncodingIsPrettyJson() {
    server.enqueue(Fixtures.apiError(404, "not found"));

    Result r = ctl("--enc", "json", "id");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("{\n    \"code\": 404,\n    \"message\": \"not found\"\n}\n");
  }

  @Test
  void nonJsonErrorBodyStillBecomesAnApiError() {
    server.enqueue(new MockResponse.Builder().code(502).body("<html>bad gateway</html>").build());

    Result r = ctl("id");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Code: 502").contains("Message: <html>bad gateway</html>");
  }

  @Test
  void undecodableAnswerIsATransportError() {
    server.enqueue(json(200, "{\"version\": [1, 2]}"));

    Result r = ctl("version");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("error: cannot decode the answer to GET /version from 127.0.0.1:");
  }

  @Test
  void timeoutOptionBoundsTheCallAndExitsSixtyTwo() {
    server.enqueue(
        new MockResponse.Builder()
            .headersDelay(30, TimeUnit.SECONDS)
            .body("{\"version\":\"0.1.0\"}")
            .build());

    Result r = ctl("--timeout", "1", "version");

    assertThat(r.code()).isEqualTo(62);
    assertThat(r.err())
        .contains("GET /version: no complete answer from 127.0.0.1:")
        .contains("within 1s");
  }

  @Test
  void basicAuthSendsTheCredentials() throws Exception {
    server.enqueue(json(new Version("0.1.0")));

    Result r = ctl("--basic-auth", "alice:s3cret:x", "--force-http", "version");

    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    RecordedRequest req = request();
    assertThat(req.getHeaders().get("Authorization"))
        .isEqualTo(okhttp3.Credentials.basic("alice", "s3cret:x"));
  }

  @Test
  void credentialsComeFromTheEnvironmentAndWarnOverPlainHttp() throws Exception {
    env.put("CLUSTER_CREDENTIALS", "bob:pw");
    server.enqueue(json(new Version("0.1.0")));

    Result r = raw("--host", "http://127.0.0.1:" + server.getPort(), "version");

    assertThat(r.code()).isZero();
    assertThat(r.err()).startsWith("warning: sending credentials over plain http");
    assertThat(request().getHeaders().get("Authorization"))
        .isEqualTo(okhttp3.Credentials.basic("bob", "pw"));
  }

  @Test
  void basicAuthImpliesHttpsForAMultiaddress() throws Exception {
    try (PlainHttpPort plain = new PlainHttpPort()) {
      Result r = raw("--basic-auth", "alice:pw", "--debug", "--host", plain.multiaddr(), "version");

      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("> GET https://").contains("Authorization: Basic ***");
      assertThat(r.err()).doesNotContain("YWxpY2U6cHc=");
    }
  }

  @Test
  void debugEchoesRequestsAndAnswersToStderr() {
    server.enqueue(json(new Version("0.1.0")));

    Result r = ctl("-d", "version");

    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("0.1.0\n");
    assertThat(r.err())
        .contains("> GET http://127.0.0.1:" + server.getPort() + "/version\n")
        .contains("< HTTP/1.1 200 OK\n")
        .contains("< {\"version\":\"0.1.0\"}\n");
  }

  @Test
  void badEncodingIsRefusedBeforeAnyRequest() {
    Result r = ctl("--enc", "xml", "version");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("error: --encoding \"xml\" is not supported; use text or json\n");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void unknownCommandIsAnArgumentError() {
    Result r = ctl("frobnicate");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("error: Unmatched argument").contains("frobnicate");
  }

  @Test
  void noCommandPrintsUsage() {
    Result r = ctl();

    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Usage: cluster-ctl").contains("status").contains("peers");
  }
}

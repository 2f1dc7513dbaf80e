package io.pincluster.ctl;

import static io.pincluster.ctl.Fixtures.CID1;
import static io.pincluster.ctl.Fixtures.PEER1;
import static io.pincluster.ctl.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.api.AddedOutput;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.api.Version;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --host a,b: a request that cannot reach a host goes to the next one; API errors do not. */
class HostFailoverTest extends CtlHarness {
  @TempDir Path tmp;

  /** A second REST API (the harness's {@link #server} is the first that answers). */
  private MockWebServer other;

  private int closedPort;

  @BeforeEach
  void startOther() throws IOException {
    other = new MockWebServer();
    other.start(InetAddress.getByName("127.0.0.1"), 0);
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
  }

  @AfterEach
  void stopOther() {
    other.close();
  }

  private String refused() {
    return "/ip4/127.0.0.1/tcp/" + closedPort;
  }

  private String otherHost() {
    return "/ip4/127.0.0.1/tcp/" + other.getPort();
  }

  @Test
  void aRefusedFirstHostFailsOverToTheNextOne() throws Exception {
    server.enqueue(json(new Version("1.1.6")));

    Result r = raw("--debug", "--host", refused() + "," + host(), "version");

    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("1.1.6\n");
    assertThat(r.err())
        .contains("> GET http://127.0.0.1:" + closedPort + "/version")
        .contains(
            "* cannot reach 127.0.0.1:" + closedPort + ": connection refused; trying the next host")
        .contains("> GET http://127.0.0.1:" + server.getPort() + "/version");
    assertThat(line(request())).isEqualTo("GET /version");
  }

  @Test
  void anApiErrorFromTheFirstHostDoesNotFailOver() {
    server.enqueue(Fixtures.apiError(500, "no leader"));
    other.enqueue(json(new Version("1.1.6")));

    Result r = raw("--host", host() + "," + otherHost(), "version");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("An error occurred:\n  Code: 500\n  Message: no leader\n");
    assertThat(other.getRequestCount()).isZero();
  }

  @Test
  void aTlsFailureFailsOverToo() throws Exception {
    try (PlainHttpPort plain = new PlainHttpPort()) {
      server.enqueue(json(new Version("1.1.6")));

      Result r = raw("--host", plain.multiaddr() + "/https," + host(), "version");

      assertThat(r.code()).isZero();
      assertThat(r.out()).isEqualTo("1.1.6\n");
    }
  }

  @Test
  void whenEveryHostFailsTheErrorNamesEachFailure() throws Exception {
    int secondClosed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      secondClosed = s.getLocalPort();
    }

    Result r =
        raw("--host", refused() + ",/ip4/127.0.0.1/tcp/" + secondClosed, "pin", "ls", "" + CID1);

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "error: all 2 hosts failed: cannot reach 127.0.0.1:"
                + closedPort
                + ": connection refused; cannot reach 127.0.0.1:"
                + secondClosed
                + ": connection refused\n");
  }

  @Test
  void aConnectionDroppedBeforeTheAnswerFailsOverForAReplayableRequest() throws Exception {
    try (DroppingPort dropping = new DroppingPort(1)) {
      other.enqueue(json(Fixtures.pin(CID1, "docs", 1, 1, PEER1)));

      Result r = raw("--host", dropping.multiaddr() + "," + otherHost(), "pin", "ls", "" + CID1);

      assertThat(r.code()).isZero();
      assertThat(r.out()).startsWith(CID1 + " | docs | PIN");
      assertThat(dropping.connections()).isPositive();
      assertThat(other.takeRequest().getTarget()).isEqualTo("/allocations/" + CID1);
    }
  }

  @Test
  void theHostThatAnsweredIsUsedForTheRestOfTheRun() throws Exception {
    other.enqueue(json(Fixtures.pin(CID1, "docs", 1, 1, PEER1)));
    other.enqueue(json(Fixtures.status(CID1, "docs", TrackerStatus.PINNED, TrackerStatus.PINNED)));

    Result r = raw("--debug", "--host", refused() + "," + otherHost(), "pin", "add", "" + CID1);

    assertThat(r.code()).isZero();
    assertThat(r.err().split("trying the next host", -1)).hasSize(2); // once only
    assertThat(other.takeRequest().getMethod()).isEqualTo("POST");
    assertThat(other.takeRequest().getTarget()).isEqualTo("/pins/" + CID1);
  }

  @Test
  void anAddFailsOverWhenTheConnectionCouldNotBeOpened() throws Exception {
    Path file = Files.writeString(tmp.resolve("f.txt"), "content");
    other.enqueue(Fixtures.stream(new AddedOutput("f.txt", CID1, 0, 7, List.of())));

    Result r = raw("--host", refused() + "," + otherHost(), "add", file.toString());

    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("added " + CID1 + " f.txt\n");
    assertThat(other.takeRequest().getBody().utf8()).contains("\r\n\r\ncontent\r\n");
  }

  @Test
  void anAddWhoseUploadStartedDoesNotFailOver() throws Exception {
    Path file = Files.write(tmp.resolve("f.bin"), new byte[8 * 1024 * 1024]);
    try (DroppingPort dropping = new DroppingPort(64 * 1024)) {
      other.enqueue(Fixtures.stream(new AddedOutput("f.bin", CID1, 0, 7, List.of())));

      Result r = raw("--host", dropping.multiaddr() + "," + otherHost(), "add", file.toString());

      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err())
          .startsWith("error: POST /add to 127.0.0.1:" + dropping.port() + " failed");
      assertThat(dropping.connections()).isEqualTo(1);
      assertThat(other.getRequestCount()).isZero();
    }
  }

  @Test
  void badHostListsAreRefusedBeforeAnyRequest() {
    Result empty = raw("--host", host() + ",", "id");
    Result twice = raw("--host", host() + "," + host(), "id");

    assertThat(empty.code()).isEqualTo(1);
    assertThat(empty.err()).contains("has an empty address in its comma-separated list");
    assertThat(twice.code()).isEqualTo(1);
    assertThat(twice.err()).contains("lists " + host() + " twice");
    assertThat(server.getRequestCount()).isZero();
  }
}

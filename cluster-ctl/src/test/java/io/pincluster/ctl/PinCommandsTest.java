package io.pincluster.ctl;

import static io.pincluster.core.api.TrackerStatus.PINNED;
import static io.pincluster.core.api.TrackerStatus.PINNING;
import static io.pincluster.core.api.TrackerStatus.PIN_ERROR;
import static io.pincluster.core.api.TrackerStatus.REMOTE;
import static io.pincluster.core.api.TrackerStatus.UNPINNED;
import static io.pincluster.core.api.TrackerStatus.UNPINNING;
import static io.pincluster.ctl.Fixtures.CID1;
import static io.pincluster.ctl.Fixtures.CID2;
import static io.pincluster.ctl.Fixtures.CID3;
import static io.pincluster.ctl.Fixtures.PEER1;
import static io.pincluster.ctl.Fixtures.PEER2;
import static io.pincluster.ctl.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinInfoShort;
import io.pincluster.core.json.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** pin add, pin rm, the pin alias, --wait and pin ls. */
class PinCommandsTest extends CtlHarness {
  private static final String STATUS_PINNED_TEXT =
      CID1
          + " | docs:\n"
          + "    > peer-one             : PINNED | 2024-05-01T10:20:30.12Z | Attempts: 0 |"
          + " Priority: false\n"
          + "    > peer-two             : PINNED | 2024-05-01T10:20:30.12Z | Attempts: 0 |"
          + " Priority: false\n";

  @Test
  void pinAddSendsReplicationAndNameThenPrintsTheClusterStatus() throws Exception {
    server.enqueue(json(Fixtures.pin(CID1, "docs", 2, 3, PEER1, PEER2)));
    server.enqueue(json(Fixtures.status(CID1, "docs", PINNED, PINNED)));

    Result r =
        ctl("pin", "add", "--name", "docs", "--rmin", "2", "--replication-max", "3", "" + CID1);

    assertThat(r.code()).isZero();
    assertThat(line(request()))
        .isEqualTo("POST /pins/" + CID1 + "?replication-min=2&replication-max=3&name=docs");
    assertThat(line(request())).isEqualTo("GET /pins/" + CID1);
    assertThat(r.out()).isEqualTo(STATUS_PINNED_TEXT);
    assertThat(sleeps).containsExactly(Duration.ZERO);
  }

  @Test
  void replicationOptionOverridesMinAndMaxAndAcceptsMinusOne() throws Exception {
    server.enqueue(json(Fixtures.pin(CID1, "", -1, -1)));

    Result r = ctl("pin", "add", "-r", "-1", "--rmin", "2", "--ns", "" + CID1);

    assertThat(r.code()).isZero();
    assertThat(line(request()))
        .isEqualTo("POST /pins/" + CID1 + "?replication-min=-1&replication-max=-1");
  }

  @Test
  void noStatusPrintsTheReturnedPinWithoutAStatusRequest() {
    server.enqueue(json(Fixtures.pin(CID1, "docs", 2, 3, PEER2, PEER1)));

    Result r = ctl("pin", "add", "--no-status", "" + CID1);

    assertThat(r.code()).isZero();
    assertThat(r.out())
        .isEqualTo(
            CID1
                + " | docs | PIN | Repl. Factor: 2--3 | Allocations: ["
                + PEER2 // PEER2's text sorts first
                + " "
                + PEER1
                + "] | Recursive | Metadata: no | Exp: ∞ | Added: 2024-05-01 10:20:30\n");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void pinWithACidIsPinAdd() throws Exception {
    server.enqueue(json(Fixtures.pin(CID3, "", -1, -1)));

    Result r = ctl("pin", "" + CID3, "--ns");

    assertThat(r.code()).isZero();
    assertThat(line(request()))
        .isEqualTo("POST /pins/" + CID3 + "?replication-min=0&replication-max=0");
    assertThat(r.out())
        .isEqualTo(
            CID3
                + " |  | PIN | Repl. Factor: -1 | Allocations: [everywhere] | Recursive |"
                + " Metadata: no | Exp: ∞ | Added: 2024-05-01 10:20:30\n");
  }

  @Test
  void pinWithOptionsBeforeTheCidIsPinAdd() throws Exception {
    server.enqueue(json(Fixtures.pin(CID1, "x", 0, 0)));

    Result r = ctl("pin", "--name", "x", "--ns", "" + CID1);

    assertThat(r.code()).isZero();
    assertThat(line(request()))
        .isEqualTo("POST /pins/" + CID1 + "?replication-min=0&replication-max=0&name=x");
  }

  @Test
  void pinWithAMistypedCidGetsTheCidErrorAndNoRequest() {
    Result r = ctl("pin", "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbd0");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("error: invalid CID \"QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbd0\"");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void malformedCidIsRejectedLocallyBeforeAnyRequest() {
    Result add = ctl("pin", "add", "not-a-cid");
    Result rm = ctl("pin", "rm", "Qm123");
    Result ls = ctl("pin", "ls", "zzz");

    for (Result r : List.of(add, rm, ls)) {
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).startsWith("error: invalid CID");
      assertThat(r.out()).isEmpty();
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void badWaitTimeoutIsRejectedBeforeThePinIsMade() {
    Result r = ctl("pin", "add", "--wait", "--wt", "soon", "" + CID1);

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("--wait-timeout \"soon\" is not a duration");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void waitPollsUntilReplicationMinPeersHavePinned() throws Exception {
    server.enqueue(json(Fixtures.pin(CID1, "docs", 2, 2, PEER1, PEER2)));
    server.enqueue(json(Fixtures.status(CID1, "docs", PINNED, PINNING)));
    server.enqueue(json(Fixtures.status(CID1, "docs", PINNED, PINNED)));

    Result r = ctl("pin", "add", "--wait", "--rmin", "2", "--rmax", "2", "" + CID1);

    assertThat(r.code()).isZero();
    assertThat(line(request())).startsWith("POST /pins/" + CID1);
    assertThat(line(request())).isEqualTo("GET /pins/" + CID1);
    assertThat(line(request())).isEqualTo("GET /pins/" + CID1);
    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThat(r.out()).isEqualTo(STATUS_PINNED_TEXT);
  }

  @Test
  void waitForAPinEverywhereIgnoresRemotePeers() {
    server.enqueue(json(Fixtures.pin(CID1, "docs", -1, -1)));
    server.enqueue(json(Fixtures.status(CID1, "docs", PINNED, REMOTE)));

    Result r = ctl("pin", "add", "-w", "--ns", "" + CID1);

    assertThat(r.code()).isZero();
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(r.out()).startsWith(CID1 + " | docs | PIN | Repl. Factor: -1");
  }

  @Test
  void waitStopsWithExitTwoWhenAPeerReportsAPinError() {
    server.enqueue(json(Fixtures.pin(CID1, "docs", 2, 2, PEER1, PEER2)));
    GlobalPinInfo failed =
        new GlobalPinInfo(
            CID1,
            "docs",
            List.of(),
            List.of(),
            null,
            Map.of(),
            Map.of(
                PEER1.toString(), Fixtures.short_("peer-one", PINNED, ""),
                PEER2.toString(),
                    Fixtures.short_("peer-two", PIN_ERROR, "context deadline exceeded")));
    server.enqueue(json(failed));

    Result r = ctl("pin", "add", "--wait", "" + CID1);

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "waiting for "
                + CID1
                + ": 1/2 peers pinned (1s)\n"
                + "error: waiting for pin status: peer peer-two ("
                + PEER2
                + ") reports pin_error: context deadline exceeded while waiting for pinned\n");
  }

  @Test
  void waitGivesUpAfterTheWaitTimeoutWithExitSixtyTwo() {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            if (request.getMethod().equals("POST")) {
              return json(Fixtures.pin(CID1, "docs", 2, 2, PEER1, PEER2));
            }
            return json(Fixtures.status(CID1, "docs", PINNED, PINNING));
          }
        });

    Result r = ctl("pin", "add", "--wait", "--wait-timeout", "2500ms", "" + CID1);

    assertThat(r.code()).isEqualTo(62);
    assertThat(r.err())
        .isEqualTo(
            "waiting for "
                + CID1
                + ": 1/2 peers pinned (1s)\n"
                + "error: waiting for pin status: "
                + CID1
                + " did not reach pinned on 2 peers within 2.5s (1 of 2 peers pinned)\n");
    assertThat(sleeps)
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(500));
    assertThat(server.getRequestCount()).isEqualTo(3); // the pin and two polls
  }

  @Test
  void pinRmDeletesThenPrintsTheStatus() throws Exception {
    server.enqueue(json(Fixtures.pin(CID1, "docs", 2, 2, PEER1, PEER2)));
    server.enqueue(json(Fixtures.status(CID1, "", UNPINNED, UNPINNING)));

    Result r = ctl("pin", "rm", "" + CID1);

    assertThat(r.code()).isZero();
    assertThat(line(request())).isEqualTo("DELETE /pins/" + CID1);
    assertThat(line(request())).isEqualTo("GET /pins/" + CID1);
    assertThat(r.out())
        .isEqualTo(
            CID1
                + ":\n"
                + "    > peer-one             : UNPINNED | 2024-05-01T10:20:30.12Z | Attempts: 0 |"
                + " Priority: false\n"
                + "    > peer-two             : UNPINNING | 2024-05-01T10:20:30.12Z | Attempts: 0 |"
                + " Priority: false\n");
  }

  @Test
  void pinRmWaitWaitsUntilEveryPeerHasUnpinned() {
    server.enqueue(json(Fixtures.pin(CID1, "docs", 2, 2, PEER1, PEER2)));
    server.enqueue(json(Fixtures.status(CID1, "", UNPINNED, UNPINNING)));
    server.enqueue(json(Fixtures.status(CID1, "", UNPINNED, UNPINNED)));

    Result r = ctl("--enc", "json", "pin", "rm", "--wait", "" + CID1);

    assertThat(r.code()).isZero();
    assertThat(r.out())
        .isEqualTo(Json.pretty(Fixtures.status(CID1, "", UNPINNED, UNPINNED)) + "\n");
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void pinRmOfAnUnknownCidPrintsTheApiError() {
    server.enqueue(Fixtures.apiError(404, "pin is not part of the pinset"));

    Result r = ctl("pin", "rm", "" + CID2);

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo("An error occurred:\n  Code: 404\n  Message: pin is not part of the pinset\n");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void pinLsStreamsThePinset() throws Exception {
    server.enqueue(
        Fixtures.stream(
            Fixtures.pin(CID1, "docs", 2, 3, PEER1),
            Fixtures.pin(CID3, "", -1, -1),
            Fixtures.directPinWithMetadataAndExpiry(CID2)));

    Result r = ctl("pin", "ls");

    assertThat(r.code()).isZero();
    assertThat(line(request())).isEqualTo("GET /allocations");
    assertThat(r.out())
        .isEqualTo(
            CID1
                + " | docs | PIN | Repl. Factor: 2--3 | Allocations: ["
                + PEER1
                + "] | Recursive | Metadata: no | Exp: ∞ | Added: 2024-05-01 10:20:30\n"
                + CID3
                + " |  | PIN | Repl. Factor: -1 | Allocations: [everywhere] | Recursive |"
                + " Metadata: no | Exp: ∞ | Added: 2024-05-01 10:20:30\n"
                + CID2
                + " | direct-one | PIN-DIRECT | Repl. Factor: 2--3 | Allocations: ["
                + PEER2
                + " "
                + PEER1
                + "] | Direct | Metadata: yes | Exp: 2024-05-02 11:00:00 | Added: 2024-05-01"
                + " 10:20:30\n");
  }

  @Test
  void pinLsWithAFilterAsksForThosePinTypes() throws Exception {
    server.enqueue(new MockResponse.Builder().code(204).build());

    Result r = ctl("pin", "ls", "--filter", "pin");

    assertThat(r.code()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(line(request())).isEqualTo("GET /allocations?filter=pin");
  }

  @Test
  void pinLsWithAnUnknownFilterFailsLocally() {
    Result r = ctl("pin", "ls", "--filter", "pins");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("unknown pin type \"pins\"");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void pinLsOfOneCidAsksForItsAllocation() throws Exception {
    Pin pin = Fixtures.pin(CID1, "docs", 1, 1, PEER1);
    server.enqueue(json(pin));

    Result r = ctl("--enc", "json", "pin", "ls", "" + CID1);

    assertThat(r.code()).isZero();
    assertThat(line(request())).isEqualTo("GET /allocations/" + CID1);
    assertThat(r.out()).isEqualTo(Json.pretty(pin) + "\n");
    assertThat(Json.read(r.out().getBytes(java.nio.charset.StandardCharsets.UTF_8), Pin.class))
        .isEqualTo(pin);
  }

  @Test
  void statusLineUsesThePeerIdWhenThePeerHasNoName() {
    GlobalPinInfo g =
        new GlobalPinInfo(
            CID1,
            "",
            null,
            null,
            null,
            null,
            Map.of(
                PEER1.toString(),
                new PinInfoShort("", "", List.of(), PIN_ERROR, Fixtures.T2, "boom", 3, true)));
    server.enqueue(json(g));

    Result r = ctl("status", "" + CID1);

    assertThat(r.out())
        .isEqualTo(
            CID1
                + ":\n    > "
                + PEER1
                + " : PIN_ERROR: boom | 2024-05-02T11:00:00Z | Attempts: 3 | Priority: true\n");
  }

  @Test
  void pinNamesAreEncodedInTheQuery() throws Exception {
    server.enqueue(json(Fixtures.pin(CID1, "my docs & more", 0, 0)));

    Result r = ctl("pin", "add", "-n", "my docs & more", "--ns", "" + CID1);

    assertThat(r.code()).isZero();
    assertThat(request().getUrl().queryParameter("name")).isEqualTo("my docs & more");
  }

  @Test
  void pinAloneAndHelpPinShowThePinUsage() {
    Result alone = ctl("pin");
    Result help = ctl("help", "pin");
    Result flag = ctl("pin", "--help");

    for (Result r : List.of(alone, help, flag)) {
      assertThat(r.code()).isZero();
      assertThat(r.out()).contains("Usage: cluster-ctl pin").contains("add").contains("rm");
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void missingCidIsAnArgumentError() {
    Result r = ctl("pin", "add");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("Missing required parameter: '<cid>'");
  }
}

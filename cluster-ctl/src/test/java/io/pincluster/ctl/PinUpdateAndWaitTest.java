package io.pincluster.ctl;

import static io.pincluster.core.api.TrackerStatus.CLUSTER_ERROR;
import static io.pincluster.core.api.TrackerStatus.PINNED;
import static io.pincluster.core.api.TrackerStatus.PINNING;
import static io.pincluster.core.api.TrackerStatus.UNPINNED;
import static io.pincluster.core.api.TrackerStatus.UNPIN_ERROR;
import static io.pincluster.ctl.Fixtures.CID1;
import static io.pincluster.ctl.Fixtures.CID2;
import static io.pincluster.ctl.Fixtures.CID3;
import static io.pincluster.ctl.Fixtures.PEER1;
import static io.pincluster.ctl.Fixtures.PEER2;
import static io.pincluster.ctl.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** pin update, the pin options added to pin add, IPFS paths, --wait-limit and --wait progress. */
class PinUpdateAndWaitTest extends CtlHarness {
  @Test
  void pinUpdatePostsTheNewCidWithPinUpdateAndTheOptionsThenPrintsItsStatus() throws Exception {
    server.enqueue(json(Fixtures.pin(CID2, "v2", 2, 2, PEER1, PEER2)));
    server.enqueue(json(Fixtures.status(CID2, "v2", PINNED, PINNING)));

    Result r =
        ctl(
            "pin",
            "update",
            "--name",
            "v2",
            "-r",
            "2",
            "--expire-in",
            "24h",
            "--metadata",
            "team=docs",
            "--metadata",
            "note=a b=c",
            "--allocations",
            PEER1 + "," + PEER2,
            "" + CID1,
            "" + CID2);

    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    RecordedRequest update = request();
    assertThat(update.getMethod()).isEqualTo("POST");
    assertThat(update.getUrl().encodedPath()).isEqualTo("/pins/" + CID2);
    assertThat(update.getUrl().encodedQuery())
        .isEqualTo(
            "replication-min=2&replication-max=2&name=v2&user-allocations="
                + PEER1
                + ","
                + PEER2
                + "&expire-in=24h0m0s&meta-note=a%20b%3Dc&meta-team=docs&pin-update="
                + CID1);
    assertThat(line(request())).isEqualTo("GET /pins/" + CID2);
    assertThat(r.out())
        .startsWith(CID2 + " | v2:\n")
        .contains("peer-one             : PINNED")
        .contains("peer-two             : PINNING");
  }

  @Test
  void pinUpdateToAnIpfsPathPostsThePathAndNoStatusPrintsThePin() throws Exception {
    server.enqueue(json(Fixtures.pin(CID3, "", -1, -1)));

    Result r = ctl("pin", "update", "--ns", "" + CID1, "/ipfs/" + CID2 + "/sub dir/x");

    assertThat(r.code()).isZero();
    assertThat(line(request()))
        .isEqualTo(
            "POST /pins/ipfs/"
                + CID2
                + "/sub%20dir/x?replication-min=0&replication-max=0&pin-update="
                + CID1);
    assertThat(r.out()).startsWith(CID3 + " |  | PIN | Repl. Factor: -1");
  }

  @Test
  void pinUpdateWaitsLikePinAdd() {
    server.enqueue(json(Fixtures.pin(CID2, "", 1, 1, PEER1)));
    server.enqueue(json(Fixtures.status(CID2, "", PINNING, PINNED)));

    Result r = ctl("pin", "update", "--wait", "" + CID1, "" + CID2);

    assertThat(r.code()).isZero();
    assertThat(r.err()).isEqualTo("waiting for " + CID2 + ": 1/1 peers pinned (1s)\n");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void badArgumentsOfPinUpdateAreRefusedBeforeAnyRequest() {
    Result badFrom = ctl("pin", "update", "nope", "" + CID2);
    Result badPath = ctl("pin", "update", "" + CID1, "/foo/" + CID2);
    Result badPathCid = ctl("pin", "update", "" + CID1, "/ipfs/notacid/x");
    Result missing = ctl("pin", "update", "" + CID1);

    assertThat(badFrom.code()).isEqualTo(1);
    assertThat(badFrom.err()).startsWith("error: invalid CID \"nope\"");
    assertThat(badPath.code()).isEqualTo(1);
    assertThat(badPath.err()).contains("\"/foo/" + CID2 + "\" is neither a CID nor an IPFS path");
    assertThat(badPathCid.code()).isEqualTo(1);
    assertThat(badPathCid.err()).contains("invalid CID").contains("in the path /ipfs/notacid/x");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("Missing required parameter: '<to-cid|path>'");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void pinAddSendsModeAndPinsAndUnpinsIpfsPaths() throws Exception {
    server.enqueue(json(Fixtures.directPinWithMetadataAndExpiry(CID1)));
    server.enqueue(json(Fixtures.pin(CID1, "", 0, 0)));

    Result add = ctl("pin", "add", "--mode", "direct", "--ns", "/ipns/example.org/docs");
    Result rm = ctl("pin", "rm", "--ns", "/ipns/example.org/docs");

    assertThat(add.code()).isZero();
    assertThat(rm.code()).isZero();
    assertThat(line(request()))
        .isEqualTo(
            "POST /pins/ipns/example.org/docs?replication-min=0&replication-max=0&mode=direct");
    assertThat(line(request())).isEqualTo("DELETE /pins/ipns/example.org/docs");
    assertThat(add.out()).contains("PIN-DIRECT");
  }

  @Test
  void pinWithAnIpfsPathIsPinAdd() throws Exception {
    server.enqueue(json(Fixtures.pin(CID1, "", 0, 0)));

    Result r = ctl("pin", "/ipfs/" + CID1 + "/a", "--ns");

    assertThat(r.code()).isZero();
    assertThat(line(request()))
        .isEqualTo("POST /pins/ipfs/" + CID1 + "/a?replication-min=0&replication-max=0");
  }

  @Test
  void badPinOptionsAreRefusedBeforeAnyRequest() {
    List<Result> results =
        List.of(
            ctl("pin", "add", "--expire-in", "500ms", "" + CID1),
            ctl("pin", "add", "--expire-in", "soon", "" + CID1),
            ctl("pin", "add", "--metadata", "novalue", "" + CID1),
            ctl("pin", "add", "--metadata", "=v", "" + CID1),
            ctl("pin", "add", "--allocations", PEER1 + ",nope", "" + CID1),
            ctl("pin", "add", "--mode", "shallow", "" + CID1),
            ctl("pin", "add", "--wait", "--wait-limit", "-1", "" + CID1));

    assertThat(results).allSatisfy(r -> assertThat(r.code()).isEqualTo(1));
    assertThat(results.get(0).err()).contains("--expire-in \"500ms\" is too short: at least 1s");
    assertThat(results.get(1).err()).contains("--expire-in \"soon\" is not a duration");
    assertThat(results.get(2).err()).contains("--metadata \"novalue\" is not in the format");
    assertThat(results.get(3).err()).contains("--metadata \"=v\" is not in the format");
    assertThat(results.get(4).err()).contains("--allocations: \"nope\" is not a peer ID");
    assertThat(results.get(5).err()).contains("--mode \"shallow\" is not recursive or direct");
    assertThat(results.get(6).err()).contains("--wait-limit cannot be negative: -1");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void waitLimitOverridesReplicationMin() {
    server.enqueue(json(Fixtures.pin(CID1, "", 2, 3, PEER1, PEER2)));
    server.enqueue(json(Fixtures.status(CID1, "", PINNED, PINNING)));

    Result r = ctl("pin", "add", "--wait", "--wl", "1", "--ns", "" + CID1);

    assertThat(r.code()).isZero();
    assertThat(r.err()).isEqualTo("waiting for " + CID1 + ": 1/1 peers pinned (1s)\n");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void withoutATerminalWaitPrintsALineEachTimeTheCountChanges() {
    server.enqueue(json(Fixtures.pin(CID1, "", 2, 2, PEER1, PEER2)));
    server.enqueue(json(Fixtures.status(CID1, "", PINNING, PINNING)));
    server.enqueue(json(Fixtures.status(CID1, "", PINNED, PINNING)));
    server.enqueue(json(Fixtures.status(CID1, "", PINNED, PINNING)));
    server.enqueue(json(Fixtures.status(CID1, "", PINNED, PINNED)));

    Result r = ctl("pin", "add", "--wait", "" + CID1);

    assertThat(r.code()).isZero();
    assertThat(r.err())
        .isEqualTo(
            "waiting for "
                + CID1
                + ": 0/2 peers pinned (1s)\n"
                + "waiting for "
                + CID1
                + ": 1/2 peers pinned (2s)\n"
                + "waiting for "
                + CID1
                + ": 2/2 peers pinned (4s)\n");
    assertThat(r.out()).contains("PINNED").doesNotContain("PINNING");
  }

  @Test
  void onATerminalWaitRedrawsOneLineAndErasesItAtTheEnd() {
    terminal = true;
    server.enqueue(json(Fixtures.pin(CID1, "", 2, 2, PEER1, PEER2)));
    server.enqueue(json(Fixtures.status(CID1, "", PINNED, PINNING)));
    server.enqueue(json(Fixtures.status(CID1, "", PINNED, PINNED)));

    Result r = ctl("pin", "add", "--wait", "--ns", "" + CID1);

    String first = "waiting for " + CID1 + ": 1/2 peers pinned (1s)";
    String second = "waiting for " + CID1 + ": 2/2 peers pinned (2s)";
    assertThat(r.code()).isZero();
    assertThat(r.err())
        .isEqualTo("\r" + first + "\r" + second + "\r" + " ".repeat(second.length()) + "\r");
  }

  @Test
  void unpinWaitStopsWithExitTwoOnAnUnpinError() {
    terminal = true;
    server.enqueue(json(Fixtures.pin(CID1, "", 2, 2, PEER1, PEER2)));
    server.enqueue(json(Fixtures.status(CID1, "", UNPINNED, UNPIN_ERROR)));

    Result r = ctl("pin", "rm", "--wait", "" + CID1);

    String progress = "waiting for " + CID1 + ": 1/2 peers unpinned (1s)";
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "\r"
                + progress
                + "\r"
                + " ".repeat(progress.length())
                + "\r"
                + "error: waiting for pin status: peer peer-two ("
                + PEER1
                + ") reports unpin_error while waiting for unpinned\n");
  }

  @Test
  void clusterErrorWhileWaitingIsExitTwoEvenIfEnoughPeersPinned() {
    server.enqueue(json(Fixtures.pin(CID1, "", 1, 1, PEER1)));
    server.enqueue(json(Fixtures.status(CID1, "", PINNED, CLUSTER_ERROR)));

    Result r = ctl("pin", "add", "--wait", "" + CID1);

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("reports cluster_error while waiting for pinned");
  }
}

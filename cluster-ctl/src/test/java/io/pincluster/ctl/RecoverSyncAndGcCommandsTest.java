package io.pincluster.ctl;

import static io.pincluster.core.api.TrackerStatus.PINNED;
import static io.pincluster.core.api.TrackerStatus.PIN_QUEUED;
import static io.pincluster.core.api.TrackerStatus.UNEXPECTEDLY_UNPINNED;
import static io.pincluster.ctl.Fixtures.CID1;
import static io.pincluster.ctl.Fixtures.CID2;
import static io.pincluster.ctl.Fixtures.CID3;
import static io.pincluster.ctl.Fixtures.PEER1;
import static io.pincluster.ctl.Fixtures.PEER2;
import static io.pincluster.ctl.Fixtures.PEER3;
import static io.pincluster.ctl.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.GlobalRepoGc;
import io.pincluster.core.api.RepoGc;
import io.pincluster.core.api.RepoGcKey;
import io.pincluster.core.json.Json;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** recover, sync, ipfs gc, and the status filters. */
class RecoverSyncAndGcCommandsTest extends CtlHarness {
  private void assertEmptyPost(RecordedRequest r, String target) {
    assertThat(line(r)).isEqualTo("POST " + target);
    assertThat(r.getBodySize()).isZero();
  }

  @Test
  void recoverOfOneCidPostsAndPrintsItsStatusLikeStatus() throws Exception {
    GlobalPinInfo status = Fixtures.status(CID1, "docs", PIN_QUEUED, PINNED);
    server.enqueue(json(status));

    Result r = ctl("recover", "" + CID1);

    assertThat(r.code()).isZero();
    assertEmptyPost(request(), "/pins/" + CID1 + "/recover");
    assertThat(r.out()).isEqualTo(text(status));
    assertThat(r.out()).startsWith(CID1 + " | docs:\n    > peer-one             : PIN_QUEUED | ");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void localRecoverOfOneCidAsksOnlyTheContactedPeer() throws Exception {
    server.enqueue(json(Fixtures.status(CID1, "", PIN_QUEUED, PINNED)));

    Result r = ctl("recover", "--local", "" + CID1);

    assertThat(r.code()).isZero();
    assertEmptyPost(request(), "/pins/" + CID1 + "/recover?local=true");
  }

  @Test
  void recoverOfEverythingPrintsEachStreamedStatus() throws Exception {
    GlobalPinInfo one = Fixtures.status(CID1, "", PIN_QUEUED, PINNED);
    GlobalPinInfo two = Fixtures.status(CID3, "", PIN_QUEUED, PIN_QUEUED);
    server.enqueue(Fixtures.stream(one, two));
    server.enqueue(new MockResponse.Builder().code(204).build());

    Result all = ctl("recover");
    Result none = ctl("recover", "--local");

    assertThat(all.code()).isZero();
    assertEmptyPost(request(), "/pins/recover");
    assertThat(all.out()).isEqualTo(text(one) + text(two));
    assertThat(none.code()).isZero();
    assertEmptyPost(request(), "/pins/recover?local=true");
    assertThat(none.out()).isEmpty();
  }

  @Test
  void recoverOfACidOutsideThePinsetPrintsTheApiErrorAndExitsTwo() throws Exception {
    server.enqueue(Fixtures.apiError(404, "pin is not part of the pinset"));

    Result r = ctl("recover", "" + CID2);

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo("An error occurred:\n  Code: 404\n  Message: pin is not part of the pinset\n");
  }

  @Test
  void malformedCidIsRejectedBeforeAnyRequest() {
    Result recover = ctl("recover", "bafyNOPE");
    Result sync = ctl("sync", "--local", "bafyNOPE");
    Result two = ctl("recover", "" + CID1, "" + CID2);

    assertThat(recover.code()).isEqualTo(1);
    assertThat(recover.err()).startsWith("error: invalid CID \"bafyNOPE\"");
    assertThat(sync.code()).isEqualTo(1);
    assertThat(two.code()).isEqualTo(1);
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void syncOfOneCidAndOfEverythingUseTheRaftEraEndpoints() throws Exception {
    GlobalPinInfo lost = Fixtures.status(CID1, "", UNEXPECTEDLY_UNPINNED, PINNED);
    server.enqueue(json(lost));
    server.enqueue(Fixtures.stream(lost));

    Result one = ctl("sync", "" + CID1);
    Result all = ctl("--enc", "json", "sync", "--local");

    assertThat(one.code()).isZero();
    assertEmptyPost(request(), "/pins/" + CID1 + "/sync");
    assertThat(one.out()).contains("    > peer-one             : UNEXPECTEDLY_UNPINNED | ");
    assertThat(all.code()).isZero();
    assertEmptyPost(request(), "/pins/sync?local=true");
    assertThat(all.out()).isEqualTo(Json.pretty(lost) + "\n");
  }

  private static GlobalRepoGc gc() {
    return new GlobalRepoGc(
        Map.of(
            PEER1.toString(),
            new RepoGc(
                PEER1,
                "peer-two",
                List.of(new RepoGcKey(CID1, ""), new RepoGcKey(null, "block is pinned")),
                ""),
            PEER2.toString(),
            new RepoGc(PEER2, "peer-one", List.of(new RepoGcKey(CID3, "")), ""),
            PEER3.toString(),
            new RepoGc(PEER3, "", List.of(), "cannot reach IPFS at 127.0.0.1:5001")));
  }

  @Test
  void ipfsGcPrintsEachPeersRemovedBlocksAsIpfsClusterCtlDoes() throws Exception {
    server.enqueue(json(gc()));

    Result r = ctl("ipfs", "gc");

    assertThat(r.code()).isZero();
    assertEmptyPost(request(), "/ipfs/gc");
    // Sorted by peer ID (PEER2 < PEER1 < PEER3), named by peername when there is one.
    assertThat(r.out())
        .isEqualTo(
            "peer-one       \n"
                + "  > CIDs:\n"
                + "    - "
                + CID3
                + "\n"
                + "peer-two       \n"
                + "  > CIDs:\n"
                + "    - "
                + CID1
                + "\n"
                + "    - ERROR: block is pinned\n"
                + PEER3
                + " | ERROR: cannot reach IPFS at 127.0.0.1:5001\n"
                + "  > CIDs:\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void localIpfsGcWithJsonPrintsTheGlobalRepoGcPretty() throws Exception {
    server.enqueue(json(gc()));

    Result r = ctl("--enc", "json", "ipfs", "gc", "--local");

    assertThat(r.code()).isZero();
    assertEmptyPost(request(), "/ipfs/gc?local=true");
    assertThat(r.out()).isEqualTo(Json.pretty(gc()) + "\n");
    assertThat(r.out()).startsWith("{\n    \"peer_map\": {\n");
    assertThat(r.out()).contains("\"key\": null,\n");
  }

  @Test
  void ipfsGcFailureIsAnApiError() {
    server.enqueue(Fixtures.apiError(503, "no leader within 15s"));

    Result r = ctl("ipfs", "gc");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Message: no leader within 15s");
  }

  @Test
  void ipfsAloneShowsItsUsage() {
    Result r = ctl("ipfs");

    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("gc").contains("Run garbage collection");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void statusFiltersByGroupOrSingleStatusAndLocal() throws Exception {
    server.enqueue(Fixtures.stream(Fixtures.status(CID1, "", PIN_QUEUED, PIN_QUEUED)));
    server.enqueue(Fixtures.stream(Fixtures.status(CID2, "", UNEXPECTEDLY_UNPINNED, PINNED)));

    Result queued = ctl("status", "--filter", "queued", "--local");
    Result lost = ctl("status", "--filter", "unexpectedly_unpinned,pin_error");

    assertThat(queued.code()).isZero();
    assertThat(line(request())).isEqualTo("GET /pins?filter=queued&local=true");
    assertThat(queued.out()).startsWith(CID1 + ":\n");
    assertThat(lost.code()).isZero();
    assertThat(line(request())).isEqualTo("GET /pins?filter=unexpectedly_unpinned,pin_error");
    assertThat(lost.out()).contains("UNEXPECTEDLY_UNPINNED");
  }

  @Test
  void statusFilterWithACidIsRefused() {
    Result r = ctl("status", "--filter", "error", "" + CID1);

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("--filter applies only when no CID is given");
    assertThat(server.getRequestCount()).isZero();
  }

  private static String text(GlobalPinInfo g) {
    return io.pincluster.ctl.internal.TextFormat.status(g);
  }
}

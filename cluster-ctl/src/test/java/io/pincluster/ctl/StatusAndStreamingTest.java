package io.pincluster.ctl;

import static io.pincluster.core.api.TrackerStatus.PINNED;
import static io.pincluster.core.api.TrackerStatus.PINNING;
import static io.pincluster.core.api.TrackerStatus.PIN_ERROR;
import static io.pincluster.ctl.Fixtures.CID1;
import static io.pincluster.ctl.Fixtures.CID2;
import static io.pincluster.ctl.Fixtures.CID3;
import static io.pincluster.ctl.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

/** status in its three forms, and how streamed answers are read. */
class StatusAndStreamingTest extends CtlHarness {
  @Test
  void statusOfOneCidAsksForThatCid() throws Exception {
    server.enqueue(json(Fixtures.status(CID1, "docs", PINNED, PINNING)));

    Result r = ctl("status", "" + CID1);

    assertThat(r.code()).isZero();
    assertThat(line(request())).isEqualTo("GET /pins/" + CID1);
    assertThat(r.out()).startsWith(CID1 + " | docs:\n    > peer-one             : PINNED | ");
    assertThat(r.out()).contains("    > peer-two             : PINNING | ");
  }

  @Test
  void localStatusOfOneCidAsksOnlyTheContactedPeer() throws Exception {
    server.enqueue(json(Fixtures.status(CID1, "", PINNED, PINNED)));

    Result r = ctl("status", "--local", "" + CID1);

    assertThat(r.code()).isZero();
    assertThat(line(request())).isEqualTo("GET /pins/" + CID1 + "?local=true");
  }

  @Test
  void statusOfSeveralCidsAsksForThemTogether() throws Exception {
    GlobalPinInfo one = Fixtures.status(CID1, "", PINNED, PINNED);
    GlobalPinInfo two = Fixtures.status(CID2, "", PINNED, PIN_ERROR);
    server.enqueue(Fixtures.stream(one, two));

    Result r = ctl("--enc", "json", "status", "" + CID1, "" + CID2);

    assertThat(r.code()).isZero();
    assertThat(line(request())).isEqualTo("GET /pins?cids=" + CID1 + "," + CID2);
    assertThat(r.out()).isEqualTo(Json.pretty(one) + "\n" + Json.pretty(two) + "\n");
  }

  @Test
  void statusOfEverythingPassesTheFilterAndLocal() throws Exception {
    server.enqueue(Fixtures.stream(Fixtures.status(CID1, "", PIN_ERROR, PIN_ERROR)));

    Result r = ctl("status", "--filter", "error,queued", "--local");

    assertThat(r.code()).isZero();
    assertThat(line(request())).isEqualTo("GET /pins?filter=error,queued&local=true");
    assertThat(r.out()).startsWith(CID1 + ":\n");
  }

  @Test
  void emptyStatusPrintsNothing() throws Exception {
    server.enqueue(new MockResponse.Builder().code(204).build());

    Result r = ctl("status");

    assertThat(r.code()).isZero();
    assertThat(line(request())).isEqualTo("GET /pins");
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEmpty();
  }

  @Test
  void unknownStatusFilterIsRejectedBeforeAnyRequest() {
    Result r = ctl("status", "--filter", "sleeping");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("--filter: invalid filter value");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void malformedCidAmongSeveralIsRejectedBeforeAnyRequest() {
    Result r = ctl("status", "" + CID1, "bafyNOPE");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: invalid CID \"bafyNOPE\"");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void streamErrorTrailerFailsAfterPrintingTheItemsReceived() {
    GlobalPinInfo one = Fixtures.status(CID1, "", PINNED, PINNED);
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .addHeader("Content-Type", "application/json")
            .addHeader("Trailer", "X-Stream-Error")
            .chunkedBody(Fixtures.ndjson(one), 64)
            .trailers(Headers.of("X-Stream-Error", "peer 12D3 unreachable"))
            .build());

    Result r = ctl("status");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).startsWith(CID1 + ":\n");
    assertThat(r.err())
        .isEqualTo(
            "error: GET /pins: the server reported an error after streaming part of the answer:"
                + " peer 12D3 unreachable\n");
  }

  @Test
  void emptyStreamErrorTrailerIsSuccess() {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .addHeader("Trailer", "X-Stream-Error")
            .chunkedBody(Fixtures.ndjson(Fixtures.pin(CID1, "a", 1, 1, Fixtures.PEER1)), 16)
            .trailers(Headers.of("X-Stream-Error", ""))
            .build());

    Result r = ctl("pin", "ls");

    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith(CID1 + " | a | PIN");
  }

  @Test
  void errorBeforeTheFirstItemIsAnApiError() {
    server.enqueue(Fixtures.apiError(500, "timed out waiting for leader"));

    Result r = ctl("peers", "ls");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Message: timed out waiting for leader");
  }

  @Test
  void brokenLineInAStreamIsATransportErrorAfterTheGoodItems() {
    String body = Fixtures.ndjson(Fixtures.status(CID1, "", PINNED, PINNED)) + "{\"cid\": \n";
    server.enqueue(json(200, body));

    Result r = ctl("status");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).startsWith(CID1 + ":\n");
    assertThat(r.err()).startsWith("error: cannot decode the answer to GET /pins from");
  }

  @Test
  void streamedItemsArePrintedAsTheyArriveNotWhenTheStreamEnds() {
    String first = Json.toText(Fixtures.status(CID1, "", PINNED, PINNED)) + "\n";
    String rest = Json.toText(Fixtures.status(CID3, "", PINNED, PINNED)) + "\n";
    // The first line goes out at once; the second only after 2 s.
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .body(first + rest)
            .throttleBody(first.length(), 2, TimeUnit.SECONDS)
            .build());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    CompletableFuture<Integer> run =
        CompletableFuture.supplyAsync(
            () -> run(new String[] {"--host", host(), "status"}, out, err));

    await()
        .atMost(Duration.ofMillis(1500))
        .until(() -> out.toString(StandardCharsets.UTF_8).startsWith(CID1 + ":\n"));
    assertThat(run).isNotDone();
    assertThat(run.join()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains(CID3 + ":\n");
  }
}

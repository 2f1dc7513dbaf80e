package io.pincluster.ctl;

import static io.pincluster.ctl.Fixtures.CID1;
import static io.pincluster.ctl.Fixtures.CID2;
import static io.pincluster.ctl.Fixtures.CID3;
import static io.pincluster.ctl.Fixtures.PEER1;
import static io.pincluster.ctl.Fixtures.PEER2;
import static io.pincluster.ctl.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.api.PinResult;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pin add --from-file (bulk ingest), peers add and peers rm. */
class BulkPinAndPeersCommandsTest extends CtlHarness {
  @TempDir Path tmp;

  /**
   * Answers POST /pins as the REST API does: one result per non-blank line, numbered from {@code
   * line-offset + 1}; a line {@code bad} fails to parse, a line {@code refused <cid>} fails to pin.
   */
  private final class BulkApi extends Dispatcher {
    final List<String> bodies = new ArrayList<>();
    final List<String> targets = new ArrayList<>();

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      targets.add(request.getTarget());
      String body = request.getBody() == null ? "" : request.getBody().utf8();
      bodies.add(body);
      String offset = request.getUrl().queryParameter("line-offset");
      long line = offset == null ? 0 : Long.parseLong(offset);
      StringBuilder out = new StringBuilder();
      for (String text : body.split("\n", -1)) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        PinResult r;
        if (text.equals("bad")) {
          r = new PinResult(line, null, "line " + line + ": error decoding Cid: bad");
        } else if (text.startsWith("refused ")) {
          r = new PinResult(line, Cid.parse(text.substring(8)), "not enough peers");
        } else {
          r = PinResult.ok(line, Cid.parse(text.replace("\"", "")));
        }
        out.append(Json.toText(r)).append('\n');
      }
      if (out.length() == 0) {
        return new MockResponse.Builder().code(204).build();
      }
      return new MockResponse.Builder()
          .code(200)
          .addHeader("Content-Type", "application/json")
          .addHeader("Trailer", "X-Stream-Error")
          .body(out.toString())
          .build();
    }
  }

  private Path file(String... lines) throws IOException {
    Path f = tmp.resolve("pins.ndjson");
    Files.writeString(f, String.join("\n", lines));
    return f;
  }

  @Test
  void fromFileSendsTheLinesInBatchesKeepingTheFileLineNumbers() throws Exception {
    BulkApi api = new BulkApi();
    server.setDispatcher(api);
    Path f = file("" + CID1, "", "\"" + CID2 + "\"", "" + CID3, "" + CID1);

    Result r = ctl("pin", "add", "--from-file", f.toString(), "--batch", "2", "--rmin", "2");

    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("pinned 4, failed 0\n");
    assertThat(r.err()).isEmpty();
    assertThat(api.targets)
        .containsExactly(
            "/pins?replication-min=2&replication-max=0",
            "/pins?replication-min=2&replication-max=0&line-offset=2",
            "/pins?replication-min=2&replication-max=0&line-offset=4");
    assertThat(api.bodies)
        .containsExactly(CID1 + "\n\n", "\"" + CID2 + "\"\n" + CID3 + "\n", CID1.toString());
    RecordedRequest first = request();
    assertThat(first.getHeaders().get("Content-Type")).startsWith("application/x-ndjson");
    assertThat(first.getHeaders().get("Transfer-Encoding")).isEqualTo("chunked");
  }

  @Test
  void failedItemsGoToStderrWithTheirLineAndTheExitCodeIsTwo() throws IOException {
    server.setDispatcher(new BulkApi());
    Path f = file("" + CID1, "bad", "refused " + CID2, "" + CID3);

    Result r = ctl("pin", "add", "--from-file", f.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEqualTo("pinned 2, failed 2\n");
    assertThat(r.err())
        .isEqualTo(
            "line 2: error decoding Cid: bad\n" + "line 3: " + CID2 + ": not enough peers\n");
  }

  @Test
  void jsonEncodingPrintsEveryResultAsOneLineAndTheSummaryOnStderr() throws IOException {
    server.setDispatcher(new BulkApi());
    Path f = file("" + CID1, "bad");

    Result r = ctl("--enc", "json", "pin", "add", "--from-file", f.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out())
        .isEqualTo(
            "{\"line\":1,\"cid\":\""
                + CID1
                + "\",\"error\":\"\"}\n"
                + "{\"line\":2,\"cid\":null,\"error\":\"line 2: error decoding Cid: bad\"}\n");
    assertThat(r.err()).isEqualTo("line 2: error decoding Cid: bad\npinned 1, failed 1\n");
  }

  @Test
  void dashReadsStdinAndPinWithFromFileIsPinAdd() {
    BulkApi api = new BulkApi();
    server.setDispatcher(api);
    stdin = (CID1 + "\n" + CID2 + "\n").getBytes(StandardCharsets.UTF_8);

    Result r = ctl("pin", "--from-file", "-", "--name", "bulk");

    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("pinned 2, failed 0\n");
    assertThat(api.targets).containsExactly("/pins?replication-min=0&replication-max=0&name=bulk");
  }

  @Test
  void progressIsDrawnWhenAskedForAndErasedBeforeTheSummary() throws IOException {
    server.setDispatcher(new BulkApi());
    Path f = file("" + CID1, "" + CID2);

    Result quiet = ctl("pin", "add", "--from-file", f.toString());
    Result drawn = ctl("pin", "add", "--from-file", f.toString(), "--progress");
    terminal = true;
    Result onTerminal = ctl("pin", "add", "--from-file", f.toString());

    assertThat(quiet.err()).isEmpty();
    for (Result r : List.of(drawn, onTerminal)) {
      assertThat(r.code()).isZero();
      assertThat(r.err()).startsWith("\r[").contains("answered, 0 failed").endsWith("\r");
      assertThat(r.out()).isEqualTo("pinned 2, failed 0\n");
    }
  }

  @Test
  void emptyFileSendsNothing() throws IOException {
    Path f = file();

    Result r = ctl("pin", "add", "--from-file", f.toString());

    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("pinned 0, failed 0\n");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void unreadableFileAndBadCombinationsAreArgumentErrors() throws IOException {
    Path f = file("" + CID1);

    Result missing = ctl("pin", "add", "--from-file", tmp.resolve("nope").toString());
    Result both = ctl("pin", "add", "--from-file", f.toString(), "" + CID1);
    Result waiting = ctl("pin", "add", "--from-file", f.toString(), "--wait");
    Result noBatch = ctl("pin", "add", "--from-file", f.toString(), "--batch", "0");

    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err())
        .isEqualTo("error: cannot read " + tmp.resolve("nope") + ": no such file\n");
    assertThat(both.err()).isEqualTo("error: give either a <cid> or --from-file, not both\n");
    assertThat(waiting.err()).isEqualTo("error: --wait cannot be used with --from-file\n");
    Result hugeBatch = ctl("pin", "add", "--from-file", f.toString(), "--batch", "5001");
    assertThat(noBatch.err()).isEqualTo("error: --batch must be between 1 and 5000: 0\n");
    assertThat(hugeBatch.err()).isEqualTo("error: --batch must be between 1 and 5000: 5001\n");
    for (Result r : List.of(both, waiting, noBatch, hugeBatch)) {
      assertThat(r.code()).isEqualTo(1);
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void apiErrorStopsWithExitTwo() throws IOException {
    server.enqueue(Fixtures.apiError(503, "no leader within 15s"));
    Path f = file("" + CID1);

    Result r = ctl("pin", "add", "--from-file", f.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Message: no leader within 15s");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void transportFailureAfterSomeBatchesPrintsTheSummarySoFarAndExitsOne() throws IOException {
    BulkApi api = new BulkApi();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            if (request.getUrl().queryParameter("line-offset") == null) {
              return api.dispatch(request);
            }
            return new MockResponse.Builder()
                .onResponseStart(new SocketEffect.CloseSocket(true, false, false))
                .build();
          }
        });
    Path f = file("" + CID1, "" + CID2, "" + CID3);

    Result r = ctl("pin", "add", "--from-file", f.toString(), "--batch", "2");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEqualTo("pinned 2, failed 0\n");
    assertThat(r.err())
        .startsWith(
            "note: the answers stop at line 2; send the lines after it again (pinning again is"
                + " safe)\nerror: ");
  }

  @Test
  void peersRmDeletesThePeerAndPrintsNothing() throws Exception {
    server.enqueue(new MockResponse.Builder().code(204).build());

    Result r = ctl("peers", "rm", "" + PEER1);

    assertThat(r.code()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(line(request())).isEqualTo("DELETE /peers/" + PEER1);
  }

  @Test
  void peersRmReportsApiErrorsAndRefusesBadIds() {
    server.enqueue(Fixtures.apiError(500, "cannot remove the last peer"));

    Result failed = ctl("peers", "rm", "" + PEER1);
    Result bad = ctl("peers", "rm", "nope");

    assertThat(failed.code()).isEqualTo(2);
    assertThat(failed.err()).contains("Message: cannot remove the last peer");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).startsWith("error: invalid peer ID");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void peersAddPostsTheAddressAndPrintsThePeerLikeId() throws Exception {
    String address = "/ip4/10.0.0.2/tcp/9096/p2p/" + PEER2;
    server.enqueue(json(Fixtures.peer(PEER2, "newcomer", PEER1)));
    server.enqueue(json(Fixtures.peer(PEER2, "newcomer", PEER1)));

    Result added = ctl("peers", "add", address);
    Result id = ctl("id");

    assertThat(added.code()).isZero();
    assertThat(added.out()).isEqualTo(id.out()).startsWith(PEER2 + " | newcomer |");
    RecordedRequest post = request();
    assertThat(line(post)).isEqualTo("POST /peers");
    assertThat(post.getBody().utf8()).isEqualTo("{\"peer_id\":\"" + address + "\"}");
  }

  @Test
  void peersAddNeedsTheIdInTheAddress() {
    Result r = ctl("peers", "add", "/ip4/10.0.0.2/tcp/9096");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "error: the address /ip4/10.0.0.2/tcp/9096 must end with /p2p/<peerID>, the ID of"
                + " the peer to add\n");
    assertThat(server.getRequestCount()).isZero();
  }
}

package io.pincluster.ctl;

import static io.pincluster.core.api.TrackerStatus.PINNED;
import static io.pincluster.core.api.TrackerStatus.PINNING;
import static io.pincluster.core.api.TrackerStatus.PIN_ERROR;
import static io.pincluster.ctl.Fixtures.CID1;
import static io.pincluster.ctl.Fixtures.CID2;
import static io.pincluster.ctl.Fixtures.CID3;
import static io.pincluster.ctl.Fixtures.PEER1;
import static io.pincluster.ctl.Fixtures.PEER2;
import static io.pincluster.ctl.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.api.AddedOutput;
import io.pincluster.core.json.Json;
import io.pincluster.testing.AddBody;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** add: the multipart upload, its query, the outputs and --wait. */
class AddCommandTest extends CtlHarness {
  private static final String DEFAULT_QUERY =
      "replication-min=0&replication-max=0&local=false&recursive=false&hidden=false"
          + "&wrap-with-directory=false&format=unixfs&chunker=size-262144&raw-leaves=false"
          + "&cid-version=0&hash=sha2-256&nocopy=false&no-pin=false&stream-channels=true";

  @TempDir Path tmp;

  private static AddedOutput added(String name, io.pincluster.core.cid.Cid cid, long size) {
    return new AddedOutput(name, cid, 0, size, List.of());
  }

  /** The boundary of the multipart request {@code r}. */
  private static String boundary(RecordedRequest r) {
    String type = r.getHeaders().get("Content-Type");
    assertThat(type).startsWith("multipart/form-data; boundary=");
    return type.substring("multipart/form-data; boundary=".length());
  }

  /** The body {@code r} carried, with its random boundary replaced by AddBody's. */
  private static String bodyWithTestBoundary(RecordedRequest r) {
    return r.getBody().utf8().replace(boundary(r), AddBody.BOUNDARY);
  }

  /** One part as go-ipfs-files writes it (with AddBody's boundary). */
  private static String part(String escapedName, String type, String content) {
    return "--"
        + AddBody.BOUNDARY
        + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
        + escapedName
        + "\"\r\nContent-Type: "
        + type
        + "\r\n\r\n"
        + content
        + "\r\n";
  }

  private static String end() {
    return "--" + AddBody.BOUNDARY + "--\r\n";
  }

  @Test
  void addOfAFileStreamsOneMultipartPartAndPrintsAddedLikeIpfsClusterCtl() throws Exception {
    Path file = Files.writeString(tmp.resolve("hello-world.txt"), "hello\r\nworld");
    server.enqueue(Fixtures.stream(added("hello-world.txt", CID1, 21)));

    Result r = ctl("add", file.toString());

    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo("added " + CID1 + " hello-world.txt\n");
    RecordedRequest req = request();
    assertThat(req.getMethod()).isEqualTo("POST");
    assertThat(req.getUrl().encodedPath()).isEqualTo("/add");
    assertThat(req.getUrl().encodedQuery()).isEqualTo(DEFAULT_QUERY);
    assertThat(req.getHeaders().get("Transfer-Encoding")).as("streamed").isEqualTo("chunked");
    assertThat(req.getHeaders().get("Content-Length")).isNull();
    byte[] expected = AddBody.ofFile("hello-world.txt", "hello\r\nworld".getBytes()).bytes();
    assertThat(bodyWithTestBoundary(req)).isEqualTo(new String(expected, StandardCharsets.UTF_8));
  }

  @Test
  void aDirectoryNeedsRecursive() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("site"));

    Result r = ctl("add", dir.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo("error: " + dir + " is a directory: use -r (--recursive) to add it\n");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void aDirectoryIsSentDirectoryFirstThenItsSortedEntriesWithoutHiddenOnes() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("site"));
    Files.writeString(dir.resolve("b.txt"), "bee");
    Files.writeString(dir.resolve("a b~*.txt"), "ay");
    Files.writeString(dir.resolve(".secret"), "hidden");
    Files.createDirectory(dir.resolve("empty"));
    Path sub = Files.createDirectory(dir.resolve("sub"));
    Files.writeString(sub.resolve("c.txt"), "sea");
    Files.createSymbolicLink(sub.resolve("link"), Path.of("../b.txt"));
    server.enqueue(Fixtures.stream(added("site/a b~*.txt", CID1, 10), added("site", CID3, 100)));

    Result r = ctl("add", "-r", dir.toString());

    assertThat(r.code()).isZero();
    assertThat(r.out())
        .isEqualTo("added " + CID1 + " site/a b~*.txt\n" + "added " + CID3 + " site\n");
    RecordedRequest req = request();
    assertThat(req.getUrl().queryParameter("recursive")).isEqualTo("true");
    assertThat(req.getUrl().queryParameter("hidden")).isEqualTo("false");
    assertThat(bodyWithTestBoundary(req))
        .isEqualTo(
            part("site", "application/x-directory", "")
                + part("site%2Fa%20b~%2A.txt", "application/octet-stream", "ay")
                + part("site%2Fb.txt", "application/octet-stream", "bee")
                + part("site%2Fempty", "application/x-directory", "")
                + part("site%2Fsub", "application/x-directory", "")
                + part("site%2Fsub%2Fc.txt", "application/octet-stream", "sea")
                + part("site%2Fsub%2Flink", "application/symlink", "../b.txt")
                + end());
  }

  @Test
  void hiddenIncludesDotFilesAndMatchesAddBodysLayout() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("d"));
    Files.writeString(dir.resolve(".env"), "x=1");
    Files.writeString(dir.resolve("main.go"), "package main");
    server.enqueue(Fixtures.stream(added("d", CID3, 9)));

    Result r = ctl("add", "--recursive", "--hidden", dir.toString());

    assertThat(r.code()).isZero();
    RecordedRequest req = request();
    assertThat(req.getUrl().queryParameter("hidden")).isEqualTo("true");
    byte[] expected =
        AddBody.builder()
            .directory("d")
            .file("d/.env", "x=1")
            .file("d/main.go", "package main")
            .build()
            .bytes();
    assertThat(bodyWithTestBoundary(req)).isEqualTo(new String(expected, StandardCharsets.UTF_8));
  }

  @Test
  void severalArgumentsAreWrappedAndQuieterPrintsOnlyTheRoot() throws Exception {
    Path a = Files.writeString(tmp.resolve("a.txt"), "a");
    Path b = Files.writeString(tmp.resolve("b.txt"), "b");
    server.enqueue(
        Fixtures.stream(added("a.txt", CID1, 1), added("b.txt", CID2, 1), added("", CID3, 90)));
    server.enqueue(
        Fixtures.stream(added("a.txt", CID1, 1), added("b.txt", CID2, 1), added("", CID3, 90)));

    Result quieter = ctl("add", "-Q", a.toString(), b.toString());
    Result quiet = ctl("add", "-q", a.toString(), b.toString());

    assertThat(quieter.code()).isZero();
    assertThat(quieter.out()).isEqualTo(CID3 + "\n");
    assertThat(quiet.out()).isEqualTo(CID1 + "\n" + CID2 + "\n" + CID3 + "\n");
    RecordedRequest req = request();
    assertThat(req.getUrl().queryParameter("wrap-with-directory")).isEqualTo("true");
    assertThat(bodyWithTestBoundary(req))
        .isEqualTo(
            part("a.txt", "application/octet-stream", "a")
                + part("b.txt", "application/octet-stream", "b")
                + end());
  }

  @Test
  void twoArgumentsWithTheSameNameAreRefused() throws Exception {
    Path one = Files.createDirectories(tmp.resolve("x/data"));
    Path two = Files.createDirectories(tmp.resolve("y/data"));

    Result r = ctl("add", "-r", one.toString(), two.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("two arguments are both named \"data\"");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void carFormatSendsTheCarFileAsItIs() throws Exception {
    byte[] car = {0x3a, (byte) 0xa2, 0x65, 0x72, 0x6f, 0x6f, 0x74, 0x73};
    Path file = Files.write(tmp.resolve("dag.car"), car);
    server.enqueue(Fixtures.stream(added("", CID3, 0)));

    Result r = ctl("--enc", "json", "add", "--format", "car", file.toString());

    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo(Json.pretty(added("", CID3, 0)) + "\n");
    RecordedRequest req = request();
    assertThat(req.getUrl().queryParameter("format")).isEqualTo("car");
    byte[] expected = AddBody.ofFile("dag.car", car).bytes();
    byte[] body = req.getBody().toByteArray();
    String withTestBoundary =
        new String(body, StandardCharsets.ISO_8859_1).replace(boundary(req), AddBody.BOUNDARY);
    assertThat(withTestBoundary.getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(expected);
  }

  @Test
  void carFormatNeedsExactlyOneFile() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("dir"));
    Path a = Files.writeString(tmp.resolve("a.car"), "a");
    Path b = Files.writeString(tmp.resolve("b.car"), "b");

    Result ofDir = ctl("add", "-r", "--format", "car", dir.toString());
    Result ofTwo = ctl("add", "--format", "car", a.toString(), b.toString());
    Result badFormat = ctl("add", "--format", "zip", a.toString());

    assertThat(ofDir.code()).isEqualTo(1);
    assertThat(ofDir.err()).contains("--format car needs exactly one CAR file");
    assertThat(ofTwo.code()).isEqualTo(1);
    assertThat(badFormat.code()).isEqualTo(1);
    assertThat(badFormat.err()).contains("--format \"zip\" is not unixfs or car");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void everyOptionGoesIntoTheQuery() throws Exception {
    Path file = Files.writeString(tmp.resolve("f"), "f");
    server.enqueue(Fixtures.stream(added("f", CID1, 1)));

    Result r =
        ctl(
            "add",
            "--name",
            "my file",
            "--rmin",
            "1",
            "--rmax",
            "2",
            "--allocs",
            "" + PEER1,
            "--expire-in",
            "1h",
            "--metadata",
            "k=v",
            "--local",
            "--no-pin",
            "-w",
            "--layout",
            "trickle",
            "-s",
            "size-1024",
            "--hash",
            "blake2b-256",
            file.toString());

    assertThat(r.code()).isZero();
    assertThat(request().getUrl().encodedQuery())
        .isEqualTo(
            "replication-min=1&replication-max=2&name=my%20file&user-allocations="
                + PEER1
                + "&expire-in=1h0m0s&meta-k=v&local=true&recursive=false&hidden=false"
                + "&wrap-with-directory=true&format=unixfs&layout=trickle&chunker=size-1024"
                + "&raw-leaves=true&cid-version=1&hash=blake2b-256&nocopy=false&no-pin=true"
                + "&stream-channels=true");
  }

  @Test
  void cidVersionOneImpliesRawLeaves() throws Exception {
    Path file = Files.writeString(tmp.resolve("f"), "f");
    server.enqueue(Fixtures.stream(added("f", CID3, 1)));

    Result r = ctl("add", "--cid-version", "1", file.toString());
    Result bad = ctl("add", "--cid-version", "2", file.toString());

    assertThat(r.code()).isZero();
    RecordedRequest req = request();
    assertThat(req.getUrl().queryParameter("cid-version")).isEqualTo("1");
    assertThat(req.getUrl().queryParameter("raw-leaves")).isEqualTo("true");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("--cid-version must be 0 or 1: 2");
  }

  @Test
  void noStreamPrintsAtTheEndAndAsOneJsonArray() throws Exception {
    Path file = Files.writeString(tmp.resolve("f"), "f");
    List<AddedOutput> outputs = List.of(added("f/a", CID1, 1), added("f", CID3, 60));
    server.enqueue(Fixtures.stream(outputs.toArray()));
    server.enqueue(Fixtures.stream(outputs.toArray()));

    Result asJson = ctl("--enc", "json", "add", "--no-stream", file.toString());
    Result asText = ctl("add", "--no-stream", file.toString());

    assertThat(asJson.code()).isZero();
    assertThat(asJson.out()).isEqualTo(Json.pretty(outputs) + "\n");
    assertThat(asJson.out()).startsWith("[\n    {\n        \"name\": \"f/a\",");
    assertThat(asText.out()).isEqualTo("added " + CID1 + " f/a\nadded " + CID3 + " f\n");
  }

  @Test
  void missingPathsAreRefusedBeforeAnyRequest() {
    Path missing = tmp.resolve("nope.txt");

    Result r = ctl("add", missing.toString());
    Result none = ctl("add");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("error: cannot add " + missing + ": no such file or directory\n");
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.err()).contains("Missing required parameter: '<path|url>'");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void nocopyIsOnlyForUrls() throws Exception {
    Path file = Files.writeString(tmp.resolve("f"), "f");

    Result r = ctl("add", "--nocopy", file.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("error: --nocopy is only valid for URLs\n");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void urlsAreDownloadedIntoThePartWithTheirAbspath() throws Exception {
    try (MockWebServer web = new MockWebServer()) {
      web.start(InetAddress.getByName("127.0.0.1"), 0);
      web.enqueue(new MockResponse.Builder().body("<html>hi</html>").build());
      String url = "http://127.0.0.1:" + web.getPort() + "/docs/page.html?x=1";
      server.enqueue(Fixtures.stream(added("page.html", CID1, 15)));

      Result r = ctl("add", "--nocopy", url);

      assertThat(r.code()).isZero();
      assertThat(r.out()).isEqualTo("added " + CID1 + " page.html\n");
      RecordedRequest download = web.takeRequest();
      assertThat(download.getTarget()).isEqualTo("/docs/page.html?x=1");
      assertThat(download.getHeaders().get("Authorization")).isNull();
      RecordedRequest req = request();
      assertThat(req.getUrl().queryParameter("nocopy")).isEqualTo("true");
      assertThat(bodyWithTestBoundary(req))
          .isEqualTo(
              "--"
                  + AddBody.BOUNDARY
                  + "\r\nAbspath: "
                  + url
                  + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"page.html\""
                  + "\r\nContent-Type: application/octet-stream\r\n\r\n<html>hi</html>\r\n"
                  + end());
    }
  }

  @Test
  void aFailedDownloadIsAnInputErrorNotATransportError() throws Exception {
    try (MockWebServer web = new MockWebServer()) {
      web.start(InetAddress.getByName("127.0.0.1"), 0);
      web.enqueue(new MockResponse.Builder().code(404).build());
      String url = "http://127.0.0.1:" + web.getPort() + "/gone.bin";
      server.enqueue(Fixtures.stream(added("gone.bin", CID1, 0)));

      Result r = ctl("add", url);

      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err())
          .isEqualTo("error: cannot download " + url + ": the server answered 404 Client Error\n");
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void apiErrorsAndStreamErrorsExitTwo() throws Exception {
    Path file = Files.writeString(tmp.resolve("f"), "f");
    server.enqueue(Fixtures.apiError(400, "layout parameter is invalid"));
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .addHeader("Trailer", "X-Stream-Error")
            .chunkedBody(Fixtures.ndjson(added("f", CID1, 1)), 1024)
            .trailers(Headers.of("X-Stream-Error", "pin failed: no leader"))
            .build());

    Result api = ctl("add", file.toString());
    Result stream = ctl("add", file.toString());

    assertThat(api.code()).isEqualTo(2);
    assertThat(api.err())
        .isEqualTo("An error occurred:\n  Code: 400\n  Message: layout parameter is invalid\n");
    assertThat(stream.code()).isEqualTo(2);
    assertThat(stream.out()).isEqualTo("added " + CID1 + " f\n");
    assertThat(stream.err()).contains("pin failed: no leader");
  }

  @Test
  void aDirectoryWithManyFilesAsksForOneAnswerAtTheEnd() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("many"));
    String longName = "n".repeat(240);
    int files = (int) (AddCommand.MAX_STREAMED_ANSWER_BYTES / (longName.length() + 128)) + 10;
    for (int i = 0; i < files; i++) {
      Files.createFile(dir.resolve(longName + i));
    }
    List<AddedOutput> answer = List.of(added("many/x", CID1, 1), added("many", CID3, 2));
    server.enqueue(json(answer));

    Result r = ctl("add", "-Q", "-r", dir.toString());

    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo(CID3 + "\n");
    RecordedRequest req = request();
    assertThat(req.getUrl().queryParameter("stream-channels")).isEqualTo("false");
    assertThat(req.getBody().utf8()).contains("many%2F" + longName + (files - 1));
  }

  @Test
  void waitPollsTheRootForItsReplicationMin() throws Exception {
    Path file = Files.writeString(tmp.resolve("f"), "f");
    server.enqueue(Fixtures.stream(new AddedOutput("f", CID1, 0, 1, List.of(PEER1, PEER2))));
    server.enqueue(json(Fixtures.pin(CID1, "f", 2, 2, PEER1, PEER2)));
    server.enqueue(json(Fixtures.status(CID1, "f", PINNED, PINNING)));
    server.enqueue(json(Fixtures.status(CID1, "f", PINNED, PINNED)));

    Result r = ctl("add", "--wait", "--wt", "1m", file.toString());

    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("added " + CID1 + " f\n");
    assertThat(r.err())
        .isEqualTo(
            "waiting for "
                + CID1
                + ": 1/2 peers pinned (1s)\nwaiting for "
                + CID1
                + ": 2/2 peers pinned (2s)\n");
    assertThat(line(request())).startsWith("POST /add?");
    assertThat(line(request())).isEqualTo("GET /allocations/" + CID1);
    assertThat(line(request())).isEqualTo("GET /pins/" + CID1);
    assertThat(line(request())).isEqualTo("GET /pins/" + CID1);
  }

  @Test
  void waitStopsWithExitTwoOnAPinErrorAndSixtyTwoAfterTheTimeout() throws Exception {
    Path file = Files.writeString(tmp.resolve("f"), "f");
    server.enqueue(Fixtures.stream(added("f", CID1, 1)));
    server.enqueue(json(Fixtures.pin(CID1, "f", 2, 2, PEER1, PEER2)));
    server.enqueue(json(Fixtures.status(CID1, "f", PINNED, PIN_ERROR)));
    server.enqueue(Fixtures.stream(added("f", CID1, 1)));
    server.enqueue(json(Fixtures.pin(CID1, "f", 2, 2, PEER1, PEER2)));
    server.enqueue(json(Fixtures.status(CID1, "f", PINNED, PINNING)));

    Result failed = ctl("add", "--wait", file.toString());
    Result late = ctl("add", "--wait", "--wait-timeout", "1500ms", file.toString());

    assertThat(failed.code()).isEqualTo(2);
    assertThat(failed.err()).contains("reports pin_error while waiting for pinned");
    assertThat(late.code()).isEqualTo(62);
    assertThat(late.err())
        .endsWith(
            "error: waiting for pin status: "
                + CID1
                + " did not reach pinned on 2 peers within 1.5s (1 of 2 peers pinned)\n");
  }

  @Test
  void waitCannotBeUsedWithNoPin() throws Exception {
    Path file = Files.writeString(tmp.resolve("f"), "f");

    Result r = ctl("add", "--wait", "--no-pin", file.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("--wait cannot be used with --no-pin");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void aBigFileIsCopiedThroughWithoutChange() throws Exception {
    byte[] data = new byte[3 * 1024 * 1024 + 7];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31 + (i >> 9));
    }
    Path file = Files.write(tmp.resolve("big.bin"), data);
    server.enqueue(Fixtures.stream(added("big.bin", CID1, data.length)));

    Result r = ctl("add", file.toString());

    assertThat(r.code()).isZero();
    RecordedRequest req = request();
    assertThat(req.getChunkSizes()).hasSizeGreaterThan(1);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    String head =
        "--"
            + boundary(req)
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\""
            + "\r\nContent-Type: application/octet-stream\r\n\r\n";
    expected.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    expected.writeBytes(data);
    expected.writeBytes(("\r\n--" + boundary(req) + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    assertThat(req.getBody().toByteArray()).isEqualTo(expected.toByteArray());
  }

  @Test
  void unreadableFilesAreRefusedBeforeAnyRequest() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("d"));
    Path fifo = dir.resolve("pipe");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    try {
      mkfifo.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(fifo), "mkfifo is available");

    Result r = ctl("add", "-r", dir.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "error: cannot add " + fifo + ": it is not a regular file, directory or symlink\n");
    assertThat(server.getRequestCount()).isZero();
  }
}

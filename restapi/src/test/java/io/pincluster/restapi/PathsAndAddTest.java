package io.pincluster.restapi;

import static io.pincluster.restapi.FakeClusterApi.SELF;
import static io.pincluster.restapi.FakeClusterApi.T;
import static io.pincluster.restapi.FakeClusterApi.cid;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.AddOptions;
import io.pincluster.core.api.AddedOutput;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.cid.Cid;
import io.pincluster.testing.AddBody;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.Test;

/** Pins by IPFS path, every pin option, and POST /add (§1.1, §1.4, §1.5). */
class PathsAndAddTest extends ApiHarness {
  private static final Cid A = cid("a");
  private static final Cid B = cid("b");

  private Response add(String query, AddBody body) throws IOException {
    return post(
        "/add" + query,
        RequestBody.create(body.bytes(), MediaType.get(body.contentType())),
        b -> {});
  }

  @Test
  void pinsAndUnpinsByIpfsIpnsAndIpldPathsResolvedByTheCluster() throws IOException {
    start();
    api.resolved.put("/ipfs/" + A + "/sub/dir", B);
    api.resolved.put("/ipns/example.com", A);
    try (Response r = call("POST", "/pins/ipfs/" + A + "/sub/dir/?name=x&replication=2")) {
      assertThat(r.code()).as("trailing slash redirects").isEqualTo(307);
    }
    try (Response r = call("POST", "/pins/ipfs/" + A + "/sub/dir?name=x&replication=2")) {
      assertThat(r.code()).isEqualTo(200);
      JsonNode pin = json(r);
      assertThat(pin.get("cid").asText()).isEqualTo(B.toString());
      assertThat(pin.get("name").asText()).isEqualTo("x");
      assertThat(pin.get("shard_size").asLong()).isZero();
    }
    assertThat(api.lastOptions.get().replicationFactorMin()).isEqualTo(2);
    try (Response r = call("POST", "/pins/ipns/example.com")) {
      assertThat(json(r).get("cid").asText()).isEqualTo(A.toString());
    }
    try (Response r = call("POST", "/pins/ipld/" + A)) {
      assertThat(r.code()).isEqualTo(200);
    }
    try (Response r = call("DELETE", "/pins/ipns/example.com")) {
      assertThat(json(r).get("cid").asText()).isEqualTo(A.toString());
    }
    try (Response r = call("DELETE", "/pins/ipns/example.com")) {
      assertError(r, 404, "pin is not part of the pinset");
    }
    assertThat(api.paths)
        .containsExactly(
            "pin /ipfs/" + A + "/sub/dir",
            "pin /ipns/example.com",
            "pin /ipld/" + A,
            "unpin /ipns/example.com",
            "unpin /ipns/example.com");
  }

  @Test
  void malformedOrUnresolvablePathsAre400Or500() throws IOException {
    start();
    try (Response r = call("POST", "/pins/ipfs/notacid/x")) {
      assertThat(r.code()).isEqualTo(400);
      assertThat(json(r).get("message").asText()).startsWith("error parsing path: invalid path");
    }
    try (Response r = call("POST", "/pins/ipns/nowhere")) {
      assertError(r, 500, "could not resolve /ipns/nowhere");
    }
    assertThat(api.paths).containsExactly("pin /ipns/nowhere");
  }

  @Test
  void pinUpdateAndExpiryOptionsAreParsedAsIpfsClusterDoes() throws IOException {
    start();
    try (Response r = call("POST", "/pins/" + A + "?pin-update=" + B + "&expire-in=90s")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(json(r).get("pin_update").asText()).isEqualTo(B.toString());
    }
    PinOptions o = api.lastOptions.get();
    assertThat(o.pinUpdate()).isEqualTo(B);
    assertThat(o.expireAt()).isEqualTo(T.plusSeconds(90));
    try (Response r = call("POST", "/pins/" + A + "?expire-in=500ms")) {
      assertError(r, 400, "expire-in duration too short");
    }
    try (Response r = call("POST", "/pins/" + A + "?pin-update=nope")) {
      assertThat(r.code()).isEqualTo(400);
      assertThat(json(r).get("message").asText())
          .startsWith("error decoding update option parameter");
    }
    try (Response r = call("POST", "/pins/" + A + "?shard-size=x")) {
      assertError(r, 400, "parameter shard_size is invalid");
    }
  }

  @Test
  void addPassesEveryOptionAndStreamsNdjsonWithIpfsClusterHeaders() throws IOException {
    start();
    AddBody body = AddBody.builder().file("a.txt", "hello").build();
    String query =
        "?name=doc&replication-min=1&replication-max=2&meta-k=v&user-allocations="
            + SELF
            + "&local=true&no-pin=false&shard=false&format=unixfs&layout=trickle"
            + "&chunker=size-1024&cid-version=1&hash=sha2-512&progress=t&nocopy=1"
            + "&wrap-with-directory=true&recursive=true&hidden=false&expire-in=1h";
    try (Response r = add(query, body)) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("X-Chunked-Output")).isEqualTo("1");
      assertThat(r.header("Cache-Control")).isEqualTo("no-cache");
      assertThat(r.header("Connection")).isEqualTo("close");
      assertThat(r.header("Trailer")).isEqualTo("X-Stream-Error");
      List<JsonNode> lines = ndjson(r);
      assertThat(lines).hasSize(2);
      assertThat(fields(lines.get(0))).containsExactly("name", "cid", "bytes");
      assertThat(fields(lines.get(1))).containsExactly("name", "cid", "size", "allocations");
      assertThat(r.trailers().get("X-Stream-Error")).isEmpty();
    }
    assertThat(api.lastAddBody.get()).isEqualTo(body.bytes());
    assertThat(api.lastAddContentType.get()).isEqualTo(body.contentType());
    AddOptions o = api.lastAddOptions.get();
    assertThat(o.local()).isTrue();
    assertThat(o.noPin()).isFalse();
    assertThat(o.streamChannels()).isTrue();
    assertThat(o.format()).isEqualTo("unixfs");
    assertThat(o.pin().name()).isEqualTo("doc");
    assertThat(o.pin().replicationFactorMax()).isEqualTo(2);
    assertThat(o.pin().metadata()).isEqualTo(Map.of("k", "v"));
    assertThat(o.pin().userAllocations()).containsExactly(SELF);
    assertThat(o.pin().expireAt()).isEqualTo(T.plusSeconds(3600));
    assertThat(o.ipfsParams())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "recursive", "true",
                "wrap-with-directory", "true",
                "trickle", "true",
                "chunker", "size-1024",
                "raw-leaves", "true",
                "cid-version", "1",
                "hash", "sha2-512",
                "progress", "true",
                "nocopy", "true"));
  }

  @Test
  void addDefaultsAreKubosAndStreamChannelsFalseAnswersOneArray() throws IOException {
    start();
    try (Response r =
        add("?stream-channels=false&format=car", AddBody.ofFile("x.car", new byte[3]))) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("X-Chunked-Output")).isNull();
      assertThat(r.header("Connection")).isEqualTo("close");
      JsonNode array = json(r);
      assertThat(array.isArray()).isTrue();
      assertThat(array.size()).isEqualTo(2);
    }
    AddOptions o = api.lastAddOptions.get();
    assertThat(o.streamChannels()).isFalse();
    assertThat(o.format()).isEqualTo("car");
    assertThat(o.pin().pinUpdate()).isNull();
    assertThat(o.ipfsParams())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "chunker",
                "size-262144",
                "raw-leaves",
                "false",
                "cid-version",
                "0",
                "hash",
                "sha2-256"));
    try (Response r = add("?cid-version=1&raw-leaves=false", AddBody.ofFile("x", new byte[1]))) {
      assertThat(r.code()).isEqualTo(200);
    }
    assertThat(api.lastAddOptions.get().ipfsParams()).containsEntry("raw-leaves", "false");
  }

  @Test
  void badAddRequestsAre400WithIpfsClusterMessages() throws IOException {
    start();
    AddBody body = AddBody.ofFile("f", new byte[1]);
    Map<String, String> cases =
        Map.of(
            "?shard=true", "sharding is not supported",
            "?layout=zigzag", "layout parameter is invalid",
            "?format=zip", "format parameter is invalid",
            "?local=maybe", "parameter local invalid",
            "?cid-version=one", "parameter cid-version invalid",
            "?expire-in=10ms", "expire-in duration too short",
            "?stream-channels=nah", "parameter stream-channels invalid");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      try (Response r = add(c.getKey(), body)) {
        assertError(r, 400, c.getValue());
      }
    }
    try (Response r = post("/add", RequestBody.create("x", MediaType.get("text/plain")), b -> {})) {
      assertError(r, 400, "request Content-Type isn't multipart/form-data");
    }
    assertThat(api.lastAddOptions.get()).isNull();
  }

  @Test
  void addFailuresBeforeTheFirstObjectAre500AndLaterOnesGoToTheTrailer() throws IOException {
    start();
    api.addAnswer =
        in -> {
          throw new io.pincluster.core.IpfsException("IPFS at 127.0.0.1:5001 refused add: boom");
        };
    try (Response r = add("", AddBody.ofFile("f", new byte[1]))) {
      assertError(r, 500, "IPFS at 127.0.0.1:5001 refused add: boom");
    }
    api.addAnswer = in -> failingAfterOne();
    try (Response r = add("", AddBody.ofFile("f", new byte[1]))) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(ndjson(r)).hasSize(1);
      assertThat(r.trailers().get("X-Stream-Error")).isEqualTo("pin failed: no leader");
    }
  }

  private static CloseableIterator<AddedOutput> failingAfterOne() {
    return new CloseableIterator<>() {
      private boolean served;

      @Override
      public boolean hasNext() {
        if (served) {
          throw new IllegalStateException("pin failed: no leader");
        }
        return true;
      }

      @Override
      public AddedOutput next() {
        if (served) {
          throw new NoSuchElementException();
        }
        served = true;
        return new AddedOutput("f", A, 0, 9, List.of());
      }

      @Override
      public void close() {}
    };
  }

  /**
   * The body is handed to the cluster as it arrives: the client sends the second half only once the
   * cluster has read the first, which would deadlock if the server waited for the whole body.
   */
  @Test
  void theAddBodyIsStreamedToTheClusterWhileItArrives() throws Exception {
    start();
    CountDownLatch firstHalfRead = new CountDownLatch(1);
    AtomicLong read = new AtomicLong();
    int half = 512 * 1024;
    api.addAnswer =
        in -> {
          byte[] buf = new byte[8192];
          try {
            int n;
            while ((n = in.read(buf)) >= 0) {
              if (read.addAndGet(n) >= half) {
                firstHalfRead.countDown();
              }
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return CloseableIterator.of(List.of(new AddedOutput("big", A, 0, read.get(), List.of())));
        };
    RequestBody body =
        new RequestBody() {
          @Override
          public MediaType contentType() {
            return MediaType.get("multipart/form-data; boundary=x");
          }

          @Override
          public void writeTo(BufferedSink sink) throws IOException {
            sink.write(new byte[half]);
            sink.flush();
            try {
              if (!firstHalfRead.await(10, TimeUnit.SECONDS)) {
                throw new IOException("the server did not read the first half while it waited");
              }
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
            sink.write(new byte[half]);
          }
        };
    try (Response r = post("/add", body, b -> {})) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(ndjson(r).get(0).get("size").asLong()).isEqualTo(2L * half);
    }
  }

  @Test
  void aStalledUploadDoesNotStopOtherRequests() throws IOException {
    start();
    api.addAnswer = in -> CloseableIterator.of(List.of());
    try (Response r = add("", AddBody.ofFile("f", "x".getBytes(StandardCharsets.UTF_8)))) {
      assertThat(r.code()).as("nothing added: no content").isEqualTo(204);
    }
    try (Response r = call("GET", "/version")) {
      assertThat(r.code()).isEqualTo(200);
    }
  }
}

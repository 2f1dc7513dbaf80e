package io.pincluster.restapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.InvalidRequestException;
import io.pincluster.testing.AddBody;
import java.io.IOException;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * Regression tests for {@code POST /add} bad input found by the REST fuzz run (issue 9): each was a
 * 500 (or, for a bad chunker, an add and a pin) instead of a 400.
 */
class AddBadInputTest extends ApiHarness {
  private Response add(String query, AddBody body) throws IOException {
    return post(
        "/add" + query,
        RequestBody.create(body.bytes(), MediaType.get(body.contentType())),
        b -> {});
  }

  @Test
  void addOptionsIpfsWouldRefuseAre400BeforeAnythingIsSent() throws IOException {
    start();
    AddBody body = AddBody.ofFile("f", new byte[1]);
    Map<String, String> cases =
        Map.of(
            "?cid-version=7",
            "parameter cid-version invalid: 7 (0 or 1)",
            "?cid-version=-1",
            "parameter cid-version invalid: -1 (0 or 1)",
            "?hash=blake2b-256",
            "CIDv0 only supports sha2-256 (use cid-version=1 with hash blake2b-256)",
            "?chunker=x-1",
            "unrecognized chunker option: x-1",
            "?chunker=size-0",
            "unrecognized chunker option: size-0",
            "?chunker=rabin-1-2",
            "unrecognized chunker option: rabin-1-2");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      try (Response r = add(c.getKey(), body)) {
        assertError(r, 400, c.getValue());
      }
    }
    assertThat(api.lastAddOptions.get()).isNull();
    for (String ok :
        new String[] {
          "?chunker=size-1024", "?chunker=rabin", "?chunker=rabin-262144",
          "?chunker=rabin-1-2-3", "?chunker=buzhash", "?cid-version=1&hash=blake2b-256"
        }) {
      try (Response r = add(ok, body)) {
        assertThat(r.code()).as(ok).isEqualTo(200);
      }
    }
  }

  @Test
  void multipartWithoutBoundaryIs400() throws IOException {
    start();
    RequestBody b = RequestBody.create("--x\r\n", MediaType.get("multipart/form-data"));
    try (Response r = post("/add", b, x -> {})) {
      assertError(r, 400, "multipart Content-Type has no boundary");
    }
    assertThat(api.lastAddOptions.get()).isNull();
  }

  @Test
  void ipfsRefusingTheBodyIs400NotAServerError() throws IOException {
    start();
    api.addAnswer =
        in -> {
          throw new InvalidRequestException(
              "IPFS at 127.0.0.1:5001 refused add: argument \"path\" is required");
        };
    try (Response r = add("", AddBody.ofFile("f", new byte[1]))) {
      assertError(r, 400, "IPFS at 127.0.0.1:5001 refused add: argument \"path\" is required");
    }
  }
}

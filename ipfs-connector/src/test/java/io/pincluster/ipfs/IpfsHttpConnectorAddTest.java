package io.pincluster.ipfs;

import static io.pincluster.ipfs.TestConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.InvalidRequestException;
import io.pincluster.core.IpfsException;
import io.pincluster.core.api.IpfsAdded;
import io.pincluster.core.cid.Base58;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.PinMethod;
import io.pincluster.testing.AddBody;
import io.pincluster.testing.CarFiles;
import io.pincluster.testing.Cids;
import io.pincluster.testing.FakeKubo;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** add and dag/import: against FakeKubo (Kubo and js-ipfs shapes) and scripted answers. */
class IpfsHttpConnectorAddTest {
  private final FakeKubo kubo = new FakeKubo();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    kubo.close();
  }

  private IpfsHttpConnector connector(int port) {
    IpfsHttpConnector c = new IpfsHttpConnector(config(port, PinMethod.PIN));
    closing.add(0, c);
    return c;
  }

  private static List<IpfsAdded> all(CloseableIterator<IpfsAdded> it) {
    List<IpfsAdded> out = new ArrayList<>();
    try (it) {
      it.forEachRemaining(out::add);
    }
    return out;
  }

  @ParameterizedTest(name = "js-ipfs: {0}")
  @ValueSource(booleans = {false, true})
  void addStreamsTheBodyWithTheParamsAndNeverPins(boolean js) {
    kubo.emulateJsIpfs(js);
    IpfsHttpConnector ipfs = connector(kubo.port());
    AddBody body =
        AddBody.builder().directory("d").file("d/a.txt", "A").file("d/b.txt", "B").build();

    List<IpfsAdded> out =
        all(
            ipfs.add(
                body.stream(),
                body.contentType(),
                Map.of("cid-version", "1", "progress", "true", "pin", "true")));

    assertThat(out.get(0)).isEqualTo(new IpfsAdded("d/a.txt", null, 1, 0));
    IpfsAdded root = out.get(out.size() - 1);
    assertThat(root.name()).isEqualTo("d");
    assertThat(root.cid().version()).isEqualTo(1);
    assertThat(root.size()).isPositive();
    assertThat(out.stream().filter(a -> a.cid() != null).map(IpfsAdded::name))
        .containsExactly("d/a.txt", "d/b.txt", "d");
    assertThat(kubo.hasBlock(root.cid())).isTrue();
    assertThat(kubo.pins()).isEmpty();
    assertThat(kubo.lastParams("add"))
        .containsEntry("pin", List.of("false"))
        .containsEntry("cid-version", List.of("1"))
        .containsEntry("stream-channels", List.of("true"));
  }

  @Test
  void aLargeBodyIsSentAsItIsReadAndGetsTheCidKuboGivesIt() {
    IpfsHttpConnector ipfs = connector(kubo.port());
    int size = 5 * 1024 * 1024 + 17;
    byte[] content = new byte[size];
    for (int i = 0; i < size; i++) {
      content[i] = (byte) (i * 31 + (i >> 10));
    }
    AddBody body = AddBody.ofFile("big.bin", content);
    CountingStream counting = new CountingStream(body.stream());

    List<IpfsAdded> out = all(ipfs.add(counting, body.contentType(), Map.of()));

    assertThat(out).hasSize(1);
    assertThat(out.get(0).cid()).isEqualTo(FakeKubo.addedCid(content, Map.of()));
    assertThat(out.get(0).size()).isGreaterThan(size);
    assertThat(counting.reads).as("read in pieces, not at once").isGreaterThan(10);
  }

  @ParameterizedTest(name = "js-ipfs: {0}")
  @ValueSource(booleans = {false, true})
  void dagImportSendsTheCarWithoutPinningAndReadsTheRootsFromItsHeader(boolean js) {
    kubo.emulateJsIpfs(js);
    IpfsHttpConnector ipfs = connector(kubo.port());
    byte[] block = "a block".getBytes(StandardCharsets.UTF_8);
    Cid root = Cids.rawOf(block);
    AddBody car = AddBody.ofFile("x.car", CarFiles.write(List.of(root), Map.of(root, block)));

    assertThat(ipfs.dagImport(car.stream(), car.contentType())).containsExactly(root);

    assertThat(kubo.hasBlock(root)).isTrue();
    assertThat(kubo.isPinned(root)).isFalse();
    assertThat(kubo.lastParams("dag/import")).containsEntry("pin-roots", List.of("false"));
  }

  @Test
  void dagImportOnANodeWithoutItSaysSo() {
    kubo.disableCommand("dag/import", true);
    IpfsHttpConnector ipfs = connector(kubo.port());
    AddBody car = AddBody.ofFile("x.car", CarFiles.write(List.of(Cids.V1_1), Map.of()));
    assertThatThrownBy(() -> ipfs.dagImport(car.stream(), car.contentType()))
        .isInstanceOf(IpfsException.class)
        .hasMessageContaining("does not support dag/import");
  }

  @Test
  void refusalsAndBadCarsFailWithTheNodesWords() {
    IpfsHttpConnector ipfs = connector(kubo.port());
    AddBody notCar = AddBody.ofFile("x.car", "nope".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> ipfs.dagImport(notCar.stream(), notCar.contentType()))
        .isInstanceOf(IpfsException.class)
        .hasMessageContaining("failed to import CAR");
    AddBody file = AddBody.ofFile("f", "x".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(
            () -> all(ipfs.add(file.stream(), file.contentType(), Map.of("hash", "md5"))))
        .isInstanceOf(IpfsException.class)
        .hasMessageContaining("refused add: unrecognized hash function: md5");
    assertThatThrownBy(() -> ipfs.add(file.stream(), "no type", Map.of()))
        .isInstanceOf(IpfsException.class);
  }

  /** Issue 9: Kubo's 400 for a body without files was a 500 at the REST API. */
  @Test
  void aBodyTheNodeRefusesWith400IsAnInvalidRequestNotAnIpfsFailure() {
    IpfsHttpConnector ipfs = connector(kubo.port());
    AddBody noFiles = AddBody.builder().build();
    assertThatThrownBy(() -> all(ipfs.add(noFiles.stream(), noFiles.contentType(), Map.of())))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("refused add: argument \"path\" is required");
    assertThatThrownBy(() -> all(ipfs.add(noFiles.stream(), "multipart/form-data", Map.of())))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("refused add: multipart body without a boundary");
    AddBody file = AddBody.ofFile("f", "x".getBytes(StandardCharsets.UTF_8));
    assertThat(all(ipfs.add(file.stream(), file.contentType(), Map.of()))).hasSize(1);
  }

  @Test
  void readsEveryAnswerShapeAndReportsAStreamError() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start(InetAddress.getByName("127.0.0.1"), 0);
      IpfsHttpConnector ipfs = connector(server.getPort());
      Cid a = Cids.V1_1;
      String zb2 = "z" + Base58.encode(a.toBytes());
      server.enqueue(
          new MockResponse.Builder()
              .code(200)
              .body(
                  "{\"Name\":\"f\",\"Bytes\":\"4\"}\n"
                      + "{\"Name\":\"f\",\"Hash\":\""
                      + zb2
                      + "\",\"Size\":\"12\"}\n"
                      + "{\"Name\":\"g\",\"Hash\":{\"/\":\""
                      + Cids.V0_1
                      + "\"},\"Size\":7}\n")
              .build());
      AddBody body = AddBody.ofFile("f", "data".getBytes(StandardCharsets.UTF_8));
      assertThat(all(ipfs.add(body.stream(), body.contentType(), Map.of("chunker", "size-4"))))
          .containsExactly(
              new IpfsAdded("f", null, 4, 0),
              new IpfsAdded("f", a, 0, 12),
              new IpfsAdded("g", Cids.V0_1, 0, 7));
      RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(r.getTarget())
          .isEqualTo("/api/v0/add?chunker=size-4&pin=false&stream-channels=true");
      assertThat(r.getHeaders().get("Content-Type")).isEqualTo(body.contentType());
      assertThat(r.getBody().utf8()).isEqualTo(new String(body.bytes(), StandardCharsets.UTF_8));

      server.enqueue(
          new MockResponse.Builder()
              .code(200)
              .body("{\"Message\":\"disk full\",\"Code\":0,\"Type\":\"error\"}\n")
              .build());
      assertThatThrownBy(() -> all(ipfs.add(body.stream(), body.contentType(), Map.of())))
          .isInstanceOf(IpfsException.class)
          .hasMessageContaining("disk full");

      server.enqueue(
          new MockResponse.Builder()
              .code(200)
              .body("{\"Root\":{\"Cid\":{\"/\":\"" + a + "\"},\"PinErrorMsg\":\"\"}}\n")
              .build());
      AddBody car = AddBody.ofFile("c", CarFiles.write(List.of(Cids.V0_2), Map.of()));
      assertThat(ipfs.dagImport(car.stream(), car.contentType()))
          .as("roots the node reports win")
          .containsExactly(a);
    }
  }

  /** Counts the reads made of a stream. */
  private static final class CountingStream extends InputStream {
    private final InputStream in;
    int reads;

    CountingStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      reads++;
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      reads++;
      return in.read(b, off, Math.min(len, 64 * 1024));
    }
  }
}

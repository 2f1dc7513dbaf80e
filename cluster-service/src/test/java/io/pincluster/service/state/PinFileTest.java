package io.pincluster.service.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.ClusterException;
import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
import io.pincluster.testing.Cids;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PinFileTest {
  static final PinFile.Overrides NONE = new PinFile.Overrides(0, 0, List.of());

  static PinFile.Reader reader(byte[] bytes) {
    return PinFile.read(new ByteArrayInputStream(bytes), "dump.ndjson", NONE);
  }

  static List<Pin> readAll(String text) {
    List<Pin> out = new ArrayList<>();
    try (PinFile.Reader r = reader(text.getBytes(StandardCharsets.UTF_8))) {
      r.forEachRemaining(out::add);
      assertThat(r.count()).isEqualTo(out.size());
    }
    return out;
  }

  static String line(Cid c) {
    return "{\"cid\":\"" + c + "\"}";
  }

  @Test
  void linesEndAtLfCrOrCrLfAndBlankLinesAreSkipped() {
    List<Cid> c = Cids.random(5);
    String text =
        line(c.get(0))
            + "\r\n"
            + line(c.get(1))
            + "\r"
            + " \t\n\n"
            + line(c.get(2))
            + "\n"
            + line(c.get(3))
            + "\r\n\r\n"
            + line(c.get(4));
    assertThat(readAll(text)).extracting(Pin::cid).containsExactlyElementsOf(c);
  }

  @Test
  void aLongLineCrossingTheReadBufferIsReadWhole() {
    Cid c = Cids.random();
    String name = "n".repeat(200_000);
    List<Pin> pins =
        readAll(line(Cids.random()) + "\n{\"cid\":\"" + c + "\",\"name\":\"" + name + "\"}\n");
    assertThat(pins).hasSize(2);
    assertThat(pins.get(1).name()).isEqualTo(name);
  }

  @Test
  void aBadLineIsNamedByItsNumberCountingBlankAndCrLines() {
    Cid c = Cids.random();
    String text = line(c) + "\r\n\r\n" + line(c) + "\r" + "{\"name\":\"x\"}\n";
    assertThatThrownBy(() -> readAll(text))
        .isInstanceOf(ClusterException.class)
        .hasMessageStartingWith("dump.ndjson line 4: ");
    assertThatThrownBy(() -> readAll(line(c) + "\nnull\n"))
        .hasMessage("dump.ndjson line 2: not a Pin object");
  }

  @Test
  void bytesThatAreNotUtf8AreNamedWithTheirLine() {
    byte[] good = (line(Cids.random()) + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] bad = "{\"cid\":\"x\",\"name\":\"\u00e9\"}\n".getBytes(StandardCharsets.UTF_8);
    bad[bad.length - 5] = (byte) 0xff;
    byte[] all = new byte[good.length * 2 + bad.length];
    System.arraycopy(good, 0, all, 0, good.length);
    System.arraycopy(good, 0, all, good.length, good.length);
    System.arraycopy(bad, 0, all, good.length * 2, bad.length);
    try (PinFile.Reader r = reader(all)) {
      assertThatThrownBy(() -> r.forEachRemaining(p -> {}))
          .hasMessage("dump.ndjson line 3: not UTF-8 text");
    }
    Cid c = Cids.random();
    assertThat(readAll("{\"cid\":\"" + c + "\",\"name\":\"caf\u00e9\"}\n\u3000\n"))
        .singleElement()
        .satisfies(p -> assertThat(p.name()).isEqualTo("caf\u00e9"));
  }

  @Test
  void overridesApplyToEveryPin() {
    List<Pin> pins;
    try (PinFile.Reader r =
        PinFile.read(
            new ByteArrayInputStream((line(Cids.random()) + "\n").getBytes(StandardCharsets.UTF_8)),
            "x",
            new PinFile.Overrides(2, 3, List.of()))) {
      pins = new ArrayList<>();
      r.forEachRemaining(pins::add);
    }
    assertThat(pins)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.replicationFactorMin()).isEqualTo(2);
              assertThat(p.replicationFactorMax()).isEqualTo(3);
            });
  }
}

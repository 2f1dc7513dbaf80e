package io.pincluster.core.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinType;
import io.pincluster.core.cid.Base58;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StoredPinsTest {
  static final List<PeerId> PEERS =
      List.of(Identity.generate().id(), Identity.generate().id(), Identity.generate().id());

  static Cid cid(Random r) {
    byte[] digest = new byte[32];
    r.nextBytes(digest);
    return Cid.v1(r.nextBoolean() ? Cid.RAW : Cid.DAG_PB, Multihash.of(Multihash.SHA2_256, digest));
  }

  static Pin random(Random r) {
    List<PeerId> allocations = new ArrayList<>(PEERS.subList(0, r.nextInt(4)));
    PinMode mode = r.nextBoolean() ? PinMode.RECURSIVE : PinMode.DIRECT;
    return new Pin(
        cid(r),
        r.nextInt(5) == 0 ? PinType.values()[r.nextInt(PinType.values().length)] : PinType.PIN,
        allocations,
        mode == PinMode.DIRECT ? 0 : -1,
        r.nextInt(4) == 0 ? cid(r) : null,
        r.nextBoolean()
            ? Pin.ZERO_TIME
            : Instant.ofEpochSecond(1_700_000_000L + r.nextInt(1 << 28), r.nextInt(1_000_000_000)),
        r.nextInt(4) - 1,
        r.nextInt(6) - 1,
        r.nextBoolean() ? "" : "name \"" + r.nextInt() + "\" é",
        mode,
        r.nextBoolean() ? List.of() : PEERS.subList(1, 3),
        r.nextBoolean() ? Pin.ZERO_TIME : Instant.parse("2030-01-01T00:00:00Z"),
        r.nextBoolean() ? Map.of() : Map.of("k", "v", "ü", "\n"),
        r.nextInt(4) == 0 ? cid(r) : null,
        r.nextBoolean()
            ? List.of()
            : List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/" + PEERS.get(0))));
  }

  @Test
  void readsWhatThePinsetStoresExactlyAsDataBindingDoes() {
    Random r = new Random(11);
    for (int i = 0; i < 5000; i++) {
      Pin pin = random(r);
      byte[] json = Json.write(pin);
      assertThat(StoredPins.readStoredForm(json)).as("read by hand").isEqualTo(pin);
      assertThat(StoredPins.read(json)).isEqualTo(pin).isEqualTo(Json.read(json, Pin.class));
    }
  }

  @Test
  void aStoredCidEqualToItsKeyIsTheKeyAndAnyOtherIsParsed() {
    Random r = new Random(7);
    for (int i = 0; i < 200; i++) {
      Pin pin = random(r);
      byte[] json = Json.write(pin);
      Cid key = Cid.fromBytes(pin.cid().toBytes());
      assertThat(StoredPins.read(json, key)).isEqualTo(pin);
      assertThat(StoredPins.read(json, key).cid()).isSameAs(key);
      Cid other = cid(r);
      assertThat(StoredPins.read(json, other)).isEqualTo(pin);
      assertThat(StoredPins.read(json, other).cid()).isEqualTo(pin.cid()).isNotEqualTo(other);
    }
    Cid v1 = cid(r);
    Cid v0 = Cid.v0(v1.multihash());
    String v0Stored = "{\"cid\":\"" + v0 + "\"}";
    assertThat(StoredPins.read(v0Stored.getBytes(UTF_8), v0).cid()).isSameAs(v0);
    String base58v1 = "{\"cid\":\"z" + Base58.encode(v1.toBytes()) + "\"}";
    assertThat(StoredPins.read(base58v1.getBytes(UTF_8), v1).cid()).isEqualTo(v1);
  }

  @Test
  void readsTheFirstBytesOfAReusedBufferOnly() {
    Random r = new Random(9);
    byte[] buffer = new byte[4096];
    for (int i = 0; i < 500; i++) {
      Pin pin = random(r);
      byte[] json = Json.write(pin);
      java.util.Arrays.fill(buffer, (byte) (i % 2 == 0 ? '}' : 'x'));
      System.arraycopy(json, 0, buffer, 0, json.length);
      assertThat(StoredPins.read(buffer, json.length)).isEqualTo(pin);
    }
    byte[] unknownField = "{\"cid\":\"%s\",\"extra\":[1]}xxxx".formatted(cid(r)).getBytes(UTF_8);
    int length = unknownField.length - 4;
    assertThat(StoredPins.read(unknownField, length))
        .isEqualTo(Json.read(java.util.Arrays.copyOf(unknownField, length), Pin.class));
    byte[] cut = Json.write(random(r));
    assertThatThrownBy(() -> StoredPins.read(cut, cut.length - 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anyOtherDocumentGetsDataBindingsAnswer() {
    Cid cid = cid(new Random(1));
    String c = "\"cid\":\"" + cid + "\"";
    String[] others = {
      "{" + c + "}",
      "{" + c + ",\"unknown\":[1,{\"a\":2}]}",
      "{" + c + ",\"timestamp\":\"\",\"expire_at\":null,\"mode\":null,\"name\":null}",
      "{" + c + ",\"max_depth\":\"0\",\"replication_factor_min\":2.0}",
      "{" + c + ",\"metadata\":{\"a\":\"1\",\"a\":\"2\"}}",
      "{" + c + ",\"allocations\":null,\"origins\":null,\"user_allocations\":null}",
      "{" + c + ",\"timestamp\":\"2026-01-01T00:00:00+02:00\"}",
      "{" + c + ",\"cid\":\"" + cid(new Random(2)) + "\"}",
    };
    for (String doc : others) {
      byte[] json = doc.getBytes(UTF_8);
      assertThat(StoredPins.read(json)).as(doc).isEqualTo(Json.read(json, Pin.class));
    }
    Pin full = random(new Random(5));
    String stored = new String(Json.write(full), UTF_8);
    String repeated = stored.substring(0, stored.length() - 1) + ",\"name\":\"again\"}";
    assertThat(StoredPins.readStoredForm(repeated.getBytes(UTF_8))).as("repeated field").isNull();
    assertSameAnswer(repeated);
    String[] bad = {"[]", "{\"name\":\"x\"}", "{" + c + ",\"mode\":\"sideways\"}", "{" + c, ""};
    for (String doc : bad) {
      byte[] json = doc.getBytes(UTF_8);
      Throwable expected = catchFailure(() -> Json.read(json, Pin.class));
      assertThat(expected).as(doc).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> StoredPins.read(json))
          .as(doc)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(expected.getMessage());
    }
  }

  @Test
  void readsBlanksEscapesAndUnicodeByHandAsDataBindingDoes() throws Exception {
    Cid cid = cid(new Random(3));
    String[] plain = {
      " {\n\t\"cid\" : \"" + cid + "\" ,\r\n \"max_depth\" : 0 , \"metadata\" : { } } \n",
      "{\"cid\":\"" + cid + "\",\"name\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\tz\"}",
      "{\"cid\":\""
          + cid
          + "\",\"name\":\"\\u00e9\\ud83d\\ude00 é 😀\",\"metadata\":{\"ü\":\"\\u0000\"}}",
      "{\"cid\":\""
          + cid
          + "\",\"replication_factor_min\":-0,\"replication_factor_max\":-2147483648}",
      "{\"cid\":\"" + cid + "\",\"max_depth\":2147483647,\"allocations\":[ ],\"origins\":[]}",
      "{\"cid\":\"" + cid + "\",\"reference\":null,\"pin_update\" :null}",
    };
    for (String doc : plain) {
      assertThat(StoredPins.readStoredForm(doc.getBytes(UTF_8))).as(doc).isNotNull();
      assertSameAnswer(doc);
    }
    String c = "\"cid\":\"" + cid + "\"";
    String[] notPlain = {
      "{" + c + ",\"max_depth\":01}",
      "{" + c + ",\"max_depth\":1e2}",
      "{" + c + ",\"max_depth\":1.0}",
      "{" + c + ",\"max_depth\":2147483648}",
      "{" + c + ",\"max_depth\":-}",
      "{" + c + ",\"max_depth\":99999999999999999999}",
      "{" + c + ",\"name\":\"tab\there\"}",
      "{" + c + ",\"name\":\"bad \\x escape\"}",
      "{" + c + ",\"name\":\"short \\u12\"}",
      "{" + c + ",\"name\":\"unterminated}",
      "{" + c + ",}",
      "{" + c + "} x",
      "{" + c + ",\"allocations\":[\"a\",]}",
      "{" + c + ",\"metadata\":{\"a\":1}}",
      "{" + c + ",\"reference\":nul}",
    };
    for (String doc : notPlain) {
      assertThat(StoredPins.readStoredForm(doc.getBytes(UTF_8))).as(doc).isNull();
      assertSameAnswer(doc);
    }
    byte[] badUtf8 = ("{" + c + ",\"name\":\"x\"}").getBytes(UTF_8);
    badUtf8[badUtf8.length - 3] = (byte) 0xC3; // a lead byte followed by '"'
    assertThat(StoredPins.readStoredForm(badUtf8)).as("malformed UTF-8").isNull();
    Throwable expected = catchFailure(() -> Json.read(badUtf8, Pin.class));
    if (expected == null) {
      assertThat(StoredPins.read(badUtf8)).isEqualTo(Json.read(badUtf8, Pin.class));
    } else {
      assertThatThrownBy(() -> StoredPins.read(badUtf8)).hasMessage(expected.getMessage());
    }
  }

  @Test
  void stringsBeyondJacksonsLimitsGetDataBindingsAnswer() {
    Cid cid = cid(new Random(12));
    String longKey = "k".repeat(50_001);
    String doc = "{\"cid\":\"" + cid + "\",\"metadata\":{\"" + longKey + "\":\"v\"}}";
    assertThat(StoredPins.readStoredForm(doc.getBytes(UTF_8))).isNull();
    assertSameAnswer(doc);
    String atLimit =
        "{\"cid\":\"" + cid + "\",\"metadata\":{\"" + "k".repeat(50_000) + "\":\"v\"}}";
    assertThat(StoredPins.readStoredForm(atLimit.getBytes(UTF_8))).isNotNull();
    assertSameAnswer(atLimit);
    assertThatThrownBy(() -> StoredPins.read(new byte[4], 5))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  /** StoredPins answers {@code doc} as data binding does: the same pin or the same error. */
  private static void assertSameAnswer(String doc) {
    byte[] json = doc.getBytes(UTF_8);
    Throwable expected = catchFailure(() -> Json.read(json, Pin.class));
    if (expected == null) {
      assertThat(StoredPins.read(json)).as(doc).isEqualTo(Json.read(json, Pin.class));
    } else {
      assertThatThrownBy(() -> StoredPins.read(json)).as(doc).hasMessage(expected.getMessage());
    }
  }

  private static Throwable catchFailure(Runnable r) {
    try {
      r.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }
}

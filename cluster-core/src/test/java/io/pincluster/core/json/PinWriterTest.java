package io.pincluster.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PinWriterTest {
  private static final ObjectMapper DATA_BINDING = Json.create(false);

  @Test
  void writesExactlyWhatDataBindingWrites() throws Exception {
    assertThat(Json.create(true).getSerializerProviderInstance().findValueSerializer(Pin.class))
        .as("pins are written by hand")
        .isInstanceOf(PinWriter.class);
    Random r = new Random(7);
    for (int i = 0; i < 3000; i++) {
      Pin pin = StoredPinsTest.random(r);
      assertThat(Json.toText(pin)).isEqualTo(DATA_BINDING.writeValueAsString(pin));
      assertThat(StoredPins.read(Json.write(pin))).isEqualTo(pin);
    }
  }

  /** As the REST API's pin: the pin's fields and one more, in one object. */
  record Wrapped(@JsonUnwrapped Pin pin, long shardSize) {}

  /** As an unwrapped pin with a prefix on its names. */
  record Prefixed(@JsonUnwrapped(prefix = "p_") Pin pin) {}

  @Test
  void anUnwrappedPinIsWrittenAsDataBindingWritesIt() throws Exception {
    Random r = new Random(8);
    for (int i = 0; i < 300; i++) {
      Wrapped w = new Wrapped(StoredPinsTest.random(r), i);
      assertThat(Json.toText(w)).isEqualTo(DATA_BINDING.writeValueAsString(w));
      Prefixed p = new Prefixed(StoredPinsTest.random(r));
      assertThat(Json.toText(p)).isEqualTo(DATA_BINDING.writeValueAsString(p));
    }
    Pin plain = Pin.of(StoredPinsTest.cid(r), PinOptions.DEFAULT);
    assertThat(Json.toText(new Wrapped(plain, 7)))
        .startsWith("{\"cid\":")
        .endsWith(",\"origins\":[],\"shard_size\":7}");
  }

  @Test
  void aMinimalPinAndNullMetadataValuesAreWrittenAsDataBindingWritesThem() throws Exception {
    Map<String, String> metadata = new HashMap<>();
    metadata.put("z", null);
    metadata.put("a", "\u0000 \"quoted\" \\");
    PinOptions options = new PinOptions(1, 2, "n", null, null, null, metadata, null, null);
    Pin pin = Pin.of(StoredPinsTest.cid(new Random(1)), options);
    assertThat(Json.toText(pin)).isEqualTo(DATA_BINDING.writeValueAsString(pin));
    Pin bare = Pin.of(StoredPinsTest.cid(new Random(2)), PinOptions.DEFAULT);
    assertThat(Json.toText(bare)).isEqualTo(DATA_BINDING.writeValueAsString(bare));
  }
}

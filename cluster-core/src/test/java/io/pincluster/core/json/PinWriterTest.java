package io.pincluster.core.json;

import static org.assertj.core.api.Assertions.assertThat;

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

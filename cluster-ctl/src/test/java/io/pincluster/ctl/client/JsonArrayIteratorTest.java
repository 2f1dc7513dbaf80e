package io.pincluster.ctl.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.api.Version;
import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonArrayIteratorTest {
  private static JsonArrayIterator<Version> of(String json) {
    return new JsonArrayIterator<>(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
        Version.class,
        UncheckedIOException::new,
        IllegalStateException::new);
  }

  private static List<Version> all(JsonArrayIterator<Version> it) {
    List<Version> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void readsEachItemOfTheArrayAndNullAsEmpty() {
    assertThat(all(of(" [{\"version\":\"1\"}, {\"version\":\"2\",\"x\":[1]}]\n")))
        .containsExactly(new Version("1"), new Version("2"));
    assertThat(all(of("[]"))).isEmpty();
    assertThat(all(of("null"))).isEmpty();
  }

  @Test
  void malformedAnswersFailNamingTheProblem() {
    assertThatThrownBy(() -> all(of("{\"version\":\"1\"}")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the answer is not a JSON array");
    assertThatThrownBy(() -> all(of("[1]")))
        .hasMessage("expected an object in the array, found VALUE_NUMBER_INT");
    JsonArrayIterator<Version> truncated = of("[{\"version\":\"1\"}, {\"vers");
    assertThat(truncated.next()).isEqualTo(new Version("1"));
    assertThatThrownBy(truncated::hasNext).isInstanceOf(IllegalStateException.class);
  }
}

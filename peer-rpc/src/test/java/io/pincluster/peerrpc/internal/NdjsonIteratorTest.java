package io.pincluster.peerrpc.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.PeerUnreachableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.Test;

class NdjsonIteratorTest {
  private static NdjsonIterator<Map<?, ?>> over(String body) {
    @SuppressWarnings("unchecked")
    Class<Map<?, ?>> type = (Class<Map<?, ?>>) (Class<?>) Map.class;
    Response r =
        new Response.Builder()
            .request(new Request.Builder().url("http://127.0.0.1:1/status").build())
            .protocol(Protocol.HTTP_1_1)
            .code(200)
            .message("OK")
            .body(ResponseBody.create(body.getBytes(UTF_8), MediaType.get("application/json")))
            .build();
    return new NdjsonIterator<>(r, type, "peer X");
  }

  private static List<Object> drain(NdjsonIterator<Map<?, ?>> it) {
    List<Object> out = new ArrayList<>();
    try (it) {
      it.forEachRemaining(m -> out.add(m.get("i")));
    }
    return out;
  }

  @Test
  void readsEachLineSkippingEmptyOnesWithEitherLineEnd() {
    assertThat(drain(over("{\"i\":1}\n\n{\"i\":2}\r\n{\"s\":\"é\",\"i\":3}\n")))
        .containsExactly(1, 2, 3);
    assertThat(drain(over(""))).isEmpty();
  }

  @Test
  void aBodyEndingInsideALineIsABrokenStream() {
    NdjsonIterator<Map<?, ?>> it = over("{\"i\":1}\n{\"i\":");
    assertThat(it.next().get("i")).isEqualTo(1);
    assertThatThrownBy(it::hasNext)
        .isInstanceOf(PeerUnreachableException.class)
        .hasMessageContaining("peer X: status stream broke")
        .hasMessageContaining("ended inside a line");
  }

  @Test
  void aLineLongerThanTheLimitAndAnInvalidLineFailTheStream() {
    String huge = "{\"s\":\"" + "x".repeat((int) NdjsonIterator.MAX_LINE_BYTES) + "\"}\n";
    assertThatThrownBy(() -> over(huge).hasNext())
        .isInstanceOf(PeerUnreachableException.class)
        .hasMessageContaining("longer than");
    assertThatThrownBy(() -> over("not json\n").hasNext())
        .isInstanceOf(PeerUnreachableException.class)
        .hasMessageContaining("peer X: sent an invalid Map");
  }
}

package io.pincluster.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FakeKubo#preloadRecursivePins}: packed pins that answer like any other pin. */
class FakeKuboPreloadTest {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final FakeKubo kubo = new FakeKubo();
  @TempDir Path tmp;

  @AfterEach
  void tearDown() {
    kubo.close();
  }

  private static Cid cid(int i) {
    return Cids.rawOf(("preload-" + i).getBytes(StandardCharsets.UTF_8));
  }

  /** 3,000 CIDs, in both line shapes, with a blank line and one repeat. */
  private Path file(int n) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(i % 2 == 0 ? cid(i).toString() : "{\"cid\":\"" + cid(i) + "\",\"allocations\":[]}");
    }
    lines.add("");
    lines.add(cid(0).toString());
    return Files.write(tmp.resolve("pins.ndjson"), lines);
  }

  @Test
  void preloadedPinsAreListedStreamedAndLookedUpByMultihash() throws Exception {
    kubo.addPin(Cids.EMPTY_DIR_V0, PinMode.DIRECT);
    kubo.addPin(cid(5), PinMode.DIRECT); // in the file too: becomes recursive

    assertThat(kubo.preloadRecursivePins(file(3000))).isEqualTo(3000);

    String stream = post("pin/ls?type=recursive&stream=true").body();
    List<String> lines = stream.lines().toList();
    assertThat(lines).hasSize(3000);
    assertThat(lines.get(0))
        .isEqualTo("{\"Cid\":\"" + cid(0) + "\",\"Type\":\"recursive\",\"Name\":\"\"}");
    assertThat(post("pin/ls?type=direct&stream=true").body().lines())
        .containsExactly(
            "{\"Cid\":\"" + Cids.EMPTY_DIR_V0 + "\",\"Type\":\"direct\",\"Name\":\"\"}");
    assertThat(post("pin/ls?stream=true").body().lines()).hasSize(3001);

    assertThat(post("pin/ls?type=recursive&arg=" + cid(2999)).body())
        .contains(cid(2999) + "\":{\"Type\":\"recursive\"");
    assertThat(kubo.pinMode(cid(5).toV1())).contains(PinMode.RECURSIVE);
    assertThat(kubo.isPinned(cid(3000))).isFalse();
    assertThat(kubo.pins()).hasSize(3001);
  }

  @Test
  void preloadedPinsCanBeRemovedRepinnedAndUpdated() throws Exception {
    kubo.preloadRecursivePins(file(100));

    assertThat(post("pin/rm?arg=" + cid(7)).statusCode()).isEqualTo(200);
    assertThat(post("pin/rm?arg=" + cid(7)).statusCode()).isEqualTo(500);
    assertThat(post("pin/ls?arg=" + cid(7)).body()).contains("is not pinned");
    assertThat(post("pin/ls?type=recursive&stream=true").body().lines()).hasSize(99);

    assertThat(post("pin/add?arg=" + cid(8) + "&recursive=false").body())
        .contains("already pinned recursively");
    assertThat(post("pin/add?arg=" + cid(7) + "&recursive=true").statusCode()).isEqualTo(200);
    assertThat(post("pin/update?arg=" + cid(9) + "&arg=" + cid(500)).statusCode()).isEqualTo(200);

    assertThat(kubo.isPinned(cid(7))).isTrue();
    assertThat(kubo.isPinned(cid(9))).isFalse();
    assertThat(kubo.isPinned(cid(500))).isTrue();
    assertThat(post("pin/ls?type=recursive&stream=true").body().lines()).hasSize(100);
  }

  @Test
  void aBadLineIsNamedAndASecondPreloadRefused() throws Exception {
    Path bad = Files.writeString(tmp.resolve("bad.txt"), cid(1) + "\nnot-a-cid\n");
    assertThatThrownBy(() -> kubo.preloadRecursivePins(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.txt line 2")
        .hasMessageContaining("not-a-cid");

    kubo.preloadRecursivePins(file(10));
    assertThatThrownBy(() -> kubo.preloadRecursivePins(file(10)))
        .hasMessageContaining("preloaded already");
  }

  private HttpResponse<String> post(String cmd) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(kubo.apiUrl() + "/api/v0/" + cmd))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).join();
  }
}

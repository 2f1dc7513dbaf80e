package io.pincluster.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.cid.Cid;
import io.pincluster.testing.Cids;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pins with expire_at are unpinned cluster-wide once they expire. */
class ExpiryTest {
  static final Duration WAIT = Duration.ofSeconds(45);
  @TempDir Path dir;
  LocalCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static PinOptions expiringAt(Instant when) {
    PinOptions d = PinOptions.DEFAULT;
    return new PinOptions(-1, -1, "exp", d.mode(), List.of(), when, Map.of(), null, List.of());
  }

  @Test
  void anExpiredPinIsUnpinnedEverywhereAndAFutureOneStays() throws Exception {
    cluster =
        LocalCluster.start(
            dir, 3, json -> ((ObjectNode) json.get("cluster")).put("state_sync_interval", "500ms"));
    await().atMost(WAIT).until(() -> cluster.ready());
    Cid soon = Cids.random();
    Cid later = Cids.random();
    cluster
        .peer(1)
        .cluster()
        .pin(soon, expiringAt(Instant.now().plusSeconds(2)))
        .get(20, TimeUnit.SECONDS);
    cluster
        .peer(1)
        .cluster()
        .pin(later, expiringAt(Instant.now().plusSeconds(3600)))
        .get(20, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> cluster.kubo(0).isPinned(soon));
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster.running().stream()
                    .allMatch(i -> cluster.peer(i).cluster().allocation(soon).isEmpty()));
    await()
        .atMost(WAIT)
        .until(() -> !cluster.kubo(0).isPinned(soon) && !cluster.kubo(2).isPinned(soon));
    assertThat(cluster.peer(0).cluster().allocation(later)).isPresent();
  }

  @Test
  void aPinThatWouldExpireAtOnceIsRefused() {
    cluster = LocalCluster.start(dir, 1);
    await().atMost(WAIT).until(() -> cluster.ready());
    assertThatThrownBy(
            () ->
                cluster
                    .peer(0)
                    .cluster()
                    .pin(Cids.random(), expiringAt(Instant.now().minusSeconds(5)))
                    .get(20, TimeUnit.SECONDS))
        .hasMessageContaining("in the past");
  }
}

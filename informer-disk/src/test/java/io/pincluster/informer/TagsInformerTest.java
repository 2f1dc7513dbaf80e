package io.pincluster.informer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.api.Metric;
import io.pincluster.core.config.TagsInformerSection;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.PeerId;
import io.pincluster.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TagsInformerTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final PeerId SELF = Identity.fromSeed(new byte[32]).id();
  private final MutableClock clock = new MutableClock(T0);

  @Test
  void eachTagIsOnePartitionableMetricInNameOrder() {
    TagsInformer tags =
        new TagsInformer(
            new TagsInformerSection(Duration.ofSeconds(20), Map.of("region", "eu", "group", "a")),
            SELF,
            clock);
    clock.advance(Duration.ofSeconds(5));

    long expire = Metric.unixNanos(T0.plusSeconds(25));
    assertThat(tags.ttl()).isEqualTo(Duration.ofSeconds(20));
    assertThat(tags.metrics())
        .containsExactly(
            new Metric("tag:group", SELF, "a", expire, true, 0, true, 0),
            new Metric("tag:region", SELF, "eu", expire, true, 0, true, 0));
  }

  @Test
  void withoutTagsThereIsNothingToPublish() {
    TagsInformer tags =
        new TagsInformer(new TagsInformerSection(Duration.ofSeconds(30), Map.of()), SELF, clock);
    assertThat(tags.metrics()).isEmpty();
  }
}

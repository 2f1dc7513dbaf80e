package io.pincluster.informer;

import io.pincluster.core.api.Metric;
import io.pincluster.core.config.TagsInformerSection;
import io.pincluster.core.peer.PeerId;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The {@code informer.tags} metrics: one {@code tag:<name>} per configured tag, valued with the
 * tag's value, partitionable (the balanced allocator groups peers by it), weight 0, living {@code
 * metric_ttl}. With no tags there is nothing to publish.
 *
 * <p>Several metrics, so this is not an {@link io.pincluster.core.Informer}: {@link #metrics()}
 * gives them all at once (publish them with {@code MetricPublisher.Source("tags", ttl(),
 * tags::metrics)}). Never blocks; thread-safe.
 */
public final class TagsInformer {
  /** What every tag metric's name starts with. */
  public static final String PREFIX = "tag:";

  private final Duration ttl;
  private final Map<String, String> tags;
  private final PeerId self;
  private final InstantSource clock;

  public TagsInformer(TagsInformerSection config, PeerId self, InstantSource clock) {
    Objects.requireNonNull(config, "config");
    this.ttl = config.metricTtl();
    this.tags = new TreeMap<>(config.tags());
    this.self = Objects.requireNonNull(self, "self");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** {@code metric_ttl}: how long the metrics live (they are published every half of it). */
  public Duration ttl() {
    return ttl;
  }

  /** One valid metric per tag, in tag name order; empty with no tags. */
  public List<Metric> metrics() {
    long expire = Metric.unixNanos(clock.instant().plus(ttl));
    return tags.entrySet().stream()
        .map(e -> new Metric(PREFIX + e.getKey(), self, e.getValue(), expire, true, 0, true, 0))
        .toList();
  }
}

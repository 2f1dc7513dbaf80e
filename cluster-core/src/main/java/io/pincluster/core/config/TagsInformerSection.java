package io.pincluster.core.config;

import java.time.Duration;
import java.util.Map;

/** The {@code informer.tags} section: tags this peer publishes as {@code tag:<name>} metrics. */
public record TagsInformerSection(Duration metricTtl, Map<String, String> tags) {
  public static final String SECTION = "informer.tags";

  public TagsInformerSection {
    Check.positive("metric_ttl", metricTtl);
    tags = Map.copyOf(Check.notNull("tags", tags));
  }

  public static TagsInformerSection defaults() {
    return new TagsInformerSection(Duration.ofSeconds(30), Map.of("group", "default"));
  }
}

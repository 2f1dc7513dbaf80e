package io.pincluster.core.config;

import java.time.Duration;

/** The {@code informer.disk} section; {@code metric_type} is freespace or reposize. */
public record DiskInformerSection(Duration metricTtl, String metricType) {
  public static final String SECTION = "informer.disk";

  public DiskInformerSection {
    Check.positive("metric_ttl", metricTtl);
    if (!"freespace".equals(metricType) && !"reposize".equals(metricType)) {
      throw new IllegalArgumentException(
          "metric_type (\"" + metricType + "\") must be freespace or reposize");
    }
  }

  public static DiskInformerSection defaults() {
    return new DiskInformerSection(Duration.ofSeconds(30), "freespace");
  }
}

package io.pincluster.core.config;

import io.pincluster.core.peer.Multiaddr;
import java.time.Duration;

/** The {@code observations.metrics} section: the Prometheus endpoint. */
public record MetricsSection(
    boolean enableStats, Multiaddr prometheusEndpoint, Duration reportingInterval) {
  public static final String SECTION = "observations.metrics";

  public MetricsSection {
    Check.notNull("prometheus_endpoint", prometheusEndpoint);
    Check.positive("reporting_interval", reportingInterval);
  }

  public static MetricsSection defaults() {
    return new MetricsSection(
        false, Multiaddr.parse("/ip4/127.0.0.1/tcp/8888"), Duration.ofSeconds(2));
  }
}

package io.pincluster.core.config;

import java.time.Duration;

/** The {@code monitor.monbasic} section. */
public record MonBasicSection(Duration checkInterval) {
  public static final String SECTION = "monitor.monbasic";

  public MonBasicSection {
    Check.positive("check_interval", checkInterval);
  }

  public static MonBasicSection defaults() {
    return new MonBasicSection(Duration.ofSeconds(15));
  }
}

package io.pincluster.core.config;

import java.time.Duration;

/** The {@code pin_tracker.maptracker} section. */
public record MapTrackerSection(
    int maxPinQueueSize,
    int concurrentPins,
    Duration priorityPinMaxAge,
    int priorityPinMaxRetries) {

  public static final String SECTION = "pin_tracker.maptracker";

  public MapTrackerSection {
    Check.atLeast("max_pin_queue_size", maxPinQueueSize, 1);
    Check.atLeast("concurrent_pins", concurrentPins, 1);
    Check.positive("priority_pin_max_age", priorityPinMaxAge);
    Check.atLeast("priority_pin_max_retries", priorityPinMaxRetries, 0);
  }

  public static MapTrackerSection defaults() {
    return new MapTrackerSection(1_000_000, 10, Duration.ofHours(24), 5);
  }
}

package io.pincluster.core.config;

import java.time.Duration;

/** Validation helpers for config records; messages name the key and the bad value. */
final class Check {
  private Check() {}

  static Duration positive(String key, Duration d) {
    notNull(key, d);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " (" + GoDuration.format(d) + ") must be > 0");
    }
    return d;
  }

  static Duration notNegative(String key, Duration d) {
    notNull(key, d);
    if (d.isNegative()) {
      throw new IllegalArgumentException(key + " (" + GoDuration.format(d) + ") must be >= 0");
    }
    return d;
  }

  static int atLeast(String key, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(key + " (" + value + ") must be >= " + min);
    }
    return value;
  }

  static <T> T notNull(String key, T value) {
    if (value == null) {
      throw new IllegalArgumentException(key + " must be set");
    }
    return value;
  }
}

package io.pincluster.bench;

import io.pincluster.testing.Cids;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Distinct CIDv1 (raw) strings, unique per source; thread-safe. */
final class CidSource {
  private final String prefix;
  private final AtomicLong next = new AtomicLong();

  private CidSource(String prefix) {
    this.prefix = prefix;
  }

  static CidSource fresh() {
    return new CidSource("bench-" + UUID.randomUUID() + "-");
  }

  String next() {
    return Cids.rawOf((prefix + next.getAndIncrement()).getBytes(StandardCharsets.UTF_8))
        .toString();
  }
}

package io.pincluster.bench;

/**
 * One timed run: {@code items} pins done in {@code elapsedNanos}, with one latency sample (ns) per
 * request or Raft entry.
 */
public record RunResult(long items, long elapsedNanos, long[] latenciesNanos) {
  public RunResult {
    if (items <= 0 || elapsedNanos <= 0) {
      throw new IllegalArgumentException(
          "a run must do something in some time: " + items + " items, " + elapsedNanos + " ns");
    }
  }

  public double perSecond() {
    return items * 1e9 / elapsedNanos;
  }

  public double p50Millis() {
    return latenciesNanos.length == 0 ? Double.NaN : Percentiles.of(latenciesNanos, 0.5) / 1e6;
  }

  public double p99Millis() {
    return latenciesNanos.length == 0 ? Double.NaN : Percentiles.of(latenciesNanos, 0.99) / 1e6;
  }
}

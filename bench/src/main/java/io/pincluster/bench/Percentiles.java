package io.pincluster.bench;

import java.util.Arrays;

/** Percentiles of latency samples by nearest rank on a sorted copy (no histogram library). */
public final class Percentiles {
  private Percentiles() {}

  /**
   * The {@code q}-quantile ({@code 0 < q <= 1}) of {@code samples} by nearest rank.
   *
   * @throws IllegalArgumentException when {@code samples} is empty or {@code q} is out of range
   */
  public static long of(long[] samples, double q) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("no samples to take a percentile of");
    }
    if (!(q > 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile must be in (0, 1]: " + q);
    }
    long[] sorted = samples.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /** Median, minimum and maximum of repeated measurements. */
  public record Spread(double median, double min, double max) {
    /**
     * @throws IllegalArgumentException when {@code values} is empty
     */
    public static Spread of(double[] values) {
      if (values.length == 0) {
        throw new IllegalArgumentException("no repetitions to summarise");
      }
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      int n = sorted.length;
      double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      return new Spread(median, sorted[0], sorted[n - 1]);
    }
  }
}

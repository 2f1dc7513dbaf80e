package io.pincluster.observations;

import io.pincluster.observations.internal.TextFormat;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named gauges, counters and summaries whose values are read from suppliers when scraped, written
 * in the Prometheus text exposition format 0.0.4 by {@link #scrape()}.
 *
 * <p>A metric family (one name) has one type and one HELP text and any number of series, each with
 * its own label set; registering a name again with other labels adds a series. Long-valued sources
 * fit the {@link DoubleSupplier} parameters as they are ({@code tracker::pinCalls}); whole numbers
 * are written without a decimal point.
 *
 * <p>Contract for suppliers: they run on the scraping thread at every scrape, so they must be cheap
 * and must not block (read a counter or a volatile, never iterate a pinset). A supplier that
 * returns {@code NaN} means "not known now": its sample is left out of that scrape (HELP and TYPE
 * stay). A supplier that throws is left out too, and logged once until it works again.
 *
 * <p>Thread-safe: registering may happen while scrapes run; a scrape sees each series whole or not
 * at all. Registrations are checked and refused with an {@link IllegalArgumentException} that names
 * the metric.
 */
public final class MetricsRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsRegistry.class);

  /** The metric types this registry writes. */
  public enum Type {
    GAUGE,
    COUNTER,
    SUMMARY;

    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final List<Family> families = new CopyOnWriteArrayList<>();
  private final Map<String, Family> byName = new LinkedHashMap<>(); // guarded by this
  private final Set<String> sampleNames = new HashSet<>(); // guarded by this

  /** A gauge without labels. */
  public MetricsRegistry gauge(String name, String help, DoubleSupplier value) {
    return gauge(name, help, Map.of(), value);
  }

  /** A gauge series with these labels. */
  public MetricsRegistry gauge(
      String name, String help, Map<String, String> labels, DoubleSupplier value) {
    return add(name, help, Type.GAUGE, labels, List.of(new Part("", value)));
  }

  /** A counter without labels: {@code value} must never decrease while the process runs. */
  public MetricsRegistry counter(String name, String help, DoubleSupplier value) {
    return counter(name, help, Map.of(), value);
  }

  /** A counter series with these labels (see {@link #counter(String, String, DoubleSupplier)}). */
  public MetricsRegistry counter(
      String name, String help, Map<String, String> labels, DoubleSupplier value) {
    return add(name, help, Type.COUNTER, labels, List.of(new Part("", value)));
  }

  /**
   * A summary series without quantiles: the samples {@code <name>_count} and {@code <name>_sum}
   * (both never decreasing), e.g. garbage collections and the seconds they took.
   */
  public MetricsRegistry summary(
      String name,
      String help,
      Map<String, String> labels,
      DoubleSupplier count,
      DoubleSupplier sum) {
    if (labels != null && labels.containsKey("quantile")) {
      throw new IllegalArgumentException("label quantile of summary " + name + " is reserved");
    }
    return add(
        name,
        help,
        Type.SUMMARY,
        labels,
        List.of(new Part("_count", count), new Part("_sum", sum)));
  }

  /** The registered metric names, in registration order. */
  public synchronized List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /**
   * Reads every supplier and writes the families in registration order: {@code # HELP}, {@code #
   * TYPE}, then one line per sample, each line ending in a line feed.
   */
  public String scrape() {
    StringBuilder out = new StringBuilder(8192);
    for (Family f : families) {
      f.writeTo(out);
    }
    return out.toString();
  }

  private synchronized MetricsRegistry add(
      String name, String help, Type type, Map<String, String> labels, List<Part> parts) {
    TextFormat.checkMetricName(name);
    Objects.requireNonNull(help, () -> "help of " + name);
    Map<String, String> sorted = checkLabels(name, labels);
    Family f = byName.get(name);
    if (f == null) {
      for (Part p : parts) {
        if (sampleNames.contains(name + p.suffix())) {
          throw new IllegalArgumentException(
              "metric " + name + ": sample name " + name + p.suffix() + " is already used");
        }
      }
      f = new Family(name, help, type);
      byName.put(name, f);
      parts.forEach(p -> sampleNames.add(name + p.suffix()));
      families.add(f);
    } else if (f.type != type || !f.help.equals(help)) {
      throw new IllegalArgumentException(
          "metric " + name + " is already a " + f.type.wire() + " with other help or type");
    }
    f.add(new Series(sorted, parts));
    return this;
  }

  private static Map<String, String> checkLabels(String name, Map<String, String> labels) {
    Map<String, String> sorted = new TreeMap<>();
    Objects.requireNonNull(labels, () -> "labels of " + name)
        .forEach(
            (k, v) -> {
              TextFormat.checkLabelName(name, k);
              sorted.put(k, Objects.requireNonNull(v, () -> "label " + k + " of " + name));
            });
    return Collections.unmodifiableMap(sorted);
  }

  /** One sample of a series: its name suffix ({@code ""}, {@code _count}, {@code _sum}). */
  private record Part(String suffix, DoubleSupplier value) {
    Part {
      Objects.requireNonNull(value, "value supplier");
    }
  }

  private static final class Series {
    final Map<String, String> labels;
    final List<Part> parts;
    volatile boolean failing; // a failure was logged; log again only after a success

    Series(Map<String, String> labels, List<Part> parts) {
      this.labels = labels;
      this.parts = parts;
    }
  }

  private static final class Family {
    final String name;
    final String help;
    final Type type;
    final List<Series> series = new CopyOnWriteArrayList<>();

    Family(String name, String help, Type type) {
      this.name = name;
      this.help = help;
      this.type = type;
    }

    /** Caller holds the registry's lock. */
    void add(Series s) {
      for (Series existing : series) {
        if (existing.labels.equals(s.labels)) {
          throw new IllegalArgumentException(
              "metric " + name + " already has a series with labels " + s.labels);
        }
      }
      series.add(s);
    }

    void writeTo(StringBuilder out) {
      out.append("# HELP ").append(name).append(' ');
      TextFormat.appendHelp(out, help);
      out.append("\n# TYPE ").append(name).append(' ').append(type.wire()).append('\n');
      for (Series s : series) {
        writeSeries(out, s);
      }
    }

    private void writeSeries(StringBuilder out, Series s) {
      double[] values = new double[s.parts.size()];
      for (int i = 0; i < values.length; i++) {
        try {
          values[i] = s.parts.get(i).value().getAsDouble();
        } catch (RuntimeException e) {
          if (!s.failing) {
            s.failing = true;
            LOG.warn("metric {}{} cannot be read, left out: {}", name, s.labels, e.toString());
          }
          return;
        }
        if (Double.isNaN(values[i])) {
          return;
        }
      }
      s.failing = false;
      for (int i = 0; i < values.length; i++) {
        out.append(name).append(s.parts.get(i).suffix());
        TextFormat.appendLabels(out, s.labels);
        out.append(' ');
        TextFormat.appendValue(out, values[i]);
        out.append('\n');
      }
    }
  }
}

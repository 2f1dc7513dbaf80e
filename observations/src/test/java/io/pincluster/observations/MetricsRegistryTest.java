package io.pincluster.observations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsRegistryTest {
  final MetricsRegistry registry = new MetricsRegistry();

  @Test
  void familiesAreWrittenWithHelpAndTypeBeforeTheirSamplesAndValuesAreReadAtEachScrape() {
    AtomicLong pins = new AtomicLong(3);
    registry.gauge("ipfscluster_pins", "Number of pins", pins::get);
    registry.counter("ipfscluster_pins_pin_add", "Pin requests", () -> 7);
    registry.gauge("ratio", "A ratio", () -> 0.25);

    assertThat(registry.scrape())
        .isEqualTo(
            """
            # HELP ipfscluster_pins Number of pins
            # TYPE ipfscluster_pins gauge
            ipfscluster_pins 3
            # HELP ipfscluster_pins_pin_add Pin requests
            # TYPE ipfscluster_pins_pin_add counter
            ipfscluster_pins_pin_add 7
            # HELP ratio A ratio
            # TYPE ratio gauge
            ratio 0.25
            """);
    pins.set(4);
    assertThat(Exposition.parse(registry.scrape()).get("ipfscluster_pins").value()).contains(4.0);
  }

  @Test
  void seriesWithLabelsShareTheirFamilyAndSummariesWriteCountAndSum() {
    registry.gauge("mem", "Memory", Map.of("area", "heap"), () -> 1);
    registry.gauge("mem", "Memory", Map.of("area", "nonheap"), () -> 2);
    registry.summary("gc_seconds", "GC", Map.of("gc", "young"), () -> 5, () -> 0.5);

    assertThat(registry.scrape())
        .isEqualTo(
            """
            # HELP mem Memory
            # TYPE mem gauge
            mem{area="heap"} 1
            mem{area="nonheap"} 2
            # HELP gc_seconds GC
            # TYPE gc_seconds summary
            gc_seconds_count{gc="young"} 5
            gc_seconds_sum{gc="young"} 0.5
            """);
    assertThat(registry.names()).containsExactly("mem", "gc_seconds");
  }

  @Test
  void helpAndLabelValuesAreEscaped() {
    registry.gauge("x", "back\\slash\nnew line", Map.of("path", "C:\\a \"b\"\nc"), () -> 1);

    String text = registry.scrape();

    assertThat(text)
        .contains("# HELP x back\\\\slash\\nnew line\n")
        .contains("x{path=\"C:\\\\a \\\"b\\\"\\nc\"} 1\n");
    Exposition.Family x = Exposition.parse(text).get("x");
    assertThat(x.help()).isEqualTo("back\\slash\nnew line");
    assertThat(x.value("x", Map.of("path", "C:\\a \"b\"\nc"))).contains(1.0);
  }

  @Test
  void specialAndLargeValuesAreWrittenAsPrometheusReadsThem() {
    registry.gauge("inf", "h", () -> Double.POSITIVE_INFINITY);
    registry.gauge("neg_inf", "h", () -> Double.NEGATIVE_INFINITY);
    registry.gauge("big", "h", () -> 1e20);
    registry.gauge("negative", "h", () -> -2);

    Map<String, Exposition.Family> f = Exposition.parse(registry.scrape());

    assertThat(f.get("inf").value()).contains(Double.POSITIVE_INFINITY);
    assertThat(f.get("neg_inf").value()).contains(Double.NEGATIVE_INFINITY);
    assertThat(f.get("big").value()).contains(1e20);
    assertThat(f.get("negative").value()).contains(-2.0);
  }

  @Test
  void anUnknownValueOrAFailingSupplierLeavesOnlyItsOwnSampleOut() {
    AtomicBoolean broken = new AtomicBoolean(true);
    registry.gauge("unknown", "Not known yet", () -> Double.NaN);
    registry.gauge(
        "flaky",
        "Fails sometimes",
        () -> {
          if (broken.get()) {
            throw new IllegalStateException("store closed");
          }
          return 9;
        });
    registry.gauge("fine", "Works", () -> 1);

    Map<String, Exposition.Family> f = Exposition.parse(registry.scrape());
    assertThat(f.get("unknown").samples()).isEmpty();
    assertThat(f.get("flaky").samples()).isEmpty();
    assertThat(f.get("fine").value()).contains(1.0);

    broken.set(false);
    assertThat(Exposition.parse(registry.scrape()).get("flaky").value()).contains(9.0);
  }

  @Test
  void badRegistrationsAreRefusedNamingTheMetric() {
    registry.gauge("taken", "h", () -> 1);
    registry.summary("gc", "h", Map.of(), () -> 1, () -> 1);

    assertThatThrownBy(() -> registry.gauge("2bad", "h", () -> 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"2bad\"");
    assertThatThrownBy(() -> registry.gauge("x", "h", Map.of("__reserved", "v"), () -> 1))
        .hasMessageContaining("__reserved");
    assertThatThrownBy(() -> registry.gauge("x", "h", Map.of("bad-label", "v"), () -> 1))
        .hasMessageContaining("bad-label");
    assertThatThrownBy(() -> registry.gauge("taken", "h", () -> 2))
        .hasMessageContaining("taken already has a series");
    assertThatThrownBy(() -> registry.counter("taken", "h", () -> 2))
        .hasMessageContaining("taken is already a gauge");
    assertThatThrownBy(() -> registry.gauge("taken", "other help", Map.of("a", "b"), () -> 2))
        .hasMessageContaining("taken");
    assertThatThrownBy(() -> registry.gauge("gc_count", "h", () -> 2))
        .hasMessageContaining("gc_count is already used");
    assertThatThrownBy(
            () -> registry.summary("s", "h", Map.of("quantile", "0.5"), () -> 1, () -> 1))
        .hasMessageContaining("quantile");
    assertThat(registry.names()).containsExactly("taken", "gc");
  }

  @Test
  void theTestParserRefusesWhatPrometheusWouldRefuse() {
    assertThatThrownBy(() -> Exposition.parse("x 1\n")).hasMessageContaining("before its HELP");
    assertThatThrownBy(() -> Exposition.parse("# HELP x h\n# TYPE x gauge\nx one\n"))
        .hasMessageContaining("not a float");
    assertThatThrownBy(() -> Exposition.parse("# HELP x h\n# TYPE x gauge\nx 1"))
        .hasMessageContaining("line feed");
    assertThatThrownBy(() -> Exposition.parse("# HELP 1x h\n")).hasMessageContaining("name");
    String split =
        "# HELP x h\n# TYPE x gauge\nx{a=\"1\"} 1\n# HELP y h\n# TYPE y gauge\n"
            + "y 1\nx{a=\"2\"} 2\n";
    assertThatThrownBy(() -> Exposition.parse(split)).hasMessageContaining("outside the block");
    assertThatThrownBy(() -> Exposition.parse("# HELP x h\n# TYPE x gauge\nx 1\nx 2\n"))
        .hasMessageContaining("repeated");
  }
}

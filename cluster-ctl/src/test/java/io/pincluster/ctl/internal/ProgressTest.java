package io.pincluster.ctl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void redrawsAtMostFiveTimesASecond() {
    Progress p = new Progress(err, now::get, -1, true);
    now.addAndGet(1_000_000_000L);
    p.update(100, 0, 100, 1000);
    now.addAndGet(100_000_000L);
    p.update(200, 0, 200, 2000);
    assertThat(printed()).isEqualTo("\r100 answered, 0 failed, 100/s");
    now.addAndGet(100_000_000L);
    p.update(300, 1, 300, 3000);
    assertThat(printed()).endsWith("\r300 answered, 1 failed, 250/s");
  }

  @Test
  void knownSizeShowsABarAndAnEstimatedTotal() {
    Progress p = new Progress(err, now::get, 10_000, true);
    now.addAndGet(2_000_000_000L);
    p.update(400, 2, 500, 2_500);
    assertThat(printed())
        .isEqualTo("\r[#####...............]  25% 400 of ~2,000 answered, 2 failed, 200/s");
  }

  @Test
  void clearErasesTheLineAndADisabledProgressPrintsNothing() {
    Progress p = new Progress(err, now::get, -1, true);
    p.update(1, 0, 1, 10);
    int width = printed().length() - 1;
    p.clear();
    assertThat(printed()).endsWith("\r" + " ".repeat(width) + "\r");
    Progress off = new Progress(err, now::get, -1, false);
    bytes.reset();
    off.update(1, 0, 1, 10);
    off.clear();
    assertThat(printed()).isEmpty();
  }
}

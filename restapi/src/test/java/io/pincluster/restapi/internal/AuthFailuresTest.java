package io.pincluster.restapi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-address failure table, on a fake ticker. */
class AuthFailuresTest {
  private final AtomicLong nanos = new AtomicLong(1_000);
  private final AuthFailures failures = new AuthFailures(3, Duration.ofSeconds(60), 4, nanos::get);

  private static InetAddress ip(int last) throws UnknownHostException {
    return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
  }

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void anAddressIsBlockedAfterMaxFailuresUntilItsWindowEnds() throws Exception {
    InetAddress a = ip(1);
    assertThat(failures.failed(a)).isFalse();
    advance(Duration.ofSeconds(10));
    assertThat(failures.failed(a)).isFalse();
    assertThat(failures.blockedFor(a)).isEmpty();
    assertThat(failures.failed(a)).as("the third failure blocks").isTrue();
    assertThat(failures.blockedFor(a)).hasValue(50);
    advance(Duration.ofMillis(49_500));
    assertThat(failures.blockedFor(a)).as("rounded up").hasValue(1);
    advance(Duration.ofMillis(500));
    assertThat(failures.blockedFor(a)).as("the window opened 60 s ago").isEmpty();
    assertThat(failures.size()).isZero();
  }

  @Test
  void failuresInAnEndedWindowDoNotCount() throws Exception {
    InetAddress a = ip(1);
    failures.failed(a);
    failures.failed(a);
    advance(Duration.ofSeconds(60));
    assertThat(failures.failed(a)).as("a new window: one failure").isFalse();
    assertThat(failures.failed(a)).isFalse();
    assertThat(failures.blockedFor(a)).isEmpty();
  }

  @Test
  void oneAddressBeingBlockedLeavesOthersAlone() throws Exception {
    for (int i = 0; i < 3; i++) {
      failures.failed(ip(1));
    }
    failures.failed(ip(2));
    assertThat(failures.blockedFor(ip(1))).isPresent();
    assertThat(failures.blockedFor(ip(2))).isEmpty();
    assertThat(failures.blockedFor(ip(3))).isEmpty();
  }

  @Test
  void theTableNeverHoldsMoreThanItsCapacityAndDropsEndedWindowsFirst() throws Exception {
    for (int i = 0; i < 3; i++) {
      failures.failed(ip(1)); // blocked, window from t0
    }
    advance(Duration.ofSeconds(30));
    failures.failed(ip(2));
    failures.failed(ip(3));
    failures.failed(ip(4));
    advance(Duration.ofSeconds(31)); // ip(1)'s window ended, the others' not
    failures.failed(ip(5));
    assertThat(failures.size()).isEqualTo(4);
    assertThat(failures.blockedFor(ip(1))).isEmpty();

    for (int i = 6; i < 20; i++) {
      failures.failed(ip(i));
      assertThat(failures.size()).isLessThanOrEqualTo(4);
    }
    for (int i = 0; i < 3; i++) {
      failures.failed(ip(20));
    }
    assertThat(failures.blockedFor(ip(20))).as("the newest entry is kept").isPresent();
  }

  @Test
  void badPolicyValuesAreRefusedByName() {
    assertThatThrownBy(() -> new AuthFailures(0, Duration.ofSeconds(1), 1, System::nanoTime))
        .hasMessage("maxFailures (0) must be >= 1");
    assertThatThrownBy(() -> new AuthFailures(1, Duration.ZERO, 1, System::nanoTime))
        .hasMessage("window (PT0S) must be > 0");
    assertThatThrownBy(() -> new AuthFailures(1, Duration.ofSeconds(1), 0, System::nanoTime))
        .hasMessage("capacity (0) must be >= 1");
  }
}

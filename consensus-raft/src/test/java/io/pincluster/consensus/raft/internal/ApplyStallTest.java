package io.pincluster.consensus.raft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pincluster.state.rocksdb.StateStoreException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The full-disk stall of the apply path (issue 9, disk full). */
class ApplyStallTest {
  static final StateStoreException FULL =
      new StateStoreException(
          "cannot write batch at 7 to /x/db: While appending to file: /x/db/000004.log",
          new IOException("No space left on device"));

  @Test
  void aNoSpaceFailureIsRecognisedAndOthersAreNot() {
    assertThat(FULL.noSpace()).isTrue();
    assertThat(new StateStoreException("pin store /x is closed").noSpace()).isFalse();
    assertThat(new StateStoreException("x", new IOException("Input/output error")).noSpace())
        .isFalse();
  }

  @Test
  void whileStalledWritesHaveAReasonNamingTheCauseUntilTheEntryIsWritten() {
    ApplyStall stall = new ApplyStall();
    assertThat(stall.problem()).isEmpty();

    assertThat(stall.awaitRetry(7, FULL)).isTrue(); // waits one RETRY

    assertThat(stall.problem())
        .hasValueSatisfying(
            p -> assertThat(p).contains("No space left on device", "out of disk space"));
    stall.cleared(7);
    assertThat(stall.problem()).isEmpty();
  }

  @Test
  void abandoningWakesAWaitingRetryWhichThenGivesUp() {
    ApplyStall stall = new ApplyStall();
    stall.awaitRetry(7, FULL);
    CompletableFuture<Boolean> waiting = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              // keeps waiting (each call returns true after one RETRY) until abandoned
              while (stall.awaitRetry(7, FULL)) {
                Thread.onSpinWait();
              }
              waiting.complete(false);
            },
            "stalled-updater");
    t.start();
    stall.abandon();
    await().atMost(Duration.ofSeconds(5)).until(waiting::isDone);
    assertThat(stall.awaitRetry(8, FULL)).isFalse();
  }
}

package io.pincluster.consensus.raft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How {@link PeerEvents} tells a removal from a division that closed on its own. */
class PeerEventsTest {
  private static final RaftPeerId SELF = RaftPeerId.valueOf("self");
  private static final Membership WITH_SELF = members("self", "a", "b");
  private static final Membership WITHOUT_SELF = members("a", "b");

  private final AppliedIndexWaiters waiters =
      new AppliedIndexWaiters("test-waiters", System::nanoTime);
  private final PeerEvents events =
      new PeerEvents(SELF, "self", waiters, new LeaderContact(System::nanoTime));
  private final CountDownLatch removed = new CountDownLatch(1);
  private final AtomicInteger asked = new AtomicInteger();
  private final AtomicReference<Membership> askedAbout = new AtomicReference<>();

  @AfterEach
  void close() {
    waiters.close();
  }

  private static Membership members(String... ids) {
    return new Membership(
        java.util.Arrays.stream(ids)
            .map(id -> Membership.peer(RaftPeerId.valueOf(id), id + ":1", 0, RaftPeerRole.FOLLOWER))
            .toList(),
        List.of());
  }

  private final AtomicReference<Optional<Membership>> division =
      new AtomicReference<>(Optional.empty());

  /**
   * Started as a member whose division reports {@code now} (empty: the division is gone), and whose
   * leader answers {@code leaderSays} when asked.
   */
  private void start(Optional<Membership> now, Optional<String> leaderSays) {
    division.set(now);
    events.started(
        1,
        true,
        division::get,
        c -> {},
        last -> {
          askedAbout.set(last);
          asked.incrementAndGet();
          return leaderSays;
        });
    events.onRemoved(removed::countDown);
  }

  @Test
  void aCloseWhileTheConfigurationStillListsThisPeerIsARemovalWhenTheLeaderSaysSo()
      throws Exception {
    start(Optional.of(WITH_SELF), Optional.of("the leader a no longer lists it"));
    events.closed();
    assertThat(removed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(events.isRemoved()).isTrue();
    assertThat(events.failure()).isEmpty();
    assertThat(askedAbout.get()).isEqualTo(WITH_SELF);
  }

  @Test
  void aCloseTheLeaderDoesNotConfirmIsAFailure() {
    start(Optional.of(WITH_SELF), Optional.empty());
    events.closed();
    await().atMost(Duration.ofSeconds(10)).until(() -> events.failure().isPresent());
    assertThat(events.failure().get()).contains("closed unexpectedly");
    assertThat(events.isRemoved()).isFalse();
    assertThat(removed.getCount()).isEqualTo(1);
  }

  @Test
  void whenTheDivisionIsGoneTheLastConfigurationKnownIsTheOneAskedAbout() throws Exception {
    start(Optional.of(WITH_SELF), Optional.of("the leader a no longer lists it"));
    division.set(Optional.empty());
    events.closed();
    assertThat(removed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(askedAbout.get()).isEqualTo(WITH_SELF);
  }

  @Test
  void aCloseOutsideTheConfigurationIsARemovalWithoutAsking() throws Exception {
    start(Optional.of(WITHOUT_SELF), Optional.empty());
    events.closed();
    assertThat(removed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(asked.get()).isZero();
  }

  @Test
  void ourOwnCloseIsNoNews() {
    start(Optional.of(WITH_SELF), Optional.of("the leader a no longer lists it"));
    events.closing();
    events.closed();
    assertThat(asked.get()).isZero();
    assertThat(events.failure()).isEmpty();
    assertThat(events.isRemoved()).isFalse();
  }
}

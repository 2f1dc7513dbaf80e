package io.pincluster.ipfs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.IpfsException;
import io.pincluster.core.cid.Cid;
import io.pincluster.testing.Cids;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SharedCallsTest {
  /** Records each call; a call holding a gated CID waits for its gate; refused CIDs fail a call. */
  private final List<List<Cid>> calls = new CopyOnWriteArrayList<>();

  private final Map<Cid, CountDownLatch> gates = new ConcurrentHashMap<>();
  private final Set<Cid> refused = ConcurrentHashMap.newKeySet();
  private final List<Thread> threads = new ArrayList<>();
  private final Map<Cid, AtomicReference<Throwable>> outcomes = new ConcurrentHashMap<>();
  private final Map<Cid, Boolean> interruptedAfter = new ConcurrentHashMap<>();
  private final Map<Cid, Integer> answers = new ConcurrentHashMap<>();

  /** Answers the number of CIDs in the call. */
  private Integer send(List<Cid> cids) {
    calls.add(List.copyOf(cids));
    for (Cid c : cids) {
      CountDownLatch gate = gates.get(c);
      if (gate != null) {
        try {
          if (!gate.await(20, TimeUnit.SECONDS)) {
            throw new IpfsException("gate never opened");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IpfsException("interrupted in the call");
        }
      }
    }
    if (cids.stream().anyMatch(refused::contains)) {
      throw new IpfsException("refused " + cids);
    }
    return cids.size();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    gates.values().forEach(CountDownLatch::countDown);
    for (Thread t : threads) {
      t.join(10_000);
    }
  }

  private Thread start(SharedCalls<Integer> batcher, Cid cid) {
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    outcomes.put(cid, outcome);
    Thread t =
        new Thread(
            () -> {
              try {
                answers.put(cid, batcher.call(cid));
              } catch (RuntimeException | Error e) {
                outcome.set(e);
              }
              interruptedAfter.put(cid, Thread.currentThread().isInterrupted());
            },
            "pin-" + cid);
    threads.add(t);
    t.start();
    return t;
  }

  /** Starts a pin of a new CID whose call is held open (its gate) until the test lets it go. */
  private Cid startHeldInACall(SharedCalls<Integer> batcher) {
    Cid cid = Cids.random();
    gates.put(cid, new CountDownLatch(1));
    start(batcher, cid);
    await().until(() -> calls.size() == 1);
    return cid;
  }

  /** The thread waits in the batcher's queue (not in a call). */
  private static boolean queued(Thread t) {
    return t.getState() == Thread.State.WAITING
        && Arrays.stream(t.getStackTrace())
            .anyMatch(f -> f.getClassName().equals(SharedCalls.class.getName()))
        && Arrays.stream(t.getStackTrace())
            .anyMatch(f -> f.getClassName().equals(Object.class.getName()));
  }

  private static void awaitQueued(List<Thread> ts) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ts.stream().allMatch(SharedCallsTest::queued));
  }

  private void awaitEnded() throws InterruptedException {
    for (Thread t : threads) {
      t.join(10_000);
      assertThat(t.isAlive()).as(t.getName()).isFalse();
    }
  }

  @Test
  void pinsReadyWhileACallIsInFlightShareTheNextCall() throws InterruptedException {
    SharedCalls<Integer> batcher = new SharedCalls<>(this::send, 32, 1);
    Cid first = startHeldInACall(batcher);
    List<Cid> later = Cids.random(10);
    List<Thread> waiting = later.stream().map(c -> start(batcher, c)).toList();
    awaitQueued(waiting);

    gates.get(first).countDown();
    awaitEnded();

    assertThat(calls).hasSize(2);
    assertThat(calls.get(0)).containsExactly(first);
    assertThat(calls.get(1)).containsExactlyInAnyOrderElementsOf(later);
    assertThat(outcomes.values()).allMatch(o -> o.get() == null);
    assertThat(answers.get(first)).as("each CID gets its call's answer").isEqualTo(1);
    later.forEach(c -> assertThat(answers.get(c)).isEqualTo(10));
  }

  @Test
  void aCallCarriesAtMostMaxBatchPinsAndTheQueueDrainsInOrder() throws InterruptedException {
    SharedCalls<Integer> batcher = new SharedCalls<>(this::send, 3, 1);
    Cid first = startHeldInACall(batcher);
    List<Cid> later = Cids.random(7);
    List<Thread> waiting = new ArrayList<>();
    for (Cid c : later) { // one at a time, so the queue's order is known
      waiting.add(start(batcher, c));
      awaitQueued(waiting);
    }

    gates.get(first).countDown();
    awaitEnded();

    assertThat(calls)
        .containsExactly(
            List.of(first), later.subList(0, 3), later.subList(3, 6), later.subList(6, 7));
  }

  @Test
  void aSecondLaneSendsAtOnceWhileTheFirstIsBusy() {
    SharedCalls<Integer> batcher = new SharedCalls<>(this::send, 32, 2);
    Cid slow = startHeldInACall(batcher);

    Cid quick = Cids.random();
    batcher.call(quick); // on this thread: not held up by the slow call

    assertThat(calls).containsExactly(List.of(slow), List.of(quick));
  }

  @Test
  void aFailedSharedCallIsSentAgainByEachPinAloneAndOnlyTheRefusedOneFails()
      throws InterruptedException {
    SharedCalls<Integer> batcher = new SharedCalls<>(this::send, 32, 1);
    Cid first = startHeldInACall(batcher);
    Cid good = Cids.random();
    Cid bad = Cids.random();
    refused.add(bad);
    awaitQueued(List.of(start(batcher, good)));
    awaitQueued(List.of(start(batcher, bad)));

    gates.get(first).countDown();
    awaitEnded();

    assertThat(calls).hasSize(4);
    assertThat(calls.get(1)).containsExactly(good, bad);
    assertThat(calls.subList(2, 4)).containsExactlyInAnyOrder(List.of(good), List.of(bad));
    assertThat(outcomes.get(good).get()).isNull();
    assertThat(answers.get(good)).as("the answer of its own call").isEqualTo(1);
    assertThat(outcomes.get(bad).get())
        .isInstanceOf(IpfsException.class)
        .hasMessage("refused [" + bad + "]");
  }

  @Test
  void anErrorInASharedCallLeavesNoPinWaitingAndReachesTheThreadThatSentIt()
      throws InterruptedException {
    SharedCalls<Integer> batcher =
        new SharedCalls<>(
            cids -> {
              if (cids.size() > 1) {
                calls.add(List.copyOf(cids));
                throw new AssertionError("broken sender");
              }
              return send(cids);
            },
            32,
            1);
    Cid first = startHeldInACall(batcher);
    Cid a = Cids.random();
    Cid b = Cids.random();
    awaitQueued(List.of(start(batcher, a)));
    awaitQueued(List.of(start(batcher, b)));

    gates.get(first).countDown();
    awaitEnded();

    assertThat(calls.get(1)).containsExactly(a, b);
    assertThat(outcomes.get(a).get()).isInstanceOf(AssertionError.class);
    assertThat(outcomes.get(b).get()).isNull();
    assertThat(calls).contains(List.of(b));
  }

  @Test
  void aFailedCallOfOnePinFailsThatPinWithTheNodesAnswer() {
    SharedCalls<Integer> batcher = new SharedCalls<>(this::send, 32, 1);
    Cid bad = Cids.random();
    refused.add(bad);

    assertThatThrownBy(() -> batcher.call(bad)).hasMessage("refused [" + bad + "]");
    assertThat(calls).containsExactly(List.of(bad));

    Cid good = Cids.random();
    batcher.call(good); // the slot was given back
    assertThat(calls).hasSize(2);
  }

  @Test
  void aPinInterruptedWhileQueuedIsNeverSent() throws InterruptedException {
    SharedCalls<Integer> batcher = new SharedCalls<>(this::send, 32, 1);
    Cid first = startHeldInACall(batcher);
    Cid cancelled = Cids.random();
    Thread t = start(batcher, cancelled);
    awaitQueued(List.of(t));

    t.interrupt();
    t.join(10_000);
    gates.get(first).countDown();
    awaitEnded();

    assertThat(outcomes.get(cancelled).get())
        .isInstanceOf(IpfsException.class)
        .hasMessageContaining("interrupted while waiting to send a call for " + cancelled);
    assertThat(interruptedAfter.get(cancelled)).isTrue();
    assertThat(calls).containsExactly(List.of(first));
  }

  @Test
  void aPinInterruptedInASharedCallWaitsForItsOutcome() throws InterruptedException {
    SharedCalls<Integer> batcher = new SharedCalls<>(this::send, 32, 1);
    Cid first = startHeldInACall(batcher);
    Cid sender = Cids.random();
    Cid rider = Cids.random();
    gates.put(sender, new CountDownLatch(1)); // holds the shared call
    Thread s = start(batcher, sender);
    awaitQueued(List.of(s));
    Thread r = start(batcher, rider);
    awaitQueued(List.of(r));
    gates.get(first).countDown();
    await().until(() -> calls.size() == 2);
    assertThat(calls.get(1)).containsExactly(sender, rider);
    awaitQueued(List.of(r)); // waiting for the shared call's outcome

    r.interrupt();
    await().until(() -> queued(r) || !r.isAlive()); // woken by the interrupt, then back waiting
    assertThat(r.isAlive()).as("the rider waits while its call is in flight").isTrue();
    gates.get(sender).countDown();
    awaitEnded();

    assertThat(outcomes.get(rider).get()).isNull();
    assertThat(interruptedAfter.get(rider)).isTrue();
    assertThat(calls).hasSize(2);
  }

  @Test
  void rejectsBadLimits() {
    assertThatThrownBy(() -> new SharedCalls<>(this::send, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SharedCalls<>(this::send, 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

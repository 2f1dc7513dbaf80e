package io.pincluster.faults.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.faults.crash.Op.Kind;
import io.pincluster.faults.crash.Op.Outcome;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HistoryCheckerTest {
  private static final String A = "bafkreia";
  private static final String B = "bafkreib";
  private static final String P1 = "12D3KooWpeer1";
  private static final String P2 = "12D3KooWpeer2";
  private static final String P3 = "12D3KooWpeer3";
  private static final Set<String> MEMBERS = Set.of(P1, P2, P3);

  private long clock;

  private Op op(Kind kind, String cid, Outcome outcome) {
    clock += 10;
    return new Op(0, kind, cid, "peer1", clock, clock + 5, outcome, "");
  }

  private static History history(Op... ops) {
    History h = new History();
    for (Op o : ops) {
      h.add(o);
    }
    return h;
  }

  private static PeerView.PinView pin(String... allocations) {
    return new PeerView.PinView(List.of(allocations), 2, 2, "1");
  }

  private static PeerView view(String peer, Map<String, PeerView.PinView> pins) {
    return new PeerView(peer, pins);
  }

  /** The same pinset on three peers. */
  private static List<PeerView> everywhere(Map<String, PeerView.PinView> pins) {
    return List.of(view("peer1", pins), view("peer2", pins), view("peer3", pins));
  }

  @Test
  void aConsistentHistoryPasses() {
    History h =
        history(
            op(Kind.PIN, A, Outcome.ACKNOWLEDGED),
            op(Kind.PIN, B, Outcome.ACKNOWLEDGED),
            op(Kind.UNPIN, B, Outcome.ACKNOWLEDGED),
            op(Kind.UNPIN, A, Outcome.FAILED));

    CheckResult r = HistoryChecker.check(h, everywhere(Map.of(A, pin(P1, P2))), MEMBERS);

    assertThat(r.violations()).isEmpty();
    assertThat(r.checkedCids()).isEqualTo(2);
    assertThat(r.skippedCids()).isZero();
  }

  @Test
  void aLostAcknowledgedPinIsCaughtWithItsHistory() {
    History h =
        history(op(Kind.PIN, A, Outcome.ACKNOWLEDGED), op(Kind.PIN, B, Outcome.ACKNOWLEDGED));

    CheckResult r = HistoryChecker.check(h, everywhere(Map.of(B, pin(P1, P2))), MEMBERS);

    assertThat(r.ok()).isFalse();
    assertThat(r.violations()).hasSize(3); // absent on each of the three peers
    assertThat(r.violations().get(0))
        .startsWith("acknowledged pin lost: cid " + A + " expected present, absent on peer1")
        .contains("client 0 PIN via peer1: ACKNOWLEDGED");
  }

  @Test
  void anUndoneUnpinIsCaught() {
    History h =
        history(op(Kind.PIN, A, Outcome.ACKNOWLEDGED), op(Kind.UNPIN, A, Outcome.ACKNOWLEDGED));

    CheckResult r = HistoryChecker.check(h, everywhere(Map.of(A, pin(P1, P2))), MEMBERS);

    assertThat(r.violations())
        .first()
        .asString()
        .startsWith("acknowledged unpin undone: cid " + A + " expected absent, present on peer1");
  }

  @Test
  void aCidWhoseLastOperationIsUnknownIsSkippedEitherWay() {
    History h = history(op(Kind.PIN, A, Outcome.ACKNOWLEDGED), op(Kind.UNPIN, A, Outcome.UNKNOWN));

    assertThat(HistoryChecker.check(h, everywhere(Map.of(A, pin(P1, P2))), MEMBERS).violations())
        .isEmpty();
    CheckResult absent = HistoryChecker.check(h, everywhere(Map.of()), MEMBERS);
    assertThat(absent.violations()).isEmpty();
    assertThat(absent.skippedCids()).isEqualTo(1);
    assertThat(absent.checkedCids()).isZero();
  }

  @Test
  void anUnknownOperationBeforeTheLastAcknowledgedOneDoesNotSkip() {
    History h = history(op(Kind.UNPIN, A, Outcome.UNKNOWN), op(Kind.PIN, A, Outcome.ACKNOWLEDGED));

    CheckResult r = HistoryChecker.check(h, everywhere(Map.of()), MEMBERS);

    assertThat(r.checkedCids()).isEqualTo(1);
    assertThat(r.violations()).isNotEmpty();
  }

  @Test
  void aFailedOperationAfterTheLastAckChangesNothing() {
    History h = history(op(Kind.PIN, A, Outcome.ACKNOWLEDGED), op(Kind.UNPIN, A, Outcome.FAILED));

    CheckResult r = HistoryChecker.check(h, everywhere(Map.of()), MEMBERS);

    assertThat(r.violations()).isNotEmpty();
    assertThat(r.violations().get(0)).contains("acknowledged pin lost");
  }

  @Test
  void aDigestMismatchNamesTheCidAndWhatEachPeerHolds() {
    History h = history(op(Kind.PIN, A, Outcome.ACKNOWLEDGED));
    Map<String, PeerView.PinView> more = new HashMap<>(Map.of(A, pin(P1, P2)));
    more.put(B, pin(P2, P3));
    List<PeerView> views =
        List.of(
            view("peer1", Map.of(A, pin(P1, P2))),
            view("peer2", Map.of(A, pin(P1, P2))),
            view("peer3", more));

    CheckResult r = HistoryChecker.check(h, views, MEMBERS);

    assertThat(r.violations()).hasSize(1);
    assertThat(r.violations().get(0))
        .startsWith("state digests differ: peer1 ")
        .contains("(1 pins), peer3 ")
        .contains(B + ": peer1 absent, peer3 allocations=[" + P2 + ", " + P3 + "]");
  }

  @Test
  void differentAllocationsAreADigestMismatch() {
    List<PeerView> views =
        List.of(view("peer1", Map.of(A, pin(P1, P2))), view("peer2", Map.of(A, pin(P1, P3))));

    CheckResult r = HistoryChecker.check(history(), views, MEMBERS);

    assertThat(r.violations()).singleElement().asString().contains("1 CIDs differ");
  }

  @Test
  void allocationsBelowMinOrToStrangersAreCaught() {
    Map<String, PeerView.PinView> pins =
        Map.of(A, pin(P1), B, new PeerView.PinView(List.of(P1, "12D3KooWgone"), 2, 2, "1"));

    CheckResult r = HistoryChecker.check(history(), everywhere(pins), MEMBERS);

    assertThat(r.violations()).hasSize(2);
    assertThat(r.violations())
        .anySatisfy(v -> assertThat(v).startsWith("allocations below replication min: cid " + A))
        .anySatisfy(v -> assertThat(v).contains("not members: [12D3KooWgone]"));
  }

  @Test
  void pinsEverywhereAreNotCheckedForAllocations() {
    Map<String, PeerView.PinView> pins = Map.of(A, new PeerView.PinView(List.of(), -1, -1, "1"));

    assertThat(HistoryChecker.check(history(), everywhere(pins), MEMBERS).violations()).isEmpty();
  }

  @Test
  void noViewsIsAnError() {
    assertThatThrownBy(() -> HistoryChecker.check(history(), List.of(), MEMBERS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no peer views");
  }
}

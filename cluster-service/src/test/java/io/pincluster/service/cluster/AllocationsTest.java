package io.pincluster.service.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.NotEnoughPeersException;
import io.pincluster.core.api.Metric;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.PeerId;
import io.pincluster.testing.Cids;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AllocationsTest {
  static final PeerId A = Identity.generate().id();
  static final PeerId B = Identity.generate().id();
  static final PeerId C = Identity.generate().id();
  static final PeerId D = Identity.generate().id();

  static final Cid CID = Cids.random();
  static final BalancedAllocator FREESPACE = new BalancedAllocator(List.of("freespace"));

  static Metric metric(String name, PeerId peer, String value, long weight, boolean partition) {
    return new Metric(name, peer, value, Long.MAX_VALUE, true, weight, partition, 0);
  }

  static Candidates space(Object... peerAndBytes) {
    Map<PeerId, Map<String, Metric>> m = new LinkedHashMap<>();
    for (int i = 0; i < peerAndBytes.length; i += 2) {
      PeerId p = (PeerId) peerAndBytes[i];
      long free = ((Number) peerAndBytes[i + 1]).longValue();
      m.put(p, Map.of("freespace", metric("freespace", p, "" + free, free, false)));
    }
    return new Candidates(m, "");
  }

  static List<PeerId> allocate(
      int min, int max, List<PeerId> current, Candidates candidates, List<PeerId> priority) {
    return Allocations.allocate(CID, min, max, current, candidates, priority, FREESPACE);
  }

  @Test
  void aNewPinGoesToThePeersWithMostFreeSpaceUpToMax() {
    assertThat(allocate(1, 2, List.of(), space(A, 10, B, 30, C, 20), List.of()))
        .containsExactly(B, C);
  }

  @Test
  void userAllocationsComeFirst() {
    assertThat(allocate(2, 2, List.of(), space(A, 10, B, 30, C, 20), List.of(A)))
        .containsExactly(A, B);
  }

  @Test
  void currentAllocationsAreKeptWhileTheySatisfyMin() {
    assertThat(allocate(1, 3, List.of(A, D), space(A, 1, B, 30, C, 20), List.of()))
        .containsExactly(A, D);
  }

  @Test
  void belowMinNewPeersAreAddedToTheHealthyCurrentOnes() {
    assertThat(allocate(2, 3, List.of(A, D), space(A, 1, B, 30, C, 20), List.of()))
        .containsExactly(A, B, C);
  }

  @Test
  void aLowerMaxShrinksTheAllocation() {
    assertThat(allocate(1, 1, List.of(A, B), space(A, 1, B, 2), List.of())).containsExactly(A);
  }

  @Test
  void tooFewPeersIsTheIpfsClusterError() {
    assertThatThrownBy(() -> allocate(3, 4, List.of(), space(A, 1, B, 2), List.of()))
        .isInstanceOf(NotEnoughPeersException.class)
        .hasMessage(
            "not enough peers to allocate CID. Needed at least: 3. Wanted at most: 4."
                + " Available candidates: 2. See logs for more info.");
  }

  @Test
  void theErrorNamesTheMetricAPeerLacked() {
    Candidates some =
        new Candidates(space(A, 1).metrics(), "peer " + B + " has no valid tag:group metric");
    assertThatThrownBy(() -> allocate(2, 2, List.of(), some, List.of()))
        .hasMessageContaining("Left out: peer " + B + " has no valid tag:group metric.");
  }

  static Candidates tagged(Object... peerGroupBytes) {
    Map<PeerId, Map<String, Metric>> m = new LinkedHashMap<>();
    for (int i = 0; i < peerGroupBytes.length; i += 3) {
      PeerId p = (PeerId) peerGroupBytes[i];
      String group = (String) peerGroupBytes[i + 1];
      long free = ((Number) peerGroupBytes[i + 2]).longValue();
      m.put(
          p,
          Map.of(
              "tag:group", metric("tag:group", p, group, 0, true),
              "freespace", metric("freespace", p, "" + free, free, false)));
    }
    return new Candidates(m, "");
  }

  @Test
  void aTagBeforeFreeSpaceSpreadsReplicasAcrossGroups() {
    BalancedAllocator byGroup = new BalancedAllocator(List.of("tag:group", "freespace"));
    Candidates c = tagged(A, "eu", 100, B, "eu", 90, C, "us", 10, D, "us", 5);
    assertThat(Allocations.allocate(CID, 2, 2, List.of(), c, List.of(), byGroup))
        .containsExactly(A, C);
    assertThat(Allocations.allocate(CID, 4, 4, List.of(), c, List.of(), byGroup))
        .containsExactly(A, C, B, D);
    // without the tag, free space alone puts both replicas in eu
    assertThat(allocate(2, 2, List.of(), c, List.of())).containsExactly(A, B);
  }
}

package io.pincluster.service.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.NotEnoughPeersException;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.PeerId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AllocationsTest {
  static final PeerId A = Identity.generate().id();
  static final PeerId B = Identity.generate().id();
  static final PeerId C = Identity.generate().id();
  static final PeerId D = Identity.generate().id();

  static Map<PeerId, Long> space(Object... peerAndBytes) {
    Map<PeerId, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < peerAndBytes.length; i += 2) {
      m.put((PeerId) peerAndBytes[i], ((Number) peerAndBytes[i + 1]).longValue());
    }
    return m;
  }

  @Test
  void aNewPinGoesToThePeersWithMostFreeSpaceUpToMax() {
    assertThat(Allocations.allocate(1, 2, List.of(), space(A, 10, B, 30, C, 20), List.of()))
        .containsExactly(B, C);
  }

  @Test
  void userAllocationsComeFirst() {
    assertThat(Allocations.allocate(2, 2, List.of(), space(A, 10, B, 30, C, 20), List.of(A)))
        .containsExactly(A, B);
  }

  @Test
  void currentAllocationsAreKeptWhileTheySatisfyMin() {
    assertThat(Allocations.allocate(1, 3, List.of(A, D), space(A, 1, B, 30, C, 20), List.of()))
        .containsExactly(A, D);
  }

  @Test
  void belowMinNewPeersAreAddedToTheHealthyCurrentOnes() {
    assertThat(Allocations.allocate(2, 3, List.of(A, D), space(A, 1, B, 30, C, 20), List.of()))
        .containsExactly(A, B, C);
  }

  @Test
  void aLowerMaxShrinksTheAllocation() {
    assertThat(Allocations.allocate(1, 1, List.of(A, B), space(A, 1, B, 2), List.of()))
        .containsExactly(A);
  }

  @Test
  void tooFewPeersIsTheIpfsClusterError() {
    assertThatThrownBy(() -> Allocations.allocate(3, 4, List.of(), space(A, 1, B, 2), List.of()))
        .isInstanceOf(NotEnoughPeersException.class)
        .hasMessage(
            "not enough peers to allocate CID. Needed at least: 3. Wanted at most: 4."
                + " Available candidates: 2. See logs for more info.");
  }
}

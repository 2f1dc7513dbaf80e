package io.pincluster.service.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.PeerId;
import io.pincluster.testing.Cids;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RepinnerTest {
  static final PeerId A = Identity.generate().id();
  static final PeerId B = Identity.generate().id();
  static final PeerId C = Identity.generate().id();

  @Test
  void theActorIsTheSameWhateverTheOrderAndTheWorkIsSpread() {
    List<PeerId> peers = new ArrayList<>(List.of(A, B, C));
    Map<PeerId, Integer> share = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      Cid cid = Cids.random();
      PeerId actor = Repinner.actor(cid, peers);
      Collections.shuffle(peers);
      assertThat(Repinner.actor(cid, peers)).isEqualTo(actor);
      share.merge(actor, 1, Integer::sum);
    }
    assertThat(share).hasSize(3);
    assertThat(share.values()).allMatch(n -> n > 50);
  }

  static Pin pin(int min, int max, PeerId... allocations) {
    return Pin.of(Cids.random(), PinOptions.DEFAULT.withReplication(min, max))
        .withAllocations(List.of(allocations));
  }

  @Test
  void onlyPinsOnAFailedPeerBelowTheirMinimumMove() {
    Set<PeerId> failed = Set.of(A);
    assertThat(Repinner.needsMoving(pin(2, 2, A, B), failed, failed, false)).isTrue();
    assertThat(Repinner.needsMoving(pin(1, 3, A, B, C), failed, failed, false)).isFalse();
    assertThat(Repinner.needsMoving(pin(2, 2, B, C), failed, failed, false)).isFalse();
    assertThat(Repinner.needsMoving(pin(-1, -1), failed, failed, false)).isFalse();
    // a departing peer is dropped from every pin it holds
    assertThat(Repinner.needsMoving(pin(1, 3, A, B, C), failed, failed, true)).isTrue();
  }
}

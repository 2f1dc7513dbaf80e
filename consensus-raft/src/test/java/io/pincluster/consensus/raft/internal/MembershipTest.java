package io.pincluster.consensus.raft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.ClusterException;
import java.util.List;
import java.util.Map;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;

class MembershipTest {
  static RaftPeerId id(String s) {
    return RaftPeerId.valueOf(s);
  }

  static RaftPeer voter(String s) {
    return Membership.peer(id(s), s + ":1", 0, RaftPeerRole.FOLLOWER);
  }

  static RaftPeer listener(String s) {
    return Membership.peer(id(s), s + ":1", 0, RaftPeerRole.LISTENER);
  }

  static List<String> ids(List<RaftPeer> peers) {
    return peers.stream().map(p -> p.getId().toString()).toList();
  }

  final Membership three = new Membership(List.of(voter("c"), voter("a"), voter("b")), List.of());

  @Test
  void newPeersVoteUntilFiveVoteAndThenListen() {
    Membership m = three.withPeer(id("d"), "d:1", 5).withPeer(id("e"), "e:1", 5);
    Membership six = m.withPeer(id("f"), "f:1", 5);

    assertThat(ids(m.voters())).containsExactly("a", "b", "c", "d", "e");
    assertThat(ids(six.voters())).containsExactly("a", "b", "c", "d", "e");
    assertThat(ids(six.listeners())).containsExactly("f");
    assertThat(six.listeners().get(0).getStartupRole()).isEqualTo(RaftPeerRole.LISTENER);
  }

  @Test
  void reAddingAMemberAtItsAddressChangesNothingAndAtANewOneMovesItKeepingItsRole() {
    Membership withListener = new Membership(three.voters(), List.of(listener("z")));

    assertThat(withListener.withPeer(id("a"), "a:1", 5)).isSameAs(withListener);
    Membership moved = withListener.withPeer(id("z"), "z:2", 5);

    assertThat(ids(moved.listeners())).containsExactly("z");
    assertThat(moved.find(id("z")).orElseThrow().getAddress()).isEqualTo("z:2");
    assertThat(moved.sameAs(withListener)).isFalse();
    // Ratis compares only IDs and priorities: the change flips every peer's priority
    assertThat(moved.all()).allMatch(p -> p.getPriority() == 1);
    assertThat(moved.withPeer(id("z"), "z:3", 5).all()).allMatch(p -> p.getPriority() == 0);
  }

  @Test
  void removingAVoterPromotesTheMostCaughtUpListener() {
    Membership m = new Membership(three.voters(), List.of(listener("x"), listener("y")));
    Map<String, Long> progress = Map.of("x", 5L, "y", 9L);

    Membership after = m.withoutPeer(id("b"), p -> progress.getOrDefault(p.toString(), -1L));

    assertThat(ids(after.voters())).containsExactly("a", "c", "y");
    assertThat(ids(after.listeners())).containsExactly("x");
    assertThat(after.find(id("y")).orElseThrow().getStartupRole()).isEqualTo(RaftPeerRole.FOLLOWER);
    Membership noPromotion = m.withoutPeer(id("x"), p -> 0);
    assertThat(ids(noPromotion.voters())).containsExactly("a", "b", "c");
  }

  @Test
  void removingANonMemberOrTheLastMemberIsRefused() {
    Membership one = new Membership(List.of(voter("a")), List.of());

    assertThatThrownBy(() -> three.withoutPeer(id("q"), p -> 0))
        .isInstanceOf(ClusterException.class)
        .hasMessage("peer q is not a member of the cluster");
    assertThatThrownBy(() -> one.withoutPeer(id("a"), p -> 0))
        .isInstanceOf(ClusterException.class)
        .hasMessage("cannot remove the last peer of the cluster");
  }
}

package io.pincluster.consensus.raft.internal;

import io.pincluster.core.ClusterException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftConfiguration;

/**
 * A Raft configuration as voters and listeners, and the changes behind {@code addPeer} and {@code
 * removePeer}. Immutable and pure (no Ratis calls), so the rules are unit-tested on their own.
 *
 * <p>Rules: at most {@code maxVoters} voters, further members are listeners; a member re-added with
 * a new address keeps its role; when a voter leaves and listeners exist, the most caught-up
 * listener is promoted in the same change. Every peer of a configuration written here has the same
 * priority (so no peer is preferred as leader); an address-only change flips that common priority
 * between 0 and 1, because Ratis 3.2 ignores addresses when it decides whether a requested
 * configuration differs from the current one (it compares IDs and priorities only).
 *
 * @param voters the voting members, ordered by ID
 * @param listeners the non-voting members, ordered by ID
 */
public record Membership(List<RaftPeer> voters, List<RaftPeer> listeners) {
  private static final Comparator<RaftPeer> BY_ID = Comparator.comparing(p -> p.getId().toString());

  public Membership {
    voters = sorted(voters);
    listeners = sorted(listeners);
  }

  /** The current configuration of a division (the new one while a change is in progress). */
  public static Membership of(RaftConfiguration conf) {
    return new Membership(
        List.copyOf(conf.getCurrentPeers(RaftPeerRole.FOLLOWER)),
        List.copyOf(conf.getCurrentPeers(RaftPeerRole.LISTENER)));
  }

  /**
   * The configuration in a group info reply. Ratis 3.2 leaves the reply's configuration field out
   * on the wire, so it is rebuilt from the group's peers and their roles when missing.
   */
  public static Membership of(GroupInfoReply info) throws IOException {
    if (info.getConf().isPresent()) {
      return Membership.of(info.getConf().get());
    }
    if (info.getGroup() == null || info.getGroup().getPeers().isEmpty()) {
      throw new IOException(info.getServerId() + " has no Raft configuration");
    }
    List<RaftPeer> voters = new ArrayList<>();
    List<RaftPeer> listeners = new ArrayList<>();
    for (RaftPeer p : info.getGroup().getPeers()) {
      (p.getStartupRole() == RaftPeerRole.LISTENER ? listeners : voters).add(p);
    }
    return new Membership(voters, listeners);
  }

  /** A configuration as Ratis sends it (e.g. in a group info reply). */
  public static Membership of(RaftConfigurationProto conf) {
    return new Membership(
        fromProtos(conf.getPeersList(), RaftPeerRole.FOLLOWER),
        fromProtos(conf.getListenersList(), RaftPeerRole.LISTENER));
  }

  private static List<RaftPeer> fromProtos(List<RaftPeerProto> protos, RaftPeerRole role) {
    List<RaftPeer> out = new ArrayList<>();
    for (RaftPeerProto p : protos) {
      out.add(peer(RaftPeerId.valueOf(p.getId()), p.getAddress(), p.getPriority(), role));
    }
    return out;
  }

  private static List<RaftPeer> sorted(Collection<RaftPeer> peers) {
    List<RaftPeer> out = new ArrayList<>(Objects.requireNonNull(peers));
    out.sort(BY_ID);
    return List.copyOf(out);
  }

  public boolean isEmpty() {
    return voters.isEmpty() && listeners.isEmpty();
  }

  public int size() {
    return voters.size() + listeners.size();
  }

  /** The member with {@code id}, voter or listener. */
  public Optional<RaftPeer> find(RaftPeerId id) {
    return all().stream().filter(p -> p.getId().equals(id)).findFirst();
  }

  public boolean isVoter(RaftPeerId id) {
    return voters.stream().anyMatch(p -> p.getId().equals(id));
  }

  /** Voters, then listeners. */
  public List<RaftPeer> all() {
    List<RaftPeer> out = new ArrayList<>(voters);
    out.addAll(listeners);
    return out;
  }

  /**
   * The configuration with {@code peer} at {@code address}: unchanged when it is already a member
   * there; its address replaced (same role) when it is a member elsewhere; else added, as a voter
   * while fewer than {@code maxVoters} vote, otherwise as a listener.
   */
  public Membership withPeer(RaftPeerId id, String address, int maxVoters) {
    Optional<RaftPeer> existing = find(id);
    int priority = commonPriority();
    if (existing.isPresent()) {
      if (existing.get().getAddress().equals(address)) {
        return this;
      }
      int flipped = priority == 0 ? 1 : 0;
      return new Membership(
          replace(voters, id, address, flipped, RaftPeerRole.FOLLOWER),
          replace(listeners, id, address, flipped, RaftPeerRole.LISTENER));
    }
    List<RaftPeer> v = new ArrayList<>(withPriority(voters, priority, RaftPeerRole.FOLLOWER));
    List<RaftPeer> l = new ArrayList<>(withPriority(listeners, priority, RaftPeerRole.LISTENER));
    if (v.size() < maxVoters) {
      v.add(peer(id, address, priority, RaftPeerRole.FOLLOWER));
    } else {
      l.add(peer(id, address, priority, RaftPeerRole.LISTENER));
    }
    return new Membership(v, l);
  }

  /**
   * The configuration without {@code id}; a leaving voter is replaced by the listener with the
   * highest {@code progress} (ties: lowest ID).
   *
   * @throws ClusterException when {@code id} is not a member, or is the last one
   */
  public Membership withoutPeer(RaftPeerId id, ToLongFunction<RaftPeerId> progress) {
    if (find(id).isEmpty()) {
      throw new ClusterException("peer " + id + " is not a member of the cluster");
    }
    if (size() == 1) {
      throw new ClusterException("cannot remove the last peer of the cluster");
    }
    int priority = commonPriority();
    List<RaftPeer> v = new ArrayList<>();
    List<RaftPeer> l = new ArrayList<>();
    voters.stream().filter(p -> !p.getId().equals(id)).forEach(v::add);
    listeners.stream().filter(p -> !p.getId().equals(id)).forEach(l::add);
    if (isVoter(id) && !l.isEmpty()) {
      RaftPeer promoted =
          l.stream()
              .max(
                  Comparator.comparingLong((RaftPeer p) -> progress.applyAsLong(p.getId()))
                      .thenComparing(BY_ID.reversed()))
              .orElseThrow();
      l.remove(promoted);
      v.add(promoted);
    }
    return new Membership(
        withPriority(v, priority, RaftPeerRole.FOLLOWER),
        withPriority(l, priority, RaftPeerRole.LISTENER));
  }

  /** The priority every member has (the first voter's; 0 for an empty configuration). */
  int commonPriority() {
    List<RaftPeer> all = all();
    return all.isEmpty() ? 0 : all.get(0).getPriority();
  }

  private static List<RaftPeer> replace(
      List<RaftPeer> peers, RaftPeerId id, String address, int priority, RaftPeerRole role) {
    List<RaftPeer> out = new ArrayList<>();
    for (RaftPeer p : peers) {
      String a = p.getId().equals(id) ? address : p.getAddress();
      out.add(peer(p.getId(), a, priority, role));
    }
    return out;
  }

  private static List<RaftPeer> withPriority(List<RaftPeer> peers, int priority, RaftPeerRole r) {
    List<RaftPeer> out = new ArrayList<>();
    peers.forEach(p -> out.add(peer(p.getId(), p.getAddress(), priority, r)));
    return out;
  }

  static RaftPeer peer(RaftPeerId id, String address, int priority, RaftPeerRole role) {
    return RaftPeer.newBuilder()
        .setId(id)
        .setAddress(address)
        .setPriority(priority)
        .setStartupRole(role)
        .build();
  }

  /** True when both have the same members, roles, addresses and priorities. */
  public boolean sameAs(Membership other) {
    return describe(all()).equals(describe(other.all())) && voters.size() == other.voters.size();
  }

  private static List<String> describe(List<RaftPeer> peers) {
    List<String> out = new ArrayList<>();
    peers.forEach(p -> out.add(p.getId() + "@" + p.getAddress() + "#" + p.getPriority()));
    return out;
  }
}

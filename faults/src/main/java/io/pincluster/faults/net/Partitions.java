package io.pincluster.faults.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Partitions of a set of peers, applied to their egress {@link FaultProxy}s: a link between two
 * peers on different sides is broken in both directions, a link within a side passes. A layout is
 * written as sides separated by {@code |} and peers by {@code ,}, e.g. {@code "peer1,peer2|peer3"}
 * (2|1) or {@code "peer1|peer2|peer3"} (1|1|1). Thread-safe if the proxies are (they are); applying
 * a layout is not atomic across links.
 */
public final class Partitions {
  /** How a link across sides is broken. */
  public enum Mode {
    /** {@link LinkState#CUT}: connections are reset and refused. */
    CUT,
    /** {@link LinkState#BLACKHOLE}: nothing passes, nothing is reset. */
    BLACKHOLE
  }

  private final Map<String, FaultProxy> egress;

  /**
   * @param egress each peer's egress proxy, by peer name; each must have a link to every other
   */
  public Partitions(Map<String, FaultProxy> egress) {
    this.egress = Map.copyOf(egress);
    for (var e : this.egress.entrySet()) {
      Set<String> missing = new TreeSet<>(this.egress.keySet());
      missing.remove(e.getKey());
      missing.removeAll(e.getValue().destinations());
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException(
            "the egress proxy of " + e.getKey() + " has no link to " + missing);
      }
    }
  }

  public Set<String> peers() {
    return new TreeSet<>(egress.keySet());
  }

  /** {@code peer} alone on one side, every other peer on the other. */
  public void isolate(String peer, Mode mode) {
    Set<String> rest = peers();
    if (!rest.remove(peer)) {
      throw new IllegalArgumentException("unknown peer \"" + peer + "\"; peers: " + peers());
    }
    apply(List.of(Set.of(peer), rest), mode);
  }

  /** Applies a layout such as {@code "peer1,peer2|peer3"}; see {@link #parse}. */
  public void apply(String layout, Mode mode) {
    apply(parse(layout), mode);
  }

  /**
   * Breaks every link between peers on different sides and heals every link within a side.
   *
   * @throws IllegalArgumentException unless the sides hold every peer exactly once
   */
  public void apply(List<Set<String>> sides, Mode mode) {
    Map<String, Integer> sideOf = sides(sides);
    for (var e : egress.entrySet()) {
      String from = e.getKey();
      for (String to : e.getValue().destinations()) {
        if (!sideOf.containsKey(to)) {
          continue; // a route to something that is not one of these peers
        }
        if (sideOf.get(from).equals(sideOf.get(to))) {
          e.getValue().heal(to);
        } else if (mode == Mode.CUT) {
          e.getValue().cut(to);
        } else {
          e.getValue().blackhole(to);
        }
      }
    }
  }

  /** Every link passes again. */
  public void healAll() {
    apply(List.of(peers()), Mode.CUT);
  }

  /**
   * Parses {@code "a,b|c"} into sides; blanks around names are ignored.
   *
   * @throws IllegalArgumentException for an empty side or name, or a peer named twice
   */
  public static List<Set<String>> parse(String layout) {
    List<Set<String>> sides = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    for (String part : layout.split("\\|", -1)) {
      Set<String> side = new LinkedHashSet<>();
      for (String name : part.split(",", -1)) {
        String n = name.strip();
        if (n.isEmpty()) {
          throw new IllegalArgumentException(
              "partition layout \"" + layout + "\" has an empty peer name or side");
        }
        if (!seen.add(n)) {
          throw new IllegalArgumentException(
              "partition layout \"" + layout + "\" names " + n + " twice");
        }
        side.add(n);
      }
      sides.add(side);
    }
    return sides;
  }

  private Map<String, Integer> sides(List<Set<String>> sides) {
    Map<String, Integer> sideOf = new HashMap<>();
    for (int i = 0; i < sides.size(); i++) {
      for (String p : sides.get(i)) {
        if (!egress.containsKey(p)) {
          throw new IllegalArgumentException("unknown peer \"" + p + "\"; peers: " + peers());
        }
        if (sideOf.put(p, i) != null) {
          throw new IllegalArgumentException("peer " + p + " is on two sides: " + sides);
        }
      }
    }
    Set<String> missing = peers();
    missing.removeAll(sideOf.keySet());
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("peers " + missing + " are on no side of " + sides);
    }
    return sideOf;
  }
}

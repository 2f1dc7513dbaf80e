package io.pincluster.faults.crash;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a run's history against the peers' local pinsets, once the cluster has settled:
 *
 * <ul>
 *   <li>every peer holds the same pinset (equal digests); a difference names the first CIDs that
 *       differ and what each peer holds;
 *   <li>for each CID the last acknowledged operation decides: after an acknowledged pin the CID is
 *       present on every peer, after an acknowledged unpin it is absent. A CID whose last operation
 *       is unknown, or with an unknown operation after the last acknowledged one, or with no
 *       acknowledged operation, is skipped (counted); failed operations have no effect;
 *   <li>every pin with a positive {@code replication_factor_min} has at least that many distinct
 *       allocations (at most the number of members), all of them members.
 * </ul>
 *
 * Pure: no I/O, deterministic.
 */
public final class HistoryChecker {
  /** At most this many CIDs are named per kind of violation (the rest are counted). */
  static final int MAX_NAMED = 10;

  private HistoryChecker() {}

  /**
   * @param views one per member, each read from that peer's local state
   * @param members the IDs of the current members
   */
  public static CheckResult check(History history, List<PeerView> views, Set<String> members) {
    if (views.isEmpty()) {
      throw new IllegalArgumentException("no peer views to check");
    }
    List<String> violations = new ArrayList<>();
    checkDigests(views, violations);
    int checked = 0;
    int skipped = 0;
    int lost = 0;
    for (Map.Entry<String, List<Op>> e : history.byCid().entrySet()) {
      Boolean expected = expectedPresence(e.getValue());
      if (expected == null) {
        skipped++;
        continue;
      }
      checked++;
      for (PeerView v : views) {
        boolean present = v.pins().containsKey(e.getKey());
        if (present != expected) {
          if (lost++ < MAX_NAMED) {
            violations.add(
                (expected ? "acknowledged pin lost: " : "acknowledged unpin undone: ")
                    + "cid "
                    + e.getKey()
                    + " expected "
                    + (expected ? "present" : "absent")
                    + ", "
                    + (present ? "present" : "absent")
                    + " on "
                    + v.peer()
                    + "; history:\n    "
                    + String.join("\n    ", e.getValue().stream().map(Op::describe).toList()));
          }
        }
      }
    }
    if (lost > MAX_NAMED) {
      violations.add("... and " + (lost - MAX_NAMED) + " more lost acknowledged operations");
    }
    checkAllocations(views.get(0), members, violations);
    return new CheckResult(checked, skipped, violations);
  }

  /**
   * True when the CID must be present, false when absent, null when the history does not decide it
   * (skipped).
   */
  static Boolean expectedPresence(List<Op> ops) {
    Boolean expected = null;
    for (Op op : ops) {
      switch (op.outcome()) {
        case ACKNOWLEDGED -> expected = op.kind() == Op.Kind.PIN;
        case UNKNOWN -> expected = null;
        case FAILED -> {
          // no effect
        }
      }
    }
    return expected;
  }

  private static void checkDigests(List<PeerView> views, List<String> violations) {
    PeerView first = views.get(0);
    for (PeerView v : views.subList(1, views.size())) {
      if (v.digest().equals(first.digest())) {
        continue;
      }
      Set<String> cids = new TreeSet<>(first.pins().keySet());
      cids.addAll(v.pins().keySet());
      List<String> diffs = new ArrayList<>();
      int differing = 0;
      for (String cid : cids) {
        PeerView.PinView a = first.pins().get(cid);
        PeerView.PinView b = v.pins().get(cid);
        if (a == null || !a.equals(b)) {
          if (differing++ < MAX_NAMED) {
            diffs.add(cid + ": " + first.peer() + " " + show(a) + ", " + v.peer() + " " + show(b));
          }
        }
      }
      violations.add(
          "state digests differ: "
              + first.peer()
              + " "
              + first.digest().substring(0, 12)
              + " ("
              + first.pins().size()
              + " pins), "
              + v.peer()
              + " "
              + v.digest().substring(0, 12)
              + " ("
              + v.pins().size()
              + " pins); "
              + differing
              + " CIDs differ:\n    "
              + String.join("\n    ", diffs));
    }
  }

  private static String show(PeerView.PinView p) {
    return p == null
        ? "absent"
        : "allocations="
            + p.allocations()
            + " min="
            + p.replicationMin()
            + " max="
            + p.replicationMax();
  }

  private static void checkAllocations(
      PeerView view, Set<String> members, List<String> violations) {
    int bad = 0;
    for (Map.Entry<String, PeerView.PinView> e : view.pins().entrySet()) {
      PeerView.PinView p = e.getValue();
      if (p.replicationMin() <= 0) {
        continue;
      }
      Set<String> distinct = new HashSet<>(p.allocations());
      int need = Math.min(p.replicationMin(), members.size());
      List<String> strangers = p.allocations().stream().filter(a -> !members.contains(a)).toList();
      if (distinct.size() != p.allocations().size()
          || distinct.size() < need
          || !strangers.isEmpty()) {
        if (bad++ < MAX_NAMED) {
          violations.add(
              "allocations below replication min: cid "
                  + e.getKey()
                  + " on "
                  + view.peer()
                  + ": "
                  + show(p)
                  + (strangers.isEmpty() ? "" : "; not members: " + strangers));
        }
      }
    }
    if (bad > MAX_NAMED) {
      violations.add("... and " + (bad - MAX_NAMED) + " more pins with bad allocations");
    }
  }
}

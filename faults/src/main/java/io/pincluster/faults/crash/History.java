package io.pincluster.faults.crash;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The requests of one run, appended by the clients as they finish. Thread-safe. */
public final class History {
  private final List<Op> ops = new ArrayList<>();

  public synchronized void add(Op op) {
    ops.add(op);
  }

  /** A copy of every recorded request, in recording order. */
  public synchronized List<Op> ops() {
    return List.copyOf(ops);
  }

  /** The requests per CID, each list in sending order (CIDs in first-use order). */
  public Map<String, List<Op>> byCid() {
    Map<String, List<Op>> out = new LinkedHashMap<>();
    for (Op op : ops()) {
      out.computeIfAbsent(op.cid(), c -> new ArrayList<>()).add(op);
    }
    out.values().forEach(l -> l.sort(Comparator.comparingLong(Op::sentMillis)));
    return out;
  }

  /** How many requests ended with {@code outcome}. */
  public long count(Op.Outcome outcome) {
    return ops().stream().filter(o -> o.outcome() == outcome).count();
  }
}

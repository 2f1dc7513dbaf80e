package io.pincluster.faults.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The faults of one run (issue 9). Each is named on the command line by {@link #id()}. */
public enum Scenario {
  /** kill -9 of a random follower, then a restart. */
  KILL_FOLLOWER("kill-follower"),
  /** kill -9 of the leader, then a restart. */
  KILL_LEADER("kill-leader"),
  /** kill -9 of a minority at once (1 of 3, 2 of 5), then restarts. */
  KILL_MINORITY("kill-minority"),
  /** SIGTERM and restart of each peer in turn. */
  ROLLING_RESTART("rolling-restart"),
  /** kill -9 of every peer at once, then a full restart. */
  KILL_ALL("kill-all"),
  /**
   * A fresh peer joins (the leader must send it a snapshot) and is killed -9 while its snapshot
   * install is under way, then restarted; removed again after the checks.
   */
  SNAPSHOT_INSTALL("snapshot-install");

  private final String id;

  Scenario(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** The scenario named {@code id}; the error lists the valid names. */
  public static Scenario of(String id) {
    for (Scenario s : values()) {
      if (s.id.equals(id.trim().toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown scenario '" + id + "'; valid: " + String.join(",", ids(List.of(values()))));
  }

  /** Parses a comma-separated list ({@code all} = every scenario). */
  public static List<Scenario> parseList(String csv) {
    if (csv.isBlank()) {
      throw new IllegalArgumentException("--scenarios is empty");
    }
    if (csv.trim().equals("all")) {
      return List.of(values());
    }
    List<Scenario> out = new ArrayList<>();
    for (String part : csv.split(",")) {
      out.add(of(part));
    }
    return List.copyOf(out);
  }

  public static List<String> ids(List<Scenario> scenarios) {
    return scenarios.stream().map(Scenario::id).toList();
  }
}

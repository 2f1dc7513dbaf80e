package io.pincluster.core.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The status of a CID on one peer, as IPFS Cluster reports it (JSON strings in lower snake case).
 */
public enum TrackerStatus {
  UNDEFINED,
  CLUSTER_ERROR,
  PIN_ERROR,
  UNPIN_ERROR,
  PINNED,
  PINNING,
  UNPINNING,
  UNPINNED,
  REMOTE,
  PIN_QUEUED,
  UNPIN_QUEUED,
  UNEXPECTEDLY_UNPINNED;

  /** Statuses the composite filter {@code error} stands for (not unexpectedly_unpinned). */
  public static final Set<TrackerStatus> ERROR = EnumSet.of(CLUSTER_ERROR, PIN_ERROR, UNPIN_ERROR);

  /** Statuses the composite filter {@code queued} stands for. */
  public static final Set<TrackerStatus> QUEUED = EnumSet.of(PIN_QUEUED, UNPIN_QUEUED);

  private final String wire = name().toLowerCase(Locale.ROOT);

  @JsonValue
  public String wire() {
    return wire;
  }

  /**
   * @throws IllegalArgumentException naming the unknown status
   */
  @JsonCreator
  public static TrackerStatus fromWire(String s) {
    for (TrackerStatus t : values()) {
      if (t.wire().equals(s)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown tracker status \"" + s + "\"");
  }

  public boolean isError() {
    return ERROR.contains(this);
  }

  /**
   * Parses a comma-separated status filter ({@code pinned,error}); {@code error} and {@code queued}
   * expand to their members. Unknown names are ignored; an empty filter means every status.
   *
   * @throws IllegalArgumentException "invalid filter value" when no name in a non-empty filter is
   *     known
   */
  public static Set<TrackerStatus> parseFilter(String filter) {
    Set<TrackerStatus> out = EnumSet.noneOf(TrackerStatus.class);
    if (filter == null || filter.isBlank()) {
      return EnumSet.allOf(TrackerStatus.class);
    }
    for (String raw : filter.split(",")) {
      String name = raw.trim();
      switch (name) {
        case "error" -> out.addAll(ERROR);
        case "queued" -> out.addAll(QUEUED);
        default -> {
          for (TrackerStatus t : values()) {
            if (t.wire().equals(name)) {
              out.add(t);
            }
          }
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("invalid filter value: \"" + filter + "\"");
    }
    return out;
  }
}

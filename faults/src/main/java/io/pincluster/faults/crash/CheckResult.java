package io.pincluster.faults.crash;

import java.util.List;

/**
 * What {@link HistoryChecker} found.
 *
 * @param checkedCids CIDs whose presence was decided by an acknowledged operation and checked
 * @param skippedCids CIDs left out: their last operation, or one after the last acknowledged one,
 *     is unknown (or none was acknowledged)
 * @param violations one precise message per problem (empty when the run is clean)
 */
public record CheckResult(int checkedCids, int skippedCids, List<String> violations) {
  public CheckResult {
    violations = List.copyOf(violations);
  }

  public boolean ok() {
    return violations.isEmpty();
  }
}

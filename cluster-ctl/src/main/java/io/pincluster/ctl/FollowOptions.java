package io.pincluster.ctl;

import io.pincluster.ctl.internal.CtlException;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * What {@code pin add}, {@code pin rm} and {@code pin update} do after the request: the options
 * they share.
 */
final class FollowOptions {
  @Option(
      names = {"--no-status", "--ns"},
      description = "Print the pin the API returned instead of fetching its status.")
  boolean noStatus;

  @Option(
      names = {"-w", "--wait"},
      description =
          "Wait until the pin reaches its status (pinned on replication-min peers, or unpinned"
              + " everywhere), showing the progress on stderr. A peer reporting an error ends"
              + " the wait with exit code 2.")
  boolean waitForStatus;

  @Option(
      names = {"--wait-limit", "--wl"},
      paramLabel = "<n>",
      defaultValue = "0",
      description =
          "With --wait: how many peers must reach the status (default: replication-min for a"
              + " pin, every peer for an unpin).")
  int waitLimit;

  @Option(
      names = {"--wait-timeout", "--wt"},
      paramLabel = "<duration>",
      defaultValue = "0",
      description =
          "How long to --wait, e.g. 30s or 2m; 0 (default) waits forever. Exit code 62 when it"
              + " passes.")
  String waitTimeout;

  /** The parsed {@code --wait-timeout}; fails with exit 1 before any request when malformed. */
  Duration waitTimeout() {
    if (waitLimit < 0) {
      throw CtlException.failure("--wait-limit cannot be negative: " + waitLimit);
    }
    return Args.duration("--wait-timeout", waitTimeout);
  }
}

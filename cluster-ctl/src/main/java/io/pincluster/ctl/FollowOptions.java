package io.pincluster.ctl;

import picocli.CommandLine.Option;

/** What {@code pin add} and {@code pin rm} print after the request: the options they share. */
final class FollowOptions {
  @Option(
      names = {"--no-status", "--ns"},
      description = "Print the pin the API returned instead of fetching its status.")
  boolean noStatus;

  @Option(
      names = {"-w", "--wait"},
      description =
          "Wait until the pin reaches its status (pinned on replication-min peers, or unpinned"
              + " everywhere) before returning.")
  boolean waitForStatus;

  @Option(
      names = {"--wait-timeout", "--wt"},
      paramLabel = "<duration>",
      defaultValue = "0",
      description = "How long to --wait, e.g. 30s or 2m; 0 (default) waits forever.")
  String waitTimeout;

  /** The parsed {@code --wait-timeout}; fails with exit 1 before any request when malformed. */
  java.time.Duration waitTimeout() {
    return Args.duration("--wait-timeout", waitTimeout);
  }
}

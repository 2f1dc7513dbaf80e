package io.pincluster.ctl;

import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.GoDuration;
import io.pincluster.core.peer.PeerId;
import io.pincluster.ctl.internal.CtlException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The pin options that {@code pin add}, {@code pin update} and {@code add} share (IPFS Cluster's
 * {@code PinOptions} flags). Parsed into {@link PinOptions} before any request; a bad value is an
 * argument error (exit 1) naming the option.
 */
final class PinFlags {
  @Option(
      names = {"-n", "--name"},
      paramLabel = "<name>",
      defaultValue = "",
      description = "A name for the pin.")
  String name;

  @Option(
      names = {"--replication-min", "--rmin"},
      paramLabel = "<n>",
      defaultValue = "0",
      description = "The fewest peers that must pin it (0: the cluster's default, -1: all).")
  int replicationMin;

  @Option(
      names = {"--replication-max", "--rmax"},
      paramLabel = "<n>",
      defaultValue = "0",
      description = "The most peers that should pin it (0: the cluster's default, -1: all).")
  int replicationMax;

  @Option(
      names = {"--allocations", "--allocs"},
      paramLabel = "<peerIDs>",
      description = "Comma-separated cluster peer IDs to allocate the pin to first.")
  String allocations;

  @Option(
      names = "--expire-in",
      paramLabel = "<duration>",
      description = "Unpin it automatically after this long, e.g. 24h or 720h (at least 1s).")
  String expireIn;

  @Option(
      names = "--metadata",
      paramLabel = "<key=value>",
      description = "Metadata to attach to the pin; repeat the option for several pairs.")
  List<String> metadata = new ArrayList<>();

  /**
   * The pin options.
   *
   * @param replication {@code --replication} (sets both factors) when not 0
   * @param pinUpdate the CID of {@code pin update}, or null
   */
  PinOptions options(int replication, PinMode mode, Cid pinUpdate) {
    int min = replication != 0 ? replication : replicationMin;
    int max = replication != 0 ? replication : replicationMax;
    return new PinOptions(
        min, max, name, mode, allocations(), null, metadata(), pinUpdate, List.of());
  }

  /** {@code --expire-in}, or null when not given. */
  Duration expireIn() {
    if (expireIn == null || expireIn.isBlank()) {
      return null;
    }
    Duration d;
    try {
      d = GoDuration.parse(expireIn.trim());
    } catch (IllegalArgumentException e) {
      throw CtlException.failure(
          "--expire-in \"" + expireIn + "\" is not a duration (e.g. 90s, 24h, 720h)");
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      throw CtlException.failure("--expire-in \"" + expireIn + "\" is too short: at least 1s");
    }
    return d;
  }

  private List<PeerId> allocations() {
    List<PeerId> out = new ArrayList<>();
    if (allocations == null || allocations.isBlank()) {
      return out;
    }
    for (String id : allocations.split(",")) {
      try {
        out.add(PeerId.parse(id.trim()));
      } catch (IllegalArgumentException e) {
        throw CtlException.failure(
            "--allocations: \"" + id.trim() + "\" is not a peer ID (" + e.getMessage() + ")");
      }
    }
    return out;
  }

  private Map<String, String> metadata() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : metadata) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw CtlException.failure(
            "--metadata \"" + pair + "\" is not in the format key=value with a non-empty key");
      }
      out.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return out;
  }

  /** {@code --mode}: recursive (default) or direct. */
  static PinMode mode(String text) {
    try {
      return PinMode.fromWire(text == null ? "" : text.trim());
    } catch (IllegalArgumentException e) {
      throw CtlException.failure("--" + e.getMessage());
    }
  }
}

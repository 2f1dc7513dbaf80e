package io.pincluster.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to run and how big, from {@code --key=value} arguments. Validated on construction; a bad
 * value is an {@link IllegalArgumentException} naming the option.
 */
record BenchOptions(
    Set<String> figures,
    List<Integer> clients,
    List<Integer> leaderClients,
    int pins,
    int bulkPins,
    int bulkBatch,
    List<Integer> importPins,
    int floorPins,
    int floorBatchedPins,
    int reps,
    int failoverReps,
    int failoverWriters,
    List<Integer> largePins,
    int fig7Blocks,
    int fig7Reps,
    Map<String, String> fig7PeerSettings,
    boolean fig7Bulk,
    int warmUpSeconds,
    boolean keepLargeState,
    Path dist,
    Path work,
    Path report,
    String command,
    String classpath,
    String peerJavaOpts,
    Path ipfsRecipe) {
  static final Set<String> KNOWN = Set.of("floor", "1", "2", "6", "3", "7");

  BenchOptions {
    for (String f : figures) {
      if (!KNOWN.contains(f)) {
        throw new IllegalArgumentException(
            "--figures: unknown figure '" + f + "' (known: " + KNOWN + ")");
      }
    }
    positive("--pins", pins);
    positive("--bulk-pins", bulkPins);
    positive("--bulk-batch", bulkBatch);
    importPins = sizes("--import-pins", importPins);
    positive("--floor-pins", floorPins);
    positive("--floor-batched-pins", floorBatchedPins);
    positive("--reps", reps);
    positive("--failover-reps", failoverReps);
    positive("--failover-writers", failoverWriters);
    largePins = sizes("--large-pins", largePins);
    positive("--fig7-blocks", fig7Blocks);
    positive("--fig7-reps", fig7Reps);
    if (warmUpSeconds < 0) {
      throw new IllegalArgumentException("--warm-up-seconds must be >= 0: " + warmUpSeconds);
    }
    for (String k : fig7PeerSettings.keySet()) {
      if (!k.matches("CLUSTER_[A-Z0-9_]+")) {
        throw new IllegalArgumentException(
            "--fig7-peer-settings: '" + k + "' is not a CLUSTER_* override");
      }
    }
    clientCounts("--clients", clients, pins);
    clientCounts("--leader-clients", leaderClients, pins);
    leaderClients = List.copyOf(leaderClients);
    if (floorBatchedPins < 1000) {
      throw new IllegalArgumentException(
          "--floor-batched-pins must be >= 1000 (one 1000-pin entry): " + floorBatchedPins);
    }
  }

  private static void clientCounts(String option, List<Integer> counts, int pins) {
    for (int c : counts) {
      positive(option, c);
      if (c > pins) {
        throw new IllegalArgumentException(option + " " + c + " is more than --pins " + pins);
      }
    }
  }

  private static void positive(String name, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be > 0: " + v);
    }
  }

  static BenchOptions parse(String[] args) {
    Set<String> figures = new LinkedHashSet<>(List.of("floor", "1", "2", "6", "3", "7"));
    List<Integer> clients = List.of(1, 16, 64, 256);
    List<Integer> leaderClients = null;
    int pins = 5000;
    int bulkPins = 100_000;
    int bulkBatch = 10_000;
    List<Integer> importPins = List.of(200_000, 1_000_000);
    int floorPins = 5000;
    int floorBatched = 200_000;
    int reps = 3;
    int failoverReps = 5;
    int failoverWriters = 8;
    List<Integer> largePins = List.of(1_000_000);
    int fig7Blocks = 500;
    int fig7Reps = 3;
    Map<String, String> fig7PeerSettings = new LinkedHashMap<>();
    boolean fig7Bulk = false;
    int warmUpSeconds = 180;
    boolean keepLargeState = false;
    Path dist = Path.of(System.getProperty("pincluster.dist", "dist/pincluster"));
    Path work = Path.of(System.getProperty("java.io.tmpdir"), "pincluster-bench");
    Path report = null;
    String command = "java io.pincluster.bench.BenchMain " + String.join(" ", args);
    String classpath = System.getProperty("java.class.path");
    String peerJavaOpts = "-Xmx1g -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError";
    Path ipfsRecipe = Path.of(System.getProperty("pincluster.ipfsnode", "testing/ipfs-node"));
    for (String a : args) {
      int eq = a.indexOf('=');
      if (!a.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("arguments are --key=value: '" + a + "'");
      }
      String k = a.substring(0, eq);
      String v = a.substring(eq + 1);
      switch (k) {
        case "--figures" -> figures = new LinkedHashSet<>(List.of(v.split(",")));
        case "--clients" -> clients = ints(k, v);
        case "--leader-clients" -> leaderClients = v.equals("none") ? List.of() : ints(k, v);
        case "--pins" -> pins = parseInt(k, v);
        case "--bulk-pins" -> bulkPins = parseInt(k, v);
        case "--bulk-batch" -> bulkBatch = parseInt(k, v);
        case "--import-pins" -> importPins = ints(k, v);
        case "--floor-pins" -> floorPins = parseInt(k, v);
        case "--floor-batched-pins" -> floorBatched = parseInt(k, v);
        case "--reps" -> reps = parseInt(k, v);
        case "--failover-reps" -> failoverReps = parseInt(k, v);
        case "--failover-writers" -> failoverWriters = parseInt(k, v);
        case "--large-pins" -> largePins = ints(k, v);
        case "--fig7-blocks" -> fig7Blocks = parseInt(k, v);
        case "--fig7-reps" -> fig7Reps = parseInt(k, v);
        case "--fig7-peer-settings" -> fig7PeerSettings = settings(k, v);
        case "--fig7-submit" ->
            fig7Bulk =
                switch (v) {
                  case "rest" -> false;
                  case "bulk" -> true;
                  default ->
                      throw new IllegalArgumentException(
                          "--fig7-submit: '" + v + "' is neither rest nor bulk");
                };
        case "--warm-up-seconds" -> warmUpSeconds = parseInt(k, v);
        case "--keep-large-state" -> keepLargeState = bool(k, v);
        case "--ipfs-recipe" -> ipfsRecipe = Path.of(v);
        case "--dist" -> dist = Path.of(v);
        case "--work" -> work = Path.of(v);
        case "--report" -> report = Path.of(v);
        case "--command" -> command = v;
        case "--peer-java-opts" -> peerJavaOpts = v;
        default -> throw new IllegalArgumentException("unknown option " + k);
      }
    }
    if (leaderClients == null) {
      leaderClients = clients.contains(64) ? List.of(64) : List.of();
    }
    return new BenchOptions(
        figures,
        clients,
        leaderClients,
        pins,
        bulkPins,
        bulkBatch,
        importPins,
        floorPins,
        floorBatched,
        reps,
        failoverReps,
        failoverWriters,
        largePins,
        fig7Blocks,
        fig7Reps,
        fig7PeerSettings,
        fig7Bulk,
        warmUpSeconds,
        keepLargeState,
        dist,
        work,
        report,
        command,
        classpath,
        peerJavaOpts,
        ipfsRecipe);
  }

  private static boolean bool(String k, String v) {
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(k + " must be true or false: '" + v + "'");
    };
  }

  private static int parseInt(String k, String v) {
    try {
      return Integer.parseInt(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(k + " is not a number: '" + v + "'");
    }
  }

  /** {@code KEY=VALUE,KEY=VALUE}. */
  private static Map<String, String> settings(String k, String v) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String s : v.split(",")) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(k + ": '" + s + "' is not KEY=VALUE");
      }
      out.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
    }
    return out;
  }

  /** {@code sizes}, at least one and each positive, as an unmodifiable list. */
  private static List<Integer> sizes(String option, List<Integer> sizes) {
    if (sizes.isEmpty()) {
      throw new IllegalArgumentException(option + " needs at least one size");
    }
    for (int n : sizes) {
      positive(option, n);
    }
    return List.copyOf(sizes);
  }

  private static List<Integer> ints(String k, String v) {
    List<Integer> out = new ArrayList<>();
    for (String s : v.split(",")) {
      out.add(parseInt(k, s.trim()));
    }
    return out;
  }
}

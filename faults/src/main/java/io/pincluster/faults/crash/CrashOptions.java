package io.pincluster.faults.crash;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The runner's options ({@code --key=value} on the command line). Immutable and validated.
 *
 * @param runs how many runs the state file should hold in the end; run {@code i} plays scenario
 *     {@code scenarios[i % size]} with seed {@code seed + i}
 * @param peers 3 or 5
 * @param stateFile where each run's result is appended; re-invoking with the same file continues
 *     after its last run (null: no state file)
 * @param maxMinutes no run is started when it could end after this much wall time
 * @param report the Markdown file whose crash markers receive the summary (null: none)
 * @param clients concurrent workload clients
 * @param phase how long the workload runs before the fault, and again after the cluster is back
 * @param pause between two requests of one client
 * @param command how the runner was invoked, for the report
 */
public record CrashOptions(
    int runs,
    long seed,
    int peers,
    List<Scenario> scenarios,
    Path stateFile,
    int maxMinutes,
    Path dist,
    Path work,
    Path report,
    int clients,
    Duration phase,
    Duration pause,
    String command) {
  public CrashOptions {
    if (runs < 1) {
      throw new IllegalArgumentException("--runs must be at least 1, not " + runs);
    }
    if (peers != 3 && peers != 5) {
      throw new IllegalArgumentException("--peers must be 3 or 5, not " + peers);
    }
    if (scenarios == null || scenarios.isEmpty()) {
      throw new IllegalArgumentException("--scenarios names no scenario");
    }
    scenarios = List.copyOf(scenarios);
    if (maxMinutes < 1) {
      throw new IllegalArgumentException("--max-minutes must be at least 1, not " + maxMinutes);
    }
    Objects.requireNonNull(dist, "dist");
    Objects.requireNonNull(work, "work");
    if (clients < 1 || clients > 64) {
      throw new IllegalArgumentException("--clients must be 1 to 64, not " + clients);
    }
    if (phase.isNegative() || phase.isZero()) {
      throw new IllegalArgumentException("--phase-seconds must be positive");
    }
    if (pause.isNegative()) {
      throw new IllegalArgumentException("--pause-ms must not be negative");
    }
    command = command == null ? "" : command;
  }

  /** The defaults: one run of every scenario, 3 peers, 4 clients, 3 s phases, 40 minutes. */
  public static CrashOptions defaults(Path dist, Path work) {
    return new CrashOptions(
        Scenario.values().length,
        1,
        3,
        List.of(Scenario.values()),
        null,
        40,
        dist,
        work,
        null,
        4,
        Duration.ofSeconds(3),
        Duration.ofMillis(20),
        "");
  }

  /** replication_factor_min of the workload's pins. */
  public int replicationMin() {
    return 2;
  }

  /** replication_factor_max: 2 of 3 peers (so a dead peer's pins must move), 3 of 5. */
  public int replicationMax() {
    return peers == 3 ? 2 : 3;
  }

  /**
   * Parses {@code --runs=N --seed=S --peers=3|5 --scenarios=a,b --state=FILE --max-minutes=M
   * --dist=DIR --work=DIR --report=FILE|none --clients=N --phase-seconds=S --pause-ms=MS
   * --command=TEXT}; unknown or malformed options fail naming the option.
   */
  public static CrashOptions parse(String[] args) {
    Map<String, String> kv = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (!a.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("expected --key=value, got '" + a + "'");
      }
      kv.put(a.substring(2, eq), a.substring(eq + 1));
    }
    String dist = kv.remove("dist");
    String work = kv.remove("work");
    if (dist == null || work == null) {
      throw new IllegalArgumentException("--dist and --work are required");
    }
    CrashOptions d = defaults(Path.of(dist), Path.of(work));
    String state = kv.remove("state");
    String report = kv.remove("report");
    CrashOptions o =
        new CrashOptions(
            integer(kv, "runs", d.runs()),
            longValue(kv, "seed", d.seed()),
            integer(kv, "peers", d.peers()),
            kv.containsKey("scenarios") ? Scenario.parseList(kv.get("scenarios")) : d.scenarios(),
            state == null ? null : Path.of(state),
            integer(kv, "max-minutes", d.maxMinutes()),
            d.dist(),
            d.work(),
            report == null || report.equals("none") ? null : Path.of(report),
            integer(kv, "clients", d.clients()),
            Duration.ofSeconds(integer(kv, "phase-seconds", (int) d.phase().toSeconds())),
            Duration.ofMillis(integer(kv, "pause-ms", (int) d.pause().toMillis())),
            kv.getOrDefault("command", ""));
    kv.keySet()
        .removeAll(
            List.of(
                "runs",
                "seed",
                "peers",
                "scenarios",
                "max-minutes",
                "clients",
                "phase-seconds",
                "pause-ms",
                "command"));
    if (!kv.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown option(s): --" + String.join(", --", kv.keySet()));
    }
    return o;
  }

  private static long longValue(Map<String, String> kv, String key, long dflt) {
    String v = kv.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + ": '" + v + "' is not a whole number");
    }
  }

  private static int integer(Map<String, String> kv, String key, int dflt) {
    String v = kv.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + ": '" + v + "' is not a whole number");
    }
  }
}

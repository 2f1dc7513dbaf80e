package io.pincluster.bench;

/** The fixed text at the top of the report: what is measured and how. */
final class Preamble {
  private Preamble() {}

  static final String TEXT =
      """
      Produced by `bench/run.sh` (module `bench/`, class `io.pincluster.bench.BenchMain`). Setup: a
      real 3-peer cluster on loopback, each peer a `cluster-service daemon` JVM from
      `dist/pincluster` (`-Xmx1g -XX:+UseSerialGC`), each pointed at its own fake Kubo process
      (`io.pincluster.testing.FakeKubo`, in-memory, instant pins); the load generator is the
      harness JVM (`java.net.http` clients, one platform thread per client, client *i* talks to
      peer *i* mod 3). The floor is a bare Ratis 3.2.0 group of three servers in the harness JVM
      (gRPC with mutual TLS as between peers, log on the same disk, election timeout 1–2 s, a
      state machine that only counts, 300 B of payload per pin). Each case runs `--reps` times after a warm-up; cells are the
      median with (min–max) over repetitions; latencies are per request (REST) or per Raft entry
      (floor), nearest-rank percentiles over all samples of one repetition. Figure 6: the
      leader (the peer whose Prometheus gauge `pincluster_raft_leader` is 1) is killed with
      SIGKILL while 8 writers pin through another peer; the figure is the time from the kill to
      the completion of the first write *sent after* the kill that commits; the peer is then
      restarted before the next repetition. The bare-Ratis figure beside it closes the leader's
      server (in-JVM, so not a process kill) under 8 blocking writers. Figures 3–5 (`3`): one
      peer whose state was made by `state import` of `--large-pins` pins (a one-peer cluster, with
      its own empty fake Kubo, so its tracker pins in the background), restarted `--reps` times;
      heap is sampled once a second with `jcmd <pid> GC.heap_info` (young + old "used"), so
      growth is a lower bound of the peak.
      """;
}

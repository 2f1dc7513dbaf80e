package io.pincluster.bench;

/** The fixed text at the top of the report: what is measured and how. */
final class Preamble {
  private Preamble() {}

  static final String TEXT =
      """
      Produced by `bench/run.sh` (module `bench/`, class `io.pincluster.bench.BenchMain`). Setup: a
      real 3-peer cluster on loopback, each peer a `cluster-service daemon` JVM from
      `dist/pincluster` (`-Xmx1g -XX:+UseSerialGC`), each pointed at its own fake Kubo process
      (`io.pincluster.testing.FakeKubo`, in-memory, instant pins, `-Xmx2g -XX:+UseSerialGC`); the load generator is the
      harness JVM (one platform thread per client, client *i* talks to peer *i* mod 3, except in
      figure 1's rows "all on the leader", where every client talks to the leader; in figure
      1 each client keeps one HTTP/1.1 connection over a blocking socket, which costs the
      machine less than half the CPU of `java.net.http`, used elsewhere). The floor is a bare Ratis 3.2.0 group of three servers in the harness JVM
      (gRPC with mutual TLS as between peers, log on the same disk, election timeout 1–2 s, a
      state machine that only counts, 300 B of payload per pin). Each case runs `--reps` times after a warm-up (figures 1, 2 and 7:
      untimed passes until the JIT compilers of all these processes took at most 5% of their CPU
      in one and, in figures 1 and 2, every peer had run an IPFS sync of its pins, which compiles
      the sync's code, at most `--warm-up-seconds`; the notes say how long); cells are the
      median with (min–max) over repetitions; latencies are per request (REST) or per Raft entry
      (floor), nearest-rank percentiles over all samples of one repetition. Figure 6: the
      leader (the peer whose Prometheus gauge `pincluster_raft_leader` is 1) is killed with
      SIGKILL while 8 writers pin through another peer; the figure is the time from the kill to
      the completion of the first write *sent after* the kill that commits; the peer is then
      restarted before the next repetition. The bare-Ratis figure beside it closes the leader's
      server (in-JVM, so not a process kill) under 8 blocking writers. Figures 1 and 2 also note
      the CPU time per pin of the peers, the fake Kubos and the load generator, and of the
      busiest peer alone (with the rate two CPUs of its own would allow it), how busy the
      machine was, and how many Raft log entries were committed (peer 1's commit index; after
      most commits Ratis' leader appends a metadata entry, which carries the new commit index to
      the followers at once, so about half of them hold no pins). Figures 3–5 (`3`), per `--large-pins` size: `state import` into peer 1 and
      its start (restart to serving), then peers 2 and 3 join with `--bootstrap`, one at a time,
      each once every peer already in the cluster is idle (new-peer catch-up into a cluster at
      rest: from a joining daemon's start until its `ipfscluster_pins` gauge shows every pin,
      then checked with a full `GET /allocations`); every fake Kubo is preloaded with the
      imported pins and the run waits until all trackers are idle, so no peer is pinning while
      the streams are timed; the peers run with `ipfs_sync_interval` 30m, as
      `docs/production.md` advises for millions of pins, so no peer re-lists its IPFS pins
      meanwhile either (with the default 2m10s each sync re-lists every pin: 5–6 s of a CPU at 1M alone, `bench/ipfs-sync.sh`). The three streams are read from peer 1 `--reps` times, after
      an untimed read of the first 300,000 lines of each (the peers' JIT warm-up, as in a daemon
      that has run a while); the client counts newline bytes and decodes nothing; heap is
      "used" from `jcmd <pid> GC.heap_info`, both sampled once a second during the stream
      (garbage included: the peak) and after a forced full GC before and after it (retained
      growth). Figure 4 is the heap after a full GC of each peer and each peer folder's size
      with the peers stopped (each file once: a snapshot's hard links to the live RocksDB files are
      not counted again); then the whole cluster is stopped and started at once, `--reps` times.
      """;
}

#!/usr/bin/env bash
# The full benchmark run (issue 8); writes docs/benchmarks.md.
#
#   bench/run.sh [figure…] [--key=value…]
#
# Figures: floor (bare Ratis: 1, 10, 100 and 1000 pins per entry), 1 (REST, one pin per request),
# 2 (bulk NDJSON + offline state import), 6 (kill -9 the leader under load; with floor, also the
# bare-Ratis failover), 3 (figures 3–5, large state on a 3-peer cluster: N pins imported into
# peer 1, which is started, peers 2 and 3 join it; streams of /allocations, /pins?local=true and
# /pins, heap, disk, restart to serving, new-peer catch-up, whole-cluster restart; every fake Kubo
# preloads the N pins, so no tracker pins meanwhile), 7 (tracker overhead: N
# blocks already in a real js-ipfs node pinned through a one-peer cluster vs pin/add straight to the
# node, with the default configuration and with pin_method pin, after untimed passes of both until
# the JIT compilers are done (--warm-up-seconds);
# starts the node with testing/ipfs-node; the script runs its install.sh first when figure 7 is
# selected and the node is not installed). Default: all.
# Options are BenchMain's (bench/src/main/java/io/pincluster/bench/BenchOptions.java): --pins,
# --clients, --leader-clients (client counts of figure 1 run again with every client on the
# leader's REST API; default 64 when --clients has 64, none to skip), --bulk-pins, --bulk-batch,
# --import-pins (sizes, comma separated; default 200000,1000000), --floor-pins,
# --floor-batched-pins, --reps, --failover-reps, --failover-writers, --large-pins (sizes of
# figure 3, comma separated, one fresh cluster each; default 1000000), --fig7-blocks (default
# 500), --fig7-reps (default 3), --fig7-peer-settings (CLUSTER_*=value,… for the figure 7 peer),
# --fig7-submit (rest: one POST a pin, the default; bulk: one NDJSON request for all),
# --warm-up-seconds (the
# most time figures 1 and 2 spend on untimed passes until the JIT compilers are done; default
# 180, 0 for one pass), --keep-large-state (true: keep each size's folder of figure 3, with the
# peers' logs, instead of deleting it), --work,
# --report (default docs/benchmarks.md, which keeps the text outside its bench markers;
# --report=none to skip). The default sizes (figure 3 at 1M pins) take about 20 minutes on 2 CPUs.
# Example: bench/run.sh 1 --clients=64 --reps=5
# Figure 3 at 10M pins: bench/run.sh 3 --large-pins=10000000 (not in the default run). Disk: each
# size needs about 1.5 KB a pin for each of the 3 peers plus 100 bytes a pin for the import file
# (1M: ~4.5 GB, 10M: ~47 GB) under the work folder; BenchMain says how much before each size and
# refuses a size that does not fit. Memory: 3 peers at -Xmx1g (--peer-java-opts) and 3 fake Kubo
# processes at -Xmx(256 MB + 100 bytes a pin), e.g. 1.2 GB each at 10M.
# Needs the distribution (mvn -o -q package -DskipTests) and the installed modules in ~/.m2
# (or in $MAVEN_REPO, also used for building the harness).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
DIST="${PINCLUSTER_DIST:-$REPO/dist/pincluster}"
WORK="${PINCLUSTER_BENCH_WORK:-${TMPDIR:-/tmp}/pincluster-bench}"
M2="${MAVEN_REPO:-$HOME/.m2/repository}"
say() { echo "bench/run.sh: $*" >&2; }

[ -x "$DIST/bin/cluster-service" ] || { say "no distribution at $DIST: run 'mvn -o -q package -DskipTests'"; exit 1; }
(cd "$REPO" && mvn -o -q -B ${MAVEN_REPO:+-Dmaven.repo.local=$MAVEN_REPO} -f bench/pom.xml package -DskipTests) >&2

figures=(); opts=(); report="$REPO/docs/benchmarks.md"
for a in "$@"; do
  case "$a" in
    --report=none) report="" ;;
    --report=*) report="${a#--report=}" ;;
    --*) opts+=("$a") ;;
    *) figures+=("$a") ;;
  esac
done

# Figure 7 needs the js-ipfs test node: install it now rather than fail after the other figures.
if [ ${#figures[@]} -eq 0 ] || printf '%s\n' "${figures[@]}" | grep -qx 7; then
  if [ ! -d "$REPO/testing/ipfs-node/node_modules" ]; then
    say "figure 7: installing the js-ipfs test node (testing/ipfs-node/install.sh)"
    bash "$REPO/testing/ipfs-node/install.sh" >&2 || { say "cannot install the js-ipfs test node"; exit 1; }
  fi
fi

# Free disk: the cluster's Raft logs and RocksDB take about 1 KB per pin per peer.
free_kb=$(df -Pk "$(dirname "$WORK")" | awk 'NR==2 {print $4}')
say "free disk under $(dirname "$WORK"): $((free_kb / 1024 / 1024)) GiB"
if [ "$free_kb" -lt $((5 * 1024 * 1024)) ]; then
  say "less than 5 GiB free: refusing to run"; exit 1
fi

rm -rf "$WORK"; mkdir -p "$WORK"
CP="$REPO/bench/target/bench-0.1.0-SNAPSHOT.jar:$M2/io/pincluster/cluster-testing/0.1.0-SNAPSHOT/cluster-testing-0.1.0-SNAPSHOT.jar:$DIST/lib/*"
args=("--dist=$DIST" "--work=$WORK" "--ipfs-recipe=$REPO/testing/ipfs-node" "--command=bench/run.sh $*")
[ ${#figures[@]} -gt 0 ] && args+=("--figures=$(IFS=,; echo "${figures[*]}")")
[ -n "$report" ] && args+=("--report=$report")
say "machine: $(nproc) CPUs; $(free -g | awk '/Mem:/ {print $2 " GiB RAM"}'); $(java -version 2>&1 | head -1)"
exec java -Xmx2g -XX:+UseParallelGC -Dlogback.configurationFile="$DIST/etc/logback.xml" \
  -cp "$CP" io.pincluster.bench.BenchMain "${args[@]}" "${opts[@]}"

#!/usr/bin/env bash
# The long form of the crash/restart runs (issue 9).
#
#   faults/run.sh --runs=N [--seed=S] [--peers=3|5] [--scenarios=a,b,...|all] [--state=FILE]
#                 [--max-minutes=M] [--report=FILE|none] [--clients=N] [--phase-seconds=S]
#
# Run i plays scenario i mod |scenarios| (kill-follower, kill-leader, kill-minority,
# rolling-restart, kill-all, snapshot-install) with seed S+i on one cluster of real peers (a fresh
# one after a run that could not finish). Each run's result is appended to the state file (default
# faults/target/crash-state.tsv); invoking the same command again continues after the last run.
# No run is started that could end after --max-minutes (default 40): the script then says how to
# continue. The summary table is printed and, with --report (default docs/reliability.md; none to
# skip), written between the crash markers of that file. Exit status: 0 all runs clean, 1 a run
# found violations, 2 bad options.
# Peer logs and run-N-history.tsv files: $PINCLUSTER_CRASH_WORK (default /tmp/pincluster-crash)/<date>.
# Needs the distribution and installed modules: mvn -o -q install -DskipTests
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
DIST="${PINCLUSTER_DIST:-$REPO/dist/pincluster}"
WORK_ROOT="${PINCLUSTER_CRASH_WORK:-${TMPDIR:-/tmp}/pincluster-crash}"
M2="${MAVEN_REPO:-$HOME/.m2/repository}"
say() { echo "faults/run.sh: $*" >&2; }

[ -x "$DIST/bin/cluster-service" ] || { say "no distribution at $DIST: run 'mvn -o -q install -DskipTests'"; exit 1; }
JAR="$REPO/faults/target/faults-0.1.0-SNAPSHOT.jar"
TESTING="$M2/io/pincluster/cluster-testing/0.1.0-SNAPSHOT/cluster-testing-0.1.0-SNAPSHOT.jar"
[ -f "$JAR" ] || (cd "$REPO" && mvn -o -q -B -Dmaven.repo.local="$M2" -pl faults package -DskipTests) >&2
[ -f "$TESTING" ] || { say "no $TESTING: run 'mvn -o -q install -DskipTests' (or set MAVEN_REPO)"; exit 1; }

state="$REPO/faults/target/crash-state.tsv"; report="$REPO/docs/reliability.md"; opts=()
for a in "$@"; do
  case "$a" in
    --state=*) state="${a#--state=}" ;;
    --report=*) report="${a#--report=}" ;;
    *) opts+=("$a") ;;
  esac
done
mkdir -p "$(dirname "$state")"
WORK="$WORK_ROOT/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$WORK"
say "state file $state; peer logs under $WORK"
say "machine: $(nproc) CPUs; $(free -g | awk '/Mem:/ {print $2 " GiB RAM"}'); $(java -version 2>&1 | head -1)"
CP="$JAR:$TESTING:$DIST/lib/*"
exec java -Xmx1g -XX:+UseSerialGC -cp "$CP" io.pincluster.faults.crash.CrashRunner \
  "--dist=$DIST" "--work=$WORK" "--state=$state" "--report=$report" \
  "--command=faults/run.sh $*" "${opts[@]}"

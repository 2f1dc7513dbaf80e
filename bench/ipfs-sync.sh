#!/usr/bin/env bash
# The pin tracker's IPFS sync at size (issue 8, "what bounds" the 10M figures): a fake Kubo holding
# N pins, the real connector, RocksDB tracker store and tracker, in one JVM; round 1 fills an empty
# store, later rounds are the steady state a large peer pays every ipfs_sync_interval.
#
#   bench/ipfs-sync.sh [pins] [rounds]        (default 3000000 3; about 3 minutes on 2 CPUs)
#
# Disk: about 300 bytes a pin under ${PINCLUSTER_BENCH_WORK:-/tmp/pincluster-bench}-sync (deleted
# at the end). Needs the distribution and the installed modules (mvn -o -q install -DskipTests).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${PINCLUSTER_BENCH_WORK:-${TMPDIR:-/tmp}/pincluster-bench}-sync"
M2="${MAVEN_REPO:-$HOME/.m2/repository}"
(cd "$REPO" && mvn -o -q -B ${MAVEN_REPO:+-Dmaven.repo.local=$MAVEN_REPO} -f bench/pom.xml package -DskipTests) >&2
DIST="${PINCLUSTER_DIST:-$REPO/dist/pincluster}"
[ -d "$DIST/lib" ] || { echo "no distribution at $DIST: run 'mvn -o -q install -DskipTests'" >&2; exit 1; }
CP="$REPO/bench/target/bench-0.1.0-SNAPSHOT.jar:$M2/io/pincluster/cluster-testing/0.1.0-SNAPSHOT/cluster-testing-0.1.0-SNAPSHOT.jar:$DIST/lib/*"
exec java -Xmx1g -XX:+UseSerialGC -Dlogback.configurationFile="$DIST/etc/logback.xml" \
  -cp "$CP" io.pincluster.bench.IpfsSyncBench "${1:-3000000}" "${2:-3}" "$WORK"

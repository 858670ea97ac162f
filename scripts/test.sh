#!/usr/bin/env bash
# Runs every test of the project: Rust (formatting, clippy, grammar corpus,
# analysis, rules, CLI, language server end to end), then the editors against real clients
# (headless Neovim 0.11, VS Code in code-server). Installs what the editor
# tests need under gitignored cache folders on first use.
#
#   scripts/test.sh              everything
#   scripts/test.sh --rust       the Rust tests only
#   scripts/test.sh --editors    the editor tests only (builds the binary)
set -uo pipefail
cd "$(dirname "$0")/.."

run_rust=1
run_editors=1
case "${1:-}" in
  --rust) run_editors=0 ;;
  --editors) run_rust=0 ;;
  "") ;;
  *) echo "usage: scripts/test.sh [--rust|--editors]" >&2; exit 2 ;;
esac

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
passed=0
failed=0
status=0

section() { printf '\n==> %s\n' "$*"; }

count_line() {
  # Adds the counts of a "N passed, M failed" line to the totals.
  local line=$1 p f
  p=$(sed -n 's/.*[^0-9]\([0-9][0-9]*\) passed.*/\1/p' <<<"$line")
  f=$(sed -n 's/.*[^0-9]\([0-9][0-9]*\) failed.*/\1/p' <<<"$line")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
}

# A full run writes about 5 GiB under the checkout (the builds, the editor
# tests' caches). On a full disk the first to fail is an install, whose own
# message rarely says why: say it here, before anything starts.
free_kib=$(df -Pk . 2>/dev/null | awk 'NR == 2 { print $4 }')
if [ -n "$free_kib" ] && [ "$free_kib" -lt $((6 * 1024 * 1024)) ]; then
  echo "warning: only $((free_kib / 1024)) MiB free on this disk; a full run needs about 6 GiB" >&2
fi

section "build"
if ! cargo build --locked --workspace --all-targets; then
  echo "build failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
export ORGPLAN_BIN="$PWD/target/debug/orgplan"

if [ "$run_rust" = 1 ]; then
  # The report test (tests/graph) renders the HTML report in Debian's
  # chromium; on a fresh machine it is not there yet.
  command -v chromium >/dev/null || bash scripts/apt-install.sh chromium >&2 ||
    echo "chromium could not be installed: the report test will say so" >&2
  # Hygiene first: formatting and lints are part of the tests, so CI holds them.
  for component in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$component" ||
      rustup component add "$component" >&2 || true
  done
  section "rust: cargo fmt --all --check"
  if cargo fmt --all --check; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
  section "rust: cargo clippy --workspace --all-targets -- -D warnings"
  if cargo clippy --locked --workspace --all-targets -- -D warnings; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); status=1
  fi

  section "rust: no production function over 80 lines (scripts/long-functions.py --check)"
  if python3 scripts/long-functions.py --check; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi

  section "rust: cargo test --workspace"
  cargo test --locked --workspace --no-fail-fast 2>&1 | tee "$log/rust.txt"
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
  while read -r line; do count_line "$line"; done < <(grep -E '^test result:' "$log/rust.txt")
fi

if [ "$run_editors" = 1 ]; then
  for editor in neovim vscode; do
    section "$editor: editors/$editor/test/run.sh"
    bash "editors/$editor/test/run.sh" 2>&1 | tee "$log/$editor.txt"
    [ "${PIPESTATUS[0]}" = 0 ] || status=1
    summary=$(grep -E "^$editor: [0-9]+ passed, [0-9]+ failed" "$log/$editor.txt" | tail -n 1)
    if [ -n "$summary" ]; then
      count_line "$summary"
    else
      echo "$editor: no summary line: counted as a failure" >&2
      failed=$((failed + 1))
      status=1
    fi
  done
fi

section "summary"
[ "$failed" -gt 0 ] && status=1
echo "$passed passed, $failed failed"
exit "$status"

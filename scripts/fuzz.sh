#!/usr/bin/env bash
# Runs one cargo-fuzz target for a set time (docs/robustness.md).
#
#   scripts/fuzz.sh TARGET [SECONDS]     default 60 s
#   scripts/fuzz.sh --list               the targets
#   scripts/fuzz.sh --build              build every target, run none
#
# cargo-fuzz needs nightly compiler features; on a stable toolchain
# RUSTC_BOOTSTRAP=1 unlocks them (set here). Installs cargo-fuzz from
# crates.io on first use. The corpus grows in fuzz/corpus/TARGET (seeded
# from fuzz/seeds/TARGET); crashes land in fuzz/artifacts/TARGET — turn each
# into a regression test (see docs/robustness.md).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked
fi

case "${1:-}" in
  "" | -h | --help)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
  --list)
    cargo fuzz list
    exit 0
    ;;
  --build)
    cargo fuzz build
    exit 0
    ;;
esac

target=$1
seconds=${2:-60}
mkdir -p "corpus/$target"
seeds=()
[ -d "seeds/$target" ] && seeds=("seeds/$target")
# -timeout: one input may take at most 20 s (a hang otherwise);
# -rss_limit_mb: the server's memory must stay bounded.
exec cargo fuzz run "$target" "corpus/$target" "${seeds[@]}" -- \
  -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1

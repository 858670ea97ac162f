#!/usr/bin/env bash
# Builds the orgplan VS Code extension as a .vsix for linux-x64 that bundles
# the orgplan server binary, so installing the .vsix is the whole set-up.
#
#   editors/vscode/scripts/package.sh            # builds the server (release)
#   ORGPLAN_BIN=target/release/orgplan editors/vscode/scripts/package.sh
#
# ORGPLAN_BIN: an already-built server binary (relative to the repository root
# or absolute); without it `cargo build --release -p orgplan` builds one.
# ORGPLAN_VSIX: where to write the package (default
# editors/vscode/build/orgplan-VERSION-linux-x64.vsix).
set -euo pipefail
ext=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$ext/../.." && pwd)
target=linux-x64

if [ -n "${ORGPLAN_BIN:-}" ]; then
  case "$ORGPLAN_BIN" in
    /*) bin=$ORGPLAN_BIN ;;
    *) bin="$root/$ORGPLAN_BIN" ;;
  esac
else
  (cd "$root" && cargo build --release -p orgplan)
  bin="${CARGO_TARGET_DIR:-$root/target}/release/orgplan"
fi
if [ ! -x "$bin" ]; then
  echo "package.sh: no server binary at $bin" >&2
  exit 2
fi

cd "$ext"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

rm -rf server
mkdir -p server build
cp "$bin" server/orgplan
chmod 755 server/orgplan
# Debug info is of no use to the extension's users and makes the .vsix large.
if command -v strip >/dev/null 2>&1; then
  strip --strip-debug server/orgplan
fi

version=$(node -p 'require("./package.json").version')
out=${ORGPLAN_VSIX:-"$ext/build/orgplan-$version-$target.vsix"}
# orgplan names no public repository: README.md's images stay relative and
# are read from the installed extension (they are packaged).
# `vsce package` runs the `vscode:prepublish` script (the production bundle).
npx --no-install vsce package --target "$target" --no-dependencies \
  --allow-missing-repository --no-rewrite-relative-links \
  --out "$out" </dev/null
echo "$out"

#!/usr/bin/env bash
# Builds the orgplan VS Code extension as a .vsix for one platform that
# bundles that platform's orgplan server (server/TARGET/orgplan[.exe]), so
# installing the .vsix is the whole set-up; or, with ORGPLAN_WASM, the
# universal .vsix with the WebAssembly server (server/wasm/orgplan.wasm).
# scripts/dist.sh builds them all.
#
#   editors/vscode/scripts/package.sh            # builds the server (release)
#   ORGPLAN_BIN=target/release/orgplan editors/vscode/scripts/package.sh
#
# ORGPLAN_BIN: an already-built server binary (relative to the repository root
# or absolute); without it `cargo build --release -p orgplan` builds one.
# ORGPLAN_VSCODE_TARGET: the VS Code platform of that binary (default linux-x64).
# ORGPLAN_WASM: the WebAssembly server instead: a universal package.
# ORGPLAN_VSIX: where to write the package (default
# editors/vscode/build/orgplan-VERSION-TARGET.vsix).
set -euo pipefail
ext=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$ext/../.." && pwd)
target=${ORGPLAN_VSCODE_TARGET:-linux-x64}
abs() { case "$1" in /*) echo "$1" ;; *) echo "$root/$1" ;; esac; }

if [ -n "${ORGPLAN_WASM:-}" ]; then
  bin=$(abs "$ORGPLAN_WASM")
  target=universal
elif [ -n "${ORGPLAN_BIN:-}" ]; then
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

# Exactly one server in the package.
rm -rf server
mkdir -p build
case "$target" in
  universal) dest=server/wasm/orgplan.wasm ;;
  win32-*) dest=server/$target/orgplan.exe ;;
  *) dest=server/$target/orgplan ;;
esac
mkdir -p "$(dirname "$dest")"
cp "$bin" "$dest"
chmod 755 "$dest"
# Debug info is of no use to the extension's users and makes the .vsix large.
# Release builds from scripts/dist.sh are stripped already, at link time, and
# go in as they are (byte for byte the archive's binary).
if [ "$target" = linux-x64 ] && command -v strip >/dev/null 2>&1 &&
  readelf -S "$dest" 2>/dev/null | grep -q ' \.debug_'; then
  strip --strip-debug "$dest"
fi

version=$(node -p 'require("./package.json").version')
suffix=-$target
[ "$target" = universal ] && suffix=
out=${ORGPLAN_VSIX:-"$ext/build/orgplan-$version$suffix.vsix"}
target_flag=(--target "$target")
[ "$target" = universal ] && target_flag=()
# orgplan names no public repository: README.md's images stay relative and
# are read from the installed extension (they are packaged).
# `vsce package` runs the `vscode:prepublish` script (the production bundle).
npx --no-install vsce package "${target_flag[@]}" --no-dependencies \
  --allow-missing-repository --no-rewrite-relative-links \
  --out "$out" </dev/null
echo "$out"

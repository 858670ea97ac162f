#!/usr/bin/env bash
# Builds every release artefact into dist/ (gitignored):
#   - the orgplan binary for each target below, as an archive
#     (orgplan-VERSION-TARGET.tar.gz; .zip for Windows), and the WebAssembly
#     build (orgplan-VERSION-wasm32-wasip1.tar.gz: orgplan.wasm and its
#     command for Node.js, orgplan-wasm);
#   - one VS Code extension per VS Code platform with that platform's server
#     inside (orgplan-VERSION-VSCODETARGET.vsix), and a universal one with the
#     WebAssembly server (orgplan-VERSION.vsix);
#   - SHA256SUMS over all of them.
# Its tools are installed at pinned versions under .cache/dist/ (gitignored):
# Zig (the `ziglang` package from PyPI) as the C compiler and linker of every
# target, driven by cargo-zigbuild (also from PyPI), and the Rust targets
# through rustup. Needs Python 3, rustup and npm.
#
#   scripts/dist.sh              everything
#   scripts/dist.sh TARGET...    only these Rust targets (and their .vsix)
#
# Checked by scripts/dist-test.sh (separately: it takes long).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

ZIGLANG_VERSION=0.15.2
CARGO_ZIGBUILD_VERSION=0.24.1

# Rust target | zigbuild target (glibc floor) | VS Code target | minimum macOS
TARGETS="
x86_64-unknown-linux-gnu   x86_64-unknown-linux-gnu.2.17   linux-x64    -
aarch64-unknown-linux-gnu  aarch64-unknown-linux-gnu.2.17  linux-arm64  -
x86_64-unknown-linux-musl  x86_64-unknown-linux-musl       alpine-x64   -
x86_64-pc-windows-gnu      x86_64-pc-windows-gnu           win32-x64    -
x86_64-apple-darwin        x86_64-apple-darwin             darwin-x64   10.12
aarch64-apple-darwin       aarch64-apple-darwin            darwin-arm64 11.0
wasm32-wasip1              wasm32-wasip1                   -            -
"
wanted=("$@")
want() {
  [ ${#wanted[@]} -eq 0 ] && return 0
  local t
  for t in "${wanted[@]}"; do [ "$t" = "$1" ] && return 0; done
  return 1
}

cache=$root/.cache/dist
# A target folder of its own: the release profile below differs from the
# one in Cargo.toml (no debug info), so nothing would be shared anyway.
target_dir=$cache/target
export CARGO_TARGET_DIR=$target_dir CARGO_PROFILE_RELEASE_DEBUG=false CARGO_PROFILE_RELEASE_STRIP=false
out=$root/dist
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
log() { printf '==> %s\n' "$*" >&2; }

# ---- tools ------------------------------------------------------------------
tools_stamp="ziglang==$ZIGLANG_VERSION cargo-zigbuild==$CARGO_ZIGBUILD_VERSION"
if [ "$(cat "$cache/tools.stamp" 2>/dev/null)" != "$tools_stamp" ]; then
  log "installing $tools_stamp into $cache/venv"
  rm -rf "$cache/venv"
  mkdir -p "$cache"
  python3 -m venv "$cache/venv"
  "$cache/venv/bin/pip" install --quiet --disable-pip-version-check $tools_stamp
  echo "$tools_stamp" >"$cache/tools.stamp"
fi
# cargo-zigbuild runs Zig as `python3 -m ziglang` from this venv.
export PATH="$cache/venv/bin:$PATH"
# Zig's own cache, next to the tools (not in the home folder).
export ZIG_GLOBAL_CACHE_DIR="$cache/zig"

installed=$(rustup target list --installed)
while read -r rust _ _ _; do
  [ -n "$rust" ] && want "$rust" || continue
  grep -qx "$rust" <<<"$installed" || rustup target add "$rust"
done <<<"$TARGETS"

# ---- binaries ----------------------------------------------------------------
rm -rf "$out"
mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

while read -r rust zig vscode macos; do
  [ -n "$rust" ] && want "$rust" || continue
  log "building orgplan for $zig"
  env_vars=()
  # Zig stamps Mach-O binaries with its newest macOS unless told otherwise.
  [ "$macos" != - ] && env_vars+=("MACOSX_DEPLOYMENT_TARGET=$macos")
  # Stripped by the linker (-s), never afterwards: stripping a signed arm64
  # Mach-O binary after linking breaks its signature. The WebAssembly build
  # keeps the tokio cfg of .cargo/config.toml (flags here replace it).
  flags="-C link-arg=-s"
  [ "$rust" = wasm32-wasip1 ] && flags="$flags --cfg tokio_unstable"
  var="CARGO_TARGET_$(tr 'a-z.-' 'A-Z__' <<<"$rust")_RUSTFLAGS"
  env "${env_vars[@]}" "$var=$flags" \
    cargo zigbuild --locked --release -p orgplan --target "$zig"

  name="orgplan-$version-$rust"
  mkdir -p "$stage/$name"
  cp README.md "$stage/$name/"
  [ -f LICENSE ] && cp LICENSE "$stage/$name/"
  case "$rust" in
    *windows*)
      cp "$target_dir/$rust/release/orgplan.exe" "$stage/$name/"
      (cd "$stage" && python3 -m zipfile -c "$out/$name.zip" "$name")
      ;;
    wasm32*)
      cp "$target_dir/$rust/release/orgplan.wasm" "$stage/$name/"
      # Its command for Node.js: `orgplan-wasm ARGS...` runs `orgplan
      # ARGS...` from the orgplan.wasm beside it under Node's WASI
      # (editors/vscode/src/orgplan-wasm.ts); a .cmd runs it on Windows.
      (
        cd editors/vscode
        if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
          npm ci --no-audit --no-fund
        fi
        node esbuild.mjs --production
      ) >&2
      { echo '#!/usr/bin/env node'; cat editors/vscode/dist/orgplan-wasm.js; } >"$stage/$name/orgplan-wasm"
      chmod 755 "$stage/$name/orgplan-wasm"
      printf '@node "%%~dp0orgplan-wasm" %%*\r\n' >"$stage/$name/orgplan-wasm.cmd"
      tar -C "$stage" -czf "$out/$name.tar.gz" "$name"
      ;;
    *)
      cp "$target_dir/$rust/release/orgplan" "$stage/$name/"
      tar -C "$stage" -czf "$out/$name.tar.gz" "$name"
      ;;
  esac
done <<<"$TARGETS"

# ---- VS Code extensions --------------------------------------------------------
while read -r rust _ vscode _; do
  [ -n "$rust" ] && want "$rust" || continue
  name="orgplan-$version-$rust"
  case "$rust" in
    wasm32*)
      log "packaging the universal VS Code extension (WebAssembly server)"
      ORGPLAN_WASM="$stage/$name/orgplan.wasm" ORGPLAN_VSIX="$out/orgplan-$version.vsix" \
        bash editors/vscode/scripts/package.sh >&2
      ;;
    *)
      log "packaging the VS Code extension for $vscode"
      bin=$stage/$name/orgplan
      [ -f "$bin.exe" ] && bin=$bin.exe
      ORGPLAN_BIN="$bin" ORGPLAN_VSCODE_TARGET="$vscode" \
        ORGPLAN_VSIX="$out/orgplan-$version-$vscode.vsix" \
        bash editors/vscode/scripts/package.sh >&2
      ;;
  esac
done <<<"$TARGETS"

(cd "$out" && sha256sum -- * >SHA256SUMS)
log "dist/:"
(cd "$out" && ls -l)

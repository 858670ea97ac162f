#!/usr/bin/env bash
# Tests what scripts/dist.sh wrote to dist/, each artefact where this machine
# can run it (Linux x86-64; it takes minutes, so it is not part of
# scripts/test.sh):
#   - SHA256SUMS matches;
#   - linux-x64 and musl natively, linux-arm64 under qemu-user-static,
#     win32-x64 under Wine, the WebAssembly build under Node's WASI (through
#     the universal .vsix's own launcher): `orgplan check --format json
#     examples/` gives the native build's findings and status, and a
#     language-server session (scripts/lsp-smoke.mjs: initialize, didOpen,
#     diagnostics, hover, completion, definition, shutdown) gives the native
#     build's answers; the server idles without CPU. For Windows the session
#     uses Windows file URIs (file:///c%3A/Users/...), and the URIs that come
#     back must be the same;
#   - macOS: the Mach-O headers (CPU, minimum macOS, signature) by
#     scripts/macho-check.py; they run in the release workflow's macOS job;
#   - each .vsix holds exactly one server, for its platform.
# Installs qemu-user-static, the arm64 C library, Wine, unzip and Node with
# apt-get when they are missing. Closes with `dist-test: N passed, M failed`.
#
#   scripts/dist-test.sh
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dist=$root/dist
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
export LSP_SMOKE_TIMEOUT_MS=${LSP_SMOKE_TIMEOUT_MS:-180000}

passed=0
failed=0
failures=()
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# step NAME CMD...: one check, its output in $work/NAME.log.
step() {
  local name=$1
  shift
  if "$@" >"$work/$name.log" 2>&1 </dev/null; then
    passed=$((passed + 1))
    echo "ok   $name"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "FAIL $name — last lines:"
    tail -n 25 "$work/$name.log" | sed 's/^/     /'
  fi
}

[ -f "$dist/SHA256SUMS" ] || { echo "dist-test: no dist/ (run scripts/dist.sh first)" >&2; exit 2; }

need=()
command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
[ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || need+=(libc6-arm64-cross)
command -v wine >/dev/null || need+=(wine wine64)
command -v unzip >/dev/null || need+=(unzip)
command -v node >/dev/null || need+=(nodejs)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

# ---- the reference: the native build ----------------------------------------
cargo build --locked --release -q -p orgplan || exit 1
native=$root/target/release/orgplan
native_check() { (cd "$root" && "$native" check --format json examples/ >"$work/native.json"; echo $? >"$work/native.status"); }
native_check
plans=$work/plans
cp -r examples/violations "$plans"
node scripts/lsp-smoke.mjs --folder "$plans" -- "$native" lsp >"$work/native.lsp.json" 2>"$work/native.lsp.log" ||
  { cat "$work/native.lsp.log"; echo "dist-test: the native server fails the session" >&2; exit 1; }

# same_check NAME RUNNER...: `RUNNER check --format json examples/` equals the native run.
same_check() {
  local name=$1
  shift
  (cd "$root" && "$@" check --format json examples/ >"$work/$name.json"; echo $? >"$work/$name.status")
  echo "status $(cat "$work/$name.status"), native $(cat "$work/native.status")"
  cmp "$work/native.status" "$work/$name.status" || return 1
  # Windows prints its own path separator.
  sed 's/\\\\/\//g' "$work/$name.json" | diff -u "$work/native.json" -
}
# same_session NAME [--uri URI] -- RUNNER...: the LSP session's answers equal the native ones.
same_session() {
  local name=$1
  shift
  local folder=$plans
  if [ "$1" = --folder ]; then folder=$2; shift 2; fi
  node scripts/lsp-smoke.mjs --folder "$folder" "$@" >"$work/$name.lsp.json" || return 1
  diff -u "$work/native.lsp.json" "$work/$name.lsp.json"
}
unpack() { # unpack ARCHIVE: prints the folder it unpacked into
  local into
  into=$work/$(basename "$1" | sed 's/\.\(tar\.gz\|zip\)$//')
  mkdir -p "$into"
  case "$1" in
    *.zip) unzip -q -o "$1" -d "$into" ;;
    *) tar -xzf "$1" -C "$into" ;;
  esac
  echo "$into/$(basename "$into")"
}

step checksums bash -c "cd '$dist' && sha256sum -c SHA256SUMS"

# ---- Linux -----------------------------------------------------------------
x64=$(unpack "$dist/orgplan-$version-x86_64-unknown-linux-gnu.tar.gz")/orgplan
musl=$(unpack "$dist/orgplan-$version-x86_64-unknown-linux-musl.tar.gz")/orgplan
arm64=$(unpack "$dist/orgplan-$version-aarch64-unknown-linux-gnu.tar.gz")/orgplan
old_glibc() { # old_glibc BINARY MINOR: needs no glibc symbol newer than 2.MINOR
  local v
  v=$(grep -ao 'GLIBC_2\.[0-9]*' "$1" | sed 's/GLIBC_2\.//' | sort -n -u | tail -n 1)
  echo "$1 needs glibc 2.$v"
  [ "$v" -le "$2" ]
}
step linux-x64-glibc-floor old_glibc "$x64" 17
step linux-arm64-glibc-floor old_glibc "$arm64" 17
step musl-static bash -c "! grep -aq 'ld-linux' '$musl'"
step linux-x64-check same_check linux-x64 "$x64"
step linux-x64-lsp same_session linux-x64 -- "$x64" lsp
step musl-check same_check musl "$musl"
step musl-lsp same_session musl -- "$musl" lsp
qemu=(qemu-aarch64-static -L /usr/aarch64-linux-gnu)
step linux-arm64-check same_check linux-arm64 "${qemu[@]}" "$arm64"
step linux-arm64-lsp same_session linux-arm64 -- "${qemu[@]}" "$arm64" lsp

# ---- Windows, under Wine -------------------------------------------------------
win=$(unpack "$dist/orgplan-$version-x86_64-pc-windows-gnu.zip")
export WINEPREFIX=$work/wine WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
wineboot -i >/dev/null 2>&1
# Wine 8 lacks bcryptprimitives.dll (ProcessPrng), which Windows 10 and later
# have and Rust's standard library uses: a test-only stand-in, next to the
# binary under test (never in the archive), built with the release's Zig.
cat >"$work/bcryptprimitives.c" <<'EOF'
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
    if (!SystemFunction036(data, n)) return FALSE;
    data += n;
    len -= n;
  }
  return TRUE;
}
EOF
zig=("$root/.cache/dist/venv/bin/python3" -m ziglang)
mkdir -p "$work/wintest"
cp "$win/orgplan.exe" "$work/wintest/"
"${zig[@]}" cc -target x86_64-windows-gnu -shared -O2 -o "$work/wintest/bcryptprimitives.dll" \
  "$work/bcryptprimitives.c" -ladvapi32
winexe=$work/wintest/orgplan.exe
step win32-x64-check same_check win32-x64 wine "$winexe"
# The plans under C:\Users\orgplan\plans, named by VS Code's form of URI.
winplans=$WINEPREFIX/drive_c/users/orgplan/plans
mkdir -p "$(dirname "$winplans")"
cp -r "$plans" "$winplans"
step win32-x64-lsp same_session win32-x64 --folder "$winplans" --uri "file:///c%3A/Users/orgplan/plans" -- wine "$winexe" lsp

# ---- WebAssembly, from the universal .vsix ----------------------------------------
universal=$work/universal
mkdir -p "$universal"
unzip -q "$dist/orgplan-$version.vsix" -d "$universal"
wasi=("$(command -v node)" --no-warnings "$universal/extension/dist/wasi.js" "$universal/extension/server/wasm/orgplan.wasm" --dir "$root" --dir "$plans" --)
step wasm-check same_check wasm "${wasi[@]}"
step wasm-lsp same_session wasm -- "${wasi[@]}" lsp

# The VS Code end-to-end test (code-server, chromium) with the universal
# .vsix: no native server in it, so the extension runs the WebAssembly one.
# Uses the installs of editors/vscode/test/run.sh (run that once first).
vscode=$root/editors/vscode
if [ -x "$vscode/.cache/node24-bin/node" ] && [ -d "$vscode/node_modules/playwright-core" ]; then
  step vscode-e2e-wasm env CODE_SERVER_NODE="$vscode/.cache/node24-bin/node" \
    CODE_SERVER_ENTRY="$vscode/.cache/code-server/node_modules/code-server/out/node/entry.js" \
    ORGPLAN_VSIX="$dist/orgplan-$version.vsix" E2E_OUT="$work/e2e" node "$vscode/test/e2e/e2e.mjs"
else
  echo "skip vscode-e2e-wasm: run editors/vscode/test/run.sh once to install code-server"
fi

# ---- macOS: the headers ---------------------------------------------------------
mac_x64=$(unpack "$dist/orgplan-$version-x86_64-apple-darwin.tar.gz")/orgplan
mac_arm64=$(unpack "$dist/orgplan-$version-aarch64-apple-darwin.tar.gz")/orgplan
step darwin-x64-macho python3 scripts/macho-check.py "$mac_x64" x86_64 10.12
step darwin-arm64-macho python3 scripts/macho-check.py "$mac_arm64" arm64 11.0

# ---- each .vsix: exactly one server, for its platform ---------------------------
vsix_server() { # vsix_server VSIX KIND: the files under extension/server/, and their kind
  python3 - "$1" "$2" <<'EOF'
import sys, zipfile
path, kind = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(path)
servers = [n for n in z.namelist() if n.startswith("extension/server/")]
print(path, servers)
if len(servers) != 1:
    sys.exit(f"expected one server, found {len(servers)}")
head = z.read(servers[0])[:20]
magic = {
    "elf-x86_64": head[:4] == b"\x7fELF" and head[18] == 0x3E,
    "elf-aarch64": head[:4] == b"\x7fELF" and head[18] == 0xB7,
    "pe": head[:2] == b"MZ",
    "macho-x86_64": head[:8] == b"\xcf\xfa\xed\xfe\x07\x00\x00\x01",
    "macho-arm64": head[:8] == b"\xcf\xfa\xed\xfe\x0c\x00\x00\x01",
    "wasm": head[:4] == b"\x00asm",
}[kind]
if not magic:
    sys.exit(f"{servers[0]} is not {kind}")
manifest = z.read("extension.vsixmanifest").decode()
print([l.strip() for l in manifest.splitlines() if "TargetPlatform" in l])
EOF
}
for pair in linux-x64:elf-x86_64 alpine-x64:elf-x86_64 linux-arm64:elf-aarch64 win32-x64:pe \
  darwin-x64:macho-x86_64 darwin-arm64:macho-arm64; do
  step "vsix-${pair%%:*}" vsix_server "$dist/orgplan-$version-${pair%%:*}.vsix" "${pair#*:}"
done
step vsix-universal vsix_server "$dist/orgplan-$version.vsix" wasm

echo
[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
echo "dist-test: $passed passed, $failed failed"
[ "$failed" = 0 ]

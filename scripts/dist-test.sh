#!/usr/bin/env bash
# Tests what scripts/dist.sh wrote to dist/, each artefact where this machine
# can run it (Linux x86-64; it takes minutes, so it is not part of
# scripts/test.sh):
#   - SHA256SUMS matches;
#   - linux-x64 and musl natively, linux-arm64 under qemu-user-static,
#     win32-x64 under Wine, the WebAssembly build under Node 24's WASI
#     (through the archive's `orgplan-wasm` command and through the universal
#     .vsix's own launcher): `orgplan check --format json
#     examples/` gives the native build's findings and status, and a
#     language-server session (scripts/lsp-smoke.mjs: initialize, didOpen,
#     diagnostics, hover, completion, definition, shutdown) gives the native
#     build's answers; the server idles without CPU. For Windows the session
#     uses Windows file URIs (file:///c%3A/Users/...), and the URIs that come
#     back must be the same;
#   - the VS Code end-to-end test (code-server and chromium) with the
#     universal .vsix, whose only server is the WebAssembly one (and no
#     orgplan on PATH): diagnostics, hover, completion and the rest;
#   - macOS: the Mach-O headers (CPU, minimum macOS, signature) by
#     scripts/macho-check.py; they run in the release workflow's macOS job;
#   - each .vsix holds exactly one server, for its platform (byte for byte
#     the archive's), and, installed into code-server on this machine
#     (linux-x64), the linux-x64 and universal ones run their server and the
#     others hold only their own platform's.
# Installs qemu-user-static, the arm64 C library, Wine, unzip, Node, chromium
# and code-server's build deps with apt-get when they are missing, and Node 24
# and code-server under editors/vscode/.cache (test/install-codeserver.sh).
# Closes with `dist-test: N passed, M failed`.
#
#   scripts/dist-test.sh
#   DIST_TEST_E2E=0 scripts/dist-test.sh     without the code-server parts
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
command -v npm >/dev/null || need+=(npm)
e2e=${DIST_TEST_E2E:-1}
if [ "$e2e" != 0 ]; then
  # What editors/vscode/test/run.sh installs for its end-to-end test.
  for p in chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
  done
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
# Node 24 for the WebAssembly server: Node's WASI is what runs it, and the
# project tests it with Node 24 (Node 20's aborted on a large file); with
# code-server for the end-to-end test.
node24=$(bash editors/vscode/test/install-codeserver.sh | tail -n 1) ||
  { echo "dist-test: cannot install Node 24 and code-server" >&2; exit 1; }

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
wasi=("$node24" --no-warnings "$universal/extension/dist/wasi.js" "$universal/extension/server/wasm/orgplan.wasm" --dir "$root" --dir "$plans" --)
step wasm-check same_check wasm "${wasi[@]}"
step wasm-lsp same_session wasm -- "${wasi[@]}" lsp
# The archive's own command, as a user runs it (Node 24 first on PATH).
wasm_archive=$(unpack "$dist/orgplan-$version-wasm32-wasip1.tar.gz")
orgplan_wasm=(env "PATH=$(dirname "$node24"):$PATH" "$wasm_archive/orgplan-wasm")
step wasm-archive-contents bash -c "cd '$wasm_archive' && ls && test -x orgplan-wasm && test -f orgplan-wasm.cmd && head -c 4 orgplan.wasm | od -c | grep -q 'a   s   m'"
step wasm-archive-check same_check wasm-archive "${orgplan_wasm[@]}"
step wasm-archive-lsp same_session wasm-archive -- "${orgplan_wasm[@]}" lsp
# Output far larger than a pipe's buffer, through a pipe (Node's WASI hands
# the program a non-blocking one): all of it, as the native build writes it.
big=$work/big
mkdir -p "$big"
for i in $(seq 0 1499); do
  printf 'team t%d "Team %d" {\n  reports_to: nobody%d\n  roles: engineering\n}\n' "$i" "$i" "$i"
done >"$big/big.orgplan"
large_output() {
  (cd "$big" && "$native" check --format json . | cat >"$work/big.native.json")
  (cd "$big" && "${orgplan_wasm[@]}" check --format json . | cat >"$work/big.wasm.json")
  ls -l "$work/big.native.json" "$work/big.wasm.json"
  [ "$(stat -c %s "$work/big.native.json")" -gt 262144 ] && cmp "$work/big.native.json" "$work/big.wasm.json"
}
step wasm-large-output large_output

# The VS Code end-to-end test (code-server, chromium) with the universal
# .vsix: no native server in it and none on PATH (the test hides any), so
# the extension runs the WebAssembly one.
vscode=$root/editors/vscode
code_server=(env PATH="$(dirname "$node24"):$PATH" "$node24"
  "$vscode/.cache/code-server/node_modules/code-server/out/node/entry.js")
if [ "$e2e" != 0 ]; then
  [ -d "$vscode/node_modules/playwright-core" ] || (cd "$vscode" && npm ci --no-audit --no-fund >/dev/null)
  step vscode-e2e-wasm env CODE_SERVER_NODE="$node24" \
    CODE_SERVER_ENTRY="$vscode/.cache/code-server/node_modules/code-server/out/node/entry.js" \
    ORGPLAN_VSIX="$dist/orgplan-$version.vsix" E2E_OUT="$work/e2e" "$node24" "$vscode/test/e2e/e2e.mjs"
else
  echo "skip vscode-e2e-wasm (DIST_TEST_E2E=0)"
fi

# ---- macOS: the headers ---------------------------------------------------------
mac_x64=$(unpack "$dist/orgplan-$version-x86_64-apple-darwin.tar.gz")/orgplan
mac_arm64=$(unpack "$dist/orgplan-$version-aarch64-apple-darwin.tar.gz")/orgplan
step darwin-x64-macho python3 scripts/macho-check.py "$mac_x64" x86_64 10.12
step darwin-arm64-macho python3 scripts/macho-check.py "$mac_arm64" arm64 11.0

# ---- each .vsix: exactly one server, for its platform ---------------------------
# vsix_server VSIX KIND BINARY [TARGET]: one file under extension/server/, of
# KIND, byte for byte the archive's BINARY, for the VS Code platform TARGET.
vsix_server() {
  python3 - "$1" "$2" "$3" "${4:-}" <<'EOF'
import sys, zipfile
path, kind, binary, target = sys.argv[1:5]
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
if z.read(servers[0]) != open(binary, "rb").read():
    sys.exit(f"{servers[0]} is not the archive's {binary}")
expected = f"server/{target}/" if target else "server/wasm/"
if not servers[0].startswith("extension/" + expected):
    sys.exit(f"{servers[0]} is not under {expected}")
manifest = z.read("extension.vsixmanifest").decode()
platforms = [l.strip() for l in manifest.splitlines() if "TargetPlatform" in l]
print(platforms)
if target and f'TargetPlatform="{target}"' not in manifest:
    sys.exit(f"the manifest is not for {target}")
if not target and platforms:
    sys.exit("the universal package names a platform")
EOF
}
step vsix-linux-x64 vsix_server "$dist/orgplan-$version-linux-x64.vsix" elf-x86_64 "$x64" linux-x64
step vsix-alpine-x64 vsix_server "$dist/orgplan-$version-alpine-x64.vsix" elf-x86_64 "$musl" alpine-x64
step vsix-linux-arm64 vsix_server "$dist/orgplan-$version-linux-arm64.vsix" elf-aarch64 "$arm64" linux-arm64
step vsix-win32-x64 vsix_server "$dist/orgplan-$version-win32-x64.vsix" pe "$win/orgplan.exe" win32-x64
step vsix-darwin-x64 vsix_server "$dist/orgplan-$version-darwin-x64.vsix" macho-x86_64 "$mac_x64" darwin-x64
step vsix-darwin-arm64 vsix_server "$dist/orgplan-$version-darwin-arm64.vsix" macho-arm64 "$mac_arm64" darwin-arm64
step vsix-universal vsix_server "$dist/orgplan-$version.vsix" wasm "$wasm_archive/orgplan.wasm"

# Each .vsix installed into a fresh code-server (Linux x86-64): VS Code
# installs a .vsix whatever platform it names (it checks only the
# marketplace's), so what matters is what the installed extension then runs:
# linux-x64's server and the universal one's WebAssembly server run here;
# the others hold only their own platform's server, which the extension
# never starts on this machine (it says which package to install instead).
vsix_install() { # vsix_install VSIX TARGET
  local ext_dir=$work/install-$2 servers
  rm -rf "$ext_dir"
  XDG_CONFIG_HOME=$work/xdg XDG_DATA_HOME=$work/xdg "${code_server[@]}" \
    --user-data-dir "$work/install-user-data" --extensions-dir "$ext_dir" \
    --install-extension "$1" --force || return 1
  servers=$(cd "$ext_dir"/orgplan.orgplan-* && find server -type f)
  echo "installed: $servers"
  [ "$(wc -l <<<"$servers")" = 1 ] || return 1
  case "$2" in
    universal)
      [ "$servers" = server/wasm/orgplan.wasm ] &&
        "$node24" --no-warnings "$ext_dir"/orgplan.orgplan-*/dist/wasi.js "$ext_dir"/orgplan.orgplan-*/$servers -- --version
      ;;
    linux-x64)
      [ "$servers" = server/linux-x64/orgplan ] && "$ext_dir"/orgplan.orgplan-*/$servers --version
      ;;
    *)
      # Only its own platform's server, not this machine's.
      case "$servers" in server/"$2"/orgplan | server/"$2"/orgplan.exe) ;; *) return 1 ;; esac
      ;;
  esac
}
if [ "$e2e" != 0 ]; then
  for t in linux-x64 linux-arm64 alpine-x64 win32-x64 darwin-x64 darwin-arm64; do
    step "code-server-install-$t" vsix_install "$dist/orgplan-$version-$t.vsix" "$t"
  done
  step code-server-install-universal vsix_install "$dist/orgplan-$version.vsix" universal
fi

echo
[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
echo "dist-test: $passed passed, $failed failed"
[ "$failed" = 0 ]

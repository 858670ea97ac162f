#!/usr/bin/env python3
"""Checks a Mach-O executable's header without any macOS tool: its CPU,
its minimum macOS (LC_BUILD_VERSION, or the older LC_VERSION_MIN_MACOSX)
and, for arm64, that it carries a code signature (macOS refuses to run an
unsigned arm64 binary).

    scripts/macho-check.py FILE ARCH MIN_MACOS     e.g. FILE arm64 11.0

Prints what it read; exits 1 when it is not what was expected.
"""
import struct
import sys

CPU = {0x01000007: "x86_64", 0x0100000C: "arm64"}
LC_CODE_SIGNATURE = 0x1D
LC_VERSION_MIN_MACOSX = 0x24
LC_BUILD_VERSION = 0x32
PLATFORM_MACOS = 1


def version(v: int) -> str:
    """xxxx.yy.zz packed in 16.8.8 bits."""
    major, minor, patch = v >> 16, (v >> 8) & 0xFF, v & 0xFF
    return f"{major}.{minor}" + (f".{patch}" if patch else "")


def read(path: str) -> dict:
    with open(path, "rb") as f:
        data = f.read()
    magic, cputype, _sub, filetype, ncmds, _size, _flags = struct.unpack_from("<IiiIIII", data, 0)
    if magic != 0xFEEDFACF:
        raise SystemExit(f"{path}: not a 64-bit little-endian Mach-O file (magic {magic:#x})")
    info = {"arch": CPU.get(cputype & 0xFFFFFFFF, hex(cputype)), "filetype": filetype,
            "minos": None, "signed": False}
    offset = 32  # sizeof(mach_header_64)
    for _ in range(ncmds):
        cmd, cmdsize = struct.unpack_from("<II", data, offset)
        if cmd == LC_BUILD_VERSION:
            platform, minos, _sdk = struct.unpack_from("<III", data, offset + 8)
            if platform == PLATFORM_MACOS:
                info["minos"] = version(minos)
        elif cmd == LC_VERSION_MIN_MACOSX and info["minos"] is None:
            (minos,) = struct.unpack_from("<I", data, offset + 8)
            info["minos"] = version(minos)
        elif cmd == LC_CODE_SIGNATURE:
            info["signed"] = True
        offset += cmdsize
    return info


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    path, arch, minos = sys.argv[1:]
    info = read(path)
    print(f"{path}: {info['arch']}, minimum macOS {info['minos']}, "
          f"{'signed' if info['signed'] else 'unsigned'}, file type {info['filetype']}")
    problems = []
    if info["arch"] != arch:
        problems.append(f"architecture {info['arch']}, expected {arch}")
    if info["minos"] != minos:
        problems.append(f"minimum macOS {info['minos']}, expected {minos}")
    if info["filetype"] != 2:  # MH_EXECUTE
        problems.append("not an executable")
    if arch == "arm64" and not info["signed"]:
        problems.append("arm64 without a code signature")
    for p in problems:
        print(f"  FAIL: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

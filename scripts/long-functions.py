#!/usr/bin/env python3
"""Lists the production Rust functions longer than a limit (80 lines).

    scripts/long-functions.py [LIMIT]
    scripts/long-functions.py --check

Production code is every `.rs` file under `server/` except tests, benches,
build scripts and generated bindings; inside a file, `#[cfg(test)]` items
are skipped. A function's length counts from its `fn` line to its closing
brace. Prints `lines path:line name`, longest first, then the count.

`--check` (run by scripts/test.sh) fails when a function over 80 lines is
not in scripts/long-functions.allow, a list of `path name` lines, each with
the reason it stays long after a `#`; an entry whose function is no longer
long is reported, to be removed.
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SKIP_DIRS = {"tests", "benches", "target", "fuzz", "bindings"}


def blank_out(src: str) -> str:
    """The source with comments, strings and chars replaced by spaces
    (newlines kept), so that braces can be counted."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif src.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif src.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif m := re.match(r'b?r(#*)"', src[i:i + 300]):
            end = '"' + m.group(1)
            j = src.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            out.append(re.sub(r"[^\n]", " ", src[i:j + 1]))
            i = j + 1
        elif m := re.match(r"b?'(\\.[^']*|[^\\'])'", src[i:i + 12]):
            out.append(" " * m.end())
            i += m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out)


def block_end(code: str, open_at: int) -> int:
    depth = 0
    for j in range(open_at, len(code)):
        if code[j] == "{":
            depth += 1
        elif code[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return len(code) - 1


def functions(path: pathlib.Path):
    code = blank_out(path.read_text())
    skipped = []  # (start, end) of #[cfg(test)] items
    for m in re.finditer(r"#\[cfg\(test\)\]", code):
        brace = code.find("{", m.end())
        semi = code.find(";", m.end())
        if brace >= 0 and (semi < 0 or brace < semi):
            skipped.append((m.start(), block_end(code, brace)))
    for m in re.finditer(r"\bfn\s+([A-Za-z_][A-Za-z0-9_]*)", code):
        if any(a <= m.start() <= b for a, b in skipped):
            continue
        brace, semi = code.find("{", m.end()), code.find(";", m.end())
        if brace < 0 or (0 <= semi < brace):
            continue  # a declaration without a body
        end = block_end(code, brace)
        first = code.count("\n", 0, m.start()) + 1
        last = code.count("\n", 0, end) + 1
        yield last - first + 1, first, m.group(1)


LIMIT = 80
ALLOW = ROOT / "scripts" / "long-functions.allow"


def long_functions(limit: int):
    """(lines, path, line, name) of each function over `limit` lines."""
    for path in sorted((ROOT / "server").rglob("*.rs")):
        rel = path.relative_to(ROOT)
        if SKIP_DIRS & set(rel.parts) or path.name in ("build.rs", "tests.rs"):
            continue
        for lines, line, name in functions(path):
            if lines > limit:
                yield lines, rel.as_posix(), line, name


def allowed() -> dict:
    """The allow-list: (path, name) -> reason."""
    out = {}
    for n, raw in enumerate(ALLOW.read_text().splitlines(), 1):
        entry, _, reason = raw.partition("#")
        if not entry.strip():
            continue
        parts = entry.split()
        if len(parts) != 2 or not reason.strip():
            sys.exit(f"{ALLOW.name}:{n}: expected `path name  # reason`, got {raw!r}")
        out[tuple(parts)] = reason.strip()
    return out


def check() -> int:
    allow = allowed()
    found = list(long_functions(LIMIT))
    status = 0
    for lines, path, line, name in sorted(found, reverse=True):
        if (path, name) not in allow:
            print(
                f"{path}:{line}: `{name}` is {lines} lines (limit {LIMIT}): split it "
                f"along what it does, or list it in scripts/{ALLOW.name} with the reason"
            )
            status = 1
    long = {(path, name) for _, path, _, name in found}
    for path, name in sorted(set(allow) - long):
        print(f"note: {path} `{name}` is no longer over {LIMIT} lines: "
              f"remove it from scripts/{ALLOW.name}")
    print(f"{len(found)} functions over {LIMIT} lines, {len(allow)} allowed")
    return status


def main() -> None:
    if sys.argv[1:] == ["--check"]:
        sys.exit(check())
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else LIMIT
    found = list(long_functions(limit))
    for lines, path, line, name in sorted(found, reverse=True):
        print(f"{lines:5} {path}:{line} {name}")
    print(f"{len(found)} functions over {limit} lines")


if __name__ == "__main__":
    main()

// Pure helpers about platforms and paths (no VS Code API: unit-tested).
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The VS Code platform this extension host runs on (`vsce package
 * --target`): a platform's .vsix bundles its server as
 * `server/<target>/orgplan[.exe]`. Alpine (musl) is told apart from other
 * Linux by its release file.
 */
export function platformTarget(
  platform: string = process.platform,
  arch: string = process.arch,
  isAlpine: () => boolean = () => fs.existsSync("/etc/alpine-release"),
): string {
  const os = platform === "linux" && isAlpine() ? "alpine" : platform;
  return `${os}-${arch}`;
}

/** The path a host folder has inside the WebAssembly program. */
export function guestPath(hostPath: string): string {
  const abs = /^[A-Za-z]:/.test(hostPath) ? hostPath : path.resolve(hostPath);
  const drive = /^([A-Za-z]):[\\/]?(.*)$/.exec(abs);
  if (drive) {
    const rest = drive[2].replace(/\\/g, "/").replace(/\/$/, "");
    return `/${drive[1].toLowerCase()}:${rest === "" ? "" : `/${rest}`}`;
  }
  return abs;
}

/** Splits `ORGPLAN.wasm [--dir FOLDER]... -- ARGS...`. */
export function parseArgs(argv: string[]): { wasm: string; dirs: string[]; args: string[] } {
  const [wasm, ...rest] = argv;
  const dirs: string[] = [];
  let i = 0;
  while (i < rest.length && rest[i] !== "--") {
    if (rest[i] !== "--dir" || i + 1 >= rest.length) {
      throw new Error(`usage: wasi.js ORGPLAN.wasm [--dir FOLDER]... -- ARGS... (at ${rest[i]})`);
    }
    dirs.push(rest[i + 1]);
    i += 2;
  }
  if (wasm === undefined) {
    throw new Error("usage: wasi.js ORGPLAN.wasm [--dir FOLDER]... -- ARGS...");
  }
  return { wasm, dirs, args: rest.slice(i + 1) };
}


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

/**
 * What to tell the user when the package holds servers only for other
 * platforms (`bundled`: the folder names under server/, such as
 * darwin-arm64): VS Code installs a .vsix whatever platform it is for.
 * Undefined when there is nothing of the kind to say.
 */
export function wrongPackageMessage(bundled: string[], host: string, version: string): string | undefined {
  const others = bundled.filter((t) => t !== host && t !== "wasm");
  if (others.length === 0 || bundled.includes(host) || bundled.includes("wasm")) {
    return undefined;
  }
  return (
    `This orgplan package is for ${others.join(", ")}, not for this machine (${host}). ` +
    `Install orgplan-${version}-${host}.vsix instead, or the universal orgplan-${version}.vsix ` +
    "(its WebAssembly server runs anywhere), then reload the window."
  );
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

/**
 * The folders the archive's `orgplan-wasm` command preopens: the whole file
 * system, as the native binary sees it (the root on POSIX systems; each
 * drive C: to Z: that exists on Windows).
 */
export function launcherRoots(platform: string, exists: (p: string) => boolean): string[] {
  if (platform !== "win32") {
    return ["/"];
  }
  const drives = [];
  for (let c = "C".charCodeAt(0); c <= "Z".charCodeAt(0); c++) {
    const drive = `${String.fromCharCode(c)}:\\`;
    if (exists(drive)) {
      drives.push(drive);
    }
  }
  return drives;
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


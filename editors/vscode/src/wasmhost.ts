// Runs orgplan's WebAssembly build (wasm32-wasip1) under Node's built-in
// WASI in this process: shared by dist/wasi.js (the VS Code extension's
// launcher) and dist/orgplan-wasm.js (the command of the WebAssembly
// archive). A blocking read of standard input blocks this process only.
import * as fs from "node:fs";
import * as path from "node:path";
import { WASI } from "node:wasi";
import { guestPath } from "./platform";

// Node's WebAssembly global (its types are in the DOM library, not loaded here).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => object;
};

/**
 * Runs `orgplan ARGS...` from the module at `wasm` with the current folder
 * and each of `dirs` preopened at its own path (a Windows path C:\a\b as
 * /c:/a/b, as its file URI says); the current folder is the program's
 * current folder. Returns the exit status.
 */
export function runWasm(wasm: string, dirs: string[], args: string[]): number {
  const preopens: Record<string, string> = {};
  for (const dir of [process.cwd(), ...dirs]) {
    if (fs.existsSync(dir)) {
      preopens[guestPath(dir)] = path.resolve(dir);
    }
  }
  const wasi = new WASI({
    version: "preview1",
    args: ["orgplan", ...args],
    env: { ...process.env, PWD: guestPath(process.cwd()) },
    preopens,
    returnOnExit: true,
  });
  const module = new WebAssembly.Module(fs.readFileSync(wasm));
  const instance = new WebAssembly.Instance(module, wasi.getImportObject());
  return wasi.start(instance);
}

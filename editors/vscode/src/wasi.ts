// Runs orgplan's WebAssembly build (wasm32-wasip1) under Node's built-in
// WASI, as a process of its own (a blocking read of standard input blocks
// this process, never the extension host):
//
//   node wasi.js ORGPLAN.wasm [--dir FOLDER]... -- ARGS...
//
// Each FOLDER (the workspace folders) is preopened at its own path, so the
// paths in the editor's file URIs are the paths the server opens; so is the
// current folder, which becomes the program's current folder. A Windows
// path C:\a\b is seen by the program as /c:/a/b, as its file URI says.
// Bundled into dist/wasi.js; the smoke tests of the release run it too.
import * as fs from "node:fs";
import * as path from "node:path";
import { WASI } from "node:wasi";
import { guestPath, parseArgs } from "./platform";

// Node's WebAssembly global (its types are in the DOM library, not loaded here).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => object;
};

function main(): void {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
  const preopens: Record<string, string> = {};
  for (const dir of [process.cwd(), ...parsed.dirs]) {
    if (fs.existsSync(dir)) {
      preopens[guestPath(dir)] = path.resolve(dir);
    }
  }
  const wasi = new WASI({
    version: "preview1",
    args: ["orgplan", ...parsed.args],
    env: { ...process.env, PWD: guestPath(process.cwd()) },
    preopens,
    returnOnExit: true,
  });
  const module = new WebAssembly.Module(fs.readFileSync(parsed.wasm));
  const instance = new WebAssembly.Instance(module, wasi.getImportObject());
  process.exitCode = wasi.start(instance);
}

if (require.main === module) {
  main();
}

// The VS Code extension's launcher of the WebAssembly server, run as a
// process of its own by the extension host's Node (a blocking read of
// standard input blocks that process, never the extension host):
//
//   node wasi.js ORGPLAN.wasm [--dir FOLDER]... -- ARGS...
//
// Only the current folder and each FOLDER (the workspace folders) are
// preopened, at their own paths, so the paths in the editor's file URIs are
// the paths the server opens (see wasmhost.ts). Bundled into dist/wasi.js;
// the smoke tests of the release run it too.
import { parseArgs } from "./platform";
import { runWasm } from "./wasmhost";

function main(): void {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
  process.exitCode = runWasm(parsed.wasm, parsed.dirs, parsed.args);
}

main();

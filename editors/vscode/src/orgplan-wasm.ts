// `orgplan-wasm ARGS...`: the command of the WebAssembly archive
// (orgplan-VERSION-wasm32-wasip1), for a machine with Node.js (20 or later;
// 24 is what the project tests with) but no native orgplan build: it runs
// `orgplan ARGS...` from the orgplan.wasm next to this file under Node's
// WASI, so `orgplan-wasm check plans/` and `orgplan-wasm lsp` behave as the
// native `orgplan check plans/` and `orgplan lsp`. Like the native binary it
// may read any file its user can: the file system's root is preopened (each
// drive on Windows). Bundled into dist/orgplan-wasm.js; scripts/dist.sh puts
// it into the archive as `orgplan-wasm` (and `orgplan-wasm.cmd` for Windows).
import * as fs from "node:fs";
import * as path from "node:path";
import { launcherRoots } from "./platform";
import { runWasm } from "./wasmhost";

// Node announces WASI as experimental on each run (emitted on the next
// tick, so still to come here): not a word of it; other warnings as usual.
const shown = process.listeners("warning");
process.removeAllListeners("warning");
process.on("warning", (w) => {
  if (w.name !== "ExperimentalWarning" || !w.message.includes("WASI")) {
    shown.forEach((l) => l(w));
  }
});

process.exitCode = runWasm(
  path.join(__dirname, "orgplan.wasm"),
  launcherRoots(process.platform, (p) => fs.existsSync(p)),
  process.argv.slice(2),
);

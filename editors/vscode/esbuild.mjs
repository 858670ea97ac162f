// Bundles the extension into dist/extension.js (one CommonJS file, `vscode`
// left external), so the .vsix needs no node_modules; and dist/wasi.js, which
// runs the WebAssembly server under Node's WASI; and dist/orgplan-wasm.js, the
// command of the WebAssembly archive (scripts/dist.sh).
import * as esbuild from "esbuild";

const production = process.argv.includes("--production");
const watch = process.argv.includes("--watch");

const ctx = await esbuild.context({
  entryPoints: { extension: "src/extension.ts", wasi: "src/wasi.ts", "orgplan-wasm": "src/orgplan-wasm.ts" },
  bundle: true,
  outdir: "dist",
  external: ["vscode"],
  format: "cjs",
  platform: "node",
  target: "node18",
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: "info",
});

if (watch) {
  await ctx.watch();
} else {
  await ctx.rebuild();
  await ctx.dispose();
}

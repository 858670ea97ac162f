// Unit tests of the platform helpers: which bundled server a platform
// takes, and how the WebAssembly launcher names folders and reads its
// arguments.
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { guestPath, parseArgs, platformTarget } from "../../src/platform";

void test("platformTarget names the VS Code target of each platform", () => {
  const no = () => false;
  assert.equal(platformTarget("linux", "x64", no), "linux-x64");
  assert.equal(platformTarget("linux", "arm64", no), "linux-arm64");
  assert.equal(platformTarget("linux", "x64", () => true), "alpine-x64");
  assert.equal(platformTarget("win32", "x64", () => true), "win32-x64");
  assert.equal(platformTarget("darwin", "arm64", no), "darwin-arm64");
  assert.equal(platformTarget("darwin", "x64", no), "darwin-x64");
});

void test("guestPath: POSIX paths as they are, Windows paths as their file URIs say", () => {
  assert.equal(guestPath("/home/me/plans"), "/home/me/plans");
  assert.equal(guestPath("C:\\Users\\me\\plans"), "/c:/Users/me/plans");
  assert.equal(guestPath("d:\\"), "/d:");
  assert.equal(guestPath("C:/Users/me/plans/"), "/c:/Users/me/plans");
});

void test("parseArgs splits the server, the folders and the server's arguments", () => {
  assert.deepEqual(parseArgs(["o.wasm", "--dir", "/a", "--dir", "/b c", "--", "lsp"]), {
    wasm: "o.wasm",
    dirs: ["/a", "/b c"],
    args: ["lsp"],
  });
  assert.deepEqual(parseArgs(["o.wasm", "--", "check", "--dir"]), { wasm: "o.wasm", dirs: [], args: ["check", "--dir"] });
  assert.throws(() => parseArgs(["o.wasm", "--frob"]), /usage/);
  assert.throws(() => parseArgs([]), /usage/);
});

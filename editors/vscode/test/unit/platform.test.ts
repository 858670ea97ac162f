// Unit tests of the platform helpers: which bundled server a platform
// takes, and how the WebAssembly launcher names folders and reads its
// arguments.
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { guestPath, launcherRoots, parseArgs, platformTarget, wrongPackageMessage } from "../../src/platform";

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

void test("launcherRoots: the whole file system, as the native binary sees it", () => {
  assert.deepEqual(launcherRoots("linux", () => false), ["/"]);
  assert.deepEqual(launcherRoots("darwin", () => false), ["/"]);
  const drives = new Set(["C:\\", "E:\\"]);
  const roots = launcherRoots("win32", (p) => drives.has(p));
  assert.deepEqual(roots, ["C:\\", "E:\\"]);
  assert.deepEqual(roots.map(guestPath), ["/c:", "/e:"]);
});

void test("wrongPackageMessage names the package to install instead, and only when the server is another platform's", () => {
  assert.equal(
    wrongPackageMessage(["darwin-arm64"], "linux-x64", "1.2.3"),
    "This orgplan package is for darwin-arm64, not for this machine (linux-x64). " +
      "Install orgplan-1.2.3-linux-x64.vsix instead, or the universal orgplan-1.2.3.vsix " +
      "(its WebAssembly server runs anywhere), then reload the window.",
  );
  assert.match(wrongPackageMessage(["alpine-x64"], "linux-x64", "1.2.3") ?? "", /for alpine-x64, not for this machine/);
  assert.equal(wrongPackageMessage(["linux-x64"], "linux-x64", "1.2.3"), undefined);
  assert.equal(wrongPackageMessage(["wasm"], "linux-x64", "1.2.3"), undefined);
  assert.equal(wrongPackageMessage([], "linux-x64", "1.2.3"), undefined);
});

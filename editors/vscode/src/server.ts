import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { platformTarget, wrongPackageMessage } from "./platform";

/**
 * Where the server was found, and why that place was chosen. A path ending
 * in `.wasm` is the WebAssembly server, run under Node's WASI.
 */
export interface ServerBinary {
  path: string;
  source: "setting" | "bundled" | "path";
}

/** The binary's file name on this platform. */
export function binaryName(): string {
  return process.platform === "win32" ? "orgplan.exe" : "orgplan";
}

/** The WebAssembly server in the universal .vsix. */
export function bundledWasm(extensionPath: string): string {
  return path.join(extensionPath, "server", "wasm", "orgplan.wasm");
}

/** True for the WebAssembly server. */
export function isWasm(server: string): boolean {
  return server.endsWith(".wasm");
}

/**
 * The command that runs the server `server` with `args`: the binary itself,
 * or, for the WebAssembly server, this extension host's own Node.js (as
 * plain Node) running `dist/wasi.js`, with `folders` preopened.
 */
export function serverCommand(
  server: string,
  args: string[],
  folders: string[] = [],
): { command: string; args: string[]; env: Record<string, string> } {
  if (!isWasm(server)) {
    return { command: server, args, env: {} };
  }
  const launcher = path.join(__dirname, "wasi.js");
  return {
    command: process.execPath,
    args: ["--no-warnings", launcher, server, ...folders.flatMap((f) => ["--dir", f]), "--", ...args],
    env: { ELECTRON_RUN_AS_NODE: "1" },
  };
}

/** Expands a leading `~` and `${userHome}`, the forms people write in settings. */
export function expandHome(p: string): string {
  const home = os.homedir();
  let out = p.replace(/\$\{userHome\}/g, home);
  if (out === "~" || out.startsWith("~/") || out.startsWith("~\\")) {
    out = path.join(home, out.slice(1));
  }
  return out;
}

function isExecutableFile(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) {
      return false;
    }
    if (process.platform !== "win32") {
      fs.accessSync(p, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/** Looks `name` up on PATH, like a shell would. */
export function whichOnPath(name: string, envPath = process.env.PATH ?? ""): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (dir === "") {
      continue;
    }
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/**
 * The `orgplan.server.path` value that may be used. In an untrusted
 * workspace only a value from the user's own settings counts: a folder must
 * not be able to make the editor run a program it ships.
 */
export function configuredServerPath(): string | undefined {
  const config = vscode.workspace.getConfiguration("orgplan");
  const value = vscode.workspace.isTrusted
    ? config.get<string | null>("server.path")
    : config.inspect<string | null>("server.path")?.globalValue;
  return typeof value === "string" && value.trim() !== "" ? expandHome(value.trim()) : undefined;
}

export class ServerNotFoundError extends Error {}

/**
 * Finds the server: the `orgplan.server.path` setting, then the binary
 * bundled in the extension for this platform (`server/<target>/orgplan`),
 * then the bundled WebAssembly server (first, if `orgplan.server.webAssembly`
 * asks for it), then `orgplan` on PATH.
 */
export function findServer(extensionPath: string): ServerBinary {
  const configured = configuredServerPath();
  if (configured !== undefined) {
    const resolved = path.isAbsolute(configured)
      ? configured
      : path.resolve(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd(), configured);
    if (!isExecutableFile(resolved)) {
      throw new ServerNotFoundError(
        `The orgplan language server set in "orgplan.server.path" (${resolved}) is not an executable file. ` +
          "Fix the path, or clear the setting to use the server bundled with the extension.",
      );
    }
    return { path: resolved, source: "setting" };
  }
  const wasm = bundledWasm(extensionPath);
  const wantWasm = vscode.workspace.getConfiguration("orgplan").get<boolean>("server.webAssembly") === true;
  if (wantWasm && fs.existsSync(wasm)) {
    return { path: wasm, source: "bundled" };
  }
  const bundled = path.join(extensionPath, "server", platformTarget(), binaryName());
  if (isExecutableFile(bundled)) {
    return { path: bundled, source: "bundled" };
  }
  if (fs.existsSync(wasm)) {
    return { path: wasm, source: "bundled" };
  }
  const onPath = whichOnPath(binaryName());
  if (onPath !== undefined) {
    return { path: onPath, source: "path" };
  }
  // A package for another platform (VS Code installs any .vsix).
  let bundledTargets: string[] = [];
  let version = "VERSION";
  try {
    bundledTargets = fs.readdirSync(path.join(extensionPath, "server"));
    version = (JSON.parse(fs.readFileSync(path.join(extensionPath, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    // No server/ folder: a development build.
  }
  const wrong = wrongPackageMessage(bundledTargets, platformTarget(), version);
  if (wrong !== undefined) {
    throw new ServerNotFoundError(wrong);
  }
  throw new ServerNotFoundError(
    "The orgplan language server was not found: this build of the extension bundles no server for " +
      `${process.platform}-${process.arch}, and there is no "orgplan" on PATH. ` +
      "Build it from the orgplan repository with `cargo install --path server/orgplan` " +
      '(this puts "orgplan" in ~/.cargo/bin; make sure that is on PATH), ' +
      'or set "orgplan.server.path" to the binary, then run "orgplan: Restart Language Server".',
  );
}

/**
 * Runs `<binary> ARGS…` (a CLI command such as `explain` or `--version`) and
 * returns its standard output; rejects with its standard error on failure.
 */
export function runServerCommand(binary: string, args: string[]): Promise<string> {
  const run = serverCommand(binary, args);
  const options = { timeout: 15_000, maxBuffer: 4 * 1024 * 1024, env: { ...process.env, ...run.env } };
  return new Promise((resolve, reject) => {
    execFile(run.command, run.args, options, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`\`orgplan ${args.join(" ")}\` failed: ${stderr.trim() || err.message}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

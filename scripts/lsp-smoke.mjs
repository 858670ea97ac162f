// A language-server session against any orgplan build, however it is run
// (natively, under an emulator, under Wine, as WebAssembly under Node):
// initialize with a workspace folder, didOpen, diagnostics (this file's and
// another file's, found by the server's folder scan), hover, completion,
// go to definition across files, shutdown, exit. Prints a summary of what
// came back, with the folder's URI replaced by `ROOT`, so that two builds'
// summaries can be compared byte for byte; exits 1 on a failed check.
//
//   node scripts/lsp-smoke.mjs --folder DIR [--uri URI] -- COMMAND ARGS...
//
// --folder: the workspace folder as this machine sees it: a copy of
//   examples/violations (plan.orgplan, more.orgplan, orgplan.toml).
// --uri: the folder's URI as the server should see it (default: the file URI
//   of --folder), e.g. file:///c%3A/Users/me/plans for a Windows build.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

const argv = process.argv.slice(2);
const dash = argv.indexOf("--");
if (dash < 0 || dash === argv.length - 1) {
  console.error("usage: lsp-smoke.mjs --folder DIR [--uri URI] -- COMMAND ARGS...");
  process.exit(2);
}
const opts = {};
for (let i = 0; i < dash; i += 2) {
  opts[argv[i].replace(/^--/, "")] = argv[i + 1];
}
const folder = path.resolve(opts.folder ?? ".");
const rootUri = (opts.uri ?? pathToFileURL(folder).href).replace(/\/$/, "");
const [command, ...args] = argv.slice(dash + 1);
const timeoutMs = Number(process.env.LSP_SMOKE_TIMEOUT_MS ?? 120000);

const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
let stderr = "";
child.stderr.on("data", (d) => (stderr += d));
let finished = false;
const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
void exited.then(({ code, signal }) => {
  if (!finished) {
    console.error(`lsp-smoke: the server ended early (${code ?? signal})\n${stderr.slice(-4000)}`);
    process.exit(1);
  }
});

let buffer = Buffer.alloc(0);
const waiting = new Map(); // id -> resolve
const notifications = [];
let notified = () => {};
child.stdout.on("data", (d) => {
  buffer = Buffer.concat([buffer, d]);
  for (;;) {
    const end = buffer.indexOf("\r\n\r\n");
    if (end < 0) return;
    const header = buffer.subarray(0, end).toString();
    const m = /Content-Length: *(\d+)/i.exec(header);
    if (!m) throw new Error(`bad header: ${header}`);
    const len = Number(m[1]);
    if (buffer.length < end + 4 + len) return;
    const msg = JSON.parse(buffer.subarray(end + 4, end + 4 + len).toString());
    buffer = buffer.subarray(end + 4 + len);
    if (msg.id !== undefined && msg.method === undefined) {
      waiting.get(msg.id)?.(msg);
      waiting.delete(msg.id);
    } else if (msg.id !== undefined) {
      // A request from the server (configuration, progress): answer it.
      const result = msg.method === "workspace/configuration" ? msg.params.items.map(() => ({})) : null;
      send({ jsonrpc: "2.0", id: msg.id, result });
    } else {
      notifications.push(msg);
      notified();
    }
  }
});

function send(msg) {
  const body = Buffer.from(JSON.stringify(msg));
  child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  child.stdin.write(body);
}
let nextId = 1;
function request(method, params) {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    send({ jsonrpc: "2.0", id, method, params });
  });
}
const notify = (method, params) => send({ jsonrpc: "2.0", method, params });
async function diagnosticsFor(uri) {
  for (;;) {
    const found = notifications.findLast(
      (n) => n.method === "textDocument/publishDiagnostics" && n.params.uri === uri && n.params.diagnostics.length > 0,
    );
    if (found) return found.params.diagnostics;
    await new Promise((r) => (notified = r));
  }
}

const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
};
const summary = {};
const rooted = (v) => JSON.parse(JSON.stringify(v).split(rootUri).join("ROOT"));

const timer = setTimeout(() => {
  console.error(`lsp-smoke: no end after ${timeoutMs} ms\n${stderr}`);
  child.kill("SIGKILL");
  process.exit(1);
}, timeoutMs);

const planUri = `${rootUri}/plan.orgplan`;
const moreUri = `${rootUri}/more.orgplan`;
const text = fs.readFileSync(path.join(folder, "plan.orgplan"), "utf8");
const lines = text.split("\n");
// The place of `needle` on the first line that starts with it (comments may
// quote it), after `skip` characters.
const at = (needle, skip = 0) => {
  const line = lines.findIndex((l) => l.trimStart().startsWith(needle));
  return { line, character: lines[line].indexOf(needle) + skip };
};

const init = await request("initialize", {
  processId: process.pid,
  rootUri,
  workspaceFolders: [{ uri: rootUri, name: "plans" }],
  capabilities: {
    textDocument: {
      hover: { contentFormat: ["markdown", "plaintext"] },
      completion: { completionItem: { snippetSupport: true } },
      publishDiagnostics: { relatedInformation: true },
    },
    workspace: { workspaceFolders: true, configuration: true },
  },
});
check(init.result?.capabilities?.hoverProvider, "initialize: hover announced");
summary.server = init.result?.serverInfo?.name;
notify("initialized", {});
notify("textDocument/didOpen", { textDocument: { uri: planUri, languageId: "orgplan", version: 1, text } });

const diagnostics = await diagnosticsFor(planUri);
summary.diagnostics = diagnostics.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.code} ${d.message}`).sort();
check(diagnostics.some((d) => d.code === "leader-not-single-threaded"), "diagnostics: leader-not-single-threaded");
// The other file's findings, from the folder scan (a path from the URI and back).
const more = await diagnosticsFor(moreUri);
const duplicate = more.find((d) => d.code === "duplicate-definition");
check(duplicate, "diagnostics of the scanned file: duplicate-definition");
summary.related = rooted((duplicate?.relatedInformation ?? []).map((r) => r.location));
check(summary.related.some((l) => l.uri === "ROOT/plan.orgplan"), "related information: the other file's URI");
summary.links = [...new Set(diagnostics.map((d) => d.codeDescription?.href).filter(Boolean))].length;

const hover = await request("textDocument/hover", { textDocument: { uri: planUri }, position: at("leader: kim", 9) });
const hoverText = JSON.stringify(hover.result?.contents ?? "");
check(hoverText.includes("Kim Lee"), "hover: names the leader");
summary.hover = hoverText.length > 0;

const completion = await request("textDocument/completion", {
  textDocument: { uri: planUri },
  position: at("leader: kim", 8),
});
const items = Array.isArray(completion.result) ? completion.result : (completion.result?.items ?? []);
summary.completion = items.map((i) => i.label).sort();
check(summary.completion.includes("raj"), "completion: offers the leaders");

const definition = await request("textDocument/definition", {
  textDocument: { uri: planUri },
  position: at("leader: kim", 9),
});
summary.definition = rooted(definition.result);
const target = Array.isArray(definition.result) ? definition.result[0] : definition.result;
check((target?.uri ?? target?.targetUri) === planUri, "definition: the same URI back");

// Idle: no CPU while no message comes (Linux: the process's own ticks).
const ticks = () => {
  try {
    const f = fs.readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
    return Number(f[11]) + Number(f[12]); // utime + stime
  } catch {
    return undefined;
  }
};
const before = ticks();
await new Promise((r) => setTimeout(r, 2000));
const after = ticks();
if (before !== undefined && after !== undefined) {
  check(after - before <= 10, `idle: ${after - before} ticks of CPU in 2 s without a message`);
}

const shutdown = await request("shutdown", null);
check(shutdown.error === undefined, "shutdown");
finished = true;
notify("exit", null);
child.stdin.end();
const end = await exited;
clearTimeout(timer);
check(end.code === 0, `exit status 0 (got ${end.code ?? end.signal})`);

console.log(JSON.stringify(summary, null, 1));
if (failures.length > 0) {
  console.error(`lsp-smoke: FAILED: ${failures.join("; ")}\n--- server stderr ---\n${stderr.slice(-4000)}`);
  process.exit(1);
}
console.error("lsp-smoke: passed");

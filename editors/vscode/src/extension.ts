import * as vscode from "vscode";
import type {
  ClientCapabilities,
  Executable,
  FeatureState,
  LanguageClientOptions,
  ServerOptions,
  StaticFeature,
} from "vscode-languageclient/node";
import { LanguageClient, State, TransportKind } from "vscode-languageclient/node";
import { withoutNulls } from "./config";
import type { Found } from "./summary";
import { checkSummary } from "./summary";
import { EXPLAIN_SCHEME, ExplainActions, ExplainProvider, explainRule, withExplainLinks } from "./explain";
import { GraphPanel } from "./graph";
import type { ServerBinary } from "./server";
import { ServerNotFoundError, findServer, runServerCommand, serverCommand } from "./server";

const LANGUAGE_ID = "orgplan";

/**
 * Commands the extension runs itself when the server puts them in an answer,
 * declared to the server as `experimental.commands.commands` (the convention
 * rust-analyzer's clients follow): after a key is accepted, list its values;
 * insert a quick fix's new block as a snippet; a finding's hover links to
 * *Explain Rule*; the checklist lens lists the checklist; a team's lenses
 * peek at the teams it depends on or that depend on it.
 */
export const CLIENT_COMMANDS = [
  "editor.action.triggerSuggest",
  "orgplan.insertSnippet",
  "orgplan.explainRule",
  "orgplan.showChecklist",
  "orgplan.showReferences",
];

class ClientCommands implements StaticFeature {
  fillClientCapabilities(capabilities: ClientCapabilities): void {
    capabilities.experimental = {
      ...(capabilities.experimental as object | undefined),
      commands: { commands: CLIENT_COMMANDS },
    };
  }
  initialize(): void {}
  getState(): FeatureState {
    return { kind: "static" };
  }
  clear(): void {}
}

/** The argument of `orgplan.insertSnippet`. */
interface SnippetArgument {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  snippet: string;
}

interface LspPosition {
  line: number;
  character: number;
}
interface LspLocation {
  uri: string;
  range: { start: LspPosition; end: LspPosition };
}

function asLocation(l: LspLocation): vscode.Location {
  const { start, end } = l.range;
  return new vscode.Location(vscode.Uri.parse(l.uri), new vscode.Range(start.line, start.character, end.line, end.character));
}

/**
 * The hover without the paragraphs that repeat the message of an orgplan
 * diagnostic at the position (the workbench shows those itself).
 */
function withoutFindingMessages(hover: vscode.Hover, document: vscode.TextDocument, position: vscode.Position): vscode.Hover {
  const messages = new Set(
    vscode.languages
      .getDiagnostics(document.uri)
      .filter((d) => d.source === "orgplan" && d.range.start.isBeforeOrEqual(position) && position.isBeforeOrEqual(d.range.end))
      .map((d) => d.message),
  );
  if (messages.size === 0) {
    return hover;
  }
  const contents = hover.contents.map((c) => {
    if (!(c instanceof vscode.MarkdownString)) {
      return c;
    }
    const kept = new vscode.MarkdownString(
      c.value
        .split("\n\n")
        .filter((p) => !messages.has(p.trim()))
        .join("\n\n"),
      c.supportThemeIcons,
    );
    kept.isTrusted = c.isTrusted;
    kept.supportHtml = c.supportHtml;
    kept.baseUri = c.baseUri;
    return kept;
  });
  return new vscode.Hover(contents, hover.range);
}

/** The argument of `orgplan.showChecklist`, as the checklist lens sends it. */
interface ChecklistArgument {
  uri: string;
  position: LspPosition;
  title?: string;
}

/** The server's answer to `orgplan/checklist`. */
interface Checklist {
  uri: string;
  position: LspPosition;
  initiative: string;
  title: string;
  items: {
    label: string;
    question: string;
    answer: "pass" | "fail" | "unchecked";
    why: string;
    location: LspLocation | null;
    findings: { message: string; location: LspLocation | null }[];
  }[];
}

interface ChecklistPick extends vscode.QuickPickItem {
  location?: LspLocation | null;
}

/**
 * Where to ask for a checklist: the lens's initiative, or (from the command
 * palette, without an argument) the cursor in the active orgplan editor.
 */
function checklistPlace(arg: ChecklistArgument | undefined): ChecklistArgument | undefined {
  if (arg && typeof arg.uri === "string" && arg.position) {
    return arg;
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== LANGUAGE_ID) {
    return undefined;
  }
  const at = editor.selection.active;
  return { uri: editor.document.uri.toString(), position: { line: at.line, character: at.character } };
}

/** The protocol's error code for an answer made stale by an edit. */
const CONTENT_MODIFIED = -32801;

/**
 * `orgplan/checklist` at `place`; asked again when the document changed
 * under the request (`ContentModified`: the user typed meanwhile).
 */
async function askChecklist(client: LanguageClient, place: ChecklistArgument): Promise<Checklist | null> {
  const params = { textDocument: { uri: place.uri }, position: place.position };
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.sendRequest<Checklist | null>("orgplan/checklist", params);
    } catch (err) {
      const modified = (err as { code?: number } | undefined)?.code === CONTENT_MODIFIED;
      if (!modified || attempt >= 3) {
        throw err;
      }
    }
  }
}

/**
 * `orgplan.showChecklist`: the initiative's checklist, asked of the server
 * when run (`orgplan/checklist`, so that it is the current one and a lens
 * carries only its place), as a quick pick, each question passed or failed
 * with why (a failed one also lists each finding that fails it); picking
 * one goes to the place to look or to fix.
 */
async function showChecklist(client: LanguageClient | undefined, arg: ChecklistArgument | undefined): Promise<void> {
  const place = checklistPlace(arg);
  if (!place) {
    void vscode.window.showInformationMessage("orgplan: put the cursor in an initiative to see its checklist.");
    return;
  }
  if (!client) {
    void vscode.window.showWarningMessage("orgplan: the language server is not running.");
    return;
  }
  let list: Checklist | null;
  try {
    list = await askChecklist(client, place);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    void vscode.window.showWarningMessage(`orgplan: the checklist could not be read: ${why}`);
    return;
  }
  if (!list) {
    void vscode.window.showInformationMessage("orgplan: no initiative here; put the cursor in one to see its checklist.");
    return;
  }
  const picks: ChecklistPick[] = [];
  for (const item of list.items) {
    const several = item.findings.length > 1;
    picks.push({
      label: item.label,
      description: several ? `${item.findings.length} findings` : item.why,
      detail: item.question,
      location: item.location,
    });
    if (several) {
      for (const f of item.findings) {
        picks.push({ label: `$(arrow-small-right) ${f.message}`, location: f.location });
      }
    }
  }
  const chosen = await vscode.window.showQuickPick(picks, {
    title: list.title,
    placeHolder: "Go to a question's place",
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (chosen?.location) {
    const l = asLocation(chosen.location);
    await vscode.window.showTextDocument(l.uri, { selection: l.range });
  }
}

/** `orgplan.showReferences`: places shown as references are (a peek). */
async function showReferences(uri: string, position: LspPosition, locations: LspLocation[]): Promise<void> {
  await vscode.commands.executeCommand(
    "editor.action.showReferences",
    vscode.Uri.parse(uri),
    new vscode.Position(position.line, position.character),
    locations.map(asLocation),
  );
}

/** Replaces a range of a document with a snippet, at its first tab stop. */
async function insertSnippet(arg: SnippetArgument): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(arg.uri));
  const editor = await vscode.window.showTextDocument(doc);
  const { start, end } = arg.range;
  const range = new vscode.Range(start.line, start.character, end.line, end.character);
  await editor.insertSnippet(new vscode.SnippetString(arg.snippet), range);
}

/**
 * The output channel as the language client gets it. The client reports
 * every exit of the server as an error, even the normal one at the end of
 * a stop or restart ("Server process exited with code 0."), and so every
 * request the editor made while the server was being restarted: those
 * lines are logged as what they are, information. `restarting` says
 * whether a restart is under way.
 */
function quietExit(output: vscode.LogOutputChannel, restarting: () => boolean): vscode.LogOutputChannel {
  const normalExit = /^\[Error - [^\]]*\] Server process exited with code 0\.$/;
  const unanswered = /^\[Error - [^\]]*\] Request (\S+) failed\.$/;
  let detailOfUnanswered = false;
  return new Proxy(output, {
    get(target, prop, receiver) {
      if (prop === "appendLine") {
        return (line: string) => {
          const request = restarting() ? unanswered.exec(line) : null;
          if (normalExit.test(line)) {
            target.info("The server exited normally.");
          } else if (request) {
            target.info(`${request[1]} was not answered: the server was restarting.`);
            detailOfUnanswered = true;
            return;
          } else if (detailOfUnanswered && /^(Error: |\s+at )/.test(line)) {
            return;
          } else {
            target.appendLine(line);
          }
          detailOfUnanswered = false;
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The extension's state: one language client for the whole window. */
class Extension implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel("orgplan", { log: true });
  readonly traceOutput = vscode.window.createOutputChannel("orgplan Language Server Trace");
  readonly status = vscode.languages.createLanguageStatusItem("orgplan.server", { language: LANGUAGE_ID });
  client: LanguageClient | undefined;
  server: ServerBinary | undefined;
  /** A restart is under way (requests that fail meanwhile are expected). */
  restarting = false;

  constructor(readonly context: vscode.ExtensionContext) {
    this.status.name = "orgplan language server";
    this.setStatus("stopped");
  }

  setStatus(state: "starting" | "running" | "stopped" | "error", detail?: string): void {
    const s = this.status;
    s.severity = state === "error" ? vscode.LanguageStatusSeverity.Error : vscode.LanguageStatusSeverity.Information;
    s.busy = state === "starting";
    s.text = {
      starting: "orgplan: starting",
      running: "orgplan",
      stopped: "orgplan: stopped",
      error: "orgplan: no server",
    }[state];
    s.detail = detail ?? this.server?.path;
    s.command =
      state === "running"
        ? { title: "Restart", command: "orgplan.restartServer" }
        : { title: "Show Output", command: "orgplan.showOutput" };
    void vscode.commands.executeCommand("setContext", "orgplan.serverRunning", state === "running");
  }

  async start(): Promise<void> {
    if (this.client) {
      return;
    }
    try {
      this.server = findServer(this.context.extensionPath);
    } catch (e) {
      this.server = undefined;
      this.setStatus("error", e instanceof Error ? e.message : String(e));
      if (e instanceof ServerNotFoundError) {
        this.output.error(e.message);
        void vscode.window.showErrorMessage(e.message, "Open Settings", "Show Output").then((choice) => {
          if (choice === "Open Settings") {
            void vscode.commands.executeCommand("workbench.action.openSettings", "orgplan.server.path");
          } else if (choice === "Show Output") {
            this.output.show();
          }
        });
        return;
      }
      throw e;
    }
    this.output.info(`Starting ${this.server.path} lsp (found via ${this.server.source})`);
    this.setStatus("starting");

    const config = vscode.workspace.getConfiguration("orgplan");
    const extraEnv = config.get<Record<string, string> | null>("server.extraEnv") ?? {};
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const command = serverCommand(this.server.path, ["lsp"], folders);
    const run: Executable = {
      command: command.command,
      args: command.args,
      transport: TransportKind.stdio,
      options: { env: { ...process.env, ...extraEnv, ...command.env } },
    };
    const serverOptions: ServerOptions = { run, debug: run };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: "file", language: LANGUAGE_ID },
        { scheme: "untitled", language: LANGUAGE_ID },
        // The server completes, explains and checks orgplan.toml too.
        { scheme: "file", pattern: "**/orgplan.toml" },
      ],
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.orgplan,orgplan.toml}"),
      },
      initializationOptions: withoutNulls(settingsForServer()),
      outputChannel: quietExit(this.output, () => this.restarting),
      // Hovers link to *Explain Rule* (and nothing else may run from them).
      markdown: { isTrusted: { enabledCommands: ["orgplan.explainRule"] } },
      traceOutputChannel: this.traceOutput,
      middleware: {
        // A rule's name opens its text, as shipped (no address is made up).
        handleDiagnostics: (uri, diagnostics, next) => next(uri, withExplainLinks(diagnostics)),
        // VS Code shows a finding's message above the hover already: the
        // server's hover says it once more for other editors, not here.
        provideHover: async (document, position, token, next) => {
          const hover = await next(document, position, token);
          return hover ? withoutFindingMessages(hover, document, position) : hover;
        },
        workspace: {
          // The server reads section `orgplan` via workspace/configuration.
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            return Array.isArray(result) ? result.map(withoutNulls) : result;
          },
        },
      },
    };
    const client = new LanguageClient("orgplan", "orgplan Language Server", serverOptions, clientOptions);
    client.registerFeature(new ClientCommands());
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) {
        this.setStatus("running");
      } else if (e.newState === State.Stopped) {
        this.setStatus("stopped");
      }
    });
    this.client = client;
    try {
      await client.start();
      this.output.info(`Server running: ${client.initializeResult?.serverInfo?.name ?? "orgplan"} ${client.initializeResult?.serverInfo?.version ?? ""}`);
      if (config.get<boolean>("checkOnStartup")) {
        await vscode.commands.executeCommand("workbench.actions.view.problems");
      }
    } catch (e) {
      this.output.error(`The server failed to start: ${e instanceof Error ? e.message : String(e)}`);
      this.setStatus("error", "The server failed to start; see the output.");
    }
  }

  async stop(): Promise<void> {
    GraphPanel.current?.dispose();
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(5_000);
      } catch (e) {
        this.output.warn(`Stopping the server: ${e instanceof Error ? e.message : String(e)}`);
      }
      await client.dispose();
    }
    this.setStatus("stopped");
  }

  async restart(): Promise<void> {
    this.restarting = true;
    try {
      await this.stop();
      await this.start();
    } finally {
      // Requests sent to the old client may still fail a moment later.
      setTimeout(() => (this.restarting = false), 2_000);
    }
  }

  dispose(): void {
    void this.stop();
    this.status.dispose();
    this.traceOutput.dispose();
    this.output.dispose();
  }
}

/** The `orgplan` settings, as `workspace/configuration` answers them. */
function settingsForServer(): unknown {
  const c = vscode.workspace.getConfiguration("orgplan");
  return {
    rules: c.get("rules"),
    team: c.get("team"),
    docs: c.get("docs"),
    inlayHints: c.get("inlayHints"),
    codeLens: c.get("codeLens"),
  };
}

/** How the message of *Show Server Version* says where the binary is from. */
const SOURCE_NAMES: Record<ServerBinary["source"], string> = {
  bundled: "bundled with the extension",
  path: "from PATH",
  setting: "from orgplan.server.path",
};

function orgplanFindings(): Found {
  const found = { errors: 0, warnings: 0, infos: 0, hints: 0, files: 0 };
  for (const [, diagnostics] of vscode.languages.getDiagnostics()) {
    const ours = diagnostics.filter((d) => d.source === "orgplan");
    if (ours.length > 0) {
      found.files += 1;
    }
    for (const d of ours) {
      if (d.severity === vscode.DiagnosticSeverity.Error) {
        found.errors += 1;
      } else if (d.severity === vscode.DiagnosticSeverity.Warning) {
        found.warnings += 1;
      } else if (d.severity === vscode.DiagnosticSeverity.Information) {
        found.infos += 1;
      } else {
        found.hints += 1;
      }
    }
  }
  return found;
}

/** The findings once they stop changing (the server may still be loading). */
async function settledFindings(): Promise<Found> {
  let last = JSON.stringify(orgplanFindings());
  for (let waited = 0; waited < 5_000; waited += 250) {
    await new Promise((r) => setTimeout(r, 250));
    const now = JSON.stringify(orgplanFindings());
    if (now === last && waited >= 500) {
      break;
    }
    last = now;
  }
  return orgplanFindings();
}

let ext: Extension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const e = new Extension(context);
  ext = e;
  context.subscriptions.push(e);

  const explain = new ExplainProvider(() => e.server?.path);
  context.subscriptions.push(
    explain,
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, explain),
    vscode.languages.registerCodeActionsProvider(LANGUAGE_ID, new ExplainActions(), {
      providedCodeActionKinds: [ExplainActions.kind],
    }),

    vscode.commands.registerCommand("orgplan.restartServer", async () => {
      await e.restart();
      explain.refresh();
    }),
    vscode.commands.registerCommand("orgplan.stopServer", () => e.stop()),
    vscode.commands.registerCommand("orgplan.insertSnippet", insertSnippet),
    vscode.commands.registerCommand("orgplan.showChecklist", (arg?: ChecklistArgument) =>
      showChecklist(e.client, arg),
    ),
    vscode.commands.registerCommand("orgplan.showReferences", (uri: string, position: LspPosition, locations: LspLocation[]) =>
      showReferences(uri, position, locations),
    ),
    vscode.commands.registerCommand("orgplan.showOutput", () => e.output.show(true)),
    vscode.commands.registerCommand("orgplan.explainRule", async (arg: unknown) => {
      if (!e.server) {
        await e.start();
      }
      await explainRule(arg, e.server?.path);
    }),
    vscode.commands.registerCommand("orgplan.checkWorkspace", async () => {
      // The server checks every .orgplan file of the workspace, open or not,
      // as one model and publishes the findings of each: say what it found.
      await e.start();
      await vscode.commands.executeCommand("workbench.actions.view.problems");
      const found = await settledFindings();
      const plans = (await vscode.workspace.findFiles("**/*.orgplan", "**/node_modules/**")).length;
      void vscode.window.showInformationMessage(checkSummary(found, plans));
    }),
    vscode.commands.registerCommand("orgplan.showServerVersion", async () => {
      if (!e.server) {
        await e.start();
      }
      if (!e.server) {
        return;
      }
      try {
        const version = (await runServerCommand(e.server.path, ["--version"])).trim();
        e.output.info(`${version}: ${e.server.path} (found via ${e.server.source})`);
        const choice = await vscode.window.showInformationMessage(
          `${version} (${SOURCE_NAMES[e.server.source]})`,
          "Copy Path",
        );
        if (choice === "Copy Path") {
          await vscode.env.clipboard.writeText(e.server.path);
        }
      } catch (err) {
        void vscode.window.showErrorMessage(err instanceof Error ? err.message : String(err));
      }
    }),
    vscode.commands.registerCommand("orgplan.showGraph", async (resource?: vscode.Uri) => {
      await e.start();
      const active = vscode.window.activeTextEditor?.document;
      const document =
        resource instanceof vscode.Uri
          ? await vscode.workspace.openTextDocument(resource)
          : active?.languageId === LANGUAGE_ID
            ? active
            : undefined;
      GraphPanel.show(() => e.client, document);
    }),
    vscode.commands.registerCommand("orgplan.openSettings", () =>
      vscode.commands.executeCommand("workbench.action.openSettings", "@ext:orgplan.orgplan"),
    ),

    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("orgplan.server")) {
        const choice = await vscode.window.showInformationMessage(
          "The orgplan server settings changed. Restart the language server now?",
          "Restart",
        );
        if (choice === "Restart") {
          await e.restart();
        }
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      // A workspace-level server path may now be used.
      await e.restart();
    }),
  );

  await e.start();
}

export async function deactivate(): Promise<void> {
  await ext?.stop();
  ext = undefined;
}

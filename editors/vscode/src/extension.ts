import * as vscode from "vscode";
import type { Executable, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";
import { LanguageClient, State, TransportKind } from "vscode-languageclient/node";
import { withoutNulls } from "./config";
import { EXPLAIN_SCHEME, ExplainActions, ExplainProvider, explainRule } from "./explain";
import type { ServerBinary } from "./server";
import { ServerNotFoundError, findServer, runServerCommand } from "./server";

const LANGUAGE_ID = "orgplan";

/** The extension's state: one language client for the whole window. */
class Extension implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel("orgplan", { log: true });
  readonly traceOutput = vscode.window.createOutputChannel("orgplan Language Server Trace");
  readonly status = vscode.languages.createLanguageStatusItem("orgplan.server", { language: LANGUAGE_ID });
  client: LanguageClient | undefined;
  server: ServerBinary | undefined;

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
    const run: Executable = {
      command: this.server.path,
      args: ["lsp"],
      transport: TransportKind.stdio,
      options: { env: { ...process.env, ...extraEnv } },
    };
    const serverOptions: ServerOptions = { run, debug: run };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: "file", language: LANGUAGE_ID },
        { scheme: "untitled", language: LANGUAGE_ID },
      ],
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.orgplan,orgplan.toml}"),
      },
      initializationOptions: withoutNulls(settingsForServer()),
      outputChannel: this.output,
      traceOutputChannel: this.traceOutput,
      middleware: {
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
    await this.stop();
    await this.start();
  }

  dispose(): void {
    void this.stop();
    this.status.dispose();
    this.traceOutput.dispose();
    this.output.dispose();
  }
}

/** What of the `orgplan` settings the server cares about. */
function settingsForServer(): unknown {
  const c = vscode.workspace.getConfiguration("orgplan");
  return { rules: c.get("rules"), team: c.get("team") };
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
    vscode.commands.registerCommand("orgplan.showOutput", () => e.output.show(true)),
    vscode.commands.registerCommand("orgplan.explainRule", async (arg: unknown) => {
      if (!e.server) {
        await e.start();
      }
      await explainRule(arg, e.server?.path);
    }),
    vscode.commands.registerCommand("orgplan.checkWorkspace", async () => {
      // The server checks every .orgplan file of the workspace, open or not,
      // as one model and publishes the findings of each.
      await e.start();
      await vscode.commands.executeCommand("workbench.actions.view.problems");
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
        void vscode.window.showInformationMessage(`${version} (${e.server.path}, found via ${e.server.source})`);
      } catch (err) {
        void vscode.window.showErrorMessage(err instanceof Error ? err.message : String(err));
      }
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

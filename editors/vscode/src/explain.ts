import * as vscode from "vscode";
import type { RuleInfo } from "./config";
import { RULE_NAME, parseRuleJson } from "./config";
import { RULES } from "./rules.generated";
import { runServerCommand } from "./server";

/** Read-only documents `orgplan-explain:/RULE.md` holding `orgplan explain RULE`. */
export const EXPLAIN_SCHEME = "orgplan-explain";

export function explainUri(rule: string): vscode.Uri {
  return vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: `/${rule}.md` });
}

function ruleOf(uri: vscode.Uri): string {
  return uri.path.replace(/^\//, "").replace(/\.md$/, "");
}

/** The server's rules (`orgplan explain --format json`), or the built-in list. */
async function listRules(binary: string | undefined): Promise<readonly RuleInfo[]> {
  if (binary !== undefined) {
    try {
      const rules = parseRuleJson(await runServerCommand(binary, ["explain", "--format", "json"]));
      if (rules.length > 0) {
        return rules;
      }
    } catch {
      // An older server: fall back to the rules this extension knows.
    }
  }
  return RULES;
}

export class ExplainProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly binary: () => string | undefined) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const rule = ruleOf(uri);
    const binary = this.binary();
    if (binary === undefined) {
      return `# ${rule}\n\nThe orgplan language server is not available, so this rule cannot be explained. Run **orgplan: Show Output** for details.\n`;
    }
    try {
      return await runServerCommand(binary, ["explain", rule]);
    } catch (e) {
      return `# ${rule}\n\n${e instanceof Error ? e.message : String(e)}\n`;
    }
  }

  /** Asks VS Code to read the documents again (e.g. after a server change). */
  refresh(): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme === EXPLAIN_SCHEME) {
        this.changed.fire(doc.uri);
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The orgplan rules of the diagnostics under the cursor, nearest first. */
function rulesAtCursor(): string[] {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return [];
  }
  const pos = editor.selection.active;
  const out: string[] = [];
  for (const d of vscode.languages.getDiagnostics(editor.document.uri)) {
    const code = typeof d.code === "object" ? d.code.value : d.code;
    if (d.source === "orgplan" && typeof code === "string" && d.range.contains(pos) && !out.includes(code)) {
      out.push(code);
    }
  }
  return out;
}

/** Asks for a rule, offering those under the cursor first. */
async function pickRule(binary: string | undefined): Promise<string | undefined> {
  const here = rulesAtCursor();
  const rules = await listRules(binary);
  type Item = vscode.QuickPickItem & { rule?: string };
  const items: Item[] = [];
  if (here.length > 0) {
    items.push({ label: "At the cursor", kind: vscode.QuickPickItemKind.Separator });
    for (const r of here) {
      items.push({ label: r, rule: r, description: rules.find((x) => x.name === r)?.summary });
    }
    items.push({ label: "All rules", kind: vscode.QuickPickItemKind.Separator });
  }
  for (const r of rules) {
    if (!here.includes(r.name)) {
      items.push({ label: r.name, rule: r.name, description: r.severity, detail: r.summary });
    }
  }
  const pick = vscode.window.createQuickPick<Item>();
  pick.items = items;
  pick.placeholder = "Rule to explain (type a rule name)";
  pick.matchOnDescription = true;
  return new Promise((resolve) => {
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0]?.rule ?? pick.value.trim();
      resolve(chosen === "" ? undefined : chosen);
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
}

/**
 * `orgplan.explainRule [RULE]`: opens the rule's documentation, as printed by
 * `orgplan explain RULE`, in a Markdown preview of a read-only document.
 */
export async function explainRule(arg: unknown, binary: string | undefined): Promise<void> {
  let rule: string | undefined;
  if (typeof arg === "string") {
    rule = arg;
  } else if (arg !== null && typeof arg === "object" && "rule" in arg && typeof arg.rule === "string") {
    rule = arg.rule;
  } else {
    rule = await pickRule(binary);
  }
  if (rule === undefined) {
    return;
  }
  rule = rule.trim();
  if (!RULE_NAME.test(rule)) {
    void vscode.window.showErrorMessage(`"${rule}" is not a rule name: rule names are kebab-case, e.g. initiative-without-leader.`);
    return;
  }
  const uri = explainUri(rule);
  try {
    await vscode.commands.executeCommand("markdown.showPreview", uri, undefined, { locked: true });
  } catch {
    // Without the built-in Markdown extension: show the source, read-only.
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, "markdown");
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}

/**
 * Makes the rule name of each orgplan diagnostic a link to the rule's text
 * (`orgplan-explain:/RULE.md`, which this extension serves), unless the
 * server already links it to the organisation's published docs.
 */
export function withExplainLinks(diagnostics: vscode.Diagnostic[]): vscode.Diagnostic[] {
  for (const d of diagnostics) {
    const code = d.code;
    if (d.source === "orgplan" && (typeof code === "string" || typeof code === "number")) {
      const rule = String(code);
      if (RULE_NAME.test(rule)) {
        d.code = { value: rule, target: explainUri(rule) };
      }
    }
  }
  return diagnostics;
}

/** "Explain rule …" on every orgplan diagnostic, next to the server's quick fixes. */
export class ExplainActions implements vscode.CodeActionProvider {
  static readonly kind = vscode.CodeActionKind.Empty.append("orgplan").append("explain");

  provideCodeActions(
    _document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const seen = new Set<string>();
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      const code = typeof d.code === "object" ? d.code.value : d.code;
      if (d.source !== "orgplan" || typeof code !== "string" || seen.has(code)) {
        continue;
      }
      seen.add(code);
      const action = new vscode.CodeAction(`Explain rule '${code}'`, ExplainActions.kind);
      action.command = { title: action.title, command: "orgplan.explainRule", arguments: [code] };
      action.diagnostics = [d];
      actions.push(action);
    }
    return actions;
  }
}

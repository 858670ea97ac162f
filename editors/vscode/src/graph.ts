import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { byteOffset, utf16Offset } from "./offsets";

/** The answer of the server's `orgplan/graph` request (docs/graph.md). */
interface GraphResult {
  format: string;
  overview: boolean;
  version: number | null;
  nodes: number;
  svg?: string;
  css?: string;
}

/** Messages from the webview. */
type FromView = { type: "ready" } | { type: "open"; file: string; start: number } | { type: "overview"; value: boolean | null };

const LANGUAGE_ID = "orgplan";

function nonce(): string {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let s = "";
  for (let i = 0; i < 32; i++) {
    s += chars.charAt(Math.floor(Math.random() * chars.length));
  }
  return s;
}

/**
 * The org graph beside the editor: drawn by the server from its current
 * analysis (unsaved edits included), redrawn as the user types; a click on
 * a node opens its declaration; the node under the cursor is highlighted.
 */
export class GraphPanel implements vscode.Disposable {
  static current: GraphPanel | undefined;
  static readonly viewType = "orgplan.graph";

  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private asked = 0;
  private overview: boolean | null = null;

  static show(client: () => LanguageClient | undefined, document: vscode.TextDocument | undefined): void {
    if (GraphPanel.current) {
      if (document) {
        GraphPanel.current.document = document.uri;
      }
      GraphPanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
      GraphPanel.current.refresh();
      return;
    }
    GraphPanel.current = new GraphPanel(client, document?.uri);
  }

  private constructor(
    private readonly client: () => LanguageClient | undefined,
    private document: vscode.Uri | undefined,
  ) {
    this.panel = vscode.window.createWebviewPanel(
      GraphPanel.viewType,
      "Org Graph",
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [] },
    );
    this.panel.webview.html = page(nonce(), this.panel.webview.cspSource);
    this.disposables.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((m: FromView) => this.receive(m)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.languageId === LANGUAGE_ID && e.contentChanges.length > 0) {
          this.schedule();
        }
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.languageId === LANGUAGE_ID) {
          this.schedule();
        }
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor?.document.languageId === LANGUAGE_ID && editor.document.uri.toString() !== this.document?.toString()) {
          this.document = editor.document.uri;
          this.schedule();
        }
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor.document.languageId === LANGUAGE_ID) {
          this.postCursor(e.textEditor);
        }
      }),
    );
  }

  private receive(m: FromView): void {
    if (m.type === "ready") {
      this.refresh();
    } else if (m.type === "open") {
      void this.open(m.file, m.start);
    } else if (m.type === "overview") {
      this.overview = m.value;
      this.refresh();
    }
  }

  /** Redraws a little after the last keystroke. */
  private schedule(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh();
    }, 200);
  }

  refresh(): void {
    void this.draw();
  }

  private async draw(): Promise<void> {
    const client = this.client();
    const uri =
      this.document ??
      vscode.window.visibleTextEditors.find((e) => e.document.languageId === LANGUAGE_ID)?.document.uri ??
      vscode.workspace.textDocuments.find((d) => d.languageId === LANGUAGE_ID)?.uri;
    if (!client || !client.isRunning()) {
      void this.panel.webview.postMessage({ type: "error", message: "The orgplan language server is not running." });
      return;
    }
    if (!uri) {
      void this.panel.webview.postMessage({ type: "error", message: "Open an .orgplan file to see its org graph." });
      return;
    }
    this.document = uri;
    const asked = ++this.asked;
    try {
      const r = await client.sendRequest<GraphResult | null>("orgplan/graph", {
        textDocument: { uri: uri.toString() },
        format: "svg",
        embedStyle: false,
        overview: this.overview ?? undefined,
      });
      if (asked !== this.asked) {
        return; // A later picture is on its way.
      }
      if (!r?.svg) {
        void this.panel.webview.postMessage({ type: "error", message: "The server knows no plan for this file." });
        return;
      }
      void this.panel.webview.postMessage({ type: "graph", svg: r.svg, css: r.css ?? "", overview: r.overview, nodes: r.nodes });
      const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
      if (editor) {
        this.postCursor(editor);
      }
    } catch (e) {
      if (asked === this.asked) {
        void this.panel.webview.postMessage({ type: "error", message: e instanceof Error ? e.message : String(e) });
      }
    }
  }

  private postCursor(editor: vscode.TextEditor): void {
    const doc = editor.document;
    const offset = byteOffset(doc.getText(), doc.offsetAt(editor.selection.active));
    void this.panel.webview.postMessage({ type: "cursor", file: doc.uri.toString(), offset });
  }

  /** Opens `file` at byte `start` in the editor beside the picture. */
  private async open(file: string, start: number): Promise<void> {
    const uri = vscode.Uri.parse(file);
    const doc = await vscode.workspace.openTextDocument(uri);
    const pos = doc.positionAt(utf16Offset(doc.getText(), start));
    const column =
      vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString())?.viewColumn ??
      vscode.window.visibleTextEditors.find((e) => e.document.languageId === LANGUAGE_ID)?.viewColumn ??
      vscode.ViewColumn.One;
    await vscode.window.showTextDocument(doc, { viewColumn: column, selection: new vscode.Range(pos, pos) });
  }

  dispose(): void {
    GraphPanel.current = undefined;
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.panel.dispose();
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}

/**
 * The webview: the picture's colours follow the theme (the SVG's `--op-*`
 * properties set from VS Code's), pan and zoom, click to jump. A strict
 * Content Security Policy: no network, only this page's own script and
 * styles (by nonce).
 */
function page(n: string, cspSource: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${n}'; script-src 'nonce-${n}'; img-src ${cspSource} data:;">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Org Graph</title>
<style nonce="${n}">
html, body { height: 100%; margin: 0; padding: 0; overflow: hidden; }
body { background: var(--vscode-editor-background); color: var(--vscode-editor-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
#bar { display: flex; gap: 6px; align-items: center; padding: 4px 8px; border-bottom: 1px solid var(--vscode-panel-border, transparent); }
#bar button { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; padding: 1px 8px; cursor: pointer; font: inherit; }
#bar button:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
#status { color: var(--vscode-descriptionForeground); margin-left: auto; }
#view { position: absolute; top: 32px; left: 0; right: 0; bottom: 0; cursor: grab; touch-action: none; }
#view svg { width: 100%; height: 100%; display: block; }
#message { padding: 16px; color: var(--vscode-descriptionForeground); }
.orgplan-graph {
  --op-bg: var(--vscode-editor-background);
  --op-fg: var(--vscode-editor-foreground);
  --op-muted: var(--vscode-descriptionForeground);
  --op-node: var(--vscode-editorWidget-background);
  --op-leader: var(--vscode-editorWidget-background);
  --op-initiative: var(--vscode-editorWidget-background);
  --op-border: var(--vscode-editorWidget-border, var(--vscode-contrastBorder, #888));
  --op-edge: var(--vscode-editorLineNumber-foreground);
  --op-dep: var(--vscode-textLink-foreground);
  --op-error: var(--vscode-editorError-foreground);
  --op-error-bg: var(--vscode-inputValidation-errorBackground, transparent);
  --op-warning: var(--vscode-editorWarning-foreground);
  --op-warning-bg: var(--vscode-inputValidation-warningBackground, transparent);
  --op-focus: var(--vscode-focusBorder);
  --op-legend-bg: var(--vscode-editorWidget-background);
  --op-badge-fg: var(--vscode-editor-background);
}
body.vscode-high-contrast .orgplan-graph, body.vscode-high-contrast-light .orgplan-graph { --op-border: var(--vscode-contrastBorder); --op-edge: var(--vscode-contrastBorder); }
</style>
<style nonce="${n}" id="graph-style"></style>
</head>
<body>
<div id="bar">
<button type="button" id="fit" title="Fit the picture">Fit</button>
<button type="button" id="zoom-in" title="Zoom in" aria-label="Zoom in">+</button>
<button type="button" id="zoom-out" title="Zoom out" aria-label="Zoom out">−</button>
<button type="button" id="overview" title="Fold each initiative with its teams">Overview</button>
<span id="status"></span>
</div>
<div id="view"><p id="message">Drawing…</p></div>
<script nonce="${n}">
(function () {
  const vscode = acquireVsCodeApi();
  const view = document.getElementById('view');
  const status = document.getElementById('status');
  const style = document.getElementById('graph-style');
  let svg = null, home = null, vb = null, drag = null, dragged = false, cursor = null, overview = null;
  function apply() { if (svg) svg.setAttribute('viewBox', vb.x + ' ' + vb.y + ' ' + vb.w + ' ' + vb.h); }
  function zoom(k, px, py) {
    if (!svg) return;
    const nw = Math.min(Math.max(vb.w * k, home.w / 50), home.w * 4); k = nw / vb.w;
    vb.x += (vb.w - vb.w * k) * px; vb.y += (vb.h - vb.h * k) * py; vb.w *= k; vb.h *= k; apply();
  }
  function highlight() {
    if (!svg) return;
    svg.querySelectorAll('.nodes .node.selected').forEach(function (n) { n.classList.remove('selected'); });
    if (!cursor) return;
    svg.querySelectorAll('.nodes .node[data-file]').forEach(function (n) {
      if (n.getAttribute('data-file') === cursor.file && +n.getAttribute('data-block-start') <= cursor.offset && cursor.offset <= +n.getAttribute('data-block-end')) n.classList.add('selected');
    });
  }
  function show(msg) {
    style.textContent = msg.css;
    const keep = svg && vb ? { x: vb.x, y: vb.y, w: vb.w, h: vb.h } : null;
    const sameSize = svg && home;
    view.innerHTML = msg.svg;
    svg = view.querySelector('svg');
    const b = svg.viewBox.baseVal;
    const size = { x: b.x, y: b.y, w: b.width, h: b.height };
    // Keep the user's pan and zoom across redraws of the same picture.
    vb = keep && sameSize && Math.abs(home.w - size.w) < 1 && Math.abs(home.h - size.h) < 1 ? keep : size;
    home = size;
    svg.removeAttribute('width'); svg.removeAttribute('height'); apply();
    overview = msg.overview;
    status.textContent = msg.nodes + ' nodes' + (msg.overview ? ' · overview' : '');
    highlight();
  }
  window.addEventListener('message', function (e) {
    const msg = e.data;
    if (msg.type === 'graph') show(msg);
    else if (msg.type === 'cursor') { cursor = msg; highlight(); }
    else if (msg.type === 'error') { if (!svg) view.innerHTML = ''; status.textContent = msg.message; if (!svg) { const p = document.createElement('p'); p.id = 'message'; p.textContent = msg.message; view.appendChild(p); } }
  });
  view.addEventListener('wheel', function (e) {
    e.preventDefault(); if (!svg) return;
    const r = svg.getBoundingClientRect();
    zoom(e.deltaY < 0 ? 0.8 : 1.25, (e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
  }, { passive: false });
  view.addEventListener('pointerdown', function (e) { drag = { x: e.clientX, y: e.clientY, moved: false }; });
  view.addEventListener('pointermove', function (e) {
    if (!drag || !svg || (e.buttons & 1) === 0) return;
    const r = svg.getBoundingClientRect(); const s = Math.max(vb.w / r.width, vb.h / r.height);
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (!drag.moved) return;
    vb.x -= dx * s; vb.y -= dy * s; drag.x = e.clientX; drag.y = e.clientY; apply();
  });
  view.addEventListener('pointerup', function () { dragged = !!(drag && drag.moved); drag = null; });
  view.addEventListener('click', function (e) {
    const node = e.target.closest && e.target.closest('.nodes .node');
    if (!node || dragged) return;
    const file = node.getAttribute('data-file');
    if (file) vscode.postMessage({ type: 'open', file: file, start: +node.getAttribute('data-start') });
  });
  document.getElementById('fit').addEventListener('click', function () { if (svg) { vb = { x: home.x, y: home.y, w: home.w, h: home.h }; apply(); } });
  document.getElementById('zoom-in').addEventListener('click', function () { zoom(0.8, 0.5, 0.5); });
  document.getElementById('zoom-out').addEventListener('click', function () { zoom(1.25, 0.5, 0.5); });
  document.getElementById('overview').addEventListener('click', function () { vscode.postMessage({ type: 'overview', value: !overview }); });
  vscode.postMessage({ type: 'ready' });
})();
</script>
</body>
</html>`;
}

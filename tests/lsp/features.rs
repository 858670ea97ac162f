//! Every feature method, end to end, on a multi-file workspace.

use crate::harness::{cursor, redact, workspace, Client, Init};
use orgplan_test_client::ext;
use orgplan_test_client::lsp_types::notification::{
    DidChangeConfiguration, DidChangeTextDocument, ShowMessage,
};
use orgplan_test_client::lsp_types::request::{
    CodeActionRequest, CodeLensRequest, Completion, DocumentHighlightRequest,
    DocumentSymbolRequest, FoldingRangeRequest, Formatting, GotoDeclaration, GotoDefinition,
    HoverRequest, InlayHintRequest, OnTypeFormatting, PrepareRenameRequest, RangeFormatting,
    References, Rename, Request, SemanticTokensFullRequest, SemanticTokensRangeRequest,
    WorkspaceSymbolRequest,
};
use orgplan_test_client::lsp_types::request::{CodeLensRefresh, InlayHintRefreshRequest};
use serde_json::{json, Value};

const PEOPLE: &str = r#"leader jane "Jane Doe" {
  title: "Director, Fulfilment"
}

leader raj "Raj Patel" {
  title: "VP Engineering"
  allocation: 50%
}

leader ann "Ann Lee" { }
"#;

const RETAIL: &str = r#"# Retail division
initiative fba "Fulfilment by Amazon" {
  leader: jane
  model: ownership
  scope: "Inbound logistics"
  metrics: "Units received per day"
  teams: inbound, billing
}

team inbound "FBA Inbound" {
  reports_to: jane
  roles: engineering, qa, design, product
  depends_on payments {
    owner: inbound
    plan: "Adopt the settlement events API"
  }
}

team billing "FBA Billing" {
  reports_to: raj
  roles: engineering
}
"#;

const PAYMENTS: &str = r#"initiative pay "Payments" {
  leader: raj
  model: leadership
  scope: "Settlement"
  metrics: "Settled per hour"
  teams: payments
}

team payments "Payments" {
  reports_to: raj
  roles: engineering, qa, design, product
}
"#;

struct Env {
    dir: tempfile::TempDir,
    c: Client,
}

impl Env {
    fn new() -> Env {
        Env::with(Init::default())
    }

    fn with(init: Init) -> Env {
        let dir = workspace(&[
            ("people.orgplan", PEOPLE),
            ("retail.orgplan", RETAIL),
            ("payments.orgplan", PAYMENTS),
        ]);
        let mut c = Client::spawn(Init {
            root: Some(dir.path().to_path_buf()),
            ..init
        });
        let retail = c.uri("retail.orgplan");
        c.wait_diagnostics(&retail, |_| true);
        Env { dir, c }
    }

    fn open(&mut self, rel: &str, text: &str) -> String {
        let uri = self.c.uri(rel);
        self.c.open(&uri, text);
        uri
    }

    /// Opens `rel` with `text` (a `$0` marks the cursor) and sends the
    /// request `R` with the document and the position.
    fn at<R: Request>(&mut self, rel: &str, text: &str, extra: Value) -> Value {
        let (text, pos) = cursor(text);
        let uri = self.open(rel, &text);
        let mut params = json!({ "textDocument": { "uri": uri }, "position": pos });
        if let (Some(p), Some(e)) = (params.as_object_mut(), extra.as_object()) {
            p.extend(e.clone());
        }
        let r = self.c.request_as::<R>(params);
        self.redact(&r.unwrap_or_else(|e| json!({ "error": e })))
    }

    fn request<R: Request>(&mut self, params: Value) -> Value {
        let r = self.c.request_as::<R>(params);
        self.redact(&r.unwrap_or_else(|e| json!({ "error": e })))
    }

    fn redact(&self, v: &Value) -> Value {
        redact(v, self.dir.path())
    }

    fn done(self) {
        assert_eq!(self.c.shutdown(), 0);
    }
}

fn mark(text: &str, after: &str) -> String {
    let at = text
        .find(after)
        .unwrap_or_else(|| panic!("{after:?} not in the text"))
        + after.len();
    format!("{}$0{}", &text[..at], &text[at..])
}

#[test]
fn hover_on_findings_entities_keys_values_and_initiatives() {
    let mut e = Env::new();
    let mut out = Vec::new();
    for (file, text, after) in [
        ("retail.orgplan", RETAIL, "team billing"),
        ("retail.orgplan", RETAIL, "leader: ja"),
        ("people.orgplan", PEOPLE, "leader ra"),
        ("retail.orgplan", RETAIL, "depends_on paym"),
        ("retail.orgplan", RETAIL, "  mod"),
        ("payments.orgplan", PAYMENTS, "model: lead"),
        ("retail.orgplan", RETAIL, "initiative fb"),
    ] {
        let h = e.at::<HoverRequest>(file, &mark(text, after), json!({}));
        out.push(json!({ "at": after, "hover": h }));
    }
    insta::assert_yaml_snapshot!(out);
    e.done();
}

#[test]
fn completion_of_leaders_teams_keys_and_values() {
    let mut e = Env::new();
    let mut out = Vec::new();
    let cases = [
        ("new.orgplan", "initiative x \"X\" {\n  leader: $0\n}\n"),
        ("new.orgplan", "initiative x \"X\" {\n  leader:a$0"),
        (
            "new.orgplan",
            "initiative x \"X\" {\n  teams: billing, $0\n}\n",
        ),
        ("new.orgplan", "team t \"T\" {\n  roles: qa\n  $0\n}\n"),
        ("new.orgplan", "team t \"T\" {\n  depends_on $0\n}\n"),
        ("new.orgplan", "initiative x \"X\" { model: $0 }\n"),
        ("new.orgplan", "$0"),
    ];
    for (file, text) in cases {
        let r = e.at::<Completion>(file, text, json!({ "context": { "triggerKind": 1 } }));
        let items: Vec<Value> = r["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                json!({
                    "label": i["label"], "kind": i["kind"], "sortText": i["sortText"],
                    "description": i["labelDetails"]["description"], "textEdit": i["textEdit"],
                    "snippet": i["insertTextFormat"] == 2
                })
            })
            .collect();
        out.push(json!({ "text": text, "items": items }));
    }
    insta::assert_yaml_snapshot!(out);
    e.done();
}

#[test]
fn definition_declaration_references_and_highlights_across_files() {
    let mut e = Env::new();
    let text = mark(RETAIL, "reports_to: ra");
    let def = e.at::<GotoDefinition>("retail.orgplan", &text, json!({}));
    let decl = e.at::<GotoDeclaration>("retail.orgplan", &text, json!({}));
    assert_eq!(def, decl);
    let refs = e.at::<References>(
        "retail.orgplan",
        &text,
        json!({ "context": { "includeDeclaration": true } }),
    );
    let refs_only = e.at::<References>(
        "retail.orgplan",
        &text,
        json!({ "context": { "includeDeclaration": false } }),
    );
    assert_eq!(
        refs.as_array().unwrap().len(),
        refs_only.as_array().unwrap().len() + 1
    );
    let hl =
        e.at::<DocumentHighlightRequest>("people.orgplan", &mark(PEOPLE, "leader ja"), json!({}));
    let hl_retail = e.at::<DocumentHighlightRequest>(
        "retail.orgplan",
        &mark(RETAIL, "reports_to: ja"),
        json!({}),
    );
    insta::assert_yaml_snapshot!(
        json!({ "definition": def, "references": refs, "highlight_people": hl, "highlight_retail": hl_retail })
    );
    e.done();
}

#[test]
fn rename_across_files_and_refusals() {
    let mut e = Env::new();
    let text = mark(RETAIL, "reports_to: ra");
    let prep = e.at::<PrepareRenameRequest>("retail.orgplan", &text, json!({}));
    let edit = e.at::<Rename>("retail.orgplan", &text, json!({ "newName": "rajesh" }));
    let mut refusals = Vec::new();
    for bad in ["2fast", "has space", "true", "jane", "inbound"] {
        let r = e.at::<Rename>("retail.orgplan", &text, json!({ "newName": bad }));
        refusals.push(json!({ "newName": bad, "error": r["error"] }));
    }
    let on_key = e.at::<PrepareRenameRequest>("retail.orgplan", &mark(RETAIL, "repor"), json!({}));
    let mut edit = edit;
    // Stable order for the snapshot.
    if let Some(changes) = edit["changes"].as_object_mut() {
        let sorted: serde_json::Map<String, Value> = {
            let mut v: Vec<_> = changes.clone().into_iter().collect();
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v.into_iter().collect()
        };
        *changes = sorted;
    }
    insta::assert_yaml_snapshot!(
        json!({ "prepare": prep, "edit": edit, "refusals": refusals, "on_key": on_key })
    );
    e.done();
}

#[test]
fn document_and_workspace_symbols() {
    let mut e = Env::new();
    let uri = e.open("retail.orgplan", RETAIL);
    let doc = e.request::<DocumentSymbolRequest>(json!({ "textDocument": { "uri": uri } }));
    let mut ws = e.request::<WorkspaceSymbolRequest>(json!({ "query": "pay" }));
    let names: Vec<&str> = ws
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names[..2],
        ["pay \"Payments\"", "payments \"Payments\""],
        "{names:?}"
    );
    ws.as_array_mut().unwrap().truncate(2);
    insta::assert_yaml_snapshot!(json!({ "document": doc, "workspace": ws }));
    e.done();
}

/// Decodes semantic tokens into readable tuples.
fn decode(data: &Value, legend: &Value, text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = Vec::new();
    let (mut line, mut col) = (0u64, 0u64);
    for t in data.as_array().unwrap().chunks(5) {
        let (dl, ds, len, ty, m) = (
            t[0].as_u64().unwrap(),
            t[1].as_u64().unwrap(),
            t[2].as_u64().unwrap(),
            t[3].as_u64().unwrap(),
            t[4].as_u64().unwrap(),
        );
        line += dl;
        col = if dl == 0 { col + ds } else { ds };
        let l: Vec<u16> = lines[line as usize].encode_utf16().collect();
        let word = String::from_utf16_lossy(&l[col as usize..(col + len) as usize]);
        let ty = legend["tokenTypes"][ty as usize].as_str().unwrap();
        out.push(format!(
            "{line}:{col} {ty}{} {word}",
            if m == 1 { "+declaration" } else { "" }
        ));
    }
    out
}

#[test]
fn semantic_tokens_full_and_range() {
    let mut e = Env::new();
    let legend = e.c.initialize_result["capabilities"]["semanticTokensProvider"]["legend"].clone();
    let uri = e.open("retail.orgplan", RETAIL);
    let full = e.request::<SemanticTokensFullRequest>(json!({ "textDocument": { "uri": uri } }));
    let range = e.request::<SemanticTokensRangeRequest>(json!({ "textDocument": { "uri": uri }, "range": { "start": { "line": 10, "character": 0 }, "end": { "line": 12, "character": 0 } } }),
    );
    insta::assert_yaml_snapshot!(json!({
        "legend": legend,
        "full": decode(&full["data"], &legend, RETAIL),
        "range": decode(&range["data"], &legend, RETAIL),
    }));
    e.done();
}

#[test]
fn formatting_returns_edits_that_produce_the_canonical_layout() {
    let mut e = Env::new();
    let messy = "leader  jane \"Jane Doe\"{title:\"Director, Fulfilment\"}\n";
    let uri = e.open("people.orgplan", messy);
    let edits = e.request::<Formatting>(json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }));
    assert!(!edits.as_array().unwrap().is_empty());
    let text = apply(messy, &edits);
    assert_eq!(text, orgplan_analysis::format::format(messy));
    // Already formatted: no edits.
    e.c.notify_as::<DidChangeTextDocument>(json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": text }] }),
    );
    let again = e.request::<Formatting>(json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }));
    assert_eq!(again, json!([]));
    e.done();
}

#[test]
fn formatting_many_blocks_gives_edits_that_produce_the_canonical_layout() {
    // Few blocks out of their layout get an edit each; many, one edit
    // (written as JSON text by the server: what it escapes is here too).
    for messy_blocks in [3, 100] {
        let mut e = Env::new();
        let messy: String = (0..300)
            .map(|i| {
                if i % (300 / messy_blocks) == 0 && i / (300 / messy_blocks) < messy_blocks {
                    format!("team  t{i} \"T \\\"q\\\" \\\\\"{{ roles:qa,  sre }}  # a\ttab\n\n")
                } else {
                    format!("team t{i} \"T\" {{\n  roles: qa, sre\n}}\n\n")
                }
            })
            .collect();
        let messy = messy.trim_end().to_string() + "\n";
        let uri = e.open("teams.orgplan", &messy);
        let edits = e.request::<Formatting>(json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }));
        let n = edits.as_array().unwrap().len();
        assert!(
            if messy_blocks > 64 {
                n == 1
            } else {
                n == messy_blocks
            },
            "{n} edits for {messy_blocks} blocks"
        );
        assert_eq!(
            apply(&messy, &edits),
            orgplan_analysis::format::format(&messy)
        );
        e.done();
    }
}

#[test]
fn results_of_megabytes_arrive_whole_and_in_order() {
    // Past a mebibyte, the server hands a result's text to its output as
    // it is, after the frame's header (not copied into one buffer with
    // it): a plan's whole formatting and its semantic tokens arrive whole,
    // each where its header says, and what follows still parses. In
    // process (in-memory pipes) and through the binary's standard output.
    let messy: String = (0..30_000)
        .map(|i| format!("team  t{i} \"T {i}\"{{ roles:qa,  sre }}\n"))
        .collect();
    for process in [false, true] {
        megabytes_arrive_whole(process, &messy);
    }
}

fn megabytes_arrive_whole(process: bool, messy: &str) {
    let mut e = Env::with(Init {
        process,
        ..Init::default()
    });
    let uri = e.open("big.orgplan", messy);
    let edits = e.request::<Formatting>(json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }));
    let formatted = apply(messy, &edits);
    assert!(formatted.len() > 1 << 20);
    assert_eq!(formatted, orgplan_analysis::format::format(messy));
    let full = e.request::<SemanticTokensFullRequest>(json!({ "textDocument": { "uri": uri } }));
    assert!(full["data"].to_string().len() > 1 << 20);
    let lines = messy.lines().count();
    let range = e.request::<SemanticTokensRangeRequest>(json!({ "textDocument": { "uri": uri }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": lines, "character": 0 } } }),
    );
    assert_eq!(full["data"], range["data"]);
    e.done();
}

/// Applies LSP text edits to an ASCII text (UTF-16 columns are bytes).
fn apply(text: &str, edits: &Value) -> String {
    let mut text = text.to_string();
    for ed in edits.as_array().unwrap().iter().rev() {
        let off = |p: &Value| -> usize {
            let line = p["line"].as_u64().unwrap() as usize;
            let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
            start + p["character"].as_u64().unwrap() as usize
        };
        let (s, en) = (off(&ed["range"]["start"]), off(&ed["range"]["end"]));
        text.replace_range(s..en, ed["newText"].as_str().unwrap());
    }
    text
}

#[test]
fn on_type_formatting_of_a_closing_brace_lays_out_the_block_it_closes() {
    let mut e = Env::new();
    assert_eq!(
        e.c.initialize_result["capabilities"]["documentOnTypeFormattingProvider"],
        json!({ "firstTriggerCharacter": "}" })
    );
    let typed = "leader  jane \"Jane\"{\ntitle:\"Director\"}\n\nteam  t \"T\"{ roles:qa,  sre }\nteam broken \"B\" {\n  depends_on payments {owner: t}\n";
    let uri = e.open("people.orgplan", typed);
    let options = json!({ "tabSize": 4, "insertSpaces": false });
    let at = |line: u32, character: u32| {
        json!({ "textDocument": { "uri": uri }, "options": options, "ch": "}",
                "position": { "line": line, "character": character } })
    };
    // After jane's `}`, after team t's, after the `}` of a block that is
    // inside one still open (the file ends unclosed: nothing), and after a
    // character that is not a brace (nothing).
    let mut results = Vec::new();
    for (line, character) in [(1, 17), (3, 29), (5, 32), (1, 10)] {
        let edits = e.request::<OnTypeFormatting>(at(line, character));
        results.push(json!({
            "after": format!("{}:{}", line, character),
            "text": if edits.as_array().is_some_and(|a| !a.is_empty()) { apply(typed, &edits) } else { format!("no edits: {edits}") },
        }));
    }
    insta::assert_yaml_snapshot!(results);
    // Silence, not a message, when the block does not parse.
    assert!(e
        .c
        .notifications
        .iter()
        .all(|n| !orgplan_test_client::is::<ShowMessage>(n)));
    e.done();
}

#[test]
fn range_formatting_formats_the_blocks_it_touches_and_says_why_not() {
    let mut e = Env::new();
    let messy = "leader  jane \"Jane Doe\"{title:\"Director\"}\n\nleader   raj \"Raj\"{\ntitle:\"VP\"}\nteam broken \"B\" {\n  roles: qa,\n";
    let uri = e.open("people.orgplan", messy);
    let options = json!({ "tabSize": 2, "insertSpaces": true });
    // Line 3 (`title:"VP"`) is inside raj's block: raj alone is formatted,
    // although the team after it does not parse.
    let edits = e.request::<RangeFormatting>(json!({ "textDocument": { "uri": uri }, "options": options,
                "range": { "start": { "line": 3, "character": 0 }, "end": { "line": 3, "character": 5 } } }),
    );
    assert_eq!(
        apply(messy, &edits),
        "leader  jane \"Jane Doe\"{title:\"Director\"}\n\nleader raj \"Raj\" {\n  title: \"VP\"\n}\nteam broken \"B\" {\n  roles: qa,\n"
    );
    assert!(e
        .c
        .notifications
        .iter()
        .all(|n| !orgplan_test_client::is::<ShowMessage>(n)));
    // The whole file, or the broken block: nothing, and the user is told why.
    for range in [
        Value::Null,
        json!({ "start": { "line": 5, "character": 0 }, "end": { "line": 5, "character": 3 } }),
    ] {
        let mut params = json!({ "textDocument": { "uri": uri }, "options": options });
        let before = e.c.notifications.len();
        let (edits, method) = if range.is_null() {
            (e.request::<Formatting>(params), Formatting::METHOD)
        } else {
            params["range"] = range;
            (
                e.request::<RangeFormatting>(params),
                RangeFormatting::METHOD,
            )
        };
        assert_eq!(edits, json!([]), "{method}");
        e.c.wait_until("a message saying why", |n| {
            n[before..]
                .iter()
                .any(orgplan_test_client::is::<ShowMessage>)
        });
        let shown = e.c.notifications[before..]
            .iter()
            .find(|n| orgplan_test_client::is::<ShowMessage>(n))
            .unwrap();
        assert_eq!(shown["params"]["type"], 2, "a warning");
        let message = shown["params"]["message"].as_str().unwrap();
        assert!(
            message.starts_with("orgplan: not formatted: line 6 does not parse"),
            "{message}"
        );
    }
    e.done();
}

#[test]
fn orgplan_toml_completion_hover_and_did_you_mean_fixes() {
    let mut e = Env::new();
    let text = "[rules]\nmissing-scop = \"off\"\norphan-team = \"hint\"\n\n";
    let uri = e.open("orgplan.toml", text);
    let diags =
        e.c.wait_diagnostics(&uri, |p| !p["diagnostics"].as_array().unwrap().is_empty());
    let messages: Vec<&str> = diags["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        ["unknown rule `missing-scop` — did you mean `missing-scope`?"]
    );
    let position = |line: u32, character: u32| json!({ "line": line, "character": character });
    let fix = e.request::<CodeActionRequest>(json!({
        "textDocument": { "uri": uri },
        "range": { "start": position(1, 3), "end": position(1, 3) },
        "context": { "diagnostics": [] }
    }));
    let completion = e.request::<Completion>(
        json!({ "textDocument": { "uri": uri }, "position": position(4, 0) }),
    );
    let labels: Vec<&str> = completion["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"missing-metrics") && !labels.contains(&"orphan-team"),
        "{labels:?}"
    );
    let levels = e.request::<Completion>(
        json!({ "textDocument": { "uri": uri }, "position": position(2, 14) }),
    );
    let hover = e.request::<HoverRequest>(
        json!({ "textDocument": { "uri": uri }, "position": position(2, 3) }),
    );
    let before = e.c.notifications.len();
    let format = e.request::<Formatting>(json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(
        format,
        Value::Null,
        "orgplan.toml is left to TOML formatters"
    );
    assert!(e.c.notifications[before..]
        .iter()
        .all(|n| !orgplan_test_client::is::<ShowMessage>(n)));
    let level_labels: Vec<&str> = levels["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    insta::assert_yaml_snapshot!(json!({
        "fix": fix[0]["title"],
        "fix edit": fix[0]["edit"],
        "levels after orphan-team =": level_labels,
        "hover on orphan-team": hover["contents"]["value"],
    }));
    e.done();
}

#[test]
fn code_actions_are_the_findings_quick_fixes() {
    let mut e = Env::new();
    let text = "initiative x \"X\" {\n  leader: jnae\n  teams: inbound\n}\n";
    let uri = e.open("new.orgplan", text);
    let r = e.request::<CodeActionRequest>(json!({
        "textDocument": { "uri": uri },
        "range": { "start": { "line": 1, "character": 11 }, "end": { "line": 1, "character": 11 } },
        "context": { "diagnostics": [] }
    }));
    insta::assert_yaml_snapshot!(r);
    e.done();
}

#[test]
fn folding_inlay_hints_and_code_lens() {
    let mut e = Env::new();
    let uri = e.open("retail.orgplan", RETAIL);
    let folds = e.request::<FoldingRangeRequest>(json!({ "textDocument": { "uri": uri } }));
    let hints = e.request::<InlayHintRequest>(json!({ "textDocument": { "uri": uri }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 30, "character": 0 } } }),
    );
    let lens = e.request::<CodeLensRequest>(json!({ "textDocument": { "uri": uri } }));
    // What the checklist lens's command asks for where the lens stands
    // (its uri as the test sees it, the workspace redacted, is `uri`).
    let at = lens
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["command"]["command"] == "orgplan.showChecklist")
        .map(|l| l["command"]["arguments"][0].clone())
        .expect("a checklist lens");
    let checklist = e.request::<ext::Checklist>(
        json!({ "textDocument": { "uri": uri }, "position": at["position"] }),
    );
    insta::assert_yaml_snapshot!(
        json!({ "folding": folds, "inlayHints": hints, "codeLens": lens, "checklist": checklist })
    );
    e.done();
}

/// `orgplan/checklist` answers for any place in an initiative's block, and
/// `null` outside every initiative (a team's block, a blank line, past the
/// end of the text).
#[test]
fn the_checklist_of_the_initiative_at_a_place() {
    let mut e = Env::new();
    let uri = e.open("retail.orgplan", RETAIL);
    let mut ask = |line: usize, character: usize| {
        e.request::<ext::Checklist>(json!({
            "textDocument": { "uri": uri },
            "position": { "line": line, "character": character },
        }))
    };
    let on_name = ask(1, 12);
    assert_eq!(on_name["initiative"], "fba", "{on_name}");
    assert_eq!(on_name["position"], json!({ "line": 1, "character": 11 }));
    for (line, character) in [(1, 0), (2, 4), (1, 14), (6, 1), (7, 1)] {
        assert_eq!(ask(line, character), on_name, "at {line}:{character}");
    }
    assert_eq!(ask(9, 6), Value::Null, "in a team's block");
    assert_eq!(ask(8, 0), Value::Null, "on a blank line");
    assert_eq!(ask(400, 0), Value::Null, "past the end");
    e.done();
}

/// `inlayHints.enable` and `codeLens.enable` switch the features off, from
/// `initializationOptions` or the settings; a change asks the client to
/// fetch them again.
#[test]
fn settings_switch_inlay_hints_and_code_lenses_off_and_on() {
    let off = json!({ "inlayHints": { "enable": false }, "codeLens": { "enable": false } });
    let mut e = Env::with(Init {
        init_options: off.clone(),
        settings: off,
        ..Init::default()
    });
    let uri = e.open("retail.orgplan", RETAIL);
    let hints_params = json!({ "textDocument": { "uri": uri }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 30, "character": 0 } } });
    let lens_params = json!({ "textDocument": { "uri": uri } });
    assert_eq!(
        e.request::<InlayHintRequest>(hints_params.clone()),
        json!([])
    );
    assert_eq!(e.request::<CodeLensRequest>(lens_params.clone()), json!([]));

    *e.c.settings.lock().unwrap() = json!({});
    e.c.notify_as::<DidChangeConfiguration>(json!({ "settings": null }));
    let refreshed = |c: &Client, m: &str| c.server_requests.iter().any(|r| r["method"] == m);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !(refreshed(&e.c, InlayHintRefreshRequest::METHOD)
        && refreshed(&e.c, CodeLensRefresh::METHOD))
    {
        assert!(std::time::Instant::now() < deadline, "no refresh requests");
        e.c.drain(std::time::Duration::from_millis(50));
    }
    let hints = e.request::<InlayHintRequest>(hints_params);
    assert!(
        hints
            .to_string()
            .contains("1/4 roles · no qa, design, product"),
        "{hints}"
    );
    let lens = e.request::<CodeLensRequest>(lens_params);
    assert_ne!(lens, json!([]));
    e.done();
}

#[test]
fn positions_in_utf8_and_utf16_around_wide_characters() {
    for enc in ["utf-8", "utf-16"] {
        let mut e = Env::with(Init {
            encodings: vec![enc],
            ..Init::default()
        });
        // "😀" is 4 bytes, 2 UTF-16 units: the reference after it must still resolve.
        let text = "initiative wide \"😀 Ünïcode\" { leader: jane teams: inbound }\n";
        let (line_text, pos) = cursor(&text.replace("leader: ja", "leader: ja$0"));
        let uri = e.open("wide.orgplan", &line_text);
        let def =
            e.request::<GotoDefinition>(json!({ "textDocument": { "uri": uri }, "position": pos }));
        if enc == "utf-16" {
            // The harness's cursor counts UTF-16 units.
            assert!(def.as_array().is_some_and(|a| a.len() == 1), "{enc}: {def}");
        }
        let col = line_text.find("jane").unwrap();
        let character = if enc == "utf-8" {
            col
        } else {
            line_text[..col].encode_utf16().count()
        };
        let hl = e.request::<DocumentHighlightRequest>(json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": character } }),
        );
        let hl = hl.as_array().unwrap();
        assert_eq!(hl.len(), 1, "{enc}: {hl:?}");
        assert_eq!(hl[0]["range"]["start"]["character"], character, "{enc}");
        assert_eq!(hl[0]["range"]["end"]["character"], character + 4, "{enc}");
        e.done();
    }
}

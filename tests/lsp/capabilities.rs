//! Every row of the table of what the server does differently by client
//! (`ClientSupport` in `server/orgplan-lsp/src/capabilities.rs`): each
//! tested with the capability and without it.

use crate::harness::{workspace, Client, Init};
use orgplan_test_client::lsp_types::notification::{
    DidChangeConfiguration, DidChangeWatchedFiles, Notification, Progress,
};
use orgplan_test_client::lsp_types::request::{
    ApplyWorkspaceEdit, CodeLensRefresh, InlayHintRefreshRequest, Request, WorkspaceConfiguration,
};
use orgplan_test_client::lsp_types::request::{
    CodeActionRequest, CodeLensRequest, Completion, DocumentSymbolRequest, ExecuteCommand,
    HoverRequest,
};
use orgplan_test_client::lsp_types::request::{RegisterCapability, WorkDoneProgressCreate};
use serde_json::{json, Value};
use std::time::Duration;

const PLAN: &str = "leader jane \"Jane Doe\" {\n  title: \"Director\"\n}\n\ninitiative fba \"Fulfilment\" {\n  leader: jnae\n  model: ownership\n  scope: \"Inbound\"\n  metrics: \"Units\"\n  teams: inbound\n}\n\nteam inbound \"Inbound\" {\n  reports_to: jane\n  roles: engineering, qa, design, product\n  depends_on billing {\n    owner: inbound\n    plan: \"Settle\"\n  }\n}\n\nteam billing \"Billing\" {\n  reports_to: jane\n  roles: engineering, qa, design, product\n}\n";

/// A session over a one-plan workspace whose capabilities are the
/// harness's full set changed by `caps`, once its diagnostics are in.
fn session(caps: Vec<(&'static str, Value)>) -> (tempfile::TempDir, Client, String) {
    let dir = workspace(&[("plan.orgplan", PLAN)]);
    let mut c = Client::spawn(Init {
        root: Some(dir.path().to_path_buf()),
        caps,
        ..Init::default()
    });
    let uri = c.uri("plan.orgplan");
    c.wait_diagnostics(&uri, |_| true);
    c.open(&uri, PLAN);
    (dir, c, uri)
}

/// Runs `probe` on a session with the full capabilities and on one with
/// `pointer` taken away.
fn with_and_without<T>(pointer: &'static str, probe: impl Fn(&mut Client, &str) -> T) -> (T, T) {
    let run = |caps| {
        let (_dir, mut c, uri) = session(caps);
        let r = probe(&mut c, &uri);
        assert_eq!(c.shutdown(), 0);
        r
    };
    (run(Vec::new()), run(vec![(pointer, Value::Null)]))
}

fn position(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

#[test]
fn position_encoding() {
    let (with, without) = with_and_without("/general/positionEncodings", |c, _| {
        c.initialize_result["capabilities"]["positionEncoding"].clone()
    });
    assert_eq!(with, "utf-16", "the harness offers only utf-16");
    assert_eq!(without, "utf-16", "the protocol's default");
    let dir = workspace(&[]);
    let c = Client::spawn(Init {
        root: Some(dir.path().to_path_buf()),
        encodings: vec!["utf-8", "utf-16"],
        ..Init::default()
    });
    assert_eq!(
        c.initialize_result["capabilities"]["positionEncoding"],
        "utf-8"
    );
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn hover_markdown_or_plain_text() {
    let (with, without) = with_and_without("/textDocument/hover/contentFormat", |c, uri| {
        c.request_as::<HoverRequest>(
            json!({ "textDocument": { "uri": uri }, "position": position(13, 15) }),
        )
        .unwrap()["contents"]
            .clone()
    });
    assert_eq!(with["kind"], "markdown", "{with}");
    assert!(with["value"].as_str().unwrap().contains("**"), "{with}");
    assert_eq!(without["kind"], "plaintext", "{without}");
    let plain = without["value"].as_str().unwrap();
    assert!(
        plain.contains("leader jane — Jane Doe") && !plain.contains('`') && !plain.contains("**"),
        "{plain}"
    );
}

/// The completion items offered on an empty line of an initiative's block.
fn key_completions(c: &mut Client, _: &str) -> Vec<Value> {
    let uri = c.uri("keys.orgplan");
    c.open(&uri, "initiative x \"X\" {\n  \n}\n");
    let r = c.request_as::<Completion>(json!({ "textDocument": { "uri": uri }, "position": position(1, 2), "context": { "triggerKind": 1 } }),
        )
        .unwrap();
    r["items"].as_array().unwrap().clone()
}

#[test]
fn completion_documentation_markdown_or_plain_text() {
    let (with, without) = with_and_without(
        "/textDocument/completion/completionItem/documentationFormat",
        |c, uri| {
            key_completions(c, uri)
                .into_iter()
                .filter_map(|i| i.get("documentation").cloned())
                .collect::<Vec<_>>()
        },
    );
    assert!(!with.is_empty());
    assert!(with.iter().all(|d| d["kind"] == "markdown"), "{with:?}");
    assert!(
        with.iter()
            .any(|d| d["value"].as_str().unwrap().contains('`')),
        "{with:?}"
    );
    assert_eq!(with.len(), without.len());
    for d in &without {
        assert_eq!(d["kind"], "plaintext", "{d}");
        let v = d["value"].as_str().unwrap();
        assert!(!v.contains('`') && !v.contains("**"), "{v}");
    }
}

#[test]
fn completion_snippets_or_their_text() {
    let (with, without) = with_and_without(
        "/textDocument/completion/completionItem/snippetSupport",
        |c, uri| {
            let end = PLAN.lines().count() as u32;
            let r = c.request_as::<Completion>(json!({ "textDocument": { "uri": uri }, "position": position(end, 0), "context": { "triggerKind": 1 } }),
                )
                .unwrap();
            let team = r["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["label"] == "team")
                .cloned()
                .expect("a template for a new team");
            (
                team["insertTextFormat"].clone(),
                team["textEdit"]["newText"].clone(),
            )
        },
    );
    assert_eq!(with.0, 2);
    assert!(with.1.as_str().unwrap().contains("${1:"), "{}", with.1);
    assert_eq!(without.0, 1);
    assert!(!without.1.as_str().unwrap().contains('$'), "{}", without.1);
}

#[test]
fn completion_label_details_or_detail_only() {
    let (with, without) = with_and_without(
        "/textDocument/completion/completionItem/labelDetailsSupport",
        key_completions,
    );
    assert!(with.iter().any(|i| i.get("labelDetails").is_some()));
    assert!(without.iter().all(|i| i.get("labelDetails").is_none()));
    let details =
        |items: &[Value]| -> Vec<Value> { items.iter().map(|i| i["detail"].clone()).collect() };
    assert_eq!(
        details(&with),
        details(&without),
        "the description stays in `detail`"
    );
}

#[test]
fn completion_kinds_the_client_knows_or_first_version_ones() {
    let kinds = |c: &mut Client, uri: &str| -> Vec<(String, u64)> {
        // After `model: ` (its values) and after `leader: ` (the leaders).
        let mut out = Vec::new();
        for (line, character) in [(6, 9), (5, 14)] {
            let r = c.request_as::<Completion>(json!({ "textDocument": { "uri": uri }, "position": position(line, character) }),
                )
                .unwrap();
            let items = r.get("items").unwrap_or(&r).as_array().unwrap().clone();
            out.extend(items.iter().map(|i| {
                (
                    i["label"].as_str().unwrap().to_string(),
                    i["kind"].as_u64().unwrap(),
                )
            }));
        }
        out
    };
    let (with, without) = with_and_without(
        "/textDocument/completion/completionItemKind/valueSet",
        kinds,
    );
    let kind_of = |items: &[(String, u64)], label: &str| {
        items.iter().find(|(l, _)| l == label).map(|(_, k)| *k)
    };
    // Values: enum members (20), else values (12); a leader is a
    // reference (18) either way, a kind of the first version.
    assert_eq!(kind_of(&with, "ownership"), Some(20), "{with:?}");
    assert_eq!(kind_of(&without, "ownership"), Some(12), "{without:?}");
    assert_eq!(kind_of(&with, "jane"), Some(18), "{with:?}");
    assert_eq!(kind_of(&without, "jane"), Some(18), "{without:?}");
    assert!(
        without.iter().all(|(_, k)| (1..=18).contains(k)),
        "{without:?}"
    );
}

#[test]
fn symbol_kinds_the_client_knows_or_first_version_ones() {
    let (with, without) = with_and_without(
        "/textDocument/documentSymbol/symbolKind/valueSet",
        |c, uri| {
            c.request_as::<DocumentSymbolRequest>(json!({ "textDocument": { "uri": uri } }))
                .unwrap()
        },
    );
    let kind_of = |syms: &Value, name: &str| {
        syms.as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .map(|s| s["kind"].as_u64().unwrap())
    };
    // A team: a struct (23), else a namespace (3); a leader a class either way.
    assert_eq!(kind_of(&with, "inbound"), Some(23), "{with}");
    assert_eq!(kind_of(&without, "inbound"), Some(3), "{without}");
    assert_eq!(kind_of(&with, "jane"), kind_of(&without, "jane"));
}

#[test]
fn document_symbols_tree_or_flat_list() {
    let (with, without) = with_and_without(
        "/textDocument/documentSymbol/hierarchicalDocumentSymbolSupport",
        |c, uri| {
            c.request_as::<DocumentSymbolRequest>(json!({ "textDocument": { "uri": uri } }))
                .unwrap()
        },
    );
    let tree = with.as_array().unwrap();
    assert!(
        tree.iter().all(|s| s.get("selectionRange").is_some()),
        "{with}"
    );
    let flat = without.as_array().unwrap();
    assert!(
        flat.iter()
            .all(|s| s.get("location").is_some() && s.get("children").is_none()),
        "{without}"
    );
    // Every symbol of the tree is in the list, in the same order, each
    // naming the one it is in.
    fn walk(syms: &[Value], container: Option<&str>, out: &mut Vec<(String, Option<String>)>) {
        for s in syms {
            let name = s["name"].as_str().unwrap();
            out.push((name.to_string(), container.map(String::from)));
            if let Some(children) = s["children"].as_array() {
                walk(children, Some(name), out);
            }
        }
    }
    let mut expected = Vec::new();
    walk(tree, None, &mut expected);
    let got: Vec<(String, Option<String>)> = flat
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["containerName"].as_str().map(String::from),
            )
        })
        .collect();
    assert_eq!(got, expected);
    assert!(got.iter().any(|(_, c)| c.is_some()), "{got:?}");
}

fn fixes(c: &mut Client, uri: &str) -> Vec<Value> {
    c.request_as::<CodeActionRequest>(json!({
        "textDocument": { "uri": uri },
        "range": { "start": position(5, 11), "end": position(5, 11) },
        "context": { "diagnostics": [] }
    }))
    .unwrap()
    .as_array()
    .unwrap()
    .clone()
}

#[test]
fn quick_fixes_as_code_actions_or_commands() {
    let (with, without) = with_and_without(
        "/textDocument/codeAction/codeActionLiteralSupport",
        |c, uri| {
            let actions = fixes(c, uri);
            let provider = c.initialize_result["capabilities"]["executeCommandProvider"].clone();
            let mut applied = Vec::new();
            if let Some(cmd) = actions.first().filter(|a| a.get("command").is_some()) {
                let r = c.request_as::<ExecuteCommand>(
                    json!({ "command": cmd["command"], "arguments": cmd["arguments"] }),
                );
                assert_eq!(r, Ok(Value::Null));
                applied = c
                    .server_requests
                    .iter()
                    .filter(|r| r["method"] == ApplyWorkspaceEdit::METHOD)
                    .map(|r| r["params"]["edit"].clone())
                    .collect();
            }
            (actions, provider, applied)
        },
    );
    let (actions, provider, _) = with;
    assert!(!actions.is_empty());
    assert!(actions
        .iter()
        .all(|a| a["kind"] == "quickfix" && a.get("edit").is_some()));
    assert!(provider.is_null(), "no command to announce: {provider}");
    let (commands, provider, applied) = without;
    assert_eq!(commands.len(), actions.len());
    assert_eq!(provider["commands"], json!(["orgplan.applyFix"]));
    // The edits, whatever the workspace's folder.
    let edits = |edit: &Value| -> Vec<Value> {
        edit["changes"]
            .as_object()
            .unwrap()
            .values()
            .cloned()
            .collect()
    };
    for (cmd, action) in commands.iter().zip(&actions) {
        assert_eq!(cmd["title"], action["title"]);
        assert_eq!(cmd["command"], "orgplan.applyFix");
        assert_eq!(cmd["arguments"].as_array().unwrap().len(), 1);
        assert_eq!(edits(&cmd["arguments"][0]), edits(&action["edit"]));
    }
    // Running the first asks the client to apply its edit.
    assert_eq!(applied.len(), 1);
    assert_eq!(edits(&applied[0]), edits(&actions[0]["edit"]));
}

#[test]
fn quick_fixes_marked_preferred_or_not() {
    let (with, without) = with_and_without("/textDocument/codeAction/isPreferredSupport", fixes);
    assert!(with.iter().any(|a| a["isPreferred"] == true), "{with:?}");
    assert!(
        without.iter().all(|a| a.get("isPreferred").is_none()),
        "{without:?}"
    );
    assert_eq!(with.len(), without.len());
}

#[test]
fn quick_fixes_need_literals_or_apply_edit() {
    // Without code action literals, commands need `workspace/applyEdit`.
    let (_dir, mut c, uri) = session(vec![
        (
            "/textDocument/codeAction/codeActionLiteralSupport",
            Value::Null,
        ),
        ("/workspace/applyEdit", Value::Null),
    ]);
    assert_eq!(fixes(&mut c, &uri), Vec::<Value>::new());
    assert!(c.initialize_result["capabilities"]["executeCommandProvider"].is_null());
    assert_eq!(c.shutdown(), 0);
    // With it, commands (above); with literals and without it, actions.
    let (_dir, mut c, uri) = session(vec![("/workspace/applyEdit", Value::Null)]);
    assert!(fixes(&mut c, &uri).iter().all(|a| a.get("edit").is_some()));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn related_information_or_none() {
    let text = "team a \"A\" {\n}\nteam a \"Again\" {\n}\n";
    let (with, without) = with_and_without(
        "/textDocument/publishDiagnostics/relatedInformation",
        |c, _| {
            let uri = c.uri("dup.orgplan");
            c.open(&uri, text);
            let d = c.wait_diagnostics(&uri, |d| {
                d["diagnostics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|d| d["code"] == "duplicate-definition")
            });
            d["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d.get("relatedInformation").is_some())
        },
    );
    assert!(with);
    assert!(!without);
}

#[test]
fn progress_while_loading_or_none() {
    let (with, without) = with_and_without("/window/workDoneProgress", |c, _| {
        c.drain(Duration::from_millis(200));
        (
            c.server_requests
                .iter()
                .any(orgplan_test_client::is_request::<WorkDoneProgressCreate>),
            c.notifications
                .iter()
                .any(|n| n["method"] == Progress::METHOD),
        )
    });
    assert_eq!(with, (true, true));
    assert_eq!(without, (false, false));
}

/// The ids of the server's `client/registerCapability` registrations.
fn registrations(c: &mut Client) -> Vec<String> {
    c.drain(Duration::from_millis(200));
    c.server_requests
        .iter()
        .filter(|r| orgplan_test_client::is_request::<RegisterCapability>(r))
        .flat_map(|r| r["params"]["registrations"].as_array().unwrap().clone())
        .map(|r| r["method"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn watchers_registered_or_not() {
    let (with, without) = with_and_without(
        "/workspace/didChangeWatchedFiles/dynamicRegistration",
        |c, _| registrations(c),
    );
    assert!(with.contains(&DidChangeWatchedFiles::METHOD.to_string()));
    assert!(!without.contains(&DidChangeWatchedFiles::METHOD.to_string()));
}

#[test]
fn configuration_registration_or_not() {
    let reg = "/workspace/didChangeConfiguration/dynamicRegistration";
    let (_dir, mut c, _) = session(vec![(reg, json!(true))]);
    assert!(registrations(&mut c).contains(&DidChangeConfiguration::METHOD.to_string()));
    assert_eq!(c.shutdown(), 0);
    let (_dir, mut c, _) = session(vec![(reg, Value::Null)]);
    assert!(!registrations(&mut c).contains(&DidChangeConfiguration::METHOD.to_string()));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn settings_pulled_or_taken_from_notifications() {
    let off = json!({ "rules": { "undefined-reference": "off" } });
    let (with, without) = with_and_without("/workspace/configuration", |c, uri| {
        let pulled = c
            .server_requests
            .iter()
            .any(|r| r["method"] == WorkspaceConfiguration::METHOD);
        *c.settings.lock().unwrap() = off.clone();
        c.notify_as::<DidChangeConfiguration>(json!({ "settings": { "orgplan": off } }));
        // Either way, the rule goes off.
        c.wait_diagnostics(uri, |d| {
            d["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["code"] != "undefined-reference")
        });
        let pulled_again = c
            .server_requests
            .iter()
            .filter(|r| r["method"] == WorkspaceConfiguration::METHOD)
            .count();
        (pulled, pulled_again)
    });
    assert_eq!(
        with,
        (true, 2),
        "pulled at start and after the notification"
    );
    assert_eq!(without, (false, 0));
}

/// A session whose client runs `commands` itself.
fn with_commands<T>(probe: impl Fn(&mut Client, &str) -> T) -> (T, T) {
    let run = |caps| {
        let (_dir, mut c, uri) = session(caps);
        let r = probe(&mut c, &uri);
        assert_eq!(c.shutdown(), 0);
        r
    };
    let commands = json!(["editor.action.triggerSuggest", "orgplan.insertSnippet"]);
    (
        run(vec![("/experimental/commands/commands", commands)]),
        run(Vec::new()),
    )
}

#[test]
fn a_key_lists_its_values_next_or_not() {
    let (with, without) = with_commands(|c, uri| {
        let items = key_completions(c, uri);
        let model = items.iter().find(|i| i["label"] == "model").unwrap();
        let scope = items.iter().find(|i| i["label"] == "description");
        (
            model["command"].clone(),
            scope.map(|s| s["command"].clone()),
        )
    });
    assert_eq!(
        with.0,
        json!({ "title": "List the values", "command": "editor.action.triggerSuggest" })
    );
    assert_eq!(with.1, Some(Value::Null), "a free-text key lists nothing");
    assert_eq!(without.0, Value::Null);
}

#[test]
fn create_fixes_as_snippets_or_plain_edits() {
    let (with, without) = with_commands(|c, uri| {
        let create = fixes(c, uri)
            .into_iter()
            .find(|a| a["title"].as_str().unwrap().starts_with("Create leader"))
            .expect("a Create leader fix");
        (create["edit"].clone(), create["command"].clone())
    });
    assert_eq!(with.0, Value::Null, "{with:?}");
    assert_eq!(with.1["command"], "orgplan.insertSnippet");
    let arg = &with.1["arguments"][0];
    assert!(
        arg["uri"].as_str().unwrap().ends_with("/plan.orgplan"),
        "{arg}"
    );
    assert_eq!(
        arg["snippet"],
        "\nleader jnae \"${1:Jnae}\" {\n  title: \"${2:Job title}\"\n  allocation: ${3:100%}\n}$0\n"
    );
    assert_eq!(without.1, Value::Null);
    let plain = without.0["changes"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap();
    assert_eq!(plain[0]["newText"], "\nleader jnae \"Jnae\" {}\n");
    assert_eq!(plain[0]["range"], arg["range"]);
}

/// The lenses and the hover's link, by which client-side commands are
/// listed: each command taken away on its own.
#[test]
fn lens_and_hover_commands_or_labels() {
    const ALL: [&str; 3] = [
        "orgplan.explainRule",
        "orgplan.showChecklist",
        "orgplan.showReferences",
    ];
    let probe = |listed: Vec<&str>| {
        let (_dir, mut c, uri) = session(vec![("/experimental/commands/commands", json!(listed))]);
        let lenses = c
            .request_as::<CodeLensRequest>(json!({ "textDocument": { "uri": uri } }))
            .unwrap();
        let commands: Vec<String> = lenses
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["command"]["command"].as_str().unwrap().to_string())
            .collect();
        // On `jnae`: an undefined reference.
        let hover = c
            .request_as::<HoverRequest>(
                json!({ "textDocument": { "uri": uri }, "position": position(5, 11) }),
            )
            .unwrap()["contents"]["value"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(c.shutdown(), 0);
        (commands, hover)
    };
    let (commands, hover) = probe(ALL.to_vec());
    assert_eq!(
        commands,
        [
            "orgplan.showChecklist",
            "orgplan.showReferences",
            "orgplan.showReferences"
        ]
    );
    assert!(
        hover.contains("](command:orgplan.explainRule?%5B%22undefined-reference%22%5D "),
        "{hover}"
    );
    for gone in ALL {
        let (commands, hover) = probe(ALL.iter().copied().filter(|c| *c != gone).collect());
        assert!(!commands.iter().any(|c| c == gone), "{gone}: {commands:?}");
        assert_eq!(
            commands.iter().filter(|c| c.is_empty()).count(),
            match gone {
                "orgplan.showChecklist" => 1,
                "orgplan.showReferences" => 2,
                _ => 0,
            }
        );
        assert_eq!(
            hover.contains("command:orgplan.explainRule"),
            gone != "orgplan.explainRule",
            "{hover}"
        );
        if gone == "orgplan.explainRule" {
            assert!(
                hover.contains("`orgplan explain undefined-reference`"),
                "{hover}"
            );
        }
    }
}

/// Switching inlay hints off in the settings asks the client to fetch
/// them again, if it can be asked.
#[test]
fn inlay_hint_and_code_lens_refresh_or_none() {
    for (pointer, method) in [
        (
            "/workspace/inlayHint/refreshSupport",
            InlayHintRefreshRequest::METHOD,
        ),
        (
            "/workspace/codeLens/refreshSupport",
            CodeLensRefresh::METHOD,
        ),
    ] {
        let (with, without) = with_and_without(pointer, |c, uri| {
            *c.settings.lock().unwrap() =
                json!({ "inlayHints": { "enable": false }, "codeLens": { "enable": false } });
            c.notify_as::<DidChangeConfiguration>(json!({ "settings": null }));
            // The switch has taken effect once the lenses are gone.
            let deadline = std::time::Instant::now() + Duration::from_secs(20);
            loop {
                let lens = c
                    .request_as::<CodeLensRequest>(json!({ "textDocument": { "uri": uri } }))
                    .unwrap();
                if lens == json!([]) {
                    break;
                }
                assert!(std::time::Instant::now() < deadline, "lenses stay on");
                c.drain(Duration::from_millis(50));
            }
            c.drain(Duration::from_millis(200));
            c.server_requests.iter().any(|r| r["method"] == method)
        });
        assert!(with, "{method}");
        assert!(!without, "{method}");
    }
}

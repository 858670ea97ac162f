//! Pull diagnostics (LSP 3.17): `textDocument/diagnostic` and
//! `workspace/diagnostic` with result ids for a client that pulls and can
//! be asked to pull again; pushes for the others, never both.

use crate::harness::{workspace, Client, Init};
use orgplan_test_client::lsp_types::notification::PublishDiagnostics;
use orgplan_test_client::lsp_types::notification::{DidChangeTextDocument, DidChangeWatchedFiles};
use orgplan_test_client::lsp_types::request::{
    DocumentDiagnosticRequest, WorkspaceDiagnosticRequest,
};
use orgplan_test_client::lsp_types::request::{Request, WorkspaceDiagnosticRefresh};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;

const PEOPLE: &str = "leader jane \"Jane Doe\" {\n  title: \"Director\"\n}\n\nleader raj \"Raj Patel\" {\n  alocation: 50%\n}\n";
const PLAN: &str = "initiative fba \"Fulfilment\" {\n  leader: jane\n  model: ownership\n  scope: \"Inbound\"\n  metrics: \"Units\"\n  teams: inbound\n}\n\nteam inbound \"Inbound\" {\n  reports_to: jane\n  roles: engineering, qa, design, product\n}\n";
const BROKEN: &str = "initiative prime \"Prime\" {\n  leadr: raj\n}\n";

/// A client that pulls diagnostics and takes refresh requests.
fn pulling() -> Vec<(&'static str, Value)> {
    vec![
        (
            "/textDocument/diagnostic",
            json!({ "dynamicRegistration": false, "relatedDocumentSupport": false }),
        ),
        ("/workspace/diagnostics", json!({ "refreshSupport": true })),
    ]
}

fn spawn(dir: &tempfile::TempDir, caps: Vec<(&'static str, Value)>) -> Client {
    Client::spawn(Init {
        root: Some(dir.path().to_path_buf()),
        caps,
        ..Init::default()
    })
}

fn pull(c: &mut Client, uri: &str, previous: Option<&str>) -> Value {
    let mut params = json!({ "textDocument": { "uri": uri } });
    if let Some(p) = previous {
        params["previousResultId"] = json!(p);
    }
    c.request_as::<DocumentDiagnosticRequest>(params).unwrap()
}

/// `workspace/diagnostic`'s reports by URI.
fn pull_workspace(c: &mut Client, previous: &BTreeMap<String, String>) -> BTreeMap<String, Value> {
    let ids: Vec<Value> = previous
        .iter()
        .map(|(uri, id)| json!({ "uri": uri, "value": id }))
        .collect();
    let r = c
        .request_as::<WorkspaceDiagnosticRequest>(json!({ "previousResultIds": ids }))
        .unwrap();
    r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["uri"].as_str().unwrap().to_string(), i.clone()))
        .collect()
}

fn codes(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn refreshes(c: &Client) -> usize {
    c.server_requests
        .iter()
        .filter(|r| r["method"] == WorkspaceDiagnosticRefresh::METHOD)
        .count()
}

fn pushes(c: &Client) -> usize {
    c.notifications
        .iter()
        .filter(|n| orgplan_test_client::is::<PublishDiagnostics>(n))
        .count()
}

#[test]
fn the_capability_decides_pull_or_push_never_both() {
    let dir = workspace(&[("plan.orgplan", BROKEN)]);
    // Pulls without being able to be asked again: pushed to.
    for caps in [
        Vec::new(),
        vec![(
            "/textDocument/diagnostic",
            json!({ "dynamicRegistration": false }),
        )],
    ] {
        let mut c = spawn(&dir, caps);
        assert!(c.initialize_result["capabilities"]["diagnosticProvider"].is_null());
        let uri = c.uri("plan.orgplan");
        c.wait_diagnostics(&uri, |d| !d["diagnostics"].as_array().unwrap().is_empty());
        assert_eq!(c.shutdown(), 0);
    }
    let mut c = spawn(&dir, pulling());
    assert_eq!(
        c.initialize_result["capabilities"]["diagnosticProvider"],
        json!({ "identifier": "orgplan", "interFileDependencies": true, "workspaceDiagnostics": true })
    );
    let uri = c.uri("plan.orgplan");
    let r = pull(&mut c, &uri, None);
    assert_eq!(r["kind"], "full", "{r}");
    assert!(
        codes(&r["items"]).contains(&"unknown-property".to_string()),
        "{r}"
    );
    c.open(&uri, BROKEN);
    c.drain(Duration::from_millis(300));
    assert_eq!(pushes(&c), 0, "{:#?}", c.notifications);
    assert_eq!(c.shutdown(), 0);
}

/// A document's report comes with a result id; asked again with it, the
/// answer is "unchanged" while its findings are the same, also after an
/// edit that does not change them; in full once they change.
#[test]
fn unchanged_findings_are_answered_unchanged() {
    let dir = workspace(&[("people.orgplan", PEOPLE), ("plan.orgplan", PLAN)]);
    let mut c = spawn(&dir, pulling());
    let people = c.uri("people.orgplan");
    c.open(&people, PEOPLE);
    let first = pull(&mut c, &people, None);
    assert_eq!(first["kind"], "full");
    assert_eq!(codes(&first["items"]), ["unknown-property"]);
    let id = first["resultId"].as_str().unwrap().to_string();
    let again = pull(&mut c, &people, Some(&id));
    assert_eq!(again, json!({ "kind": "unchanged", "resultId": id }));
    // A comment at the end: same findings.
    c.notify_as::<DidChangeTextDocument>(json!({
            "textDocument": { "uri": people, "version": 2 },
            "contentChanges": [{ "range": { "start": { "line": 7, "character": 0 }, "end": { "line": 7, "character": 0 } }, "text": "# more\n" }]
        }),
    );
    assert_eq!(pull(&mut c, &people, Some(&id))["kind"], "unchanged");
    // A comment at the top: the finding moves down a line.
    c.notify_as::<DidChangeTextDocument>(json!({
            "textDocument": { "uri": people, "version": 3 },
            "contentChanges": [{ "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "text": "# people\n" }]
        }),
    );
    let moved = pull(&mut c, &people, Some(&id));
    assert_eq!(moved["kind"], "full");
    assert_ne!(moved["resultId"], json!(id));
    assert_eq!(moved["items"][0]["range"]["start"]["line"], 6, "{moved}");
    c.drain(Duration::from_millis(200));
    assert_eq!(pushes(&c), 0);
    assert_eq!(c.shutdown(), 0);
}

/// An edit in one file that changes the findings of another: the client
/// is asked to pull again, and the other file's report (document pull or
/// workspace pull) has the new findings, while the files whose findings
/// did not change are "unchanged". An edit that changes no other file's
/// findings asks for nothing.
#[test]
fn an_edit_that_changes_another_files_findings_asks_for_a_pull() {
    let dir = workspace(&[
        ("people.orgplan", PEOPLE),
        ("plan.orgplan", PLAN),
        ("broken.orgplan", BROKEN),
    ]);
    let mut c = spawn(&dir, pulling());
    let (people, plan, broken) = (
        c.uri("people.orgplan"),
        c.uri("plan.orgplan"),
        c.uri("broken.orgplan"),
    );
    let before = pull_workspace(&mut c, &BTreeMap::new());
    assert_eq!(before.len(), 3, "{before:#?}");
    assert!(before.values().all(|r| r["kind"] == "full"));
    assert!(codes(&before[&plan]["items"]).is_empty());
    let ids: BTreeMap<String, String> = before
        .iter()
        .map(|(u, r)| (u.clone(), r["resultId"].as_str().unwrap().to_string()))
        .collect();
    let unchanged = pull_workspace(&mut c, &ids);
    assert!(
        unchanged.values().all(|r| r["kind"] == "unchanged"),
        "{unchanged:#?}"
    );
    c.open(&plan, PLAN);
    let plan_id = pull(&mut c, &plan, None)["resultId"].clone();
    c.open(&people, PEOPLE);
    pull(&mut c, &people, None);
    c.drain(Duration::from_millis(300));
    let asked = refreshes(&c);
    // Rename jane → janet: the plan's references break.
    c.notify_as::<DidChangeTextDocument>(json!({
            "textDocument": { "uri": people, "version": 2 },
            "contentChanges": [{ "range": { "start": { "line": 0, "character": 11 }, "end": { "line": 0, "character": 11 } }, "text": "t" }]
        }),
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while refreshes(&c) == asked {
        assert!(std::time::Instant::now() < deadline, "no refresh request");
        c.drain(Duration::from_millis(50));
    }
    let r = pull(&mut c, &plan, plan_id.as_str());
    assert_eq!(r["kind"], "full");
    assert!(
        codes(&r["items"])
            .iter()
            .all(|c| c == "undefined-reference")
            && !codes(&r["items"]).is_empty(),
        "{r}"
    );
    let after = pull_workspace(&mut c, &ids);
    assert_eq!(after[&plan]["kind"], "full");
    assert_eq!(after[&plan]["version"], 1, "an open document's version");
    assert_eq!(after[&broken]["kind"], "unchanged", "{after:#?}");
    assert_eq!(
        after[&people]["kind"], "unchanged",
        "people's finding is where it was"
    );
    // A comment: nobody else's findings change, nothing is asked.
    let asked = refreshes(&c);
    c.notify_as::<DidChangeTextDocument>(json!({
            "textDocument": { "uri": people, "version": 3 },
            "contentChanges": [{ "range": { "start": { "line": 7, "character": 0 }, "end": { "line": 7, "character": 0 } }, "text": "# more\n" }]
        }),
    );
    pull(&mut c, &people, None);
    c.drain(Duration::from_millis(300));
    assert_eq!(refreshes(&c), asked);
    // A file deleted on disk: the next workspace pull clears it.
    std::fs::remove_file(dir.path().join("broken.orgplan")).unwrap();
    c.notify_as::<DidChangeWatchedFiles>(json!({ "changes": [{ "uri": broken, "type": 3 }] }));
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while refreshes(&c) == asked {
        assert!(std::time::Instant::now() < deadline, "no refresh request");
        c.drain(Duration::from_millis(50));
    }
    let gone = pull_workspace(&mut c, &ids);
    assert_eq!(gone[&broken]["kind"], "full");
    assert_eq!(gone[&broken]["items"], json!([]));
    assert!(!pull_workspace(&mut c, &ids).contains_key(&broken));
    assert_eq!(pushes(&c), 0);
    assert_eq!(c.shutdown(), 0);
}

/// The client is asked to pull again once edits pause: typed keystroke
/// after keystroke, each breaking or mending the plan's references, it is
/// asked once typing stops, not at each keystroke.
#[test]
fn the_client_is_asked_to_pull_again_once_edits_pause() {
    let dir = workspace(&[("people.orgplan", PEOPLE), ("plan.orgplan", PLAN)]);
    let mut c = spawn(&dir, pulling());
    let people = c.uri("people.orgplan");
    c.open(&people, PEOPLE);
    pull(&mut c, &people, None);
    c.drain(Duration::from_millis(300));
    let asked = refreshes(&c);
    // jane → janet → jane …, each version pulled as an editor pulls it.
    for v in 2..=12 {
        let (end, text) = if v % 2 == 0 { (11, "t") } else { (12, "") };
        c.notify_as::<DidChangeTextDocument>(json!({
                "textDocument": { "uri": people, "version": v },
                "contentChanges": [{ "range": { "start": { "line": 0, "character": 11 }, "end": { "line": 0, "character": end } }, "text": text }]
            }),
        );
        pull(&mut c, &people, None);
    }
    let during = refreshes(&c) - asked;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while refreshes(&c) == asked + during {
        assert!(
            std::time::Instant::now() < deadline,
            "no refresh once typing stopped"
        );
        c.drain(Duration::from_millis(50));
    }
    // Each of the eleven versions changed the plan's findings; a stall of
    // the machine between two keystrokes may let one or two out.
    assert!(during <= 2, "{during} requests to pull again while typing");
    assert_eq!(c.shutdown(), 0);
}

/// What a pull gives is what a push gives, file by file: the examples'
/// findings with related places across files, and a file past the cap of
/// findings per file (with its note).
#[test]
fn a_pulled_report_equals_the_pushed_one() {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/violations");
    let mut files: Vec<(String, String)> = std::fs::read_dir(examples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "orgplan" || e == "toml"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    // Over a thousand findings in one file.
    let many: String = (0..1100)
        .map(|i| format!("team t{i} \"T\" {{\n  reports_to: nobody{i}\n}}\n"))
        .collect();
    files.push(("many.orgplan".to_string(), many));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let dir = workspace(&refs);
    let plans: Vec<&str> = refs
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| p.ends_with(".orgplan"))
        .collect();
    let mut pushed = spawn(&dir, Vec::new());
    let mut pulled = spawn(&dir, pulling());
    let reports = pull_workspace(&mut pulled, &BTreeMap::new());
    let mut compared = 0;
    for p in &plans {
        let uri = pushed.uri(p);
        pushed.wait_diagnostics(&uri, |_| true);
        pushed.drain(Duration::from_millis(100));
        let push = pushed.diagnostics(&uri).unwrap();
        let doc = pull(&mut pulled, &uri, None);
        assert_eq!(doc["items"], push["diagnostics"], "{p}");
        // A full report is written as text (the publication's list): its
        // id is the one the workspace's report, written by serde, gives.
        assert_eq!(doc["kind"], "full", "{p}");
        assert_eq!(doc["resultId"], reports[&uri]["resultId"], "{p}");
        assert_eq!(reports[&uri]["items"], push["diagnostics"], "{p}");
        compared += push["diagnostics"].as_array().unwrap().len();
    }
    let many = pull(&mut pulled, &pushed.uri("many.orgplan"), None);
    assert_eq!(
        many["items"].as_array().unwrap().len(),
        1001,
        "the cap and its note"
    );
    assert_eq!(many["items"][0]["code"], "too-many-findings");
    assert!(compared > 1000, "{compared}");
    assert!(
        reports.values().any(|r| r["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d.get("relatedInformation").is_some())),
        "related places are compared too"
    );
    assert_eq!(pushed.shutdown(), 0);
    assert_eq!(pulled.shutdown(), 0);
}

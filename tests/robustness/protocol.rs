//! Runs the catalog of hostile protocol input (`protocol_catalog.rs`)
//! against one server: each case must be answered as JSON-RPC and LSP say,
//! or ignored; after each the server must still answer; at the end the
//! document must hold exactly what the client expects, and `shutdown` and
//! `exit` must still end it with 0.

use crate::protocol_catalog::*;
use crate::support::*;
use serde_json::{json, Value};
use std::time::Duration;

const ID_BASE: i64 = 100_000;
/// How long the server may take to answer the ping after a case.
const PING_TIMEOUT: Duration = Duration::from_secs(3);

/// The bytes a case writes, with its id and the document's URI filled in.
fn bytes_of(case: &Case, id: i64, doc_uri: &str) -> Vec<u8> {
    let fill = |s: String| {
        s.replace("\"{ID}\"", &id.to_string())
            .replace("{ID}", &id.to_string())
            .replace(DOC, doc_uri)
    };
    let fill_bytes = |b: &[u8]| match std::str::from_utf8(b) {
        Ok(s) => fill(s.to_string()).into_bytes(),
        Err(_) => b.to_vec(),
    };
    match &case.input {
        Input::Raw(b) => fill_bytes(b),
        Input::Body(b) => frame(&fill_bytes(b)),
        Input::Json(v) => frame(fill(v.to_string()).as_bytes()),
    }
}

fn is_response(m: &Value) -> bool {
    m.get("method").is_none() && (m.get("result").is_some() || m.get("error").is_some())
}

fn code(m: &Value) -> Option<i64> {
    m["error"]["code"].as_i64()
}

/// Runs one case; returns a description of what went wrong, if anything.
fn run_case(lsp: &mut Lsp, case: &Case, id: i64, doc_uri: &str) -> Option<String> {
    if !lsp.send_raw(&bytes_of(case, id, doc_uri)) {
        return Some("the server's input is closed".into());
    }
    let Some(ping) = lsp.ping() else {
        return Some("the server's input is closed".into());
    };
    let own = |m: &Value| {
        let mid = &m["id"];
        *mid == json!(id)
            || *mid == json!(format!("abc-{id}"))
            || mid.is_null()
            || mid.as_i64().is_some_and(|n| n < ID_BASE)
    };
    let mut got = Vec::new();
    let mut answered = false;
    let wait = if case.expect == Expect::Nothing {
        Duration::from_millis(50)
    } else {
        Duration::from_secs(2)
    };
    // Until the ping's answer, and then a little longer for the case's own.
    loop {
        let timeout = if answered { wait } else { PING_TIMEOUT };
        let Some(m) = lsp.wait_for(timeout, is_response) else {
            break;
        };
        if m["id"] == json!(ping) {
            answered = true;
        } else if own(&m) {
            got.push(m);
        }
        if answered && satisfied(&case.expect, &got, id) {
            break;
        }
    }
    if !answered {
        return Some(format!(
            "the server stopped answering (eof: {}); got {got:?}\nstderr tail: {}",
            lsp.eof,
            tail(&lsp.stderr())
        ));
    }
    if let Some(crash) = got.iter().find(|m| code(m) == Some(-32603)) {
        return Some(format!("internal error (a panic?): {crash}"));
    }
    if !satisfied(&case.expect, &got, id) {
        return Some(format!("expected {:?}, got {got:?}", case.expect));
    }
    if !lsp.garbage.is_empty() {
        return Some(format!("unframed output: {:?}", lsp.garbage));
    }
    None
}

fn satisfied(expect: &Expect, got: &[Value], id: i64) -> bool {
    match expect {
        Expect::Error(c) => got.iter().any(|m| code(m) == Some(*c)),
        Expect::ErrorIn(cs) => got.iter().any(|m| code(m).is_some_and(|c| cs.contains(&c))),
        Expect::Nothing => got.is_empty(),
        Expect::Answer => got.iter().any(|m| {
            m["id"] == json!(id)
                && (m.get("result").is_some()
                    || code(m).is_some_and(|c| c != -32603 && c != -32700))
        }),
    }
}

fn tail(s: &str) -> &str {
    let mut i = s.len().saturating_sub(2000);
    while !s.is_char_boundary(i) {
        i += 1;
    }
    &s[i..]
}

fn open_doc(lsp: &mut Lsp, uri: &str) {
    lsp.notify_as::<DidOpenTextDocument>(json!({"textDocument": {"uri": uri, "languageId": "orgplan", "version": 1, "text": DOC_TEXT}}));
}

#[test]
fn catalog_has_at_least_a_hundred_cases_with_unique_names() {
    let cases = catalog();
    assert!(cases.len() >= 100, "{} cases", cases.len());
    let mut names: Vec<_> = cases.iter().map(|c| c.name.as_str()).collect();
    names.sort();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "case names are unique");
}

#[test]
fn hostile_input_catalog() {
    let cases = catalog();
    let dir = TempDir::new("catalog");
    let doc_path = dir.write("plan.orgplan", DOC_TEXT);
    let doc_uri = file_uri(&doc_path);
    let start = Start {
        root: Some(dir.path().to_path_buf()),
        ..Start::default()
    };
    let mut lsp = Lsp::spawn(&start);
    let mut failures: Vec<String> = Vec::new();
    let mut expected = DOC_TEXT.to_string();
    let mut intact_checkable = true;
    let mut phase = Phase::Uninitialized;
    let mut last_version = 1;
    for (i, case) in cases.iter().enumerate() {
        if case.phase != phase {
            match (phase, case.phase) {
                (Phase::Uninitialized, Phase::Running) => {
                    let r = lsp.request_as::<Initialize>(initialize_params(&start));
                    assert!(
                        r.get("result").is_some(),
                        "initialize after the early cases: {r}"
                    );
                    lsp.notify_as::<Initialized>(json!({}));
                    open_doc(&mut lsp, &doc_uri);
                }
                (Phase::Running, Phase::ShutDown) => {
                    check_document(
                        &mut lsp,
                        &doc_uri,
                        &expected,
                        last_version,
                        intact_checkable,
                        &mut failures,
                    );
                    let r = lsp.request_as::<Shutdown>(Value::Null);
                    assert_eq!(r["result"], Value::Null, "shutdown: {r}");
                }
                (a, b) => panic!("catalog phases out of order: {a:?} then {b:?}"),
            }
            phase = case.phase;
        }
        let id = ID_BASE + i as i64;
        let t = std::time::Instant::now();
        let outcome = run_case(&mut lsp, case, id, &doc_uri);
        if std::env::var_os("ORGPLAN_CATALOG_TRACE").is_some() {
            eprintln!(
                "[{i}] {} ({:?}): {}",
                case.name,
                t.elapsed(),
                if outcome.is_some() { "FAILED" } else { "ok" }
            );
        }
        if let Some(problem) = outcome {
            failures.push(format!("[{}] {}: {problem}", i, case.name));
            if lsp.eof || !lsp.alive_within(PING_TIMEOUT) {
                // Start again, to judge the remaining cases.
                lsp = Lsp::spawn(&start);
                if phase != Phase::Uninitialized {
                    lsp.request_as::<Initialize>(initialize_params(&start));
                    lsp.notify_as::<Initialized>(json!({}));
                    open_doc(&mut lsp, &doc_uri);
                    expected = DOC_TEXT.to_string();
                    intact_checkable = false;
                    if phase == Phase::ShutDown {
                        lsp.request_as::<Shutdown>(Value::Null);
                    }
                }
            }
        }
        if let Effect::Edit((s, e), text) = &case.effect {
            expected = apply_change(&expected, Some((*s, *e)), text, "utf-16");
            if let Input::Json(v) = &case.input {
                last_version = v["params"]["textDocument"]["version"]
                    .as_i64()
                    .unwrap_or(last_version);
            }
        }
    }
    lsp.notify_as::<Exit>(Value::Null);
    match lsp.wait_exit(Duration::from_secs(20)) {
        Some(s) if s.code() == Some(0) => {}
        other => failures.push(format!("exit after the catalog: {other:?}")),
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The document holds what the client expects: its diagnostics equal those
/// of a fresh server opened on the expected text.
fn check_document(
    lsp: &mut Lsp,
    uri: &str,
    expected: &str,
    version: i64,
    checkable: bool,
    failures: &mut Vec<String>,
) {
    if !checkable {
        failures.push("document integrity not checked: the server had to be restarted".into());
        return;
    }
    let got = diagnostic_keys(&lsp.settled_diagnostics(uri, Some(version), Duration::from_secs(2)));
    let want = fresh_diagnostics(expected, "plan.orgplan", &[]);
    if got != want {
        failures.push(format!(
            "the document's diagnostics differ from a fresh server's for the expected text {expected:?}:\n got {got:#?}\nwant {want:#?}"
        ));
    }
}

//! Requests on snapshots: a slow request never holds up typing, edits are
//! applied in the order sent whatever runs meanwhile, a cancelled request
//! is answered as cancelled and one whose document changed under it as
//! `ContentModified`. The slow request is a test hook that computes on
//! its snapshot until the test lets it go, so every assertion is about
//! order, never about time.

use crate::harness::{hooks, Client, Init};
use orgplan_test_client::ext::{SlowParams, TestReleaseSlow, TestSlow};
use orgplan_test_client::lsp_types::notification::Cancel;
use orgplan_test_client::lsp_types::notification::DidChangeTextDocument;
use orgplan_test_client::lsp_types::request::{
    Completion, DocumentSymbolRequest, HoverRequest, SemanticTokensFullRequest,
};
use orgplan_test_client::lsp_types::*;
use serde_json::{json, Value};

const REQUEST_CANCELLED: i64 = -32800;
const CONTENT_MODIFIED: i64 = -32801;

const PLAN: &str = "leader jane \"Jane Doe\" {\n  title: \"Director\"\n}\n";

fn client() -> Client {
    Client::spawn(Init {
        hooks: hooks(),
        ..Init::default()
    })
}

fn opened(c: &mut Client, uri: &str) {
    c.open(uri, PLAN);
    c.wait_diagnostics(uri, |d| d["version"] == 1);
}

fn doc(uri: &str) -> TextDocumentIdentifier {
    TextDocumentIdentifier::new(uri.parse().expect("a URI"))
}

/// Types `text` at `line`, `col` as version `version`.
fn type_at(c: &mut Client, uri: &str, version: i32, line: u32, col: u32, text: &str) {
    let at = Position::new(line, col);
    c.note::<DidChangeTextDocument>(DidChangeTextDocumentParams {
        text_document: VersionedTextDocumentIdentifier::new(uri.parse().expect("a URI"), version),
        content_changes: vec![TextDocumentContentChangeEvent {
            range: Some(Range::new(at, at)),
            range_length: None,
            text: text.to_string(),
        }],
    });
}

fn at(uri: &str, line: u32, col: u32) -> TextDocumentPositionParams {
    TextDocumentPositionParams::new(doc(uri), Position::new(line, col))
}

fn slow(c: &mut Client, uri: &str) -> i64 {
    c.send_req::<TestSlow>(SlowParams {
        text_document: doc(uri),
    })
}

fn release(c: &mut Client) {
    c.req::<TestReleaseSlow>(json!({})).unwrap();
}

fn code(answer: Result<Value, Value>) -> i64 {
    answer.expect_err("an error answer")["code"]
        .as_i64()
        .expect("an error code")
}

#[test]
fn a_keystroke_is_published_while_a_slow_request_runs_and_the_request_is_then_stale() {
    let mut c = client();
    let uri = "file:///outside/slow.orgplan";
    opened(&mut c, uri);
    let id = slow(&mut c, uri);
    // An unknown key: version 2 has a finding version 1 has not.
    type_at(&mut c, uri, 2, 1, 19, "\n  titel: \"x\"");
    // The slow request cannot end before it is let go: its diagnostics
    // come first, or never.
    let d = c.wait_diagnostics(uri, |d| d["version"] == 2);
    assert!(!d["diagnostics"].as_array().unwrap().is_empty(), "{d:#}");
    assert!(!c.has_response(id), "the slow request ended on its own");
    // Requests are answered meanwhile, from the new text.
    let hover = c.req::<HoverRequest>(HoverParams {
        text_document_position_params: at(uri, 0, 8),
        work_done_progress_params: Default::default(),
    });
    assert!(hover.unwrap().is_some());
    release(&mut c);
    assert_eq!(code(c.response(id)), CONTENT_MODIFIED);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn a_slow_request_on_an_unchanged_document_is_answered() {
    let mut c = client();
    let uri = "file:///outside/unchanged.orgplan";
    opened(&mut c, uri);
    let id = slow(&mut c, uri);
    release(&mut c);
    assert_eq!(c.response(id), Ok(json!(1)));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn a_cancelled_request_is_answered_as_cancelled() {
    let mut c = client();
    let uri = "file:///outside/cancel.orgplan";
    opened(&mut c, uri);
    let id = slow(&mut c, uri);
    c.notify_as::<Cancel>(json!({ "id": id }));
    assert_eq!(code(c.response(id)), REQUEST_CANCELLED);
    // Its computation is let go; the server goes on answering.
    release(&mut c);
    let symbols = c.req::<DocumentSymbolRequest>(DocumentSymbolParams {
        text_document: doc(uri),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    });
    let Ok(Some(DocumentSymbolResponse::Nested(symbols))) = symbols else {
        panic!("no symbols: {symbols:?}");
    };
    assert_eq!(symbols.len(), 1);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn edits_apply_in_the_order_sent_while_requests_run_beside_them() {
    let mut c = client();
    let uri = "file:///outside/order.orgplan";
    opened(&mut c, uri);
    let slow_ids: Vec<i64> = (0..2).map(|_| slow(&mut c, uri)).collect();
    // Each keystroke appends one digit to the title; requests of every
    // kind go between them.
    let mut expected = PLAN.to_string();
    for (i, version) in (2..=121).enumerate() {
        let digit = char::from(b'0' + (i % 10) as u8).to_string();
        let col = "  title: \"Director".len() as u32 + i as u32;
        type_at(&mut c, uri, version, 1, col, &digit);
        expected.insert_str(
            "leader jane \"Jane Doe\" {\n  title: \"Director".len() + i,
            &digit,
        );
        match i % 3 {
            0 => c.send_req::<HoverRequest>(HoverParams {
                text_document_position_params: at(uri, 1, col),
                work_done_progress_params: Default::default(),
            }),
            1 => c.send_req::<Completion>(CompletionParams {
                text_document_position: at(uri, 1, col),
                work_done_progress_params: Default::default(),
                partial_result_params: Default::default(),
                context: None,
            }),
            _ => c.send_req::<SemanticTokensFullRequest>(SemanticTokensParams {
                text_document: doc(uri),
                work_done_progress_params: Default::default(),
                partial_result_params: Default::default(),
            }),
        };
    }
    assert_eq!(c.text(uri), expected);
    c.wait_diagnostics(uri, |d| d["version"] == 121);
    // Each release lets one of them go, whichever.
    for _ in &slow_ids {
        release(&mut c);
    }
    for id in slow_ids {
        assert_eq!(code(c.response(id)), CONTENT_MODIFIED);
    }
    assert_eq!(c.shutdown(), 0);
}

//! Handshake, shutdown and exit codes, bad requests, panics.

use crate::harness::{hooks, Client, Init};
use orgplan_test_client::ext::TestPanic;
use orgplan_test_client::lsp_types::request::{HoverRequest, Request, Shutdown};
use serde_json::json;

#[test]
fn initialize_negotiates_utf8_when_offered() {
    let c = Client::spawn(Init {
        encodings: vec!["utf-8", "utf-16"],
        ..Init::default()
    });
    assert_eq!(
        c.initialize_result["capabilities"]["positionEncoding"],
        "utf-8"
    );
    assert_eq!(
        c.initialize_result["capabilities"]["textDocumentSync"]["change"], 2,
        "incremental sync"
    );
    assert_eq!(c.initialize_result["serverInfo"]["name"], "orgplan");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn initialize_falls_back_to_utf16() {
    let c = Client::spawn(Init {
        encodings: vec!["utf-32"],
        ..Init::default()
    });
    assert_eq!(
        c.initialize_result["capabilities"]["positionEncoding"],
        "utf-16"
    );
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn exit_code_is_0_after_shutdown_and_exit() {
    // The status of the real process.
    let c = Client::spawn(Init {
        process: true,
        ..Init::default()
    });
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn exit_code_is_1_for_exit_without_shutdown() {
    // The status of the real process.
    let c = Client::spawn(Init {
        process: true,
        ..Init::default()
    });
    assert_eq!(c.exit(), 1);
}

#[test]
fn exit_code_is_1_when_stdin_closes_without_exit() {
    // The status of the real process.
    let c = Client::spawn(Init {
        process: true,
        ..Init::default()
    });
    assert_eq!(c.wait_exit(), 1);
}

#[test]
fn requests_after_shutdown_are_refused() {
    let mut c = Client::spawn(Init::default());
    assert_eq!(c.req::<Shutdown>(()), Ok(()));
    let e = c
        .request_as::<HoverRequest>(json!({ "textDocument": { "uri": "file:///x.orgplan" }, "position": { "line": 0, "character": 0 } }))
        .unwrap_err();
    assert_eq!(e["code"], -32600);
    assert_eq!(c.exit(), 0);
}

#[test]
fn bad_requests_get_errors_and_the_server_lives_on() {
    let mut c = Client::spawn(Init::default());
    // Raw method names: a method no server knows, and hover with params
    // that are no hover's (the typed requests could not send either).
    let e = c
        .request_unchecked("orgplan/noSuchMethod", json!({}))
        .unwrap_err();
    assert_eq!(e["code"], -32601, "method not found: {e}");
    let e = c
        .request_unchecked(HoverRequest::METHOD, json!({ "nonsense": true }))
        .unwrap_err();
    assert_eq!(e["code"], -32602, "invalid params: {e}");
    // Garbage on the wire: a parse error, and the server keeps reading.
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    // JSON that is no JSON-RPC message: "invalid request" for its id.
    c.send_raw(b"Content-Length: 18\r\n\r\n{\"id\":99,\"x\":true}");
    let e = c.response(99).unwrap_err();
    assert_eq!(e["code"], -32600, "invalid request: {e}");
    let uri = "file:///outside/alone.orgplan";
    c.open(uri, "leader jane \"Jane\" { }\n");
    c.wait_diagnostics(uri, |_| true);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn a_panicking_handler_answers_an_error_and_the_server_lives_on() {
    let mut c = Client::spawn(Init {
        hooks: hooks(),
        ..Init::default()
    });
    let e = c.req::<TestPanic>(json!({})).unwrap_err();
    assert_eq!(e["code"], -32603, "internal error: {e}");
    assert!(
        e["message"].as_str().unwrap().contains("deliberate panic"),
        "{e}"
    );
    // The lock is not poisoned: the session still works.
    let uri = "file:///outside/alone.orgplan";
    c.open(uri, "initiative fba \"FBA\" { }\n");
    let d = c.wait_diagnostics(uri, |_| true);
    assert!(d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "initiative-without-leader"));
    assert_eq!(c.text(uri), "initiative fba \"FBA\" { }\n");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn the_binary_answers_no_test_hook() {
    // The test hooks are a parameter of a session in process: no client
    // and no environment reaches them in `orgplan lsp` (the variable that
    // once turned them on is set to show that it no longer does).
    let mut c = Client::spawn(Init {
        env: vec![("ORGPLAN_LSP_TEST_HOOKS", "1")],
        ..Init::default()
    });
    let e = c.req::<TestPanic>(json!({})).unwrap_err();
    assert_eq!(e["code"], -32601, "method not found: {e}");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn nothing_but_framed_messages_on_stdout() {
    // The harness panics on any header line it does not know: a full
    // session with logging turned up proves stdout carries only frames.
    let mut c = Client::spawn(Init {
        env: vec![("ORGPLAN_LOG", "trace")],
        ..Init::default()
    });
    let uri = "file:///outside/alone.orgplan";
    c.open(uri, "tem x { }\n");
    c.wait_diagnostics(uri, |_| true);
    assert_eq!(c.shutdown(), 0);
}

//! Lifecycle: how the server ends, and a soak of a long random session.

use crate::support::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[test]
fn shutdown_then_exit_ends_with_0() {
    let mut lsp = Lsp::start(&Start::default());
    let status = lsp
        .shutdown_and_exit()
        .expect("the server exits after shutdown and exit");
    assert_eq!(status.code(), Some(0), "stderr:\n{}", lsp.stderr());
}

#[test]
fn exit_without_shutdown_ends_with_1() {
    let mut lsp = Lsp::start(&Start::default());
    lsp.notify("exit", Value::Null);
    let status = lsp
        .wait_exit(Duration::from_secs(20))
        .expect("the server exits on exit");
    assert_eq!(status.code(), Some(1), "stderr:\n{}", lsp.stderr());
}

#[test]
fn exit_before_initialize_ends_with_1() {
    let mut lsp = Lsp::spawn(&Start::default());
    lsp.notify("exit", Value::Null);
    let status = lsp
        .wait_exit(Duration::from_secs(20))
        .expect("the server exits on exit");
    assert_eq!(status.code(), Some(1), "stderr:\n{}", lsp.stderr());
}

#[test]
fn end_of_input_ends_the_process_promptly() {
    for initialized in [false, true] {
        let mut lsp = if initialized {
            Lsp::start(&Start::default())
        } else {
            Lsp::spawn(&Start::default())
        };
        let t = Instant::now();
        lsp.close_stdin();
        let status = lsp
            .wait_exit(Duration::from_secs(10))
            .expect("the server ends at end of input");
        assert!(t.elapsed() < Duration::from_secs(10));
        assert_eq!(status.code(), Some(1), "no shutdown came first");
    }
}

#[test]
fn end_of_input_after_shutdown_ends_with_0() {
    let mut lsp = Lsp::start(&Start::default());
    let resp = lsp.request("shutdown", Value::Null);
    assert_eq!(resp["result"], Value::Null);
    lsp.close_stdin();
    let status = lsp
        .wait_exit(Duration::from_secs(10))
        .expect("the server ends at end of input");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn end_of_input_in_the_middle_of_a_frame_ends_the_process() {
    let mut lsp = Lsp::start(&Start::default());
    lsp.send_raw(b"Content-Length: 100\r\n\r\n{\"jsonrpc\":");
    lsp.close_stdin();
    let status = lsp
        .wait_exit(Duration::from_secs(10))
        .expect("the server ends at end of input");
    assert_eq!(status.code(), Some(1));
}

#[test]
fn requests_after_shutdown_are_invalid_and_exit_still_works() {
    let mut lsp = Lsp::start(&Start::default());
    assert_eq!(lsp.request("shutdown", Value::Null)["result"], Value::Null);
    let resp = lsp.request("textDocument/hover", json!({
        "textDocument": {"uri": "file:///nowhere/a.orgplan"}, "position": {"line": 0, "character": 0}
    }));
    assert_eq!(resp["error"]["code"], -32600, "{resp}");
    lsp.notify("exit", Value::Null);
    let status = lsp
        .wait_exit(Duration::from_secs(20))
        .expect("exit after shutdown");
    assert_eq!(status.code(), Some(0));
}

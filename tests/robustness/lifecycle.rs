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
    lsp.notify_as::<Exit>(Value::Null);
    let status = lsp
        .wait_exit(Duration::from_secs(20))
        .expect("the server exits on exit");
    assert_eq!(status.code(), Some(1), "stderr:\n{}", lsp.stderr());
}

#[test]
fn exit_before_initialize_ends_with_1() {
    let mut lsp = Lsp::spawn(&Start::default());
    lsp.notify_as::<Exit>(Value::Null);
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
    let resp = lsp.request_as::<Shutdown>(Value::Null);
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
    assert_eq!(
        lsp.request_as::<Shutdown>(Value::Null)["result"],
        Value::Null
    );
    let resp = lsp.request_as::<HoverRequest>(json!({
        "textDocument": {"uri": "file:///nowhere/a.orgplan"}, "position": {"line": 0, "character": 0}
    }));
    assert_eq!(resp["error"]["code"], -32600, "{resp}");
    lsp.notify_as::<Exit>(Value::Null);
    let status = lsp
        .wait_exit(Duration::from_secs(20))
        .expect("exit after shutdown");
    assert_eq!(status.code(), Some(0));
}

/// A long random session: edits, opens and closes, requests of every kind,
/// cancellations and the odd malformed frame. The server must answer to
/// the end, and its resident memory must level off, not grow with the
/// number of messages. `ORGPLAN_SOAK_SECS` sets the length (default 20 s).
#[test]
fn soak_a_long_random_session_with_bounded_memory() {
    let secs: u64 = std::env::var("ORGPLAN_SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let seed = seed("soak");
    let mut rng = Rng::new(seed);
    let mut lsp = Lsp::start(&Start::default());
    let base = "leader jane \"Jane 😀\" {\n  title: \"団体\"\n}\ninitiative i \"I\" {\n  leader: jane\n  teams: t\n}\nteam t \"T\" {\n  reports_to: jane\n  roles: qa\n  depends_on u { owner: t }\n}\n";
    let docs: Vec<String> = (0..4)
        .map(|i| format!("file:///soak/doc{i}.orgplan"))
        .collect();
    let mut texts: Vec<Option<String>> = vec![None; docs.len()];
    let mut versions = vec![0i64; docs.len()];
    let snippets = [
        "x",
        "\n",
        "团",
        "😀",
        "team z \"Z\" {}\n",
        "leader: nobody\n",
        "}",
        "{",
        "# c\n",
        "\r\n",
    ];
    let t0 = Instant::now();
    let mut messages = 0u64;
    let mut next_check = 500u64;
    let mut samples: Vec<(u64, u64)> = Vec::new();
    while t0.elapsed() < Duration::from_secs(secs) {
        let d = rng.below(docs.len());
        let uri = &docs[d];
        match (texts[d].is_some(), rng.below(100)) {
            (false, _) | (true, 0) => {
                if texts[d].is_some() {
                    lsp.notify_as::<DidCloseTextDocument>(json!({"textDocument": {"uri": uri}}));
                    messages += 1;
                }
                versions[d] += 1;
                texts[d] = Some(base.to_string());
                lsp.notify_as::<DidOpenTextDocument>(json!({"textDocument": {"uri": uri, "languageId": "orgplan", "version": versions[d], "text": base}}));
            }
            (true, 1..=59) => {
                let text = texts[d].as_mut().unwrap();
                if text.len() > 8_000 {
                    *text = base.to_string();
                    versions[d] += 1;
                    lsp.notify_as::<DidChangeTextDocument>(json!({"textDocument": {"uri": uri, "version": versions[d]}, "contentChanges": [{"text": base}]}));
                } else {
                    let bounds: Vec<usize> = text
                        .char_indices()
                        .map(|(i, _)| i)
                        .chain([text.len()])
                        .collect();
                    let a = *rng.pick(&bounds);
                    let b = *rng.pick(&bounds);
                    let (a, b) = (a.min(b), a.max(b).min(a + 30));
                    let mut b = b;
                    while !text.is_char_boundary(b) {
                        b -= 1;
                    }
                    let insert = if rng.chance(50) {
                        ""
                    } else {
                        *rng.pick(&snippets)
                    };
                    let (s, e) = (
                        position_of(text, a, "utf-16"),
                        position_of(text, b, "utf-16"),
                    );
                    *text = apply_change(text, Some((s, e)), insert, "utf-16");
                    versions[d] += 1;
                    lsp.notify_as::<DidChangeTextDocument>(
                        json!({"textDocument": {"uri": uri, "version": versions[d]},
                        "contentChanges": [{"range": lsp_range(s, e), "text": insert}]}),
                    );
                }
            }
            (true, 60..=95) => {
                let request = *rng.pick(&[
                    typed::<HoverRequest>(),
                    typed::<Completion>(),
                    typed::<GotoDefinition>(),
                    typed::<References>(),
                    typed::<DocumentSymbolRequest>(),
                    typed::<SemanticTokensFullRequest>(),
                    typed::<FoldingRangeRequest>(),
                    typed::<CodeLensRequest>(),
                    typed::<InlayHintRequest>(),
                    typed::<DocumentHighlightRequest>(),
                    typed::<CodeActionRequest>(),
                    typed::<Formatting>(),
                ]);
                let pos = json!({"line": rng.below(14), "character": rng.below(20)});
                let range = json!({"start": {"line": 0, "character": 0}, "end": {"line": 20, "character": 0}});
                // One set of params that reads as each request's.
                let id = (request.send)(
                    &mut lsp,
                    json!({"textDocument": {"uri": uri}, "position": pos, "range": range,
                    "context": {"includeDeclaration": true, "diagnostics": [], "triggerKind": 1},
                    "options": {"tabSize": 2, "insertSpaces": true}}),
                );
                if rng.chance(10) {
                    lsp.notify_as::<Cancel>(json!({"id": id}));
                    messages += 1;
                }
            }
            (true, 96..=97) => {
                lsp.request_as::<WorkspaceSymbolRequest>(json!({"query": "t"}));
            }
            _ => {
                lsp.send_raw(b"Content-Length: 5\r\n\r\n{bad}");
            }
        }
        messages += 1;
        if messages >= next_check {
            next_check += 500;
            // Keep the pipes flowing and the session in step.
            assert!(
                lsp.alive(),
                "the server stopped answering after {messages} messages\n{}",
                lsp.stderr()
            );
            lsp.drain(Duration::ZERO);
            if let Some(rss) = lsp.rss_kib() {
                samples.push((messages, rss));
            }
        }
    }
    assert!(lsp.alive());
    eprintln!(
        "soak: {messages} messages in {:?}; RSS first {:?} KiB, peak {:?} KiB, last {:?} KiB",
        t0.elapsed(),
        samples.first().map(|s| s.1),
        samples.iter().map(|s| s.1).max(),
        samples.last().map(|s| s.1)
    );
    assert!(messages >= 2_000, "only {messages} messages");
    if samples.len() >= 8 {
        // After warming up (the first quarter), memory may wobble but not climb
        // with the session: the last quarter's peak stays within 1.5× (+ 32 MiB)
        // of the peak up to the half.
        let q = samples.len() / 4;
        let early = samples[q..2 * q].iter().map(|s| s.1).max().unwrap();
        let late = samples[3 * q..].iter().map(|s| s.1).max().unwrap();
        assert!(
            late <= early * 3 / 2 + 32 * 1024,
            "RSS grew from {early} KiB to {late} KiB: {samples:?}"
        );
    }
    let status = lsp.shutdown_and_exit();
    assert_eq!(status.and_then(|s| s.code()), Some(0));
}

//! Pathological plans: a 10 MB file, a 1 MB line, thousands of nested
//! blocks, a 100k-entity workspace, a dependency cycle of 10k teams. Each
//! goes through the server (open, diagnostics, symbols, semantic tokens,
//! folding, formatting) and the command line (check, fmt) without a crash,
//! a stack overflow or a hang. The bounds asserted here are loose on
//! purpose (they catch hangs, not slowness, on a debug build of a busy
//! 2-core machine); docs/robustness.md states the expected times.
//!
//! The 10 MB and 100k-entity cases take tens of seconds in a debug build:
//! they run when `ORGPLAN_PATHOLOGICAL=full`; by default they run at a
//! tenth of the size.

use crate::support::*;
use serde_json::{json, Value};
use std::process::Command;
use std::time::{Duration, Instant};

/// A hang, not slowness.
const BOUND: Duration = Duration::from_secs(120);

fn full() -> bool {
    std::env::var("ORGPLAN_PATHOLOGICAL").is_ok_and(|v| v == "full")
}

/// A plan of complete, well-formed teams of about `bytes` bytes.
pub fn big_plan(bytes: usize) -> String {
    let mut s = String::from("leader lead \"Lead\" {}\n");
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&format!(
            "team t{i} \"Team {i} 😀\" {{\n  reports_to: lead\n  roles: engineering, qa, design, product\n  depends_on t{} {{\n    owner: t{i}\n    plan: \"decouple\"\n  }}\n}}\n",
            i + 1
        ));
        i += 1;
    }
    s
}

pub fn long_line() -> String {
    format!("team a \"A\" {{ roles: {}qa }}\n", "qa, ".repeat(250_000))
}

/// Blocks nested `depth` deep (indented: a `team` in the first column would
/// start a top-level block of its own).
pub fn deep_nesting(depth: usize) -> String {
    " team a \"A\" {\n".repeat(depth) + &"}\n".repeat(depth)
}

pub fn cycle(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "team c{i} \"C\" {{\n  depends_on c{} {{ owner: c{i} plan: \"p\" }}\n}}\n",
                (i + 1) % n
            )
        })
        .collect()
}

/// Opens `text` and runs the document requests on it; returns the number
/// of diagnostics published.
fn through_the_server(name: &str, text: &str) -> usize {
    let t = Instant::now();
    let mut lsp = Lsp::start(&Start::default());
    let uri = format!("file:///pathological/{name}.orgplan");
    lsp.notify_as::<DidOpenTextDocument>(
        json!({"textDocument": {"uri": uri, "languageId": "orgplan", "version": 1, "text": text}}),
    );
    let d = lsp.settled_diagnostics(&uri, Some(1), BOUND);
    assert!(
        d.is_array(),
        "{name}: no diagnostics within {BOUND:?}\n{}",
        lsp.stderr()
    );
    let n = d.as_array().map_or(0, Vec::len);
    if n > 1000 {
        let note = &d[0];
        assert_eq!(
            note["code"], "too-many-findings",
            "{name}: the first diagnostic is the note: {note}"
        );
        assert!(note["message"]
            .as_str()
            .unwrap_or_default()
            .contains("more findings in this file are not shown"));
    }
    for (request, extra) in [
        (typed::<DocumentSymbolRequest>(), json!({})),
        (typed::<SemanticTokensFullRequest>(), json!({})),
        (typed::<FoldingRangeRequest>(), json!({})),
        (
            typed::<Formatting>(),
            json!({"options": {"tabSize": 2, "insertSpaces": true}}),
        ),
        (
            typed::<HoverRequest>(),
            json!({"position": {"line": 3, "character": 3}}),
        ),
        (
            typed::<Completion>(),
            json!({"position": {"line": 3, "character": 3}}),
        ),
    ] {
        let mut params = json!({"textDocument": {"uri": uri}});
        for (k, v) in extra.as_object().unwrap() {
            params[k] = v.clone();
        }
        let r = (request.request)(&mut lsp, params);
        assert!(
            r["error"]["code"] != json!(-32603),
            "{name}: {} failed: {}",
            request.method,
            r["error"]
        );
    }
    // An edit at the end, then at the start: incremental on a big tree.
    let lines = lines_of(text).len() as u64;
    lsp.notify_as::<DidChangeTextDocument>(json!({"textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": lsp_range((lines, 0), (lines, 0)), "text": "\n# end\n"}, {"range": lsp_range((0, 0), (0, 0)), "text": "# start\n"}]}));
    lsp.settled_diagnostics(&uri, Some(2), BOUND);
    assert!(
        lsp.alive(),
        "{name}: the server stopped answering\n{}",
        lsp.stderr()
    );
    let status = lsp.shutdown_and_exit();
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "{name}: {}",
        lsp.stderr()
    );
    assert!(t.elapsed() < BOUND * 2, "{name}: {:?}", t.elapsed());
    eprintln!(
        "{name}: {} bytes, {n} diagnostics, {:?} through the server",
        text.len(),
        t.elapsed()
    );
    n
}

/// `orgplan check --format json` and `orgplan fmt --check` on a folder
/// holding `files`: no crash (status 0, 1 or 2 with a message), in time.
fn through_the_cli(name: &str, files: &[(String, String)]) {
    let dir = TempDir::new(name);
    for (rel, text) in files {
        dir.write(rel, text);
    }
    for args in [
        &["check", "--format", "json", "."][..],
        &["fmt", "--check", "."][..],
    ] {
        let t = Instant::now();
        let out = Command::new(orgplan_bin())
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("run orgplan");
        let code = out.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "{name}: orgplan {args:?} ended with {:?}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            t.elapsed() < BOUND,
            "{name}: orgplan {args:?} took {:?}",
            t.elapsed()
        );
        if args[0] == "check" {
            let v: Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("{name}: JSON output: {e}"));
            assert!(v.is_array());
        }
        eprintln!("{name}: orgplan {args:?} {:?} in {:?}", code, t.elapsed());
    }
}

#[test]
fn a_ten_megabyte_file() {
    let size = if full() { 10 << 20 } else { 1 << 20 };
    let text = big_plan(size);
    let n = through_the_server("big", &text);
    // Every team depends on the next, so the findings are few; the cap
    // (1000 per file plus a note) bounds them in any case.
    assert!(n <= 1001, "{n} diagnostics");
    through_the_cli("big", &[("big.orgplan".into(), text)]);
}

#[test]
fn a_one_megabyte_line() {
    let text = long_line();
    through_the_server("line", &text);
    through_the_cli("line", &[("line.orgplan".into(), text)]);
}

#[test]
fn thousands_of_nested_blocks() {
    for depth in [5_000, 50_000] {
        let text = deep_nesting(depth);
        through_the_server(&format!("deep{depth}"), &text);
        through_the_cli(&format!("deep{depth}"), &[("deep.orgplan".into(), text)]);
    }
}

#[test]
fn a_dependency_cycle_of_ten_thousand_teams() {
    let text = cycle(10_000);
    let n = through_the_server("cycle", &text);
    // 30 000 findings: capped at 1000, plus the note counting the rest.
    assert_eq!(n, 1001, "the cap holds");
    through_the_cli("cycle", &[("cycle.orgplan".into(), text)]);
}

#[test]
fn a_workspace_of_a_hundred_thousand_entities() {
    let (files, per_file) = if full() { (100, 1000) } else { (100, 100) };
    let plans: Vec<(String, String)> = (0..files)
        .map(|f| {
            let text: String = (0..per_file)
                .map(|i| format!("leader l{f}_{i} \"L\" {{}}\n"))
                .collect();
            (format!("plans/f{f}.orgplan"), text)
        })
        .collect();
    // The server loads the folder from disk.
    let dir = TempDir::new("many");
    for (rel, text) in &plans {
        dir.write(rel, text);
    }
    let t = Instant::now();
    let mut lsp = Lsp::start(&Start {
        root: Some(dir.path().to_path_buf()),
        ..Start::default()
    });
    let last = file_uri(&dir.path().join(format!("plans/f{}.orgplan", files - 1)));
    let d = lsp.settled_diagnostics(&last, None, BOUND);
    assert!(
        d.is_array(),
        "no diagnostics for the last file within {BOUND:?}"
    );
    let r = lsp.request_as::<WorkspaceSymbolRequest>(json!({"query": "l9"}));
    assert!(r.get("result").is_some(), "{r}");
    assert!(lsp.alive());
    eprintln!(
        "many: {} entities loaded and checked in {:?}",
        files * per_file,
        t.elapsed()
    );
    through_the_cli("many", &plans);
}

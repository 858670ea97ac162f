//! Incremental equals fresh, at the protocol level: random `didChange`
//! scripts (ASCII, CJK, emoji, CRLF, lone CR, deletions across lines, edits
//! inside strings and comments, positions past the end of a line or file,
//! inside a surrogate pair or a UTF-8 sequence, reversed ranges, several
//! changes per notification) in UTF-16 and UTF-8 position encodings. After
//! each script the server's diagnostics (and, where the server offers them,
//! symbols, folding ranges and semantic tokens) must equal those of a fresh
//! server opened on the text the client computed.
//!
//! Bounded in time: `ORGPLAN_ROBUSTNESS_SECS` seconds per encoding (default 3).

use crate::support::*;
use orgplan_test_client::ext::TestText;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const SEED_PLAN: &str = "# Retail — 団体 plan 😀\r\n\
leader jane \"Jane 😀 Doe\" {\r\n  title: \"Director, 団体\"\r\n}\r\n\
leader raj \"Raj\" {\n  allocation: 50%   # part-time 😀\n}\n\
initiative fba \"FBA\" {\n  leader: jane\n  model: ownership\n  critical: true\n  scope: \"Inbound\"\n  metrics: \"Units\", \"Defects\"\n  teams: fba-inbound, billing\n  approvals: jane, raj\n}\n\
team fba-inbound \"FBA Inbound\" {\r  reports_to: jane\r  roles: engineering, qa\r  depends_on billing {\r    owner: fba-inbound\r  }\r}\r\
team billing \"Billing 💳\" {\n  reports_to: raj\n  roles: engineering, qa, design, product\n  depends_on fba-inbound { plan: \"🙂\" }\n}\n";

const ATOMS: &[&str] = &[
    "",
    "",
    "",
    "a",
    "x",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "{",
    "}",
    ":",
    ",",
    "\"",
    "#",
    "# note 😀\n",
    "%",
    "50%",
    "true",
    "leader",
    "team",
    "initiative ",
    "depends_on ",
    "団体",
    "日本語",
    "😀",
    "👩‍👩‍👧",
    "💳x",
    "é",
    "\u{2028}",
    "\u{85}",
    "\u{feff}",
    "leader: jane\n",
    "teams: fba-inbound, billing\n",
    "team t \"T\" {\n  roles: qa\n}\n",
    "\"str 😀 \\\" end\"",
    "leader: nobody",
    "model: owner",
];

/// A random LSP position in `text`, sometimes off the map on purpose.
fn random_position(rng: &mut Rng, text: &str, enc: &str) -> (u64, u64) {
    let lines = lines_of(text);
    match rng.below(20) {
        0 => (
            lines.len() as u64 + rng.below(3) as u64,
            rng.below(5) as u64,
        ), // past the last line
        1 => {
            let l = rng.below(lines.len());
            (l as u64, 10_000 + rng.below(10) as u64) // past the end of the line
        }
        2 => (u32::MAX as u64, u32::MAX as u64),
        3 => {
            // Inside a character: one unit past the start of a wide one, if any.
            let wide: Vec<usize> = text
                .char_indices()
                .filter(|(_, c)| {
                    if enc == "utf-8" {
                        c.len_utf8() > 1
                    } else {
                        c.len_utf16() > 1
                    }
                })
                .map(|(i, _)| i)
                .collect();
            if wide.is_empty() {
                (0, 0)
            } else {
                let (l, c) = position_of(text, *rng.pick(&wide), enc);
                (l, c + 1)
            }
        }
        _ => {
            let bounds: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .collect();
            position_of(text, *rng.pick(&bounds), enc)
        }
    }
}

fn random_insert(rng: &mut Rng) -> String {
    let n = rng.below(4);
    (0..n).map(|_| *rng.pick(ATOMS)).collect()
}

/// One random change against `text`: (range or full replace, new text).
/// A full replace is now and then the text with a ranged change made.
type Change = (Option<((u64, u64), (u64, u64))>, String);

fn random_change(rng: &mut Rng, text: &str, enc: &str) -> Change {
    if rng.chance(2) {
        return (
            None,
            format!(
                "{}{}",
                random_insert(rng),
                &SEED_PLAN[..SEED_PLAN.len() / 2]
            ),
        );
    }
    let a = random_position(rng, text, enc);
    let b = if rng.chance(60) {
        // A short range, often across lines.
        let start = offset_of(text, a, enc);
        let mut end = (start + rng.below(40)).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        position_of(text, end, enc)
    } else {
        random_position(rng, text, enc)
    };
    let (start, end) = if rng.chance(90) && b < a {
        (b, a)
    } else {
        (a, b)
    }; // sometimes reversed
    let insert = random_insert(rng);
    if rng.chance(10) {
        // A client that sends the whole text at each keystroke: the server
        // edits what differs.
        return (None, apply_change(text, Some((start, end)), &insert, enc));
    }
    (Some((start, end)), insert)
}

fn capabilities_of(init: &Value) -> Value {
    init["result"]["capabilities"].clone()
}

/// What else the server can tell about a document's text, where offered.
fn probes(lsp: &mut Lsp, caps: &Value, uri: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let doc = json!({"textDocument": {"uri": uri}});
    for (cap, request) in [
        ("documentSymbolProvider", typed::<DocumentSymbolRequest>()),
        ("foldingRangeProvider", typed::<FoldingRangeRequest>()),
        (
            "semanticTokensProvider",
            typed::<SemanticTokensFullRequest>(),
        ),
    ] {
        if caps
            .get(cap)
            .is_some_and(|c| !c.is_null() && *c != json!(false))
        {
            let mut r = (request.request)(lsp, doc.clone());
            if let Some(obj) = r["result"].as_object_mut() {
                obj.remove("resultId");
            }
            // Symbols name their URI: strip it, the two servers' differ.
            let text = r["result"].to_string().replace(uri, "URI");
            out.push((
                request.method.to_string(),
                json!({"result": text, "error": r["error"]}),
            ));
        }
    }
    out
}

/// The whole semantic tokens result of a document.
fn tokens_full(lsp: &mut Lsp, uri: &str) -> Value {
    let r = lsp.request_as::<SemanticTokensFullRequest>(json!({"textDocument": {"uri": uri}}));
    assert!(r["result"]["resultId"].is_string(), "{r}");
    r["result"].clone()
}

/// The data of `before` with a delta result applied (or the data of a
/// whole result given instead).
fn apply_delta(before: &Value, delta: &Value) -> Value {
    if delta.get("data").is_some() {
        return delta["data"].clone();
    }
    let mut data = before["data"].as_array().unwrap().clone();
    let mut edits = delta["edits"].as_array().unwrap().clone();
    edits.sort_by_key(|e| std::cmp::Reverse(e["start"].as_u64()));
    for e in edits {
        let start = e["start"].as_u64().unwrap() as usize;
        let delete = e["deleteCount"].as_u64().unwrap() as usize;
        let insert = e["data"].as_array().cloned().unwrap_or_default();
        data.splice(start..start + delete, insert);
    }
    Value::Array(data)
}

fn run_scripts(encoding: &'static str) {
    let budget = Duration::from_secs(
        std::env::var("ORGPLAN_ROBUSTNESS_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(3),
    );
    let seed = seed(&format!("incremental_equals_fresh ({encoding})"));
    let mut rng = Rng::new(seed);
    let start = Start {
        encodings: vec![encoding],
        ..Start::default()
    };
    // The test hooks let the client read the server's text back
    // (`orgplan/test/text`, which also checks the rope against the
    // analysis): the edited server runs in process, the binary has none.
    let hooked = Start {
        in_process: Some(orgplan_lsp::fuzzing::TestHooks {
            requests: true,
            hold_load: false,
        }),
        ..start.clone()
    };
    let mut edited = Lsp::spawn(&hooked);
    // The edited server is asked for deltas of semantic tokens too.
    let mut params = initialize_params(&start);
    params["capabilities"]["textDocument"]["semanticTokens"] = json!({
        "requests": {"full": {"delta": true}, "range": true},
        "tokenTypes": [], "tokenModifiers": [], "formats": ["relative"]
    });
    let init = edited.request_as::<Initialize>(params);
    assert_eq!(
        init["result"]["capabilities"]["positionEncoding"], encoding,
        "{init}"
    );
    edited.notify_as::<Initialized>(json!({}));
    let caps = capabilities_of(&init);
    let mut fresh = Lsp::start(&start);
    let t0 = Instant::now();
    let mut scripts = 0;
    let mut edits = 0;
    while t0.elapsed() < budget || scripts < 2 {
        scripts += 1;
        let uri = format!("file:///robustness/edited-{scripts}.orgplan");
        let mut text = SEED_PLAN.to_string();
        edited.notify_as::<DidOpenTextDocument>(json!({"textDocument": {"uri": uri, "languageId": "orgplan", "version": 0, "text": text}}));
        let steps = 5 + rng.below(40);
        let mut log = Vec::new();
        let before = tokens_full(&mut edited, &uri);
        for version in 1..=steps as i64 {
            let n = if rng.chance(15) { 2 + rng.below(3) } else { 1 };
            let mut changes = Vec::new();
            for _ in 0..n {
                let (range, new_text) = random_change(&mut rng, &text, encoding);
                text = apply_change(&text, range, &new_text, encoding);
                changes.push(match range {
                    Some((s, e)) => json!({"range": lsp_range(s, e), "text": new_text}),
                    None => json!({"text": new_text}),
                });
            }
            edits += n;
            log.push(changes.clone());
            let check_now = version == steps as i64 || rng.chance(20);
            edited.notify_as::<DidChangeTextDocument>(json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}));
            if check_now {
                let r = edited.request_as::<TestText>(json!({ "uri": uri }));
                assert_eq!(
                    r["result"].as_str(),
                    Some(text.as_str()),
                    "the server's text differs from the client's after version {version} (seed {seed}, script {scripts}, {encoding})\nresponse: {r}\nedits: {}",
                    serde_json::to_string(&log).unwrap()
                );
            }
        }
        let fresh_uri = format!("file:///robustness/fresh-{scripts}.orgplan");
        fresh.notify_as::<DidOpenTextDocument>(json!({"textDocument": {"uri": fresh_uri, "languageId": "orgplan", "version": 1, "text": text}}));
        let want = diagnostic_keys(&fresh.settled_diagnostics(
            &fresh_uri,
            Some(1),
            Duration::from_secs(10),
        ));
        let mut got = diagnostic_keys(&edited.settled_diagnostics(
            &uri,
            Some(steps as i64),
            Duration::from_millis(300),
        ));
        if got != want {
            // Perhaps only slow: wait longer before calling it a bug.
            got = diagnostic_keys(&edited.settled_diagnostics(
                &uri,
                Some(steps as i64),
                Duration::from_secs(3),
            ));
        }
        let context = || {
            format!(
                "seed {seed}, script {scripts} ({encoding})\nfinal text: {text:?}\nedits: {}",
                serde_json::to_string(&log).unwrap()
            )
        };
        assert_eq!(
            got,
            want,
            "diagnostics differ from a fresh server's\n{}",
            context()
        );
        // The tokens before the edits, with the delta since applied, are
        // the tokens after them.
        let delta = edited.request_as::<SemanticTokensFullDeltaRequest>(
            json!({"textDocument": {"uri": uri}, "previousResultId": before["resultId"]}),
        );
        assert_eq!(
            apply_delta(&before, &delta["result"]),
            tokens_full(&mut edited, &uri)["data"],
            "the delta does not lead to the tokens\n{}",
            context()
        );
        let a = probes(&mut edited, &caps, &uri);
        let b: Vec<_> = probes(&mut fresh, &caps, &fresh_uri)
            .into_iter()
            .map(|(m, v)| (m, json!({"result": v["result"].as_str().unwrap_or_default().replace("fresh-", "edited-"), "error": v["error"]})))
            .collect();
        assert_eq!(
            a,
            b,
            "document features differ from a fresh server's\n{}",
            context()
        );
        edited.notify_as::<DidCloseTextDocument>(json!({"textDocument": {"uri": uri}}));
        fresh.notify_as::<DidCloseTextDocument>(json!({"textDocument": {"uri": fresh_uri}}));
    }
    eprintln!(
        "{encoding}: {scripts} scripts, {edits} changes in {:?}",
        t0.elapsed()
    );
    assert!(edited.alive() && fresh.alive());
    assert!(
        edited.garbage.is_empty(),
        "unframed output: {:?}",
        edited.garbage
    );
}

#[test]
fn random_edit_scripts_equal_a_fresh_server_utf16() {
    run_scripts("utf-16");
}

#[test]
fn random_edit_scripts_equal_a_fresh_server_utf8() {
    run_scripts("utf-8");
}

#[test]
fn client_model_round_trips_positions() {
    // The test's own model must agree with itself before it judges the server.
    let text = "a😀b\r\n団体\rx\n\u{2028}é";
    for enc in ["utf-8", "utf-16", "utf-32"] {
        for (i, _) in text.char_indices() {
            let back = offset_of(text, position_of(text, i, enc), enc);
            let expected = if text[..i].ends_with('\r') && text[i..].starts_with('\n') {
                i - 1
            } else {
                i
            };
            assert_eq!(back, expected, "{enc} at {i}");
        }
    }
    assert_eq!(
        offset_of("a😀b", (0, 2), "utf-16"),
        1,
        "inside a surrogate pair: the emoji's start"
    );
    assert_eq!(
        offset_of("a😀b", (0, 3), "utf-8"),
        1,
        "inside a UTF-8 sequence: the character's start"
    );
    assert_eq!(offset_of("ab\ncd", (0, 99), "utf-16"), 2);
    assert_eq!(offset_of("ab\ncd", (9, 0), "utf-16"), 5);
}

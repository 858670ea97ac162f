//! Many edits in quick succession, interleaved with requests.

use crate::harness::{hooks, Client, Init};
use orgplan_test_client::lsp_types::notification::DidChangeTextDocument;
use orgplan_test_client::lsp_types::request::HoverRequest;
use serde_json::{json, Value};

/// A small deterministic generator (xorshift), so failures replay.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let col = before.rsplit('\n').next().unwrap().encode_utf16().count();
    json!({ "line": line, "character": col })
}

fn boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

const SNIPPETS: &[&str] = &[
    "leader ",
    "team ",
    "initiative ",
    "{",
    "}",
    "\n",
    "  leader: jane\n",
    "teams: a, b",
    "é",
    "😀",
    "\"",
    "x",
    "-",
    ":",
    " ",
    "depends_on a { owner: b }\n",
    "# note\n",
    "50%",
    "true",
];

#[test]
fn five_hundred_rapid_edits_keep_text_and_diagnostics_in_step() {
    let mut c = Client::spawn(Init {
        hooks: hooks(),
        ..Init::default()
    });
    let uri = "file:///outside/rapid.orgplan";
    let mut text = String::from("leader jane \"Jane\" {\n  title: \"Director\"\n}\n\ninitiative fba \"FBA\" {\n  leader: jane\n}\n\nteam a \"A\" { }\n");
    c.open(uri, &text);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut version = 1;
    let mut pending = Vec::new();
    for i in 0..500 {
        let start = boundary(&text, rng.below(text.len() + 1));
        let len = if rng.below(3) == 0 { rng.below(8) } else { 0 };
        let end = boundary(&text, (start + len).min(text.len()));
        let insert = if rng.below(4) == 0 {
            ""
        } else {
            SNIPPETS[rng.below(SNIPPETS.len())]
        };
        let range = json!({ "start": position(&text, start), "end": position(&text, end) });
        text.replace_range(start..end, insert);
        version += 1;
        c.notify_as::<DidChangeTextDocument>(json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "range": range, "text": insert }] }),
        );
        // Requests in between, answered while edits keep coming.
        if i % 7 == 0 {
            pending.push(c.send_request_as::<HoverRequest>(json!({ "textDocument": { "uri": uri }, "position": position(&text, boundary(&text, rng.below(text.len() + 1))) }),
            ));
        }
        if i % 50 == 49 {
            assert_eq!(c.text(uri), text, "after edit {i}");
        }
    }
    for id in pending {
        // Answered (a result or an error), never lost.
        let _ = c.response(id);
    }
    assert_eq!(c.text(uri), text);
    let last = c.wait_diagnostics(uri, |d| d["version"] == version);
    let versions: Vec<i64> = c
        .publications(uri)
        .iter()
        .map(|p| p["version"].as_i64().unwrap())
        .collect();
    assert!(
        versions.windows(2).all(|w| w[0] <= w[1]),
        "versions go forward: {versions:?}"
    );
    // The last diagnostics are those of the final text, analysed afresh.
    let mut fresh = Client::spawn(Init::default());
    fresh.open(uri, &text);
    let want = fresh.wait_diagnostics(uri, |_| true);
    assert_eq!(last["diagnostics"], want["diagnostics"]);
    assert_eq!(fresh.shutdown(), 0);
    assert_eq!(c.shutdown(), 0);
}

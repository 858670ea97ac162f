//! textDocument/formatting: the canonical layout from
//! `orgplan_analysis::format`. Text that does not parse is left as it is,
//! and the user is told why. (The edit and the refusal are shared with
//! textDocument/rangeFormatting.)

use super::Snap;
use orgplan_analysis::ide::config_file;
use orgplan_analysis::TextRange;
use std::fmt::Write as _;
use tower_lsp_server::lsp_types::{DocumentFormattingParams, TextEdit};

/// What a formatting request gives.
pub enum Formatted {
    Edits(Vec<TextEdit>),
    /// Nothing was changed, for this reason (to show the user).
    Refused(String),
}

pub fn formatting(snap: &Snap, _: &DocumentFormattingParams) -> Option<Formatted> {
    if config_file::is_config(snap.ws, snap.file) {
        // `orgplan.toml` is left to TOML formatters.
        return None;
    }
    let whole = TextRange::new(0, snap.ws.text(snap.file)?.len());
    // Text the analysis found a syntax error in is not formatted (the
    // formatter would parse it whole again to find that out: on a large
    // plan, most of a second and a tree many times the text's size).
    let findings = snap.analysis.findings_in(snap.file);
    if findings.iter().any(|f| f.rule == "syntax-error") {
        return Some(Formatted::Refused(refusal(snap, whole)));
    }
    // Block by block, from the blocks the analysis holds: the text is
    // never copied, parsed or compared as one string, and the blocks the
    // last request found canonical are not laid out again. One edit per
    // block that changes, so what lies between them (the cursor, folds)
    // is left alone.
    let text = snap.ws.text(snap.file)?;
    let Some(changes) = snap.ws.format_file(snap.file) else {
        return Some(Formatted::Refused(refusal(snap, whole)));
    };
    if changes.len() > MANY_EDITS {
        return Some(Formatted::Edits(one_edit(snap, text, &changes)));
    }
    let mut edits = Vec::new();
    for (part, formatted) in changes {
        let old = text.slice(part.range());
        edits.extend(minimal_edit(snap, &old, part.start(), part, &formatted));
    }
    Some(Formatted::Edits(edits))
}

/// Past this many blocks that change, whole formatting answers one edit.
pub(crate) const MANY_EDITS: usize = 64;

/// Most of the plan changes: one edit from the first change to the last
/// (a response of thousands of small edits, each a JSON object, took more
/// memory and time than the text they carry), past the head of the first
/// piece and the tail of the last that stay as they are. Written as JSON
/// text and carried out in place of the response's placeholder
/// ([`crate::transport::stash_raw`]): the new text, most of the plan, is
/// escaped straight into the answer, piece by piece, never copied into a
/// string of its own or a JSON value, nor serialised by tower-lsp (the
/// escaping of some three megabytes was a third of the request's time on
/// the 100k-line plan).
fn one_edit(
    snap: &Snap,
    text: &orgplan_analysis::Text,
    changes: &[(TextRange, String)],
) -> Vec<TextEdit> {
    let (Some(first), Some(last)) = (changes.first(), changes.last()) else {
        return Vec::new();
    };
    // Each piece in `changes` differs from its text: what the edit
    // leaves alone ends in the first and starts in the last.
    let head = common_prefix(&text.slice(first.0.range()), &first.1);
    let tail = common_suffix(&text.slice(last.0.range()), &last.1);
    // One piece: the head and the tail do not overlap.
    let tail = match changes.len() {
        1 => tail.min(first.1.len() - head).min(first.0.len() - head),
        _ => tail,
    };
    let range = TextRange::new(first.0.start() + head, last.0.end() - tail);
    // `[{"range":…,"newText":"…"}]`, the new text escaped into the body
    // piece by piece (never a string of its own).
    let mut body = crate::transport::raw_result(range.len() + range.len() / 8 + 128);
    body.extend_from_slice(br#"[{"range":"#);
    // Writing into memory cannot fail.
    serde_json::to_writer(&mut body, &snap.range(range)).expect("a range is written as JSON");
    body.extend_from_slice(br#","newText":""#);
    let mut new_text = crate::transport::JsonString(&mut body);
    // The text between the pieces, read forward in one walk of the rope
    // (not a lookup from its root for each of thousands of pieces).
    let mut reader = text.forward();
    let mut at = first.0.start();
    for (i, (piece, layout)) in changes.iter().enumerate() {
        let _ = new_text.write_str(&reader.slice(at, piece.start()));
        let from = if i == 0 { head } else { 0 };
        let to = if i + 1 == changes.len() {
            layout.len() - tail
        } else {
            layout.len()
        };
        let _ = new_text.write_str(&layout[from..to]);
        at = piece.end();
    }
    body.extend_from_slice(br#""}]"#);
    vec![crate::transport::raw_edit(crate::transport::stash_raw(
        body,
    ))]
}

/// Why `range` was not formatted: the first syntax error in or after it.
pub(super) fn refusal(snap: &Snap, range: TextRange) -> String {
    let findings = snap.analysis.findings_in(snap.file);
    let first = findings
        .iter()
        .filter(|f| f.rule == "syntax-error")
        .find(|f| f.loc.range.end() >= range.start())
        .or_else(|| findings.iter().find(|f| f.rule == "syntax-error"));
    match first {
        Some(f) => {
            let line = snap.range(f.loc.range).start.line + 1;
            format!(
                "orgplan: not formatted: line {line} does not parse ({}). Fix it and format again.",
                f.message
            )
        }
        None => format!(
            "orgplan: not formatted: blocks nest deeper than {} levels.",
            orgplan_analysis::syntax::MAX_NESTING
        ),
    }
}

/// One edit that turns `part` of the text (`text` is the text from
/// `base` on) into `formatted`, replacing only the differing middle: the
/// cursor and folds of the unchanged head and tail stay in place. No edit
/// when nothing changes.
pub(super) fn minimal_edit(
    snap: &Snap,
    text: &str,
    base: usize,
    part: TextRange,
    formatted: &str,
) -> Vec<TextEdit> {
    let old = &text[part.start() - base..part.end() - base];
    if old == formatted {
        return Vec::new();
    }
    let prefix = common_prefix(old, formatted);
    let suffix = common_suffix(&old[prefix..], &formatted[prefix..]);
    let changed = TextRange::new(part.start() + prefix, part.end() - suffix);
    let new_text = formatted[prefix..formatted.len() - suffix].to_string();
    vec![TextEdit {
        range: snap.range(changed),
        new_text,
    }]
}

fn common_prefix(a: &str, b: &str) -> usize {
    let mut n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    while !a.is_char_boundary(n) || !b.is_char_boundary(n) {
        n -= 1;
    }
    // Never split a "\r\n".
    while n > 0 && a.as_bytes()[n - 1] == b'\r' {
        n -= 1;
    }
    n
}

fn common_suffix(a: &str, b: &str) -> usize {
    let mut n = a
        .bytes()
        .rev()
        .zip(b.bytes().rev())
        .take_while(|(x, y)| x == y)
        .count();
    while !a.is_char_boundary(a.len() - n) || !b.is_char_boundary(b.len() - n) {
        n -= 1;
    }
    while n > 0
        && a.as_bytes()[a.len() - n] == b'\n'
        && a.len() > n
        && a.as_bytes()[a.len() - n - 1] == b'\r'
    {
        n -= 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_middle() {
        let (a, b) = ("team a { }\nteam  b { }\n", "team a { }\nteam b { }\n");
        let p = common_prefix(a, b);
        let s = common_suffix(&a[p..], &b[p..]);
        assert_eq!((&a[p..a.len() - s], &b[p..b.len() - s]), (" ", ""));
        let (a, b) = ("x\r\ny", "x\r\nzy");
        let p = common_prefix(a, b);
        assert_eq!(p, 3);
        let (a, b) = ("a\n", "a\r\n");
        let p = common_prefix(a, b);
        let s = common_suffix(&a[p..], &b[p..]);
        assert_eq!((&a[p..a.len() - s], &b[p..b.len() - s]), ("", "\r"));
    }
}

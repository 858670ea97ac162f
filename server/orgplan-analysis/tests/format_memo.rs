//! Whole formatting with the memo of canonical pieces
//! (`Workspace::format_file`) changes, after any edits, the pieces
//! formatting afresh changes (`format::format_blocks`, no memo), to the
//! same layout.

use orgplan_analysis::{format, TextRange, Workspace};
use proptest::prelude::*;

const SEED: &str = include_str!("../../../examples/violations/plan.orgplan");

/// A keystroke: where (a fraction of the text), how much it deletes, what
/// it types. Mostly layout (spaces, line breaks), which leaves a block
/// parseable but out of its canonical layout.
fn keystroke() -> impl Strategy<Value = (f64, usize, &'static str)> {
    (
        0.0..1.0f64,
        prop_oneof![4 => Just(0usize), 1 => 1usize..4],
        prop::sample::select(vec![
            " ", "\n", "\n\n", "  ", "x", "}", "# note\n", "\t", "",
        ]),
    )
}

/// The pieces formatting afresh changes.
fn fresh(ws: &Workspace, id: orgplan_analysis::FileId) -> Option<Vec<(TextRange, String)>> {
    let file = ws.file(id).unwrap();
    let blocks: Vec<TextRange> = file.doc().blocks.iter().map(|b| b.range).collect();
    let pieces = format::format_blocks(&file.text, &blocks)?;
    Some(
        pieces
            .into_iter()
            .filter(|(r, f)| file.text.slice(r.range()) != f.as_str())
            .collect(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Formatting a file as `orgplan fmt` does (`try_format_file`: in
    /// chunks, from the document) gives what formatting it as one string
    /// gives, or refuses as it does, after any edits. Except where the
    /// two parses differ: a line that starts with `team`, `leader` or
    /// `initiative` and an id, in the first column, inside a block, ends
    /// that block for the analysis (a syntax error: `orgplan check` and the
    /// editor say so), while one string parsed whole reads it as a nested
    /// block. There the file is refused, as the editor refuses it, rather
    /// than indented into a meaning the analysis does not give it.
    #[test]
    fn formatting_a_file_in_chunks_equals_formatting_it_whole(
        keys in proptest::collection::vec(keystroke(), 0..8),
        crlf in any::<bool>(),
    ) {
        let mut text = if crlf { SEED.replace('\n', "\r\n") } else { SEED.to_string() };
        for (at, del, typed) in keys {
            let mut start = (at * text.len() as f64) as usize;
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + del).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(start..end, typed);
            let in_chunks = orgplan_analysis::chunks::parse(&orgplan_analysis::Text::new(&text));
            let expected = if in_chunks.doc().errors.is_empty() {
                format::try_format(&text)
            } else {
                None
            };
            prop_assert_eq!(format::try_format_file(&text), expected, "{}", text);
        }
    }

    #[test]
    fn formatting_with_the_memo_equals_formatting_afresh(
        keys in proptest::collection::vec(keystroke(), 1..12),
        twice in any::<bool>(),
    ) {
        let mut ws = Workspace::new();
        // Two files share the memo: formatting one between the other's
        // requests must not make the other's answer wrong.
        let id = ws.set_file("a.orgplan", SEED.repeat(2));
        let other = ws.set_file("b.orgplan", SEED.to_string());
        prop_assert_eq!(ws.format_file(id), fresh(&ws, id));
        for (at, del, typed) in keys {
            let text = ws.text(id).unwrap().to_string();
            let mut start = (at * text.len() as f64) as usize;
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let end = (start + del).min(text.len());
            ws.edit_file(id, TextRange::new(start, end), typed);
            prop_assert_eq!(ws.format_file(id), fresh(&ws, id));
            if twice {
                prop_assert_eq!(ws.format_file(other), fresh(&ws, other));
                prop_assert_eq!(ws.format_file(id), fresh(&ws, id));
            }
        }
    }
}

/// Whole formatting from the analysis's document (`Workspace::format_file`)
/// answers as formatting each piece afresh from a parse does, on the
/// repository's plans written every way a file may be: out of layout,
/// with CRLF or lone CR line breaks, a byte-order mark, tabs, form feeds,
/// comments after every line (and with a syntax error: `more.orgplan`).
#[test]
fn formatting_from_the_document_equals_formatting_afresh_on_every_kind_of_text() {
    let plans = [
        SEED,
        include_str!("../../../examples/fulfilment/plan.orgplan"),
        include_str!("../../../examples/gdpr/plan.orgplan"),
        include_str!("../../../examples/violations/more.orgplan"),
    ];
    type Variant = (&'static str, fn(&str) -> String);
    let variants: [Variant; 8] = [
        ("as written", |s| s.to_string()),
        ("crlf", |s| s.replace('\n', "\r\n")),
        ("lone cr", |s| s.replace('\n', "\r")),
        ("byte-order mark", |s| format!("\u{feff}{s}")),
        ("tabs", |s| s.replace("  ", "\t")),
        ("form feeds", |s| s.replace("  ", "\u{c} ")),
        ("squeezed", |s| {
            s.replace(": ", ":")
                .replace(", ", ",")
                .replace("\n\n", "\n")
        }),
        ("comments", |s| s.replace("}\n", "} # closed\n")),
    ];
    for plan in plans {
        for (name, variant) in variants {
            let text = variant(plan);
            let mut ws = Workspace::new();
            let id = ws.set_file("p.orgplan", text.clone());
            assert_eq!(ws.format_file(id), fresh(&ws, id), "{name}:\n{text}");
            assert_eq!(
                format::try_format_file(&text),
                format::try_format(&text),
                "{name}"
            );
            // And again, with what the first request learnt.
            assert_eq!(ws.format_file(id), fresh(&ws, id), "{name}, again");
        }
    }
}

/// A declaration line inside a block, in the first column (a comment split
/// by a line break, say), ends the block for the analysis: a syntax error,
/// so whole formatting refuses the file, as the editor does, and does not
/// indent the line into a nested block.
#[test]
fn a_declaration_line_inside_a_block_is_refused_as_the_analysis_reads_it() {
    let text =
        "initiative ads \"Ads\" {\n  leader: kim  # one\nteam reports to kim\n  scope: \"S\"\n}\n";
    let in_chunks = orgplan_analysis::chunks::parse(&orgplan_analysis::Text::new(text));
    assert!(!in_chunks.doc().errors.is_empty());
    assert_eq!(format::try_format_file(text), None);
    // Parsed whole, the line is a nested block: what the analysis does not read.
    assert!(format::try_format(text).is_some());
}

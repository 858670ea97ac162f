//! Edit scripts on a document: applying them incrementally gives the same
//! text, tree and findings as parsing the final text afresh; and LSP
//! positions round-trip through `orgplan_analysis::position` (on the
//! text kept through the edits) in every encoding.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use orgplan_analysis::position::{self, Encoding, LineCol};
use orgplan_analysis::{TextRange, Workspace};

const SEED: &str = "leader jane \"Jane 😀\" {\r\n  title: \"団体\"\r}\ninitiative i \"I\" {\n  leader: jane\n  teams: t\n}\nteam t \"T\" {\n  reports_to: jane # c\n  depends_on u { owner: t }\n}\n";

#[derive(Arbitrary, Debug)]
struct Edit {
    at: u16,
    len: u8,
    insert: String,
}

#[derive(Arbitrary, Debug)]
struct Script {
    start_empty: bool,
    edits: Vec<Edit>,
    probes: Vec<(u16, u16)>,
}

fn findings(ws: &mut Workspace) -> Vec<String> {
    ws.analysis()
        .findings
        .iter()
        .map(|f| {
            format!(
                "{:?} {:?} {} {}",
                f.loc.file, f.loc.range, f.rule, f.message
            )
        })
        .collect()
}

fuzz_target!(|script: Script| {
    let mut ws = Workspace::new();
    let id = ws.set_file(
        "a.orgplan",
        if script.start_empty {
            String::new()
        } else {
            SEED.to_string()
        },
    );
    let mut expected = ws.text(id).unwrap().to_string();
    for e in script.edits.iter().take(64) {
        let len = expected.len();
        let mut start = (e.at as usize) % (len + 1);
        while !expected.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + e.len as usize).min(len);
        while !expected.is_char_boundary(end) {
            end -= 1;
        }
        expected.replace_range(start..end, &e.insert);
        ws.edit_file(id, TextRange::new(start, end), &e.insert);
        assert_eq!(*ws.text(id).unwrap(), *expected.as_str());
    }
    let tree = format!("{:?}", ws.file(id).unwrap().parsed.chunks);
    let incremental = findings(&mut ws);
    let mut fresh = Workspace::new();
    fresh.set_file("a.orgplan", expected.clone());
    assert_eq!(
        tree,
        format!("{:?}", fresh.file(id).unwrap().parsed.chunks),
        "trees differ for {expected:?}"
    );
    let mut a = incremental;
    let mut b = findings(&mut fresh);
    a.sort();
    b.sort();
    assert_eq!(a, b, "findings differ for {expected:?}");

    let rope = ws.lines(id).unwrap();
    for &(line, col) in script.probes.iter().take(32) {
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let pos = LineCol {
                line: line as u32,
                col: col as u32,
            };
            let off = position::to_offset(&rope, pos, enc);
            assert!(
                off <= expected.len() && expected.is_char_boundary(off),
                "{pos:?} {enc:?} → {off}"
            );
            let back = position::to_line_col(&rope, off, enc);
            assert_eq!(
                position::to_offset(&rope, back, enc),
                off,
                "{enc:?} round trip at {off}"
            );
        }
    }
});

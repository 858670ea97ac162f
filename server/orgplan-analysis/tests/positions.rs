//! Position conversion on random text, in UTF-8, UTF-16 and UTF-32: every
//! position (also past the end of a line or the file, or inside a
//! character) lands on a character boundary inside the text, and every
//! boundary round-trips.

use orgplan_analysis::position::{
    range_to_line_cols, to_line_col, to_offset, Encoding, LineCol, Lines,
};
use orgplan_analysis::Text;
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    let atoms = prop_oneof![
        Just("a"),
        Just(" "),
        Just("\n"),
        Just("\r\n"),
        Just("\r"),
        Just("é"),
        Just("団"),
        Just("😀"),
        Just("👩‍👧"),
        Just("\u{2028}"),
        Just("\u{85}"),
        Just("\u{feff}"),
        Just("\t"),
    ];
    proptest::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
}

const ENCODINGS: [Encoding; 3] = [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32];

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn any_position_lands_on_a_boundary(text in text(), line in 0u32..12, col in prop_oneof![0u32..12, Just(u32::MAX)]) {
        let t = Text::new(&text);
        let rope = Lines::new(&t);
        for enc in ENCODINGS {
            let off = to_offset(&rope, LineCol { line, col }, enc);
            prop_assert!(off <= text.len() && text.is_char_boundary(off), "{enc:?} ({line}, {col}) -> {off} in {text:?}");
            // Converting back and forth again is stable.
            let back = to_line_col(&rope, off, enc);
            prop_assert_eq!(to_offset(&rope, back, enc), off);
        }
    }

    #[test]
    fn every_boundary_round_trips(text in text()) {
        let t = Text::new(&text);
        let rope = Lines::new(&t);
        for enc in ENCODINGS {
            for i in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                let expected = if text[..i].ends_with('\r') && text[i..].starts_with('\n') { i - 1 } else { i };
                prop_assert_eq!(to_offset(&rope, to_line_col(&rope, i, enc), enc), expected, "{:?} at {} in {:?}", enc, i, text);
            }
        }
    }
}

/// The (line, column) of byte `i` counted from the start, the slow way.
fn naive(text: &str, i: usize, enc: Encoding) -> LineCol {
    // An offset between "\r" and "\n" is the end of the line.
    let i = if text[..i].ends_with('\r') && text[i..].starts_with('\n') {
        i - 1
    } else {
        i
    };
    let before = &text[..i];
    let breaks = before.matches('\n').count()
        + before
            .match_indices('\r')
            .filter(|(k, _)| !text[k + 1..].starts_with('\n'))
            .count();
    let line_start = before.rfind(['\n', '\r']).map_or(0, |k| k + 1);
    let line = &text[line_start..i];
    let col = match enc {
        Encoding::Utf8 => line.len(),
        Encoding::Utf16 => line.chars().map(char::len_utf16).sum(),
        Encoding::Utf32 => line.chars().count(),
    };
    LineCol {
        line: breaks as u32,
        col: col as u32,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Texts of several kilobytes built by edits (insertions, deletions and
    /// replacements anywhere, splitting and joining "\r\n" pairs too): the
    /// text kept through the edits equals the text edited as a string, and
    /// every boundary gets the line and column counted naively.
    #[test]
    fn a_text_kept_through_edits_matches_a_naive_count(
        edits in proptest::collection::vec((text(), 0usize..4000, 0usize..40), 1..200)
    ) {
        let mut text = String::new();
        let mut kept = Text::new(&text);
        for (part, at, removed) in edits {
            let floor = |t: &str, mut i: usize| {
                i = i.min(t.len());
                while !t.is_char_boundary(i) {
                    i -= 1;
                }
                i
            };
            let start = floor(&text, at);
            let end = floor(&text, start + removed);
            text.replace_range(start..end, &part);
            kept.replace(start, end, &part);
            prop_assert_eq!(&kept, text.as_str(), "after {}..{} <- {:?}", start, end, part);
        }
        let lines = Lines::new(&kept);
        for enc in ENCODINGS {
            for i in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                prop_assert_eq!(to_line_col(&lines, i, enc), naive(&text, i, enc), "{:?} at {}", enc, i);
            }
        }
    }
}

/// A text of long lines (so that counting on from the last position
/// matters), from `text()` pieces.
fn long_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(text(), 1..100).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Both ends of a range convert as each end alone does, and positions
    /// asked for in any order, through one `Lines` (which counts on from
    /// the last one), are those a fresh one gives.
    #[test]
    fn ranges_and_positions_in_any_order_convert_alike(
        text in long_text(),
        ranges in proptest::collection::vec((0usize..5000, 0usize..60), 50)
    ) {
        let t = Text::new(&text);
        let fresh = |offset: usize, enc: Encoding| to_line_col(&Lines::new(&t), offset, enc);
        for enc in ENCODINGS {
            let lines = Lines::new(&t);
            for &(start, len) in &ranges {
                // Ends anywhere: inside characters, past the end, before the start.
                for end in [start + len, start.saturating_sub(len)] {
                    prop_assert_eq!(
                        range_to_line_cols(&lines, start, end, enc),
                        (fresh(start, enc), fresh(end, enc)),
                        "{:?} {}..{}", enc, start, end
                    );
                    prop_assert_eq!(to_line_col(&lines, end, enc), fresh(end, enc));
                }
            }
        }
    }
}

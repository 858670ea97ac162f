//! Position conversion on random text, in UTF-8, UTF-16 and UTF-32: every
//! position (also past the end of a line or the file, or inside a
//! character) lands on a character boundary inside the text, and every
//! boundary round-trips.

use orgplan_analysis::position::{range_to_line_cols, to_line_col, to_offset, Encoding, LineCol};
use proptest::prelude::*;
use ropey::Rope;

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
        let rope = Rope::from_str(&text);
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
        let rope = Rope::from_str(&text);
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

    /// Texts of several kilobytes, built by edits so that the rope's pieces
    /// split anywhere: every boundary gets the line and column counted
    /// naively (the conversion answers from one piece when it can).
    #[test]
    fn positions_in_a_rope_of_many_pieces_match_a_naive_count(
        parts in proptest::collection::vec((text(), 0usize..4000), 1..200)
    ) {
        let mut text = String::new();
        let mut rope = Rope::new();
        for (part, at) in parts {
            let mut at = at.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            // Keep "\r\n" pairs whole, as an editor would not split them.
            if text[..at].ends_with('\r') && text[at..].starts_with('\n') {
                at -= 1;
            }
            text.insert_str(at, &part);
            rope.insert(rope.byte_to_char(at), &part);
        }
        prop_assert_eq!(rope.to_string(), text.clone());
        for enc in ENCODINGS {
            for i in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                prop_assert_eq!(to_line_col(&rope, i, enc), naive(&text, i, enc), "{:?} at {}", enc, i);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Both ends of a range convert as each end alone does.
    #[test]
    fn ranges_convert_as_their_ends(
        parts in proptest::collection::vec((text(), 0usize..4000), 1..100),
        ranges in proptest::collection::vec((0usize..5000, 0usize..60), 50)
    ) {
        let mut rope = Rope::new();
        for (part, at) in parts {
            let at = rope.byte_to_char(at.min(rope.len_bytes()));
            rope.insert(at, &part);
        }
        for enc in ENCODINGS {
            for &(start, len) in &ranges {
                // Ends anywhere: inside characters, past the end, before the start.
                for end in [start + len, start.saturating_sub(len)] {
                    prop_assert_eq!(
                        range_to_line_cols(&rope, start, end, enc),
                        (to_line_col(&rope, start, enc), to_line_col(&rope, end, enc)),
                        "{:?} {}..{}", enc, start, end
                    );
                }
            }
        }
    }
}

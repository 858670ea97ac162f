//! Position conversion on random text, in UTF-8, UTF-16 and UTF-32: every
//! position (also past the end of a line or the file, or inside a
//! character) lands on a character boundary inside the text, and every
//! boundary round-trips.

use orgplan_analysis::position::{to_line_col, to_offset, Encoding, LineCol};
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

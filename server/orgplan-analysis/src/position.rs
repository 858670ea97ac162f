//! Position conversion: byte offsets ↔ (line, column) in UTF-8, UTF-16 or
//! UTF-32 code units. The one place that knows about encodings and line
//! breaks; the CLI and the language server both go through it.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r` — as LSP counts them; U+2028
//! and friends are not breaks.
//! Conversions never fail: positions past the end of a line land on its end,
//! past the last line on the end of the text, and inside a character (a
//! surrogate pair, a multi-byte sequence) on that character's start.

use crate::rope::Text;
use std::cell::Cell;

/// The unit columns are counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

/// A zero-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// A text, as positions are converted in. It remembers the line of the
/// last position it found and the position itself, so that positions asked
/// for in order along a line (semantic tokens, diagnostics) are counted on
/// from there: the line is not looked up again, and a megabyte-long line
/// costs once, not once per position.
pub struct Lines<'a> {
    text: &'a Text,
    last: Cell<Option<Last>>,
}

/// The last position found, and its line.
#[derive(Clone, Copy)]
struct Last {
    line: usize,
    /// Where the line starts, where its text ends (before its break), and
    /// where the next line starts (past the end, for the last line).
    start: usize,
    end: usize,
    next: usize,
    /// The position: its offset (within `start..=end`) and column.
    at: usize,
    col: usize,
    enc: Encoding,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a Text) -> Lines<'a> {
        Lines {
            text,
            last: Cell::new(None),
        }
    }

    pub fn text(&self) -> &'a Text {
        self.text
    }

    pub fn len_lines(&self) -> usize {
        self.text.len_lines()
    }

    /// The line that holds `offset`: the last one's if it does.
    fn line_at(&self, offset: usize) -> Last {
        if let Some(l) = self.last.get() {
            if l.start <= offset && offset < l.next {
                return l;
            }
        }
        let line = self.text.line_of(offset);
        self.line(line)
    }

    /// `line` (a line of the text), with no position on it yet.
    fn line(&self, line: usize) -> Last {
        let start = self.text.line_start(line).unwrap_or(self.text.len());
        let next = self.text.line_start(line + 1).unwrap_or(usize::MAX);
        Last {
            line,
            start,
            end: self.text.line_end(line),
            next,
            at: start,
            col: 0,
            enc: Encoding::Utf8,
        }
    }
}

/// The columns `text[from..to]` spans (both on character boundaries).
fn cols(text: &Text, from: usize, to: usize, enc: Encoding) -> usize {
    if enc == Encoding::Utf8 || from >= to {
        return to.saturating_sub(from);
    }
    if to - from > 256 {
        // A long stretch: counted by the rope's own tallies.
        return match enc {
            Encoding::Utf32 => text.chars_before(to) - text.chars_before(from),
            _ => text.utf16_before(to) - text.utf16_before(from),
        };
    }
    text.pieces(from..to)
        .map(|(_, p)| match enc {
            _ if p.is_ascii() => p.len(),
            Encoding::Utf32 => p.chars().count(),
            _ => p.chars().map(char::len_utf16).sum(),
        })
        .sum()
}

/// The (line, column) of both ends of `start..end` (as [`to_line_col`]
/// gives them); the end is counted on from the start when it follows it.
pub fn range_to_line_cols(
    lines: &Lines,
    start: usize,
    end: usize,
    enc: Encoding,
) -> (LineCol, LineCol) {
    let s = to_line_col(lines, start, enc);
    let remembered = lines.last.get();
    let e = to_line_col(lines, end, enc);
    // The next range starts at or after this one's start, more often than
    // after its end.
    lines.last.set(remembered);
    (s, e)
}

/// The (line, column) of byte `offset` (clamped to the text; inside a
/// character means at its start, inside a line break at the line's end).
pub fn to_line_col(lines: &Lines, offset: usize, enc: Encoding) -> LineCol {
    let offset = lines.text.floor_char_boundary(offset);
    let mut l = lines.line_at(offset);
    let at = offset.min(l.end);
    l.col = if l.enc == enc && l.at <= at {
        l.col + cols(lines.text, l.at, at, enc)
    } else {
        cols(lines.text, l.start, at, enc)
    };
    l.at = at;
    l.enc = enc;
    lines.last.set(Some(l));
    LineCol {
        line: l.line as u32,
        col: l.col as u32,
    }
}

/// The byte offset of (line, column), clamped as the module says.
pub fn to_offset(lines: &Lines, pos: LineCol, enc: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= lines.len_lines() {
        return lines.text.len();
    }
    let text = lines.text;
    let l = lines.line(line);
    let col = pos.col as usize;
    match enc {
        Encoding::Utf8 => text.floor_char_boundary((l.start + col).min(l.end)),
        Encoding::Utf32 => text
            .offset_of_char(text.chars_before(l.start) + col)
            .min(l.end),
        // The character that holds the unit starts at (or, for a position
        // inside a surrogate pair, just before) it.
        Encoding::Utf16 => text
            .offset_of_utf16(text.utf16_before(l.start) + col)
            .min(l.end),
    }
}

/// 1-based line and 1-based column in characters, as the CLI prints them.
pub fn to_human(lines: &Lines, offset: usize) -> (usize, usize) {
    let lc = to_line_col(lines, offset, Encoding::Utf32);
    (lc.line as usize + 1, lc.col as usize + 1)
}

#[cfg(test)]
mod tests {

    /// The (line, column) of every character boundary, counted naively.
    fn naive(text: &str, enc: Encoding) -> Vec<(usize, LineCol)> {
        let mut out = Vec::new();
        let (mut line, mut col) = (0u32, 0u32);
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            out.push((i, lc(line, col)));
            let breaks = c == '\n' || (c == '\r' && chars.peek().map(|p| p.1) != Some('\n'));
            if breaks {
                line += 1;
                col = 0;
            } else if c != '\r' {
                col += match enc {
                    Encoding::Utf8 => c.len_utf8(),
                    Encoding::Utf16 => c.len_utf16(),
                    Encoding::Utf32 => 1,
                } as u32;
            }
        }
        out.push((text.len(), lc(line, col)));
        out
    }

    #[test]
    fn long_lines() {
        // Lines of several kilobytes, converted in order (counted on from the
        // last position) and back.
        let long: String = (0..3000)
            .map(|i| ["a", "é", "😀", "団", "b"][i % 5])
            .collect();
        let text = format!("short\r\n{long}\rmid\n{long}{long}\nend");
        let rope = lines_of(&text);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            for (offset, want) in naive(&text, enc) {
                let got = to_line_col(&rope, offset, enc);
                // A "\r" before "\n" is the end of its line, as is the "\n".
                if text[offset..].starts_with('\n') && text[..offset].ends_with('\r') {
                    continue;
                }
                assert_eq!(got, want, "{enc:?} at {offset}");
                assert_eq!(
                    to_offset(&rope, got, enc),
                    offset,
                    "{enc:?} back from {got:?}"
                );
            }
        }
    }
    use super::*;

    /// A text's lines, kept for the test's length.
    fn lines_of(text: &str) -> Lines<'static> {
        Lines::new(Box::leak(Box::new(Text::new(text))))
    }

    fn lc(line: u32, col: u32) -> LineCol {
        LineCol { line, col }
    }

    #[test]
    fn ascii_lines() {
        let r = lines_of("ab\ncd\n");
        assert_eq!(to_line_col(&r, 0, Encoding::Utf16), lc(0, 0));
        assert_eq!(to_line_col(&r, 4, Encoding::Utf16), lc(1, 1));
        assert_eq!(to_line_col(&r, 6, Encoding::Utf16), lc(2, 0));
        assert_eq!(to_offset(&r, lc(1, 1), Encoding::Utf16), 4);
        assert_eq!(
            to_offset(&r, lc(1, 99), Encoding::Utf16),
            5,
            "past the end of a line"
        );
        assert_eq!(
            to_offset(&r, lc(99, 0), Encoding::Utf16),
            6,
            "past the end of the file"
        );
    }

    #[test]
    fn emoji_counts_two_utf16_units_and_four_bytes() {
        // "a😀b": 😀 is 4 bytes, 2 UTF-16 units, 1 char.
        let r = lines_of("a😀b");
        assert_eq!(to_line_col(&r, 5, Encoding::Utf16), lc(0, 3));
        assert_eq!(to_line_col(&r, 5, Encoding::Utf8), lc(0, 5));
        assert_eq!(to_line_col(&r, 5, Encoding::Utf32), lc(0, 2));
        assert_eq!(to_offset(&r, lc(0, 3), Encoding::Utf16), 5);
        assert_eq!(to_offset(&r, lc(0, 2), Encoding::Utf32), 5);
        // Inside the surrogate pair: the emoji's start.
        assert_eq!(to_offset(&r, lc(0, 2), Encoding::Utf16), 1);
        // Inside the UTF-8 sequence: the emoji's start.
        assert_eq!(to_offset(&r, lc(0, 3), Encoding::Utf8), 1);
        assert_eq!(to_line_col(&r, 3, Encoding::Utf16), lc(0, 1));
    }

    #[test]
    fn cjk_is_three_bytes_one_unit() {
        let r = lines_of("団体 x");
        assert_eq!(to_line_col(&r, 6, Encoding::Utf16), lc(0, 2));
        assert_eq!(to_offset(&r, lc(0, 2), Encoding::Utf16), 6);
        assert_eq!(to_offset(&r, lc(0, 6), Encoding::Utf8), 6);
    }

    #[test]
    fn crlf_and_lone_cr_are_line_breaks() {
        let r = lines_of("a\r\nb\rc\nd");
        assert_eq!(to_line_col(&r, 3, Encoding::Utf16), lc(1, 0));
        assert_eq!(to_line_col(&r, 5, Encoding::Utf16), lc(2, 0));
        assert_eq!(to_line_col(&r, 7, Encoding::Utf16), lc(3, 0));
        assert_eq!(to_offset(&r, lc(2, 0), Encoding::Utf16), 5);
        assert_eq!(
            to_offset(&r, lc(0, 5), Encoding::Utf16),
            1,
            "end of line excludes the break"
        );
        // Between \r and \n: the end of line 0.
        assert_eq!(to_line_col(&r, 2, Encoding::Utf16), lc(0, 1));
    }

    #[test]
    fn unicode_line_separators_are_not_breaks() {
        let r = lines_of("a\u{2028}b\u{85}c");
        assert_eq!(r.len_lines(), 1);
        assert_eq!(to_line_col(&r, r.text().len(), Encoding::Utf16), lc(0, 5));
        for sep in ["\u{2028}", "\u{2029}", "\u{85}", "\u{0B}", "\u{0C}"] {
            let r = lines_of(&format!("a{sep}b"));
            assert_eq!(r.len_lines(), 1, "{sep:?}");
            assert_eq!(to_offset(&r, lc(1, 0), Encoding::Utf16), r.text().len());
        }
    }

    #[test]
    fn round_trips_on_every_boundary() {
        let text = "leader 😀 \"団体\"\r\nx\ry\n\u{2028}é";
        let r = lines_of(text);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            for (i, _) in text.char_indices() {
                let back = to_offset(&r, to_line_col(&r, i, enc), enc);
                // The \n of \r\n maps onto the \r.
                let expected = if text[..i].ends_with('\r') && text[i..].starts_with('\n') {
                    i - 1
                } else {
                    i
                };
                assert_eq!(back, expected, "{enc:?} at {i}");
            }
        }
    }
}

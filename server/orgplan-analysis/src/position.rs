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

/// A text, as positions are converted in. It remembers the last position
/// it found and the piece of the rope it read, so that positions asked for
/// in order (semantic tokens, diagnostics) are counted on from the last
/// one in the text between them: no lookup in the rope while they stay in
/// one piece, and a megabyte-long line costs once, not once per position.
pub struct Lines<'a> {
    text: &'a Text,
    last: Cell<Option<Last>>,
    /// The piece of the rope read last, and where it starts.
    piece: Cell<(usize, &'a str)>,
}

/// The last position found.
#[derive(Clone, Copy)]
struct Last {
    line: usize,
    /// Where its line starts.
    start: usize,
    /// The position: its offset (never between a `\r` and its `\n`) and
    /// column.
    at: usize,
    col: usize,
    enc: Encoding,
}

/// How far on from the last position a position is counted from there
/// rather than looked up.
const NEAR: usize = 4096;

/// Up to how many bytes columns are counted through the pieces rather than
/// from the rope's tallies at both ends.
const SPAN: usize = 16 * 1024;

impl<'a> Lines<'a> {
    pub fn new(text: &'a Text) -> Lines<'a> {
        Lines {
            text,
            last: Cell::new(None),
            piece: Cell::new((0, "")),
        }
    }

    pub fn text(&self) -> &'a Text {
        self.text
    }

    pub fn len_lines(&self) -> usize {
        self.text.len_lines()
    }

    /// The piece of the rope that holds `a..b`, if one does, and where it
    /// starts.
    fn piece_with(&self, a: usize, b: usize) -> Option<(usize, &'a str)> {
        let (mut at, mut piece) = self.piece.get();
        if a < at || b > at + piece.len() {
            (at, piece) = self.text.piece_holding(a);
            self.piece.set((at, piece));
        }
        (a >= at && b <= at + piece.len()).then_some((at, piece))
    }

    /// `text[a..b]` (on character boundaries) when it lies in one piece.
    fn within_piece(&self, a: usize, b: usize) -> Option<&'a str> {
        self.piece_with(a, b).map(|(at, p)| &p[a - at..b - at])
    }

    /// The columns `text[from..to]` spans (both on character boundaries).
    fn cols(&self, from: usize, to: usize, enc: Encoding) -> usize {
        if enc == Encoding::Utf8 || from >= to {
            return to.saturating_sub(from);
        }
        let count = |p: &str| match enc {
            _ if p.is_ascii() => p.len(),
            Encoding::Utf32 => p.chars().count(),
            _ => p.chars().map(char::len_utf16).sum(),
        };
        if let Some(p) = self.within_piece(from, to) {
            return count(p);
        }
        if to - from <= SPAN {
            // A line over a few pieces: counted, cheaper than two walks
            // down the tree.
            return self.text.pieces(from..to).map(|(_, p)| count(p)).sum();
        }
        match enc {
            // The rope's own tallies.
            Encoding::Utf32 => self.text.chars_before(to) - self.text.chars_before(from),
            _ => self.text.utf16_before(to) - self.text.utf16_before(from),
        }
    }

    /// `line`'s start and the end of its text, before its line break
    /// (`line` must be a line of the text).
    fn line(&self, line: usize) -> (usize, usize) {
        let start = self.text.line_start(line).unwrap_or(self.text.len());
        (start, self.text.line_end(line))
    }

    /// The nearest character boundary at or before `offset` (the end, past
    /// it), read in the piece read last when it holds `offset`.
    fn floor_char_boundary(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        match self.piece_with(offset, offset) {
            Some((at, p)) => at + crate::text::floor_char_boundary(p, offset - at),
            None => self.text.floor_char_boundary(offset),
        }
    }

    /// The line and its start of `offset` (on a character boundary), and
    /// the offset moved off a `\r\n`'s middle, found with one walk down
    /// the rope to the piece that holds it (which knows the line it starts
    /// on) and a count of the line breaks in it before `offset`; a second
    /// walk only when the line starts in an earlier piece.
    fn locate(&self, offset: usize) -> (usize, usize, usize) {
        let (p0, piece, mut line) = self.text.piece_and_line(offset);
        self.piece.set((p0, piece));
        let bytes = piece.as_bytes();
        let mut at = offset;
        if at > p0 && bytes[at - p0 - 1] == b'\r' && bytes.get(at - p0) == Some(&b'\n') {
            at -= 1;
        }
        let body = &bytes[..at - p0];
        let mut start = None;
        for i in memchr::memchr2_iter(b'\n', b'\r', body) {
            if body[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                line += 1;
                start = Some(p0 + i + 1);
            }
        }
        let start = start.unwrap_or_else(|| self.text.line_start(line).unwrap_or(0));
        (line, start, at)
    }

    /// The line and its start of `offset` (after the last position `l`,
    /// near it, in one piece with it), and the offset moved off a `\r\n`'s
    /// middle, counted on from `l`.
    fn near(&self, l: Last, offset: usize) -> Option<(usize, usize, usize)> {
        if offset < l.at || offset - l.at > NEAR {
            return None;
        }
        let end = (offset + 1).min(self.text.len());
        let (p0, piece) = self.piece_with(l.at, end)?;
        let s = &piece.as_bytes()[l.at - p0..end - p0];
        let mut body = &s[..offset - l.at];
        let mut at = offset;
        if body.last() == Some(&b'\r') && s.get(body.len()) == Some(&b'\n') {
            body = &body[..body.len() - 1];
            at -= 1;
        }
        let (mut line, mut start) = (l.line, l.start);
        for i in memchr::memchr2_iter(b'\n', b'\r', body) {
            if body[i] == b'\n' || s.get(i + 1) != Some(&b'\n') {
                line += 1;
                start = l.at + i + 1;
            }
        }
        Some((line, start, at))
    }
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
    let offset = lines.floor_char_boundary(offset);
    let near = lines
        .last
        .get()
        .and_then(|l| Some((l, lines.near(l, offset)?)));
    let (line, start, at, col) = match near {
        Some((l, (line, start, at))) if line == l.line && l.enc == enc => {
            (line, start, at, l.col + lines.cols(l.at, at, enc))
        }
        Some((_, (line, start, at))) => (line, start, at, lines.cols(start, at, enc)),
        None => {
            let (line, start, at) = lines.locate(offset);
            (line, start, at, lines.cols(start, at, enc))
        }
    };
    lines.last.set(Some(Last {
        line,
        start,
        at,
        col,
        enc,
    }));
    LineCol {
        line: line as u32,
        col: col as u32,
    }
}

/// Positions of offsets asked for in increasing order, counted on
/// through the text in one pass over its pieces: what encodes a whole
/// file's semantic tokens without a lookup in the rope per token. Gives
/// what [`to_line_col`] gives, for offsets on character boundaries; an
/// offset before the last one starts the count again from its line.
pub struct Cursor<'a> {
    text: &'a Text,
    enc: Encoding,
    pieces: Box<dyn Iterator<Item = (usize, &'a str)> + 'a>,
    /// The piece being read, and where it starts.
    piece: (usize, &'a str),
    at: usize,
    line: u32,
    col: u32,
    /// The byte before `at` is a `\r`; the column before it.
    after_cr: Option<u32>,
}

impl<'a> Cursor<'a> {
    /// A cursor at `from` (on a character boundary).
    pub fn new(text: &'a Text, from: usize, enc: Encoding) -> Cursor<'a> {
        let from = from.min(text.len());
        let line = text.line_of(from);
        let start = text.line_start(line).unwrap_or(0).min(from);
        let mut c = Cursor {
            text,
            enc,
            pieces: Box::new(text.pieces(start..)),
            piece: (start, ""),
            at: start,
            line: line as u32,
            col: 0,
            after_cr: None,
        };
        c.advance(from);
        c
    }

    /// Where the cursor is: the offset it last advanced to.
    pub fn at(&self) -> usize {
        self.at
    }

    /// The (line, column) of `to` (on a character boundary).
    pub fn advance(&mut self, to: usize) -> LineCol {
        let to = to.min(self.text.len());
        if to < self.at {
            *self = Cursor::new(self.text, to, self.enc);
        }
        while self.at < to {
            let (p0, p) = self.piece;
            let end = p0 + p.len();
            if self.at >= end {
                match self.pieces.next() {
                    Some(next) => self.piece = next,
                    None => break,
                }
                continue;
            }
            let upto = to.min(end);
            self.scan(&p.as_bytes()[self.at - p0..upto - p0]);
            self.at = upto;
        }
        let after_cr = self.after_cr;
        match after_cr {
            // Between a `\r` and its `\n`: the end of the line.
            Some(col) if self.next_byte() == Some(b'\n') => LineCol {
                line: self.line - 1,
                col,
            },
            _ => LineCol {
                line: self.line,
                col: self.col,
            },
        }
    }

    /// The byte at the cursor.
    fn next_byte(&mut self) -> Option<u8> {
        loop {
            let (p0, p) = self.piece;
            if self.at < p0 + p.len() {
                return Some(p.as_bytes()[self.at - p0]);
            }
            self.piece = self.pieces.next()?;
        }
    }

    /// Counts the lines and columns of `s`, the bytes after the cursor.
    ///
    /// Most of what a cursor reads is the few bytes between two tokens
    /// (whole semantic tokens advance it once a token): for those, the
    /// bytes are looked at in turn. `memchr` pays for choosing and
    /// preparing its vector search at every call, which was most of the
    /// cursor's time in a file's first whole tokens (BENCHMARKS.md, "5
    /// Dec (twelfth session)").
    fn scan(&mut self, s: &[u8]) {
        let mut rest = 0;
        if s.len() <= SHORT {
            for (i, &b) in s.iter().enumerate() {
                if b == b'\n' || b == b'\r' {
                    self.line_break(s, i, rest);
                    rest = i + 1;
                }
            }
        } else {
            for i in memchr::memchr2_iter(b'\n', b'\r', s) {
                self.line_break(s, i, rest);
                rest = i + 1;
            }
        }
        if rest < s.len() || s.is_empty() {
            self.col += units(&s[rest..], self.enc);
            if rest < s.len() {
                self.after_cr = None;
            }
        } else if s[s.len() - 1] != b'\r' {
            self.after_cr = None;
        }
    }

    /// Counts the line break at `i` of `s` (the bytes after the cursor;
    /// the line it ends started at `rest`).
    fn line_break(&mut self, s: &[u8], i: usize, rest: usize) {
        let crlf = s[i] == b'\n'
            && if i == 0 {
                self.after_cr.is_some()
            } else {
                s[i - 1] == b'\r'
            };
        if !crlf {
            self.line += 1;
        }
        if s[i] == b'\r' {
            let before = if i == rest {
                if rest == 0 {
                    self.col
                } else {
                    0
                }
            } else {
                let cols = units(&s[rest..i], self.enc);
                if rest == 0 {
                    self.col + cols
                } else {
                    cols
                }
            };
            self.after_cr = Some(before);
        }
        self.col = 0;
    }
}

/// The longest run of bytes [`Cursor::scan`] looks at one by one.
const SHORT: usize = 64;

/// The columns bytes of whole or partial UTF-8 sequences count: each
/// character counts at its first byte.
fn units(s: &[u8], enc: Encoding) -> u32 {
    if enc == Encoding::Utf8 || s.is_ascii() {
        return s.len() as u32;
    }
    s.iter()
        .map(|&b| match b {
            0x80..=0xbf => 0,
            0xf0.. if enc == Encoding::Utf16 => 2,
            _ => 1,
        })
        .sum()
}

/// The byte offset of (line, column), clamped as the module says.
pub fn to_offset(lines: &Lines, pos: LineCol, enc: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= lines.len_lines() {
        return lines.text.len();
    }
    let text = lines.text;
    let (start, end) = lines.line(line);
    let col = pos.col as usize;
    match enc {
        Encoding::Utf8 => text.floor_char_boundary((start + col).min(end)),
        Encoding::Utf32 => text.offset_of_char(text.chars_before(start) + col).min(end),
        // The character that holds the unit starts at (or, for a position
        // inside a surrogate pair, just before) it.
        Encoding::Utf16 => text
            .offset_of_utf16(text.utf16_before(start) + col)
            .min(end),
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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// A cursor gives what `to_line_col` gives, for offsets in order
        /// (and, now and then, one before the last), across the rope's
        /// pieces, line breaks of every kind and characters of every width.
        #[test]
        fn a_cursor_counts_as_to_line_col_does(
            atoms in proptest::collection::vec(proptest::sample::select(vec![
                "\r", "\n", "\r\n", "é", "😀", "団", "abc", "x", " ", "\u{2028}",
                "0123456789012345678901234567890123456789012345678901234567890123456789",
            ]), 0..900),
            picks in proptest::collection::vec(proptest::prelude::any::<proptest::sample::Index>(), 1..40),
            back in proptest::prelude::any::<proptest::sample::Index>(),
        ) {
            let text: String = atoms.concat();
            let rope = lines_of(&text);
            let boundaries: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .collect();
            let mut offsets: Vec<usize> = picks.iter().map(|i| boundaries[i.index(boundaries.len())]).collect();
            offsets.sort();
            // One step back.
            offsets.push(boundaries[back.index(boundaries.len())]);
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                let mut cursor = Cursor::new(rope.text(), offsets[0], enc);
                for &o in &offsets {
                    let want = to_line_col(&lines_of(&text), o, enc);
                    proptest::prop_assert_eq!(cursor.advance(o), want, "{:?} at {}", enc, o);
                }
            }
        }
    }
}

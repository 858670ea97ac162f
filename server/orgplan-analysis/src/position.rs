//! Position conversion: byte offsets ↔ (line, column) in UTF-8, UTF-16 or
//! UTF-32 code units. The one place that knows about encodings and line
//! breaks; the CLI and the language server both go through it.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r` — as LSP counts them; U+2028
//! and friends are not breaks.
//! Conversions never fail: positions past the end of a line land on its end,
//! past the last line on the end of the text, and inside a character (a
//! surrogate pair, a multi-byte sequence) on that character's start.

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

/// Where each line of a text starts: the one index of lines, kept beside
/// the text by [`crate::Workspace`] and updated by each edit (only the
/// lines the edit touches are looked at; those after it move).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offsets of line starts; the first is 0.
    starts: Vec<u32>,
}

impl Default for LineIndex {
    fn default() -> Self {
        LineIndex { starts: vec![0] }
    }
}

/// Whether a line starts at `q`: after a `\n`, or after a `\r` not
/// followed by `\n`.
fn starts_line(bytes: &[u8], q: usize) -> bool {
    match q.checked_sub(1).map(|i| bytes[i]) {
        Some(b'\n') => true,
        Some(b'\r') => bytes.get(q) != Some(&b'\n'),
        _ => false,
    }
}

/// Appends to `out` the line starts `q` of `bytes` with `from <= q <= to`
/// (`from` at least 1).
fn scan(bytes: &[u8], from: usize, to: usize, out: &mut Vec<u32>) {
    if from > to {
        return;
    }
    for i in memchr::memchr2_iter(b'\n', b'\r', &bytes[from - 1..to]) {
        let q = from + i;
        if starts_line(bytes, q) {
            out.push(q as u32);
        }
    }
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        scan(text.as_bytes(), 1, text.len(), &mut starts);
        starts.shrink_to_fit();
        LineIndex { starts }
    }

    /// Updates the index after `start..old_end` of the text was replaced by
    /// `inserted` bytes; `text` is the text after the edit. A line start
    /// depends only on the two bytes around it, so those before the edit
    /// stay, those past it move, and only the inserted text (with the byte
    /// on either side, for a `\r\n` made or split) is looked at.
    pub fn edit(&mut self, text: &str, start: usize, old_end: usize, inserted: usize) {
        let bytes = text.as_bytes();
        let delta = inserted as i64 - (old_end - start) as i64;
        let from = start.max(1);
        let to = start + inserted;
        let a = self.starts.partition_point(|&p| (p as usize) < from);
        let b = self.starts.partition_point(|&p| (p as usize) <= old_end);
        let mut fresh = Vec::new();
        scan(bytes, from, to, &mut fresh);
        let moved = a + fresh.len();
        self.starts.splice(a..b, fresh);
        if delta != 0 {
            for p in &mut self.starts[moved..] {
                *p = (*p as i64 + delta) as u32;
            }
        }
    }

    pub fn len_lines(&self) -> usize {
        self.starts.len()
    }

    /// The byte offset where `line` starts; `None` past the last line.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).map(|&p| p as usize)
    }

    /// The line that holds byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&p| p as usize <= offset) - 1
    }

    /// The line that holds byte `offset`, known to be `line` or after it:
    /// looked for in steps that double from there.
    fn line_from(&self, line: usize, offset: usize) -> usize {
        let starts = &self.starts[line..];
        let mut step = 1;
        while step < starts.len() && starts[step] as usize <= offset {
            step *= 2;
        }
        let upto = step.min(starts.len());
        line + starts[..upto].partition_point(|&p| p as usize <= offset) - 1
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.starts.capacity() * std::mem::size_of::<u32>()
    }
}

/// A text with its line index: what positions are converted in. It
/// remembers the last position it found, so that positions asked for in
/// order along a line (semantic tokens, diagnostics) are counted on from
/// there rather than from the line's start: a megabyte-long line costs
/// once, not once per position.
pub struct Lines<'a> {
    text: &'a str,
    index: &'a LineIndex,
    last: Cell<Option<(usize, LineCol, Encoding)>>,
}

impl<'a> Lines<'a> {
    /// `index` must be the index of `text`.
    pub fn new(text: &'a str, index: &'a LineIndex) -> Lines<'a> {
        debug_assert!(index
            .starts
            .last()
            .is_some_and(|&p| p as usize <= text.len()));
        Lines {
            text,
            index,
            last: Cell::new(None),
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    pub fn len_lines(&self) -> usize {
        self.index.len_lines()
    }

    /// `line`'s text without its line break, and where it starts.
    fn line(&self, line: usize) -> (usize, &'a str) {
        let start = self.index.starts[line] as usize;
        let end = match self.index.starts.get(line + 1) {
            Some(&next) => {
                let next = next as usize;
                if self.text.as_bytes()[next - 1] == b'\n'
                    && next >= 2
                    && self.text.as_bytes()[next - 2] == b'\r'
                {
                    next - 2
                } else {
                    next - 1
                }
            }
            None => self.text.len(),
        };
        (start, &self.text[start..end])
    }
}

/// The column of the end of `text` (a line's text before an offset).
fn col_of(text: &str, enc: Encoding) -> usize {
    match enc {
        Encoding::Utf8 => text.len(),
        _ if text.is_ascii() => text.len(),
        Encoding::Utf32 => text.chars().count(),
        Encoding::Utf16 => text.chars().map(char::len_utf16).sum(),
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
    let offset = crate::text::floor_char_boundary(lines.text, offset);
    let line = match lines.last.get() {
        // Positions asked for in order: the line is the last one's or a
        // few after it.
        Some((at, lc, _)) if at <= offset => lines.index.line_from(lc.line as usize, offset),
        _ => lines.index.line_of(offset),
    };
    let (start, text) = lines.line(line);
    let rel = (offset - start).min(text.len());
    let col = match lines.last.get() {
        Some((at, lc, e)) if e == enc && lc.line as usize == line && at <= start + rel => {
            lc.col as usize + col_of(&text[at - start..rel], enc)
        }
        _ => col_of(&text[..rel], enc),
    };
    let lc = LineCol {
        line: line as u32,
        col: col as u32,
    };
    lines.last.set(Some((start + rel, lc, enc)));
    lc
}

/// The byte offset of (line, column), clamped as the module says.
pub fn to_offset(lines: &Lines, pos: LineCol, enc: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= lines.len_lines() {
        return lines.text.len();
    }
    let (start, text) = lines.line(line);
    let col = pos.col as usize;
    let rel = match enc {
        Encoding::Utf8 => crate::text::floor_char_boundary(text, col),
        _ if text.is_ascii() => col.min(text.len()),
        Encoding::Utf32 => text.char_indices().nth(col).map_or(text.len(), |(i, _)| i),
        Encoding::Utf16 => {
            // The first character that ends past `col` starts at (or,
            // for a position inside a surrogate pair, just before) it.
            let mut units = 0;
            let mut at = text.len();
            for (i, c) in text.char_indices() {
                if units + c.len_utf16() > col {
                    at = i;
                    break;
                }
                units += c.len_utf16();
            }
            at
        }
    };
    start + rel
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
        let text: &'static str = Box::leak(text.to_string().into_boxed_str());
        Lines::new(text, Box::leak(Box::new(LineIndex::new(text))))
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

//! Position conversion: byte offsets ↔ (line, column) in UTF-8, UTF-16 or
//! UTF-32 code units. The one place that knows about encodings and line
//! breaks; the CLI and the language server both go through it.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r` — as LSP counts them; ropey is
//! built without `unicode_lines`, so U+2028 and friends are not breaks.
//! Conversions never fail: positions past the end of a line land on its end,
//! past the last line on the end of the text, and inside a character (a
//! surrogate pair, a multi-byte sequence) on that character's start.

use ropey::Rope;

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

/// `text` without its line break ("\n", "\r\n" or "\r").
fn strip_break(text: &str) -> &str {
    text.strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .or_else(|| text.strip_suffix('\r'))
        .unwrap_or(text)
}

/// The text of `line` without its line break, when the rope holds it in one
/// piece (ropey's pieces are about a kilobyte, so such a line is short):
/// then one lookup answers every question about it. A long line, or one
/// split between pieces, is answered through the rope's indices instead,
/// which costs a few lookups but nothing per character.
fn short_line(rope: &Rope, line: usize) -> Option<&str> {
    rope.line(line).as_str().map(strip_break)
}

/// The byte offset of the end of `line`'s content (before its line break).
fn line_content_end(rope: &Rope, line: usize) -> usize {
    let start = rope.line_to_byte(line);
    let slice = rope.line(line);
    let mut len = slice.len_bytes();
    let mut bytes = slice.bytes_at(len);
    // Strip one trailing "\n", "\r\n" or "\r".
    if let Some(b) = bytes.prev() {
        if b == b'\n' {
            len -= 1;
            if bytes.prev() == Some(b'\r') {
                len -= 1;
            }
        } else if b == b'\r' {
            len -= 1;
        }
    }
    start + len
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

/// Where an offset was found in the rope's piece that holds it.
struct InChunk<'r> {
    chunk: &'r str,
    chunk_start: usize,
    /// The offset (on a character boundary) relative to the piece.
    rel: usize,
    lc: LineCol,
}

/// [`to_line_col`] from the rope's piece that holds `offset` alone, when
/// the line starts in that piece: one lookup instead of five (publishing a
/// thousand diagnostics converts several thousand offsets). `None` when
/// the line starts in an earlier piece.
fn line_col_in_chunk(rope: &Rope, offset: usize, enc: Encoding) -> Option<InChunk<'_>> {
    let (chunk, chunk_start, _, chunk_line) = rope.chunk_at_byte(offset);
    let bytes = chunk.as_bytes();
    let mut rel = offset - chunk_start;
    while !chunk.is_char_boundary(rel) {
        rel -= 1;
    }
    // An offset between "\r" and "\n" is the end of the line the "\r" ends
    // (ropey never splits a "\r\n" between pieces).
    let end = if rel > 0 && bytes[rel - 1] == b'\r' && bytes.get(rel) == Some(&b'\n') {
        rel - 1
    } else {
        rel
    };
    let line_start = bytes[..end]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')?
        + 1;
    let line = chunk_line + str_indices::lines_crlf::count_breaks(&chunk[..line_start]);
    Some(InChunk {
        chunk,
        chunk_start,
        rel,
        lc: LineCol {
            line: line as u32,
            col: col_of(&chunk[line_start..end], enc) as u32,
        },
    })
}

/// The (line, column) of both ends of `start..end` (as [`to_line_col`]
/// gives them): with one lookup when the range lies in one line of one of
/// the rope's pieces, as most ranges do.
pub fn range_to_line_cols(
    rope: &Rope,
    start: usize,
    end: usize,
    enc: Encoding,
) -> (LineCol, LineCol) {
    let start = start.min(rope.len_bytes());
    let Some(s) = line_col_in_chunk(rope, start, enc) else {
        return (to_line_col(rope, start, enc), to_line_col(rope, end, enc));
    };
    let end_rel = end.min(rope.len_bytes()).checked_sub(s.chunk_start);
    let same_line = end_rel.and_then(|mut r| {
        if r < s.rel || r > s.chunk.len() {
            return None;
        }
        while !s.chunk.is_char_boundary(r) {
            r -= 1;
        }
        let between = &s.chunk[s.rel..r];
        (!between.bytes().any(|b| b == b'\n' || b == b'\r')).then_some(between)
    });
    let e = match same_line {
        Some(between) => LineCol {
            line: s.lc.line,
            col: s.lc.col + col_of(between, enc) as u32,
        },
        None => to_line_col(rope, end, enc),
    };
    (s.lc, e)
}

/// The (line, column) of byte `offset` (clamped to the text; inside a
/// character means at its start).
pub fn to_line_col(rope: &Rope, offset: usize, enc: Encoding) -> LineCol {
    let offset = offset.min(rope.len_bytes());
    if let Some(found) = line_col_in_chunk(rope, offset, enc) {
        return found.lc;
    }
    let line = rope.byte_to_line(offset);
    let line_start = rope.line_to_byte(line);
    let col = match short_line(rope, line) {
        Some(text) => {
            // An offset in the line break belongs to the end of the line.
            let mut rel = (offset - line_start).min(text.len());
            while !text.is_char_boundary(rel) {
                rel -= 1;
            }
            let before = &text[..rel];
            match enc {
                Encoding::Utf8 => rel,
                Encoding::Utf32 => before.chars().count(),
                Encoding::Utf16 => before.chars().map(char::len_utf16).sum(),
            }
        }
        None => {
            let offset = rope.char_to_byte(rope.byte_to_char(offset));
            let offset = offset.min(line_content_end(rope, line).max(line_start));
            match enc {
                Encoding::Utf8 => offset - line_start,
                Encoding::Utf32 => rope.byte_to_char(offset) - rope.byte_to_char(line_start),
                Encoding::Utf16 => {
                    rope.char_to_utf16_cu(rope.byte_to_char(offset))
                        - rope.char_to_utf16_cu(rope.byte_to_char(line_start))
                }
            }
        }
    };
    LineCol {
        line: line as u32,
        col: col as u32,
    }
}

/// The byte offset of (line, column), clamped as the module says.
pub fn to_offset(rope: &Rope, pos: LineCol, enc: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let start = rope.line_to_byte(line);
    let col = pos.col as usize;
    if let Some(text) = short_line(rope, line) {
        let rel = match enc {
            Encoding::Utf8 => {
                let mut o = col.min(text.len());
                while !text.is_char_boundary(o) {
                    o -= 1;
                }
                o
            }
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
        return start + rel;
    }
    let end = line_content_end(rope, line);
    let offset = match enc {
        Encoding::Utf8 => {
            let o = (start + col).min(end);
            rope.char_to_byte(rope.byte_to_char(o))
        }
        Encoding::Utf32 => {
            let c0 = rope.byte_to_char(start);
            let c_end = rope.byte_to_char(end);
            rope.char_to_byte((c0 + col).min(c_end))
        }
        Encoding::Utf16 => {
            let c0 = rope.byte_to_char(start);
            let u0 = rope.char_to_utf16_cu(c0);
            let u_end = rope.char_to_utf16_cu(rope.byte_to_char(end));
            let u = (u0 + col).min(u_end);
            // utf16_cu_to_char rounds down inside a surrogate pair.
            rope.char_to_byte(rope.utf16_cu_to_char(u))
        }
    };
    offset.min(end)
}

/// 1-based line and 1-based column in characters, as the CLI prints them.
pub fn to_human(rope: &Rope, offset: usize) -> (usize, usize) {
    let lc = to_line_col(rope, offset, Encoding::Utf32);
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
    fn long_lines_and_lines_split_between_rope_pieces() {
        // Lines of several kilobytes are split between the rope's pieces and
        // take the other path through the conversions.
        let long: String = (0..3000)
            .map(|i| ["a", "é", "😀", "団", "b"][i % 5])
            .collect();
        let text = format!("short\r\n{long}\rmid\n{long}{long}\nend");
        let rope = Rope::from_str(&text);
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

    fn lc(line: u32, col: u32) -> LineCol {
        LineCol { line, col }
    }

    #[test]
    fn ascii_lines() {
        let r = Rope::from_str("ab\ncd\n");
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
        let r = Rope::from_str("a😀b");
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
        let r = Rope::from_str("団体 x");
        assert_eq!(to_line_col(&r, 6, Encoding::Utf16), lc(0, 2));
        assert_eq!(to_offset(&r, lc(0, 2), Encoding::Utf16), 6);
        assert_eq!(to_offset(&r, lc(0, 6), Encoding::Utf8), 6);
    }

    #[test]
    fn crlf_and_lone_cr_are_line_breaks() {
        let r = Rope::from_str("a\r\nb\rc\nd");
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
        let r = Rope::from_str("a\u{2028}b\u{85}c");
        assert_eq!(r.len_lines(), 1);
        assert_eq!(to_line_col(&r, r.len_bytes(), Encoding::Utf16), lc(0, 5));
    }

    #[test]
    fn round_trips_on_every_boundary() {
        let text = "leader 😀 \"団体\"\r\nx\ry\n\u{2028}é";
        let r = Rope::from_str(text);
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

//! [`Text`]: the text of one file, the one copy the analysis and the
//! language server keep. It is a rope (`ropey`): a balanced tree of pieces
//! of about a kilobyte, each node counting the bytes, characters, UTF-16
//! units and line breaks below it. So an edit costs O(log n) whatever the
//! size of the file (no megabytes moved for a keystroke at the top of a
//! large plan), and a byte offset becomes a line, a character or a UTF-16
//! unit, and back, in O(log n) without an index of our own beside it.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, as LSP counts them: the crate
//! is built without its Unicode line breaks (U+2028, U+2029, NEL, VT, FF
//! are characters of a line).
//!
//! Nothing outside this module touches the rope's own API: everything the
//! analysis needs is a method here, in byte offsets.

use crate::text::TextRange;
use ropey::Rope;
use std::borrow::Cow;
use std::fmt;
use std::ops::{Bound, RangeBounds};

/// The text of one file.
#[derive(Clone, Default)]
pub struct Text {
    rope: Rope,
    /// The rope's length in bytes, kept: the rope works it out each time
    /// it is asked, adding up its root's children, and a reader that
    /// clamps each offset to the text asks for every one (two asks a
    /// token made a fifth of a whole file's semantic tokens, BENCHMARKS.md,
    /// "4 Dec (ninth session)").
    len: usize,
    /// Which state of a text this is: a number no other text was given
    /// when it was made or edited, so that two texts with the same
    /// revision are the same text (a copy keeps it, as it keeps the text).
    /// The empty texts made by `default` share 0.
    revision: u64,
}

/// A revision no text had before.
fn next_revision() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Text {
    pub fn new(s: &str) -> Text {
        Text {
            rope: Rope::from_str(s),
            len: s.len(),
            revision: next_revision(),
        }
    }

    /// Which state of a text this is: equal revisions are equal texts
    /// (what was written from a text still holds while its revision is
    /// the same).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `range` as written: its first byte and the byte past it.
    fn ends(&self, range: impl RangeBounds<usize>) -> (usize, usize) {
        let start = match range.start_bound() {
            Bound::Included(&s) => s,
            Bound::Excluded(&s) => s + 1,
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(&e) => e + 1,
            Bound::Excluded(&e) => e,
            Bound::Unbounded => self.len(),
        };
        (start, end)
    }

    /// `range`, clamped to the text and to character boundaries.
    fn bounds(&self, range: impl RangeBounds<usize>) -> (usize, usize) {
        let (start, end) = self.ends(range);
        let end = self.floor_char_boundary(end);
        (self.floor_char_boundary(start).min(end), end)
    }

    /// The text of `range` (clamped to the text and to character
    /// boundaries): borrowed when it lies in one piece of the rope, copied
    /// when it spans more.
    ///
    /// A range that lies in one piece on character boundaries (a chunk of
    /// a plan, which starts and ends at line starts) is sliced from that
    /// piece with one look-up in the rope, where clamping its ends and
    /// slicing the rope took three (a cold open slices every chunk).
    pub fn slice(&self, range: impl RangeBounds<usize>) -> Cow<'_, str> {
        let (start, end) = self.ends(range);
        if start <= end && end <= self.len() {
            let (at, piece) = self.piece_holding(start);
            if let Some(s) = piece.get(start - at..end - at) {
                return Cow::Borrowed(s);
            }
        }
        let (start, end) = self.bounds(start..end);
        self.rope.byte_slice(start..end).into()
    }

    /// The text of `range`, if it lies in the text on character boundaries.
    pub fn get(&self, range: std::ops::Range<usize>) -> Option<Cow<'_, str>> {
        (range.start <= range.end
            && range.end <= self.len()
            && self.floor_char_boundary(range.start) == range.start
            && self.floor_char_boundary(range.end) == range.end)
            .then(|| self.slice(range))
    }

    /// Whether the text at `at` starts with `s`.
    pub fn starts_with_at(&self, at: usize, s: &str) -> bool {
        at <= self.len() && self.bytes_from(at).take(s.len()).eq(s.bytes())
    }

    /// The byte at `i`, if there is one.
    pub fn byte(&self, i: usize) -> Option<u8> {
        self.rope.get_byte(i)
    }

    /// Whether the text ends with `s`.
    pub fn ends_with(&self, s: &str) -> bool {
        let len = self.len();
        len >= s.len() && self.starts_with_at(len - s.len(), s)
    }

    /// The nearest character boundary at or before `i` (the end, past it).
    pub fn floor_char_boundary(&self, i: usize) -> usize {
        let i = i.min(self.len());
        let (piece, start, _, _) = self.rope.chunk_at_byte(i);
        start + crate::text::floor_char_boundary(piece, i - start)
    }

    /// Replaces `start..end` with `new` (clamped to the text and to
    /// character boundaries). O(log n) plus the length of `new`.
    pub fn replace(&mut self, start: usize, end: usize, new: &str) {
        let (start, end) = self.bounds(start..end);
        let from = self.rope.byte_to_char(start);
        if end > start {
            let to = self.rope.byte_to_char(end);
            self.rope.remove(from..to);
        }
        if !new.is_empty() {
            self.rope.insert(from, new);
        }
        self.len = self.len - (end - start) + new.len();
        self.revision = next_revision();
        debug_assert_eq!(self.len, self.rope.len_bytes());
    }

    /// The rest of the piece that holds byte `i` (empty at the end): what
    /// a reader asks for to read the text in order without copying it.
    pub fn piece_at(&self, i: usize) -> &str {
        if i >= self.len() {
            return "";
        }
        let (piece, start, _, _) = self.rope.chunk_at_byte(i);
        &piece[i - start..]
    }

    /// The whole piece that holds byte `i` (the last one, past the end),
    /// and where it starts.
    pub fn piece_holding(&self, i: usize) -> (usize, &str) {
        let (piece, start, _, _) = self.rope.chunk_at_byte(i.min(self.len()));
        (start, piece)
    }

    /// The piece of the rope that holds byte `i` (the last piece at the
    /// end), where it starts, and the line it starts on: one walk down the
    /// tree for what [`Self::piece_holding`] and [`Self::line_of`] would
    /// take two for. A `\r\n` is never split between two pieces.
    pub fn piece_and_line(&self, i: usize) -> (usize, &str, usize) {
        let (piece, start, _, line) = self.rope.chunk_at_byte(i.min(self.len()));
        (start, piece, line)
    }

    /// Where `new` differs from this text, as one replacement: the range of
    /// this text to replace and the range of `new` to put there, both on
    /// character boundaries. `None` when the two are the same.
    ///
    /// The bytes the two share at their starts and at their ends are left
    /// out (as far as a character boundary of both), so a client that sends
    /// the whole text at each keystroke costs one comparison of the text,
    /// not a parse of it. The comparison reads the rope's pieces in place.
    pub fn difference(&self, new: &str) -> Option<(TextRange, std::ops::Range<usize>)> {
        let (old_len, nb) = (self.len(), new.as_bytes());
        let mut head = 0;
        for piece in self.rope.chunks() {
            let piece = piece.as_bytes();
            let rest = &nb[head..];
            let same = common_prefix(piece, rest);
            head += same;
            if same < piece.len() {
                break;
            }
        }
        if head == old_len && head == nb.len() {
            return None;
        }
        // Back to a character boundary. The bytes before `head` are the
        // same in both, so `head` is inside a character in both or in
        // neither (both texts are UTF-8).
        while !self.is_boundary(head) {
            head -= 1;
        }
        let most = old_len.min(nb.len()) - head;
        let mut tail = 0;
        let (mut pieces, ..) = self.rope.chunks_at_byte(old_len);
        while tail < most {
            let Some(piece) = pieces.prev() else { break };
            let piece = piece.as_bytes();
            let piece = &piece[piece.len().saturating_sub(most - tail)..];
            let same = common_suffix(piece, &nb[..nb.len() - tail]);
            tail += same;
            if same < piece.len() {
                break;
            }
        }
        // On to a boundary: the bytes from there on are the same in both.
        let (mut old_end, mut new_end) = (old_len - tail, nb.len() - tail);
        while !self.is_boundary(old_end) {
            old_end += 1;
            new_end += 1;
        }
        Some((TextRange::new(head, old_end), head..new_end))
    }

    /// Whether byte `i` starts a character (or is the end).
    fn is_boundary(&self, i: usize) -> bool {
        self.byte(i).is_none_or(|b| (b as i8) >= -0x40)
    }

    /// The pieces that make up `range`, with the offset each starts at.
    pub fn pieces(
        &self,
        range: impl RangeBounds<usize>,
    ) -> impl Iterator<Item = (usize, &str)> + '_ {
        let (start, end) = self.bounds(range);
        let (pieces, mut at, _, _) = self.rope.chunks_at_byte(start);
        pieces
            .map(move |p| {
                let from = at;
                at += p.len();
                (from, p)
            })
            .take_while(move |(from, _)| *from < end)
            .map(move |(from, p)| {
                let a = start.saturating_sub(from);
                let b = (end - from).min(p.len());
                (from + a, &p[a..b])
            })
            .filter(|(_, p)| !p.is_empty())
    }

    /// The bytes from `i` on, in order.
    pub fn bytes_from(&self, i: usize) -> impl Iterator<Item = u8> + Clone + '_ {
        let i = i.min(self.len());
        self.rope.bytes_at(i)
    }

    /// The line break-separated lines: how many (one more than breaks).
    pub fn len_lines(&self) -> usize {
        self.rope.len_lines()
    }

    /// The line that holds byte `offset` (clamped to the text). An offset
    /// between the `\r` and the `\n` of a `\r\n` is on the line they end.
    pub fn line_of(&self, offset: usize) -> usize {
        self.rope.byte_to_line(offset.min(self.len()))
    }

    /// Where `line` starts; `None` past the last line.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        (line < self.len_lines()).then(|| self.rope.line_to_byte(line))
    }

    /// Where `line`'s text ends, before its line break (`line` must be a
    /// line of the text).
    pub fn line_end(&self, line: usize) -> usize {
        if line + 1 >= self.len_lines() {
            return self.len();
        }
        let next = self.rope.line_to_byte(line + 1);
        if next >= 2 && self.rope.byte(next - 1) == b'\n' && self.rope.byte(next - 2) == b'\r' {
            next - 2
        } else {
            next - 1
        }
    }

    /// Where the line that holds `offset` starts.
    pub fn line_start_at(&self, offset: usize) -> usize {
        self.rope.line_to_byte(self.line_of(offset))
    }

    /// The blanks (spaces and tabs) that begin the line holding `offset`,
    /// up to `offset`: the indentation of what is written there.
    pub fn indent_before(&self, offset: usize) -> String {
        let start = self.line_start_at(offset);
        self.bytes_from(start)
            .take(offset.min(self.len()) - start)
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .map(char::from)
            .collect()
    }

    /// The number of characters before byte `offset` (on a boundary).
    pub fn chars_before(&self, offset: usize) -> usize {
        self.rope.byte_to_char(offset.min(self.len()))
    }

    /// The number of UTF-16 code units before byte `offset` (on a boundary).
    pub fn utf16_before(&self, offset: usize) -> usize {
        self.rope
            .char_to_utf16_cu(self.rope.byte_to_char(offset.min(self.len())))
    }

    /// The byte offset of the `n`th character (the end, past the last).
    pub fn offset_of_char(&self, n: usize) -> usize {
        self.rope.char_to_byte(n.min(self.rope.len_chars()))
    }

    /// The byte offset of the character that holds UTF-16 unit `n` (the
    /// start of a surrogate pair, for the unit inside one; the end, past
    /// the last).
    pub fn offset_of_utf16(&self, n: usize) -> usize {
        if n >= self.rope.len_utf16_cu() {
            return self.len();
        }
        let c = self.rope.utf16_cu_to_char(n);
        self.rope.char_to_byte(c)
    }

    /// Bytes of memory the text holds (its pieces and their tree).
    pub fn heap_bytes(&self) -> usize {
        self.rope.capacity() + self.rope.capacity() / 16
    }

    /// Gives back room the pieces hold past their text (after a whole
    /// text was set: a rope built from a string is packed already).
    pub fn shrink_to_fit(&mut self) {
        self.rope.shrink_to_fit();
    }
}

/// Reads a [`Text`] forward, piece by piece: each call asks for a place
/// at or after the one the call before it reached, and the rope's pieces
/// are walked once in all (where [`Text::slice`] and [`Text::line_of`]
/// walk down the tree each time: for the ten thousand blocks of a large
/// plan, most of whole formatting's cost besides the layout).
pub struct Forward<'a> {
    pieces: ropey::iter::Chunks<'a>,
    /// The current piece and where it starts.
    start: usize,
    piece: &'a str,
}

impl Text {
    /// A reader from the start of the text.
    pub fn forward(&self) -> Forward<'_> {
        let mut pieces = self.rope.chunks();
        let piece = pieces.next().unwrap_or("");
        Forward {
            pieces,
            start: 0,
            piece,
        }
    }
}

impl<'a> Forward<'a> {
    /// Moves to the piece that holds byte `i` (the last piece, past the
    /// end). `i` is not before the current piece.
    fn seek(&mut self, i: usize) {
        while i >= self.start + self.piece.len() {
            let Some(next) = self.pieces.next() else {
                return;
            };
            self.start += self.piece.len();
            self.piece = next;
        }
    }

    /// The text of `from..to` (on character boundaries, `from` not before
    /// the current piece): borrowed when it lies in one piece, copied when
    /// it spans more. Past the end, what there is of it.
    pub fn slice(&mut self, from: usize, to: usize) -> Cow<'a, str> {
        self.seek(from);
        let end = self.start + self.piece.len();
        let a = from.saturating_sub(self.start).min(self.piece.len());
        if to <= end {
            return Cow::Borrowed(&self.piece[a..to.max(from) - self.start]);
        }
        let mut out = String::with_capacity(to - from);
        out.push_str(&self.piece[a..]);
        while self.start + self.piece.len() < to {
            let Some(next) = self.pieces.next() else {
                break;
            };
            self.start += self.piece.len();
            self.piece = next;
            out.push_str(&next[..(to - self.start).min(next.len())]);
        }
        Cow::Owned(out)
    }

    /// Where the line after the one that holds byte `i` starts, as
    /// [`Text::line_start`] of [`Text::line_of`]`(i) + 1` gives it (`i`
    /// not on a line break, and not before the current piece); `None` on
    /// the last line.
    pub fn next_line_start(&mut self, i: usize) -> Option<usize> {
        self.seek(i);
        let mut from = i.saturating_sub(self.start);
        loop {
            let bytes = self.piece.as_bytes();
            if let Some(j) = bytes
                .get(from..)
                .and_then(|rest| memchr::memchr2(b'\n', b'\r', rest))
            {
                let at = from + j;
                // A `\r\n` is never split between two pieces.
                let crlf = bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n');
                return Some(self.start + at + 1 + usize::from(crlf));
            }
            let next = self.pieces.next()?;
            self.start += self.piece.len();
            self.piece = next;
            from = 0;
        }
    }
}

/// How many bytes `a` and `b` share at their starts.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    // In words first: a whole text compared a byte at a time is slow.
    let mut i = 0;
    while i + 16 <= n && a[i..i + 16] == b[i..i + 16] {
        i += 16;
    }
    i + a[i..n]
        .iter()
        .zip(&b[i..n])
        .take_while(|(x, y)| x == y)
        .count()
}

/// How many bytes `a` and `b` share at their ends.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut i = 0;
    while i + 16 <= n && a[n - i - 16..n - i] == b[n - i - 16..n - i] {
        i += 16;
    }
    i + a[..n - i]
        .iter()
        .rev()
        .zip(b[..n - i].iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::new(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::new(&s)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.rope.chunks().try_for_each(|p| f.write_str(p))
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.slice(..), f)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.rope == other.rope
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.rope == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.rope == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn only_lf_cr_and_crlf_break_lines() {
        // U+2028, U+2029, NEL, VT and FF are characters of a line.
        let t = Text::new("a\u{2028}b\u{2029}c\u{85}d\u{0B}e\u{0C}f");
        assert_eq!(t.len_lines(), 1);
        assert_eq!(t.line_end(0), t.len());
        let t = Text::new("a\nb\r\nc\rd");
        assert_eq!(t.len_lines(), 4);
        assert_eq!(
            (0..4).map(|l| t.line_start(l).unwrap()).collect::<Vec<_>>(),
            [0, 2, 5, 7]
        );
        assert_eq!(
            (0..4).map(|l| t.line_end(l)).collect::<Vec<_>>(),
            [1, 3, 6, 8]
        );
        // Between the \r and the \n of a \r\n: the line they end.
        assert_eq!(t.line_of(3), 1);
        assert_eq!(t.line_of(4), 1);
        assert_eq!(t.line_of(5), 2);
    }

    #[test]
    fn reading_forward_agrees_with_the_lookups() {
        // Pieces of about a kilobyte: lines and slices across them.
        let mut text = String::new();
        for i in 0..2000 {
            text.push_str(["a\n", "bé\r\n", "c\r", "dd", "ü"][i % 5]);
            text.push_str(&"x".repeat(i % 7));
        }
        let t = Text::new(&text);
        let mut f = t.forward();
        let mut prev = 0;
        for i in (0..t.len()).step_by(37) {
            let i = t.floor_char_boundary(i);
            if matches!(t.byte(i), Some(b'\n' | b'\r')) || i < prev {
                continue;
            }
            assert_eq!(f.next_line_start(i), t.line_start(t.line_of(i) + 1), "{i}");
            prev = i;
        }
        let mut f = t.forward();
        let cuts: Vec<usize> = (0..t.len())
            .step_by(53)
            .map(|i| t.floor_char_boundary(i))
            .chain([t.len()])
            .collect();
        for w in cuts.windows(2) {
            assert_eq!(f.slice(w[0], w[1]), t.slice(w[0]..w[1]), "{w:?}");
        }
    }

    #[test]
    fn edits_and_slices_in_bytes() {
        let mut t = Text::new("héllo wörld");
        t.replace(1, 3, "e");
        assert_eq!(t.to_string(), "hello wörld");
        // Inside a character: clamped to its start (here, of `ö`).
        t.replace(8, 9, "o");
        assert_eq!(t.to_string(), "hello world");
        t.replace(100, 200, "!");
        assert_eq!(t, "hello world!");
        assert_eq!(t.slice(6..8), "wo");
        assert!(t.ends_with("rld!"));
        assert!(!t.ends_with("x"));
        assert!(Text::new("aé").ends_with("é") && !Text::new("é").ends_with("\u{a9}"));
    }

    #[test]
    fn pieces_cover_a_range_in_order() {
        let s: String = (0..5000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let t = Text::new(&s);
        for (a, b) in [(0, 5000), (10, 4000), (999, 1001), (4000, 4000)] {
            let mut at = a;
            let mut got = String::new();
            for (from, p) in t.pieces(a..b) {
                assert_eq!(from, at);
                at += p.len();
                got.push_str(p);
            }
            assert_eq!(got, s[a..b]);
            assert_eq!(t.slice(a..b), s[a..b]);
        }
        assert_eq!(t.piece_at(5000), "");
        assert!(s[17..].starts_with(t.piece_at(17)));
    }

    /// A text of pieces that make multi-byte characters and line breaks
    /// meet at every place, long enough for the rope to have many pieces.
    fn mixed_text() -> impl Strategy<Value = String> {
        let atom = prop_oneof![
            Just("a"),
            Just("é"),
            Just("è"),
            Just("😀"),
            Just("😁"),
            Just("\r"),
            Just("\n"),
            Just("\r\n"),
            Just("team t {\n"),
        ];
        (proptest::collection::vec(atom, 0..40), 0usize..3000).prop_map(|(v, pad)| {
            let mut s = "x".repeat(pad);
            s.push_str(&v.concat());
            s
        })
    }

    proptest! {
        /// The replacement gives the new text, on character boundaries of
        /// both, and leaves out every byte the two share at either end up
        /// to a character that differs.
        #[test]
        fn a_difference_is_one_replacement_that_gives_the_new_text(
            old in mixed_text(),
            edits in proptest::collection::vec(
                (any::<prop::sample::Index>(), 0usize..6, mixed_text()), 0..3),
            tail in mixed_text(),
        ) {
            let mut new = old.clone();
            for (at, len, insert) in &edits {
                let start = crate::text::floor_char_boundary(&new, at.index(new.len() + 1));
                let end = crate::text::floor_char_boundary(&new, start + len);
                new.replace_range(start..end, insert.trim_start_matches('x'));
            }
            // A shared tail long enough to span pieces.
            let (old, new) = (old + &tail, new + &tail);
            let text = Text::new(&old);
            match text.difference(&new) {
                None => prop_assert_eq!(&old, &new),
                Some((range, with)) => {
                    prop_assert!(old.is_char_boundary(range.start()));
                    prop_assert!(old.is_char_boundary(range.end()));
                    prop_assert!(new.is_char_boundary(with.start));
                    prop_assert!(new.is_char_boundary(with.end));
                    let mut edited = text.clone();
                    edited.replace(range.start(), range.end(), &new[with.clone()]);
                    prop_assert_eq!(edited.to_string(), new.as_str());
                    // Nothing shared is left in: the first and last characters
                    // replaced differ, unless one side has none.
                    let (o, n) = (&old[range.range()], &new[with]);
                    if let (Some(a), Some(b)) = (o.chars().next(), n.chars().next()) {
                        prop_assert_ne!(a, b);
                    }
                    if let (Some(a), Some(b)) = (o.chars().last(), n.chars().last()) {
                        prop_assert_ne!(a, b);
                    }
                }
            }
        }
    }

    #[test]
    fn a_difference_in_the_middle_of_a_character_takes_it_whole() {
        // `é` and `è` share their first byte; `😀` and `😁` their first three.
        let t = Text::new("aéb");
        assert_eq!(t.difference("aèb"), Some((TextRange::new(1, 3), 1..3)));
        let t = Text::new("x😀y");
        assert_eq!(t.difference("x😁y"), Some((TextRange::new(1, 5), 1..5)));
        assert_eq!(t.difference("x😀y"), None);
        assert_eq!(t.difference(""), Some((TextRange::new(0, 6), 0..0)));
        assert_eq!(
            Text::new("").difference("ab"),
            Some((TextRange::new(0, 0), 0..2))
        );
        // A character typed where the same one is: the first place it could be.
        assert_eq!(
            Text::new("aa").difference("aaa"),
            Some((TextRange::new(2, 2), 2..3))
        );
    }
}

//! A document's semantic tokens kept between requests, chunk by chunk
//! (`orgplan_analysis::chunks`: a file is parsed in chunks, each starting
//! at a top-level declaration's line), so that a whole result after a
//! keystroke encodes only the chunks that changed, and a delta only looks
//! at which did.
//!
//! Why it is right: a chunk starts at the start of a line, so its tokens
//! placed relative to one another (lines counted from the chunk's first,
//! columns from the start of their line) are a function of the chunk's
//! text (its chunks are parsed and lowered alone) and of what its names
//! resolve to. The kind of a name that may be a leader or a team is the
//! one thing read from the rest of the workspace
//! ([`chunk_tokens`] says whether a chunk has one); those chunks are kept
//! only while [`names_fingerprint`] is the same. Only the first token of a
//! chunk depends on where the chunk is: its line is counted from the token
//! before it, in an earlier chunk (and so on an earlier line: its column
//! is the column), which [`Placed`] works out from the lines each chunk
//! spans. A chunk is known by a hash of its text and its length (all the
//! chunks hashed in one walk over the text: [`text_keys`]).
//!
//! Memory: the tokens are kept packed, one buffer a document (about three
//! bytes a token, not the twenty of five `u32`s), and 40 bytes a chunk: a
//! 100k-line plan's 200,000 tokens and 15,000 chunks in about 1.3 MB
//! (VmHWM at the end of `orgplan-bench lsp` stays under 20 bytes per byte
//! of source; BENCHMARKS.md). Tests: `semantic_tokens_full`'s and
//! `semantic_tokens_full_delta`'s property tests compare the kept tokens,
//! after random edits (some of which declare or remove the names others
//! refer to), with tokens encoded afresh.

use super::semantic_tokens_full::place;
use super::Snap;
use orgplan_analysis::ide::semantic_tokens::{chunk_tokens, names_fingerprint, SemanticToken};
use orgplan_analysis::position::{Cursor, Encoding, LineCol};
use orgplan_analysis::Text;
use orgplan_analysis::TextRange;
use rustc_hash::FxHasher;
use std::hash::Hasher;

/// The tokens of one chunk, placed relative to one another (40 bytes: a
/// 100k-line plan has about 15,000 chunks).
#[derive(Clone, Copy)]
#[cfg_attr(test, derive(Debug, PartialEq))]
pub(super) struct ChunkTokens {
    /// A hash of the chunk's text, and its length.
    text: u64,
    len: u32,
    /// The names' fingerprint the tokens were found with (it counts if a
    /// token's kind depends on it: [`DEPENDS`] in `count`).
    names: u64,
    /// Line breaks in the chunk's text.
    lines: u32,
    /// The lines of the first and the last token, from the chunk's first.
    first: u32,
    last: u32,
    /// How many tokens, and [`DEPENDS`].
    count: u32,
    /// Where its tokens start in [`FileTokens::packed`] ([`pack`]).
    at: u32,
}

/// In [`ChunkTokens::count`]: a token's kind depends on the names.
const DEPENDS: u32 = 1 << 31;

/// The kept tokens of one document: each chunk's, and their packed bytes
/// one after another.
pub(super) struct FileTokens {
    uri: String,
    enc: Encoding,
    chunks: Vec<ChunkTokens>,
    packed: Vec<u8>,
}

/// Documents whose tokens are kept (the last asked for).
const KEPT_FILES: usize = 2;

/// How far ahead of the last kept chunk a chunk of the new text is looked
/// for among the old ones (an edit adds, removes or changes a few).
const LOOK_AHEAD: usize = 16;

/// Calls `f` with the chunks' tokens of the snapshot's document, brought
/// up to date: the chunks whose text (and, for those that depend on it,
/// whose names' fingerprint) is what it was are kept, the others encoded
/// afresh.
pub(super) fn with_chunk_tokens<R>(
    snap: &Snap,
    files: &parking_lot::Mutex<Vec<FileTokens>>,
    f: impl FnOnce(&FileTokens) -> R,
) -> R {
    let uri = snap.uri().map(|u| u.to_string()).unwrap_or_default();
    let mut files = files.lock();
    let old = match files.iter().position(|k| k.uri == uri) {
        Some(i) => files.remove(i),
        None => FileTokens {
            uri,
            enc: snap.enc,
            chunks: Vec::new(),
            packed: Vec::new(),
        },
    };
    let new = update(snap, old);
    let out = f(&new);
    files.push(new);
    if files.len() > KEPT_FILES {
        files.remove(0);
    }
    out
}

/// `old` brought up to the snapshot's text and names.
fn update(snap: &Snap, mut old: FileTokens) -> FileTokens {
    if old.enc != snap.enc {
        old.chunks.clear();
        old.packed.clear();
    }
    let mut new = FileTokens {
        uri: std::mem::take(&mut old.uri),
        enc: snap.enc,
        chunks: Vec::new(),
        packed: Vec::with_capacity(old.packed.len() + 4096),
    };
    let Some(src) = snap.ws.file(snap.file) else {
        return new;
    };
    new.chunks.reserve_exact(src.parsed.chunks.len());
    let text = snap.lines.text();
    let model = &snap.analysis.model;
    let names = names_fingerprint(model);
    let chunks = &src.parsed.chunks;
    let ranges: Vec<TextRange> = chunks.iter().map(|c| c.range()).collect();
    let keys = text_keys(text, &ranges);
    let plan = plan_chunks(chunks, &keys, &old, names);
    let fresh: Vec<(usize, usize)> = plan
        .iter()
        .enumerate()
        .filter_map(|(k, p)| p.err().map(|at| (k, at)))
        .collect();
    // The first request for a file's tokens encodes all its chunks: on two
    // threads, each reading on through its half of the text.
    let enc = snap.enc;
    let encode = |part: &[(usize, usize)]| {
        let mut out = Fresh::default();
        let (blocks, mut buf) = (&src.doc().blocks, Vec::new());
        let mut reading = Reading::new(text, enc);
        for &(k, at) in part {
            let c = &chunks[k];
            let held = &blocks[at.min(blocks.len())..(at + c.blocks()).min(blocks.len())];
            buf.clear();
            let depends = chunk_tokens(model, c, held, &mut buf);
            let from = out.packed.len() as u32;
            let mut t = encode_chunk(c.range(), &buf, &mut out.packed, &mut reading);
            (t.text, t.len, t.names, t.at) = (keys[k].0, keys[k].1, names, from);
            if depends {
                t.count |= DEPENDS;
            }
            out.chunks.push(t);
        }
        out
    };
    let halves = if fresh.len() >= SPLIT_FROM {
        let (first, second) = fresh.split_at(fresh.len() / 2);
        orgplan_analysis::join(|| encode(first), || encode(second))
    } else {
        (encode(&fresh), Fresh::default())
    };
    let mut fresh = [&halves.0, &halves.1]
        .into_iter()
        .flat_map(|part| (0..part.chunks.len()).map(move |j| (part, j)));
    for p in plan {
        let (kept, packed, i): (&[ChunkTokens], &[u8], usize) = match p {
            Ok(i) => (&old.chunks, &old.packed, i),
            Err(_) => {
                let (part, j) = fresh.next().expect("each fresh chunk is encoded");
                (&part.chunks, &part.packed, j)
            }
        };
        let o = &kept[i];
        let end = kept.get(i + 1).map_or(packed.len(), |n| n.at as usize);
        let at = new.packed.len() as u32;
        new.packed.extend_from_slice(&packed[o.at as usize..end]);
        new.chunks.push(ChunkTokens { at, ..*o });
    }
    if new.packed.capacity() > new.packed.len() + new.packed.len() / 8 + 4096 {
        new.packed.shrink_to_fit();
    }
    new
}

/// From this many chunks to encode afresh on, they are shared out over
/// two threads.
pub(super) const SPLIT_FROM: usize = 1024;

/// Chunks' tokens encoded afresh, packed one after another.
#[derive(Default)]
struct Fresh {
    chunks: Vec<ChunkTokens>,
    packed: Vec<u8>,
}

/// For each chunk (with its text's key), the index of the old chunk whose
/// tokens it keeps, or (none kept) the index of its first block.
fn plan_chunks(
    chunks: &[orgplan_analysis::chunks::Chunk],
    keys: &[(u64, u32)],
    old: &FileTokens,
    names: u64,
) -> Vec<Result<usize, usize>> {
    let (mut at, mut next_old) = (0, 0);
    let mut plan = Vec::with_capacity(chunks.len());
    for (c, &(hash, len)) in chunks.iter().zip(keys) {
        let to = (next_old + LOOK_AHEAD).min(old.chunks.len());
        let kept = (next_old..to).find(|&i| {
            let o = &old.chunks[i];
            o.text == hash && o.len == len && (o.count & DEPENDS == 0 || o.names == names)
        });
        match kept {
            Some(i) => {
                plan.push(Ok(i));
                next_old = i + 1;
            }
            None => plan.push(Err(at)),
        }
        at += c.blocks();
    }
    plan
}

/// A hash of the text in each of `ranges` (in order, none overlapping the
/// next), and its length, from one walk over the text's pieces. Asking
/// the rope for each range's pieces apart (a descent of its tree each,
/// for 15,000 chunks) was most of a delta request's time (BENCHMARKS.md,
/// "3 Dec: semantic tokens hash the text in one walk").
fn text_keys(text: &Text, ranges: &[TextRange]) -> Vec<(u64, u32)> {
    let mut out = Vec::with_capacity(ranges.len());
    let (Some(first), Some(last)) = (ranges.first(), ranges.last()) else {
        return out;
    };
    let mut h = FxHasher::default();
    let mut k = 0;
    for (from, piece) in text.pieces(first.start()..last.end()) {
        let to = from + piece.len();
        while let Some(r) = ranges.get(k) {
            let (a, b) = (r.start().max(from), r.end().min(to));
            if a < b {
                h.write(&piece.as_bytes()[a - from..b - from]);
            }
            if r.end() > to {
                break;
            }
            out.push((std::mem::take(&mut h).finish(), r.len() as u32));
            k += 1;
        }
    }
    // Empty ranges at the end, or past the text.
    for r in &ranges[out.len()..] {
        out.push((std::mem::take(&mut h).finish(), r.len() as u32));
    }
    out
}

/// How far ahead a chunk may start for the cursor of the chunk before
/// it to be read on to it, rather than a new one looked up in the rope.
const READ_ON: usize = 64 << 10;

/// The chunk's tokens (`tokens`, in order), placed relative to one
/// another from the start of the chunk's first line. A token the client
/// could not show (one spanning lines, or empty) is left out, as in
/// `semantic_tokens_full::encode`. The chunks encoded afresh come in
/// order, and `reading` reads on through the text from one to the next:
/// a whole file's are placed in one pass over its text, not with a few
/// look-ups in the rope a chunk (most of the first request's time,
/// BENCHMARKS.md, "4 Dec (ninth session)").
fn encode_chunk(
    range: TextRange,
    tokens: &[SemanticToken],
    packed: &mut Vec<u8>,
    reading: &mut Reading<'_>,
) -> ChunkTokens {
    let Reading {
        text,
        enc,
        pieces,
        copy,
        starts,
        cursor,
    } = reading;
    if let Some(s) = pieces.chunk(range, copy) {
        if let Some(t) = in_lines(s, range.start(), *enc, tokens, starts, packed) {
            return t;
        }
    }
    by_cursor(text, *enc, range, tokens, packed, cursor)
}

/// The chunk's tokens placed by a cursor read on through the text (from
/// where `cursor` is, if it is not far behind, else from a look-up),
/// which counts the columns of any encoding; the cursor is left at the
/// chunk's end.
fn by_cursor<'a>(
    text: &'a Text,
    enc: Encoding,
    range: TextRange,
    tokens: &[SemanticToken],
    packed: &mut Vec<u8>,
    cursor: &mut Option<Cursor<'a>>,
) -> ChunkTokens {
    let cursor = match cursor {
        Some(c) if c.at() <= range.start() && range.start() - c.at() <= READ_ON => c,
        _ => cursor.insert(Cursor::new(text, range.start(), enc)),
    };
    let line0 = cursor.advance(range.start()).line;
    let mut t = pack_all(tokens, packed, line0, |o| cursor.advance(o));
    t.lines = cursor.advance(range.end()).line - line0;
    t
}

/// The tokens placed and packed, their lines counted from `line0`, with
/// `at` giving the line and column of an offset (asked for in order): a
/// chunk's [`ChunkTokens`] but for its text's key and its lines.
fn pack_all(
    tokens: &[SemanticToken],
    packed: &mut Vec<u8>,
    line0: u32,
    mut at: impl FnMut(usize) -> LineCol,
) -> ChunkTokens {
    let mut prev = (line0, 0);
    let (mut first, mut count) = (None, 0);
    for t in tokens {
        let ends = (at(t.range.start()), at(t.range.end()));
        let Some((token, here)) = place(ends, t, prev) else {
            continue;
        };
        first.get_or_insert(here.0 - line0);
        pack(packed, token);
        count += 1;
        prev = here;
    }
    ChunkTokens {
        text: 0,
        len: 0,
        names: 0,
        lines: 0,
        first: first.unwrap_or(0),
        last: prev.0 - line0,
        count,
        at: 0,
    }
}

/// The chunk's tokens placed from its text `s` alone (it starts at
/// offset `base`, at the start of a line), with its line breaks found in
/// one search and a column counted as the bytes before it on its line.
/// Replaces, for most chunks, [`by_cursor`], whose cursor looks at each
/// byte in turn and may count columns in UTF-16: encoding a 100k-line
/// plan's chunks took about a tenth less CPU time this way (BENCHMARKS.md,
/// "6 Dec (twenty-third session)"). `None`, with nothing packed, when a column
/// is not its bytes (a character of more bytes than units in `enc`) or
/// a token is not in `s`; and when `s` may end or start in a `\r\n` (the
/// cursor, which sees the text around it, places those).
fn in_lines(
    s: &str,
    base: usize,
    enc: Encoding,
    tokens: &[SemanticToken],
    starts: &mut Vec<u32>,
    packed: &mut Vec<u8>,
) -> Option<ChunkTokens> {
    let b = s.as_bytes();
    let inside = |t: &SemanticToken| t.range.start() >= base && t.range.end() <= base + b.len();
    if !(enc == Encoding::Utf8 || b.is_ascii())
        || b.first() == Some(&b'\n')
        || b.last() == Some(&b'\r')
        || u32::try_from(b.len()).is_err()
        || !tokens.iter().all(inside)
    {
        return None;
    }
    // Where each line after the first starts: after a `\n`, a `\r\n`, or
    // a `\r` alone.
    starts.clear();
    for i in memchr::memchr2_iter(b'\n', b'\r', b) {
        if !(b[i] == b'\r' && b.get(i + 1) == Some(&b'\n')) {
            starts.push(i as u32 + 1);
        }
    }
    let starts = &*starts;
    // The offsets come in order but for a token's end before the next
    // one's start: the line is read on from the last one's.
    let mut line = 0;
    let at = |offset: usize| {
        let p = offset - base;
        let line_start = |l: usize| l.checked_sub(1).map_or(0, |l| starts[l] as usize);
        if p < line_start(line) {
            line = starts.partition_point(|&x| x as usize <= p);
        }
        while starts.get(line).is_some_and(|&x| x as usize <= p) {
            line += 1;
        }
        let start = line_start(line);
        // Between a `\r` and its `\n`: the end of the `\r`'s line.
        let col = if p > 0 && b[p - 1] == b'\r' && b.get(p) == Some(&b'\n') {
            p - 1 - start
        } else {
            p - start
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    };
    let mut t = pack_all(tokens, packed, 0, at);
    t.lines = starts.len() as u32;
    Some(t)
}

/// What the chunks encoded afresh on one thread are read with, in order.
struct Reading<'a> {
    text: &'a Text,
    enc: Encoding,
    pieces: Pieces<'a>,
    /// The text of a chunk that spans two of the rope's pieces, copied.
    copy: String,
    /// Where the lines of a chunk start ([`in_lines`]).
    starts: Vec<u32>,
    /// For the chunks [`in_lines`] does not place.
    cursor: Option<Cursor<'a>>,
}

impl<'a> Reading<'a> {
    fn new(text: &'a Text, enc: Encoding) -> Reading<'a> {
        Reading {
            text,
            enc,
            pieces: Pieces {
                text,
                rest: None,
                piece: (0, ""),
            },
            copy: String::new(),
            starts: Vec::new(),
            cursor: None,
        }
    }
}

/// The longest chunk whose text is copied when it spans pieces: a longer
/// one (a whole file in one block, say) is left to the cursor, which
/// reads it in place.
const COPIED_AT_MOST: usize = 64 << 10;

/// The rope's pieces, read on from one chunk to the next.
struct Pieces<'a> {
    text: &'a Text,
    rest: Option<Box<dyn Iterator<Item = (usize, &'a str)> + 'a>>,
    /// The piece last read, and where it starts.
    piece: (usize, &'a str),
}

impl<'a> Pieces<'a> {
    /// The text of `range`: a slice of the piece that holds it, or, when
    /// it spans pieces, copied into `copy` (up to [`COPIED_AT_MOST`]
    /// bytes). A range before the last one asked for is looked up in the
    /// rope again. `None` when `range` is not in the text on character
    /// boundaries, or is too long to copy.
    fn chunk<'s>(&'s mut self, range: TextRange, copy: &'s mut String) -> Option<&'s str> {
        let (a, b) = (range.start(), range.end());
        if b > self.text.len() {
            return None;
        }
        if a >= b {
            let boundary = self.text.floor_char_boundary(a) == a;
            return (a == b && boundary).then_some("");
        }
        if self.rest.is_none() || a < self.piece.0 {
            self.rest = Some(Box::new(self.text.pieces(a..)));
            self.piece = (a, "");
        }
        let rest = self.rest.as_mut()?;
        while self.piece.0 + self.piece.1.len() <= a {
            self.piece = rest.next()?;
        }
        let (p0, p) = self.piece;
        if b <= p0 + p.len() {
            return p.get(a - p0..b - p0);
        }
        if b - a > COPIED_AT_MOST {
            return None;
        }
        copy.clear();
        copy.push_str(p.get(a - p0..)?);
        for (q0, q) in rest.by_ref() {
            self.piece = (q0, q);
            copy.push_str(q.get(..(b - q0).min(q.len()))?);
            if b <= q0 + q.len() {
                break;
            }
        }
        (copy.len() == b - a).then_some(copy.as_str())
    }
}

/// Packs a token: a byte of its line (up to 6; 7: a number follows), its
/// modifier and its type, then its start and length as LEB128 numbers
/// (one byte each below 128). There are ten types and one modifier.
fn pack(out: &mut Vec<u8>, [line, start, len, kind, modifiers]: [u32; 5]) {
    debug_assert!(kind < 16 && modifiers < 2);
    out.push(((line.min(7) as u8) << 5) | ((modifiers as u8 & 1) << 4) | (kind as u8 & 15));
    if line >= 7 {
        leb128(out, line);
    }
    leb128(out, start);
    leb128(out, len);
}

fn leb128(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn read_leb128(bytes: &[u8], at: &mut usize) -> u32 {
    let (mut n, mut shift) = (0u32, 0);
    loop {
        let b = bytes[*at];
        *at += 1;
        n |= u32::from(b & 0x7f) << shift;
        if b < 0x80 {
            return n;
        }
        shift += 7;
    }
}

impl ChunkTokens {
    fn tokens(&self) -> u32 {
        self.count & !DEPENDS
    }

    /// Calls `f` with each token's five numbers (its packed bytes are
    /// those of `file` from `at`), the first token's line given as
    /// `first_line` (placed after the tokens before the chunk).
    fn for_each(&self, file: &FileTokens, first_line: u32, mut f: impl FnMut([u32; 5])) {
        let p = &file.packed;
        let mut at = self.at as usize;
        for i in 0..self.tokens() {
            let head = p[at];
            at += 1;
            let mut line = u32::from(head >> 5);
            if line == 7 {
                line = read_leb128(p, &mut at);
            }
            let start = read_leb128(p, &mut at);
            let len = read_leb128(p, &mut at);
            if i == 0 {
                line = first_line;
            }
            f([
                line,
                start,
                len,
                u32::from(head & 15),
                u32::from((head >> 4) & 1),
            ]);
        }
    }

    /// How many numbers the chunk's tokens are.
    pub(super) fn numbers(&self) -> u32 {
        self.tokens() * 5
    }

    /// A hash of the chunk's tokens with its first one's line `first_line`:
    /// two chunks' are the same when their numbers are.
    fn hash(&self, first_line: u32) -> u64 {
        let mut h = FxHasher::default();
        h.write_u64(self.text);
        h.write_u32(self.len);
        h.write_u64(if self.count & DEPENDS != 0 {
            self.names
        } else {
            0
        });
        h.write_u32(self.count);
        h.write_u32(first_line);
        h.finish()
    }
}

/// The chunks that have tokens, each with its first token's line counted
/// from the last token before it (the protocol's relative encoding).
pub(super) fn placed(file: &FileTokens) -> Vec<Placed<'_>> {
    let mut out = Vec::new();
    let (mut line0, mut prev) = (0u32, 0u32);
    for c in &file.chunks {
        if c.tokens() > 0 {
            out.push(Placed {
                file,
                chunk: c,
                first_line: line0 + c.first - prev,
            });
            prev = line0 + c.last;
        }
        line0 += c.lines;
    }
    out
}

/// A chunk with tokens, placed after the tokens before it.
pub(super) struct Placed<'a> {
    file: &'a FileTokens,
    pub chunk: &'a ChunkTokens,
    first_line: u32,
}

impl Placed<'_> {
    pub(super) fn segment(&self) -> super::semantic_tokens_full::Segment {
        super::semantic_tokens_full::Segment {
            len: self.chunk.numbers(),
            hash: self.chunk.hash(self.first_line),
        }
    }

    pub(super) fn for_each(&self, f: impl FnMut([u32; 5])) {
        self.chunk.for_each(self.file, self.first_line, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A hash of one range's text, asked of the rope alone.
    fn text_key(text: &Text, range: TextRange) -> (u64, u32) {
        let mut h = FxHasher::default();
        for (_, piece) in text.pieces(range.start()..range.end()) {
            h.write(piece.as_bytes());
        }
        (h.finish(), range.len() as u32)
    }

    /// A chunk longer than [`COPIED_AT_MOST`] that spans pieces is not
    /// copied (the cursor reads it in place); one in a piece is still
    /// sliced, and the chunk after it read on.
    #[test]
    fn a_long_chunk_across_pieces_is_not_copied() {
        let s = "a".repeat(3 * COPIED_AT_MOST);
        let text = Text::new(&s);
        let mut pieces = Pieces {
            text: &text,
            rest: None,
            piece: (0, ""),
        };
        let mut copy = String::new();
        let long = TextRange::new(10, 10 + 2 * COPIED_AT_MOST);
        assert_eq!(pieces.chunk(long, &mut copy), None);
        assert!(copy.is_empty());
        let next = TextRange::new(long.end(), long.end() + 5);
        assert_eq!(pieces.chunk(next, &mut copy), Some("aaaaa"));
    }

    fn any_encoding() -> impl Strategy<Value = Encoding> {
        prop_oneof![
            Just(Encoding::Utf8),
            Just(Encoding::Utf16),
            Just(Encoding::Utf32)
        ]
    }

    proptest! {
        /// A chunk's tokens placed from its lines are the cursor's, for
        /// texts with every kind of line break and characters of two and
        /// four bytes, tokens anywhere on character boundaries (spanning
        /// lines, empty, overlapping), and every encoding; and a chunk the
        /// lines do not place is one they are not meant to.
        #[test]
        fn a_chunk_placed_from_its_lines_is_placed_as_the_cursor_places_it(
            before in "([a-z ]{0,8}\n){0,3}",
            bits in proptest::collection::vec(
                prop_oneof![
                    "[a-c ]{1,6}",
                    Just("\n".to_string()),
                    Just("\r\n".to_string()),
                    Just("\r".to_string()),
                    Just("é".to_string()),
                    Just("😀".to_string()),
                ],
                0..40,
            ),
            cuts in proptest::collection::vec((0usize..400, 0usize..400), 0..12),
            enc in any_encoding(),
        ) {
            let body: String = bits.concat();
            let whole = format!("{before}{body}");
            let text = Text::new(&whole);
            let base = before.len();
            let bounds: Vec<usize> = body
                .char_indices()
                .map(|(i, _)| i)
                .chain([body.len()])
                .collect();
            let mut ranges: Vec<(usize, usize)> = cuts
                .iter()
                .map(|&(a, b)| {
                    let (x, y) = (bounds[a % bounds.len()], bounds[b % bounds.len()]);
                    (base + x.min(y), base + x.max(y))
                })
                .collect();
            ranges.sort_unstable();
            let tokens: Vec<SemanticToken> = ranges
                .iter()
                .map(|&(a, b)| SemanticToken {
                    range: TextRange::new(a, b),
                    kind: orgplan_analysis::ide::semantic_tokens::TokenKind::ALL[a % 3],
                    declaration: b % 2 == 0,
                })
                .collect();
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            let lines = in_lines(&body, base, enc, &tokens, &mut vec![7], &mut fast);
            let range = TextRange::new(base, whole.len());
            let cursor = by_cursor(&text, enc, range, &tokens, &mut slow, &mut None);
            match lines {
                Some(lines) => {
                    prop_assert_eq!(lines, cursor);
                    prop_assert_eq!(fast, slow);
                }
                None => {
                    prop_assert!(fast.is_empty());
                    prop_assert!(
                        enc != Encoding::Utf8 && !body.is_ascii()
                            || body.starts_with('\n')
                            || body.ends_with('\r')
                    );
                }
            }
        }

        /// The pieces read on from chunk to chunk give each range its
        /// text, for a text of many pieces, ranges that cut them anywhere
        /// (on character boundaries), come back to an earlier place, or
        /// run past the end.
        #[test]
        fn the_pieces_read_on_give_each_range_its_text(
            len in 0usize..20_000,
            cuts in proptest::collection::vec((0usize..21_000, 0usize..300), 0..40),
        ) {
            let s: String = (0..len)
                .map(|i| if i % 37 == 0 { 'é' } else { (b'a' + (i * 7 % 26) as u8) as char })
                .collect();
            let text = Text::new(&s);
            let mut pieces = Pieces { text: &text, rest: None, piece: (0, "") };
            let mut copy = String::new();
            for (a, n) in cuts {
                let range = TextRange::new(a, a + n);
                let expected = s.get(a..a + n);
                prop_assert_eq!(pieces.chunk(range, &mut copy), expected);
            }
        }

        /// One walk gives each range the hash it has alone, for ranges that
        /// cut the rope's pieces anywhere (a text of many pieces), empty
        /// ones, and ones that run past the text.
        #[test]
        fn one_walk_hashes_each_range_as_alone(
            len in 0usize..40_000,
            cuts in proptest::collection::vec(0usize..41_000, 0..60),
        ) {
            let s: String = (0..len).map(|i| (b'a' + (i * 7 % 26) as u8) as char).collect();
            let text = Text::from(s);
            let mut cuts = cuts;
            cuts.sort_unstable();
            let ranges: Vec<TextRange> = cuts
                .windows(2)
                .map(|w| TextRange::new(w[0], w[1]))
                .collect();
            let alone: Vec<_> = ranges.iter().map(|&r| text_key(&text, r)).collect();
            prop_assert_eq!(text_keys(&text, &ranges), alone);
        }
    }
}

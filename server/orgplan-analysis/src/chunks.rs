//! A file is parsed in chunks: each top-level declaration line starts a new
//! one. A line that begins, in its first column, with `leader`, `initiative`
//! or `team`, blanks and an id starts a chunk (so does the start of the
//! file), and each chunk is parsed and lowered on its own.
//!
//! Why: those three kinds are declared only at the top level, strings and
//! comments end at the end of their line, so in a well-formed file every
//! such line is a top-level block's first line and the chunks parse exactly
//! as the whole file would. In a file with an open brace, the chunk ends the
//! block left open (a syntax error there) instead of swallowing every block
//! below it: an error in one block never hides or changes the rest.
//!
//! And it makes an edit cheap whatever the size of the file: whether a line
//! starts a chunk depends on that line alone, so an edit re-splits, reparses
//! and re-lowers only the chunks it touches (and the one before, when the
//! edit is on a chunk's first line); every other chunk is kept, its ranges
//! shifted. The result is the same as
//! parsing the new text afresh; `tests/no_panic.rs` checks it on random edit
//! scripts.

use crate::rope::Text;
use crate::syntax::{self, Block, Document, SyntaxError};
use crate::text::TextRange;
use std::borrow::Cow;
use std::cell::RefCell;
use tree_sitter::{Parser, Tree};

/// The kinds whose declaration in the first column starts a chunk.
pub const CHUNK_KEYWORDS: [&str; 3] = ["leader", "initiative", "team"];

/// One chunk of a file: its place, how many of the document's blocks and
/// errors it holds and where they start among the document's, and its
/// comments (relative to `start`). The concrete tree is dropped once
/// lowered: it would take most of the memory.
///
/// Where its blocks and errors start is kept, not summed from the chunks
/// before it at each edit: that sum read every chunk before the edit, an
/// eighth of a keystroke at the end of the 100k plan (BENCHMARKS.md, "7
/// Dec (thirty-first session)"). An edit moves the starts of the chunks
/// after it, as it moves their places.
#[derive(Clone, Debug, PartialEq)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
    blocks: u32,
    errors: u32,
    block_at: u32,
    error_at: u32,
    comments: Vec<TextRange>,
}

impl Chunk {
    pub fn range(&self) -> TextRange {
        TextRange::new(self.start, self.end)
    }

    /// How many of the document's top-level blocks the chunk holds (the
    /// chunks' blocks are the document's, in order).
    pub fn blocks(&self) -> usize {
        self.blocks as usize
    }

    /// Moves the chunk by `delta` bytes, and its blocks and errors by
    /// `blocks` and `errors` places in the document.
    fn shift(&mut self, delta: isize, blocks: isize, errors: isize) {
        self.start = (self.start as isize + delta) as usize;
        self.end = (self.end as isize + delta) as usize;
        self.block_at = (self.block_at as isize + blocks) as u32;
        self.error_at = (self.error_at as isize + errors) as u32;
    }

    /// The comments in the chunk, in order.
    pub fn comments(&self) -> impl Iterator<Item = TextRange> + '_ {
        let at = self.start as isize;
        self.comments.iter().map(move |c| c.shifted(at))
    }
}

/// The comments in the tree of `src`, in order.
///
/// A comment is a leaf token that starts with `#` (and runs to the end of
/// its line), so only the `#`s of the text are looked up in the tree, not
/// every node walked: most chunks have none, and the walk was a sixth of a
/// cold open's parsing and lowering (BENCHMARKS.md, "3 Dec, the end of the session, on a quiet machine").
/// A `#` in a string or in a comment found already is passed over.
fn comments_of(tree: &Tree, src: &str) -> Vec<TextRange> {
    let mut out: Vec<TextRange> = Vec::new();
    let root = tree.root_node();
    let comment = comment_kind();
    for at in memchr::memchr_iter(b'#', src.as_bytes()) {
        if out.last().is_some_and(|c| at < c.end()) {
            continue;
        }
        if let Some(n) = root.descendant_for_byte_range(at, at + 1) {
            if n.kind_id() == comment && n.start_byte() == at {
                out.push(TextRange::new(n.start_byte(), n.end_byte()));
            }
        }
    }
    out
}

/// The grammar's id of the `comment` node kind.
fn comment_kind() -> u16 {
    static KIND: std::sync::OnceLock<u16> = std::sync::OnceLock::new();
    *KIND.get_or_init(|| syntax::language().id_for_node_kind("comment", true))
}

/// A parsed file: its chunks and the lowered document of the whole text.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    pub chunks: Vec<Chunk>,
    doc: Lazy,
}

/// The lowered document, its blocks after the last edits perhaps not yet
/// moved to their places: [`Lazy::get`] moves them on the first read.
///
/// Why: moving every block after an edit was the largest single cost of a
/// keystroke in a large file (its blocks, properties and values, walked
/// cold: an eighth of the server's time typing into the 100k-line plan).
/// Nothing on a keystroke's way to its diagnostics reads those blocks (the
/// incremental analysis reads the re-parsed blocks and the errors, which
/// are kept in place, through [`Parsed::lagging`]), so keystrokes put the
/// move off and add up their lengths: typing at one place moves the
/// blocks after it once, when a request reads the document, not once a
/// keystroke. Shown by: BENCHMARKS.md, "4 Dec (fourth session)".
#[derive(Default)]
struct Lazy {
    /// The document with every block in its place.
    settled: std::sync::OnceLock<Document>,
    /// Or the document whose blocks from `Lag::from` on are still to be
    /// moved by `Lag::delta` (when `settled` is empty).
    lagging: std::sync::Mutex<Option<(Document, Lag)>>,
}

/// Blocks from `from` (an index in the document's blocks) on are `delta`
/// bytes before their places.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Lag {
    from: usize,
    delta: isize,
}

impl Lag {
    fn settle(self, doc: &mut Document) {
        if self.delta != 0 {
            for b in doc.blocks.iter_mut().skip(self.from) {
                syntax::shift_block(b, self.delta);
            }
        }
    }
}

impl Lazy {
    fn new(doc: Document, lag: Option<Lag>) -> Lazy {
        match lag.filter(|l| l.delta != 0 && l.from < doc.blocks.len()) {
            Some(lag) => Lazy {
                settled: std::sync::OnceLock::new(),
                lagging: std::sync::Mutex::new(Some((doc, lag))),
            },
            None => Lazy {
                settled: doc.into(),
                lagging: std::sync::Mutex::new(None),
            },
        }
    }

    /// The document, every block in its place: the first read after edits
    /// moves the blocks they left behind (readers on other threads wait
    /// for it, as for any `OnceLock`).
    fn get(&self) -> &Document {
        self.settled.get_or_init(|| {
            let lagging = self
                .lagging
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .take();
            // One of the two always holds the document.
            let (mut doc, lag) =
                lagging.unwrap_or((Document::default(), Lag { from: 0, delta: 0 }));
            lag.settle(&mut doc);
            doc
        })
    }

    /// The document and what of it still lags, taken out for an edit.
    fn take(&mut self) -> (Document, Option<Lag>) {
        if let Some(doc) = self.settled.take() {
            return (doc, None);
        }
        let lagging = self
            .lagging
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        match lagging {
            Some((doc, lag)) => (doc, Some(lag)),
            None => (Document::default(), None),
        }
    }

    /// The document as it is, and its lag: its blocks from the lag on
    /// perhaps not in their places.
    fn as_is(&mut self) -> (&Document, Option<Lag>) {
        if self.settled.get().is_some() {
            return (self.settled.get().expect("just checked"), None);
        }
        let lagging = self
            .lagging
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match lagging {
            Some((doc, lag)) => (doc, Some(*lag)),
            None => (self.settled.get_or_init(Document::default), None),
        }
    }
}

impl Clone for Lazy {
    fn clone(&self) -> Lazy {
        Lazy::new(self.get().clone(), None)
    }
}

impl PartialEq for Lazy {
    fn eq(&self, other: &Lazy) -> bool {
        self.get() == other.get()
    }
}

impl std::fmt::Debug for Lazy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// Whether an edit at `at` may change the first line of the chunk that
/// starts at `start`: whether no line break lies in `text[start..at]` but
/// for one right before `at` (a line break typed after a `\r` makes one
/// `\r\n` of the two). The text before `at` is as before the edit.
fn on_first_line(text: &Text, start: usize, at: usize) -> bool {
    for (i, b) in (start..).zip(text.bytes_from(start)) {
        if i + 1 >= at {
            return true;
        }
        if b == b'\n' || b == b'\r' {
            return false;
        }
    }
    true
}

/// The lag of `doc`'s blocks after an edit that replaces the blocks
/// `replaced` (not yet taken out) and moves those after them by `delta`,
/// the lag before it being `lag`. The lag after an edit always starts
/// right after the blocks it replaced, so that the next keystroke at the
/// same place moves no block: the blocks between the edit and an earlier
/// lag's start are moved now to lag as the rest do, and those between an
/// earlier lag's start and the edit to their places. Only when the edits
/// move to another place are blocks moved, those between the two places
/// (or, when they cannot be put back as far as the earlier lag, all the
/// lagging ones, to their places).
fn lag_after(
    doc: &mut Document,
    lag: Option<Lag>,
    replaced: std::ops::Range<usize>,
    delta: isize,
) -> Lag {
    let tail = replaced.end;
    let Some(lag) = lag else {
        return Lag { from: tail, delta };
    };
    if lag.from <= replaced.start {
        // Before the edit: to their places (by the earlier lag).
        for b in &mut doc.blocks[lag.from..replaced.start] {
            syntax::shift_block(b, lag.delta);
        }
    } else if lag.from > tail {
        // After the edit, before the earlier lag: in their places before
        // the edit, from now on as far behind as the blocks after them.
        // Places are offsets: a block cannot be put further back than the
        // start of the text. Then the earlier lag is settled instead.
        let room = doc.blocks[tail].range.start() as isize;
        if lag.delta > room {
            lag.settle(doc);
            return Lag { from: tail, delta };
        }
        for b in &mut doc.blocks[tail..lag.from] {
            syntax::shift_block(b, -lag.delta);
        }
    }
    Lag {
        from: tail,
        delta: lag.delta + delta,
    }
}

/// What an edit parsed again: the place of the replaced chunks in the old
/// text, and which of the document's top-level blocks they held before and
/// hold now (`blocks..blocks + old_blocks`, then `blocks..blocks + new_blocks`).
#[derive(Clone, Copy, Debug)]
pub struct Reparsed {
    pub old: TextRange,
    pub blocks: usize,
    pub old_blocks: usize,
    pub new_blocks: usize,
}

/// Whether the line whose bytes are `line` starts a chunk: a kind, blanks,
/// and the start of an id, or of a word with letters past ASCII (so
/// `leader : jane`, a property written unindented with a space before its
/// colon, does not).
fn starts_chunk(line: impl Iterator<Item = u8> + Clone) -> bool {
    CHUNK_KEYWORDS.iter().any(|k| {
        let mut rest = line.clone();
        if !k.bytes().all(|b| rest.next() == Some(b)) {
            return false;
        }
        let mut blanks = 0;
        let first = rest.find(|b| {
            let blank = matches!(b, b' ' | b'\t');
            blanks += usize::from(blank);
            !blank
        });
        blanks > 0 && first.is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b >= 0x80)
    })
}

/// The chunk starts in `text[from..to]`: `from` (a chunk start), then every
/// line start after it and before `to` that starts a chunk. Lines end in
/// `\n`, `\r\n` or a lone `\r`.
fn chunk_starts(text: &Text, from: usize, to: usize) -> Vec<usize> {
    let mut out = vec![from];
    starts_after(text, from, to, |q| {
        out.push(q);
        true
    });
    out
}

/// Calls `each` with every chunk start past `from` and before `to`, in
/// order, while it gives `true`: the line starts after a line break at
/// `from` or later that start a chunk.
fn starts_after(text: &Text, from: usize, to: usize, mut each: impl FnMut(usize) -> bool) {
    for (at, piece) in text.pieces(from..to) {
        let bytes = piece.as_bytes();
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            let q = at + i + 1;
            let line_start = bytes[i] == b'\n' || text.byte(q) != Some(b'\n');
            if line_start && q < to && starts_chunk_in(text, q, &bytes[i + 1..]) && !each(q) {
                return;
            }
        }
    }
}

/// Where the chunks of `text[from..to]` (`from` a chunk start) are halved:
/// at the first chunk start at or past the middle, else at the last one
/// before it; `None` when `from` is the only one. Found by reading from the
/// middle on, so that only the pieces' own threads read the rest for their
/// chunk starts (on one thread before the parsing was shared out, that
/// read was 3 ms of a 100k-line plan's open: BENCHMARKS.md, "5 Dec
/// (fifteenth session)").
fn halving_point(text: &Text, from: usize, to: usize) -> Option<usize> {
    let middle = from + (to - from) / 2;
    let mut found = None;
    // A start at the middle follows a line break just before it. (The
    // middle may fall inside a character: the rope's pieces are read from
    // the boundary before it, and no line break lies inside a character.)
    starts_after(text, middle.saturating_sub(1).max(from), to, |q| {
        found = Some(q);
        false
    });
    found
        .filter(|&q| q >= middle)
        .or_else(|| chunk_starts(text, from, middle).pop().filter(|&q| q > from))
}

/// Whether the line at `i` starts a chunk, `rest` being what follows `i`
/// in a piece of the rope (the piece being scanned, so that `i` is not
/// looked up in the rope again: once per line of the file, that lookup was
/// most of a cold open's splitting into chunks, which runs before the
/// parsing is shared out). Most lines are decided within it: when a byte
/// past the longest keyword is not a blank, every keyword's blanks end
/// within it.
fn starts_chunk_in(text: &Text, i: usize, rest: &[u8]) -> bool {
    if rest.len() > 10 && rest[10..].iter().any(|&b| b != b' ' && b != b'\t') {
        return starts_chunk(rest.iter().copied());
    }
    starts_chunk(text.bytes_from(i))
}

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parses `text[start..end]`, followed by `appended`, as one chunk: the
/// parser reads the rope's pieces in place. `within` is the chunk's text
/// when it lies in one piece (most chunks): read from there, it takes no
/// look-up in the rope.
fn parse_chunk(
    text: &Text,
    start: usize,
    end: usize,
    within: Option<&str>,
    appended: &str,
) -> Tree {
    PARSER.with(|p| {
        let mut p = p.borrow_mut();
        let parser = p.get_or_insert_with(|| {
            let mut parser = Parser::new();
            parser
                .set_language(&syntax::language())
                .expect("the bundled grammar matches the tree-sitter runtime");
            parser
        });
        let len = end - start;
        let mut read = |i: usize, _| -> &[u8] {
            if i < len {
                if let Some(piece) = within {
                    return &piece.as_bytes()[i..];
                }
                let piece = text.piece_at(start + i).as_bytes();
                &piece[..piece.len().min(len - i)]
            } else {
                appended.as_bytes().get(i - len..).unwrap_or_default()
            }
        };
        parser
            .parse_with_options(&mut read, None, None)
            .expect("parsing has no timeout or cancellation flag set, so it always returns a tree")
    })
}

/// Parses and lowers `text[start..end]` as one chunk, appending its blocks
/// and errors (at their places in `text`) to `blocks` and `errors`.
fn chunk(
    text: &Text,
    start: usize,
    end: usize,
    blocks: &mut Vec<Block>,
    errors: &mut Vec<SyntaxError>,
) -> Chunk {
    // Lowering reads the words of the chunk's text: borrowed from the rope
    // when the chunk lies in one of its pieces (and then the parser reads
    // that same piece), a copy of the chunk (one top-level block) when it
    // spans more.
    let src = text.slice(start..end);
    let within = match &src {
        Cow::Borrowed(piece) => Some(*piece),
        Cow::Owned(_) => None,
    };
    let (tree, doc) = syntax::parse_recovering(&src, |appended| {
        parse_chunk(text, start, end, within, appended)
    });
    let comments = comments_of(&tree, &src);
    let delta = start as isize;
    let (n_blocks, n_errors) = (doc.blocks.len() as u32, doc.errors.len() as u32);
    let (block_at, error_at) = (blocks.len() as u32, errors.len() as u32);
    blocks.extend(doc.blocks.into_iter().map(|mut b| {
        syntax::shift_block(&mut b, delta);
        b
    }));
    errors.extend(doc.errors.into_iter().map(|mut e| {
        e.shift(delta);
        e
    }));
    Chunk {
        start,
        end,
        blocks: n_blocks,
        errors: n_errors,
        block_at,
        error_at,
        comments,
    }
}

/// The chunks of `text[from..to]` (`from` a chunk start, `to` one or the end).
fn chunks_of(
    text: &Text,
    from: usize,
    to: usize,
    blocks: &mut Vec<Block>,
    errors: &mut Vec<SyntaxError>,
) -> Vec<Chunk> {
    let starts = chunk_starts(text, from, to);
    chunks_at(text, &starts, to, blocks, errors)
}

/// The chunks starting at `starts` (the last one ending at `to`).
fn chunks_at(
    text: &Text,
    starts: &[usize],
    to: usize,
    blocks: &mut Vec<Block>,
    errors: &mut Vec<SyntaxError>,
) -> Vec<Chunk> {
    let ends = starts.iter().skip(1).copied().chain(std::iter::once(to));
    starts
        .iter()
        .zip(ends)
        .map(|(&s, e)| chunk(text, s, e, blocks, errors))
        .collect()
}

/// Below this many bytes a file is parsed on one thread: a thread costs
/// more than it saves.
const PARSE_ALONE: usize = 128 << 10;

/// How many times a large file is halved for parsing: up to 32 pieces
/// for two threads, so that the thread that finishes first takes pieces
/// the other has not begun. Halves of equal size took unequal times (the
/// later half of the 100k plan 10–25% longer, in BENCHMARKS.md, "4 Dec
/// (fifth session)"): a chunk with errors is parsed twice, and a thread
/// may be held up. The smaller the last pieces, the less one thread
/// waits for the other at the end: 32 pieces parsed the 100k plan a few
/// per cent faster than eight ("4 Dec (seventh session)").
const HALVINGS: u32 = 5;

/// What a run of chunks parses to: its chunks, their blocks and errors.
type Piece = (Vec<Chunk>, Vec<Block>, Vec<SyntaxError>);

/// The chunks of `text[from..to]` (`from` a chunk start), in pieces, in
/// order: halved at [`halving_point`], `halvings` times at most and while
/// a piece has [`PARSE_ALONE`] bytes, the halves parsed on two threads,
/// each finding its own chunk starts.
fn pieces(text: &Text, from: usize, to: usize, halvings: u32) -> Vec<Piece> {
    let middle = if halvings == 0 || to - from < PARSE_ALONE {
        None
    } else {
        halving_point(text, from, to)
    };
    let Some(middle) = middle else {
        let starts = chunk_starts(text, from, to);
        let (mut blocks, mut errors) = (Vec::new(), Vec::new());
        let chunks = chunks_at(text, &starts, to, &mut blocks, &mut errors);
        return vec![(chunks, blocks, errors)];
    };
    let (mut out, more) = crate::text::join(
        || pieces(text, from, middle, halvings - 1),
        || pieces(text, middle, to, halvings - 1),
    );
    out.extend(more);
    out
}

/// Parses a whole file. A large one is parsed in pieces (each a run of
/// chunks) on two threads ([`pieces`]): chunks are independent, and a
/// plan opened whole is analysed from scratch while its user waits.
pub fn parse(text: &Text) -> Parsed {
    let pieces = pieces(text, 0, text.len(), HALVINGS);
    // Joined into vectors of their exact sizes: each block is moved once.
    let sum = |n: fn(&Piece) -> usize| pieces.iter().map(n).sum::<usize>();
    let mut chunks = Vec::with_capacity(sum(|p| p.0.len()));
    let mut doc = Document {
        blocks: Vec::with_capacity(sum(|p| p.1.len())),
        errors: Vec::with_capacity(sum(|p| p.2.len())),
    };
    for (more, blocks, errors) in pieces {
        // Each piece counted its blocks and errors from its own first.
        let (b, e) = (doc.blocks.len() as isize, doc.errors.len() as isize);
        chunks.extend(more.into_iter().map(|mut c| {
            c.shift(0, b, e);
            c
        }));
        doc.blocks.extend(blocks);
        doc.errors.extend(errors);
    }
    Parsed {
        chunks,
        doc: Lazy::new(doc, None),
    }
}

impl Parsed {
    /// Brings the chunks and the document of `old_text` up to `text`, which
    /// is `old_text` with `range` replaced by `new_len` bytes. Gives what
    /// [`parse`] of `text` gives.
    pub fn edit(&mut self, text: &Text, range: TextRange, new_len: usize) -> Reparsed {
        let delta = new_len as isize - range.len() as isize;
        if self.chunks.is_empty() {
            *self = parse(text);
            return Reparsed {
                old: TextRange::new(0, range.end()),
                blocks: 0,
                old_blocks: 0,
                new_blocks: self.doc().blocks.len(),
            };
        }
        // The chunks the edit touches (an edit that ends at a chunk's start
        // touches that chunk's first line), and the one before when it
        // touches the first line of its first chunk: whether a line starts
        // a chunk depends on that line alone, so only those lines can stop
        // or start chunks, and only a chunk that stops joins the one before.
        let last_at = |x: usize| {
            self.chunks
                .partition_point(|c| c.start <= x)
                .saturating_sub(1)
        };
        let first = last_at(range.start());
        let lo = if on_first_line(text, self.chunks[first].start, range.start()) {
            first.saturating_sub(1)
        } else {
            first
        };
        let hi = last_at(range.end()).max(lo);
        let from = self.chunks[lo].start;
        let to = (self.chunks[hi].end as isize + delta) as usize;
        let block_at = self.chunks[lo].block_at as usize;
        let error_at = self.chunks[lo].error_at as usize;
        let old_blocks: usize = self.chunks[lo..=hi].iter().map(Chunk::blocks).sum();
        let old_errors: usize = self.chunks[lo..=hi].iter().map(|c| c.errors as usize).sum();

        let mut blocks = Vec::new();
        let mut errors = Vec::new();
        let mut new_chunks = chunks_of(text, from, to, &mut blocks, &mut errors);
        for c in &mut new_chunks {
            c.shift(0, block_at as isize, error_at as isize);
        }
        let reparsed = Reparsed {
            old: TextRange::new(from, self.chunks[hi].end),
            blocks: block_at,
            old_blocks,
            new_blocks: blocks.len(),
        };

        // Shift what follows (the blocks perhaps later: [`Lazy`]), then put
        // the new chunks in place.
        let (mut doc, lag) = self.doc.take();
        let more_blocks = blocks.len() as isize - old_blocks as isize;
        let more_errors = errors.len() as isize - old_errors as isize;
        if delta != 0 || more_blocks != 0 || more_errors != 0 {
            for c in &mut self.chunks[hi + 1..] {
                c.shift(delta, more_blocks, more_errors);
            }
        }
        if delta != 0 {
            for e in &mut doc.errors[error_at + old_errors..] {
                e.shift(delta);
            }
        }
        let lag = lag_after(&mut doc, lag, block_at..block_at + old_blocks, delta);
        self.chunks.splice(lo..=hi, new_chunks);
        let new_blocks = blocks.len();
        doc.blocks.splice(block_at..block_at + old_blocks, blocks);
        doc.errors.splice(error_at..error_at + old_errors, errors);
        let lag = Lag {
            from: block_at + new_blocks,
            ..lag
        };
        self.doc = Lazy::new(doc, Some(lag));
        reparsed
    }

    /// The lowered document, every block in its place.
    pub fn doc(&self) -> &Document {
        self.doc.get()
    }

    /// The document as the last edit left it: its errors and the blocks up
    /// to those it re-parsed (included) are in their places, the blocks
    /// after those perhaps not yet. What the incremental analysis reads of
    /// the edited file, with no wait for the blocks after the edit to move.
    /// With it, how far the blocks from which one on are before their
    /// places (`(index, delta)`: [`crate::rules::Ctx::lag`]).
    pub(crate) fn lagging(&mut self) -> (&Document, Option<(usize, isize)>) {
        let (doc, lag) = self.doc.as_is();
        (doc, lag.map(|l| (l.from, l.delta)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy as _;

    fn parse(text: &str) -> Parsed {
        super::parse(&Text::new(text))
    }

    fn starts(text: &str) -> Vec<usize> {
        parse(text).chunks.iter().map(|c| c.start).collect()
    }

    /// Every comment node of the tree, by a walk of all its nodes.
    fn comments_by_walk(tree: &Tree) -> Vec<TextRange> {
        let mut out = Vec::new();
        let mut cursor = tree.walk();
        let mut stack = vec![tree.root_node()];
        while let Some(n) = stack.pop() {
            if n.kind() == "comment" {
                out.push(TextRange::new(n.start_byte(), n.end_byte()));
                continue;
            }
            stack.extend(n.children(&mut cursor));
        }
        out.sort();
        out
    }

    /// Pieces of plans with `#` in every role a `#` can have.
    const PIECES: [&str; 13] = [
        "# c\n",
        "#",
        "## a # b\n",
        "\"s # t\"",
        "\"open # \n",
        "team a \"A\" {\n",
        "}\n",
        "  roles: qa # r\n",
        "{ # x }",
        " ",
        "\r",
        ": #:",
        "\u{e9}#",
    ];

    proptest::proptest! {
        /// Looking up the `#`s finds exactly the comments a walk of every
        /// node finds: `#` in strings, in comments, in broken lines, at the
        /// end of the text.
        #[test]
        fn the_comments_are_those_a_walk_finds(
            parts in proptest::collection::vec(proptest::prop_oneof![
                (0..PIECES.len()).prop_map(|i| PIECES[i].to_string()),
                "[a-z#\" {}:\n]{0,6}",
            ], 0..24)
        ) {
            let text: String = parts.concat();
            let mut parser = Parser::new();
            parser.set_language(&syntax::language()).unwrap();
            let tree = parser.parse(&text, None).unwrap();
            proptest::prop_assert_eq!(comments_of(&tree, &text), comments_by_walk(&tree));
        }
    }

    proptest::proptest! {
        /// A text is halved where the list of all its chunk starts would
        /// halve it: at the first start at or past the middle of `from..to`,
        /// else at the last one before it, and not when `from` is the only
        /// one.
        #[test]
        fn the_halving_point_is_where_the_list_of_starts_halves(
            lines in proptest::collection::vec(0..LINES.len(), 1..30),
            from_at in 0.0..1.0f64,
            to_at in 0.0..1.0f64,
        ) {
            let text: String = lines.iter().map(|&i| LINES[i]).collect();
            let t = Text::new(&text);
            let all = chunk_starts(&t, 0, text.len());
            let from = all[((all.len() - 1) as f64 * from_at) as usize];
            let to = from + 1 + ((text.len() - from - 1) as f64 * to_at) as usize;
            let starts = chunk_starts(&t, from, to);
            let middle = starts
                .partition_point(|&s| s < from + (to - from) / 2)
                .min(starts.len() - 1);
            let want = (middle > 0).then(|| starts[middle]);
            proptest::prop_assert_eq!(halving_point(&t, from, to), want);
        }
    }

    #[test]
    fn a_text_is_halved_at_any_middle_even_inside_a_character() {
        // Every range of a text with characters of two, three and four
        // bytes: the middle falls inside each of them.
        let text = "team a { }\n# \u{e9}\u{20ac}\u{1f600}\u{e9}\nteam b { }\n# \u{20ac}\u{20ac}\nleader c { }\n";
        let t = Text::new(text);
        for to in 1..=text.len() {
            let starts = chunk_starts(&t, 0, to);
            let middle = starts
                .partition_point(|&s| s < to / 2)
                .min(starts.len() - 1);
            let want = (middle > 0).then(|| starts[middle]);
            assert_eq!(halving_point(&t, 0, to), want, "to {to}");
        }
    }

    #[test]
    fn a_declaration_in_the_first_column_starts_a_chunk() {
        let text = "# plan\nleader a { }\n  team x { }\nteam b {\n}\r\ninitiative c { }\rteam\td\nteams e\n";
        assert_eq!(starts(text), vec![0, 7, 33, 45, 62]);
        assert_eq!(starts(""), vec![0]);
    }

    #[test]
    fn an_unindented_property_with_a_space_before_its_colon_is_not_a_declaration() {
        let text = "initiative i \"I\" {\nleader : jane\nteam\t: t\n}\nteam  x { }\n";
        assert_eq!(starts(text), vec![0, 44]);
        let p = parse(text);
        assert!(p.doc().errors.is_empty(), "{:?}", p.doc().errors);
        assert_eq!(p.doc().blocks[0].properties.len(), 2);
    }

    #[test]
    fn an_open_block_ends_at_the_next_chunk() {
        let p = parse("team a \"A\" {\n  roles: qa\nteam b \"B\" { roles: qa }\n");
        let names: Vec<_> = p
            .doc()
            .blocks
            .iter()
            .map(|b| b.name.as_ref().unwrap().text.clone())
            .collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(p.doc().errors.len(), 1, "{:?}", p.doc().errors);
        assert!(p.doc().errors[0].range.end() <= 25, "{:?}", p.doc().errors);
    }

    #[test]
    fn a_large_file_parsed_in_pieces_is_parsed_as_in_one() {
        // Past the size parsed in eight pieces (or more) on two threads:
        // blocks, comments, open braces and stray lines throughout.
        let mut text = String::new();
        let mut i = 0;
        while text.len() < 16 * PARSE_ALONE + 1000 {
            text += &format!("team t{i} \"T\" {{ # c{i}\r\n  roles: qa, eng\n  size: {i}\n}}\n");
            if i % 997 == 0 {
                text += "team open {\n  roles: qa\n?? stray\n";
            }
            i += 1;
        }
        let two = parse(&text);
        let mut one = Document::default();
        let t = Text::new(&text);
        let chunks = chunks_of(&t, 0, text.len(), &mut one.blocks, &mut one.errors);
        assert!(pieces(&t, 0, text.len(), HALVINGS).len() >= 8);
        assert!(!one.errors.is_empty());
        assert_eq!(two.doc(), &one);
        assert_eq!(two.chunks, chunks);
    }

    /// Lines of plans: blocks that start chunks, nested blocks, broken
    /// lines, text past ASCII.
    const LINES: [&str; 10] = [
        "leader a \"A\" {\n  role: vp\n}\n",
        "team b \"B\" {\n  roles: qa, eng\n  depends_on c {\n    plan: \"p\"\n  }\n}\n",
        "initiative i \"I\" { leader: a, teams: b }\n",
        "team open {\n  roles: qa\n",
        "# a comment\n",
        "  scope: \"caf\u{e9}\"\r\n",
        "}\n",
        "team c { }\r",
        "?? stray\n",
        "\n",
    ];

    /// What an edit inserts: a character, a line break, a chunk's first
    /// line, a brace, a quote, blocks longer than those before them.
    const INSERTS: [&str; 10] = [
        "x",
        " ",
        "\n",
        "team z {\n",
        "}",
        "\"",
        "leader q { }\n",
        "\u{e9}",
        "",
        "team y \"Y\" {\n  roles: qa, engineering, design, product\n}\n# a comment long enough to be longer than the blocks before it\n",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Edits in a row, read now and then: what is read is what a fresh
        /// parse of the text gives, however many edits' moves were put off
        /// before it, wherever they were; and after each edit, what the
        /// incremental analysis reads of the document as the edit left it
        /// (its errors, its blocks up to the re-parsed ones) is in place.
        #[test]
        fn put_off_moves_are_read_as_a_fresh_parse(
            lines in proptest::collection::vec(0..LINES.len(), 1..14),
            edits in proptest::collection::vec(
                (0.0..1.0f64, 0usize..6, 0..INSERTS.len(), proptest::bool::weighted(0.25)),
                1..24,
            ),
        ) {
            let mut text: String = lines.iter().map(|&i| LINES[i]).collect();
            let mut p = parse(&text);
            for (at, len, insert, read) in edits {
                let start = text.floor_char_boundary((at * text.len() as f64) as usize);
                let end = text.floor_char_boundary((start + len).min(text.len()));
                let new = INSERTS[insert];
                text.replace_range(start..end, new);
                let reparsed = p.edit(&Text::new(&text), TextRange::new(start, end), new.len());
                let fresh = parse(&text);
                let upto = reparsed.blocks + reparsed.new_blocks;
                let (lagging, _) = p.lagging();
                proptest::prop_assert_eq!(&lagging.errors, &fresh.doc().errors);
                proptest::prop_assert_eq!(&lagging.blocks[..upto], &fresh.doc().blocks[..upto]);
                proptest::prop_assert_eq!(lagging.blocks.len(), fresh.doc().blocks.len());
                if read {
                    proptest::prop_assert_eq!(p.doc(), fresh.doc(), "{:?}", text);
                }
            }
            let fresh = parse(&text);
            proptest::prop_assert_eq!(p.doc(), fresh.doc(), "{:?}", text);
            proptest::prop_assert_eq!(&p.chunks, &fresh.chunks);
        }
    }

    #[test]
    fn edits_give_what_a_fresh_parse_gives() {
        let base = "leader a { }\nteam b {\n  roles: qa\n}\r\nteam c { }\n";
        let edits: &[(usize, usize, &str)] = &[
            (0, 0, "x"),
            (0, 1, ""),
            (13, 13, " "),
            (12, 13, ""),
            (27, 30, "team d {\n"),
            (34, 36, ""),
            (35, 35, "\n"),
            (base.len(), base.len(), "team e"),
            (0, base.len(), ""),
        ];
        for &(s, e, new) in edits {
            let mut p = parse(base);
            let text = format!("{}{}{}", &base[..s], new, &base[e..]);
            p.edit(&Text::new(&text), TextRange::new(s, e), new.len());
            let fresh = parse(&text);
            assert_eq!(p.doc(), fresh.doc(), "edit {s}..{e} {new:?}");
            assert_eq!(p.chunks, fresh.chunks, "edit {s}..{e} {new:?}");
        }
    }
}

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
//! and re-lowers only the chunks it touches (and one on each side); every
//! other chunk is kept, its ranges shifted. The result is the same as
//! parsing the new text afresh; `tests/no_panic.rs` checks it on random edit
//! scripts.

use crate::rope::Text;
use crate::syntax::{self, Block, Document, SyntaxError};
use crate::text::TextRange;
use std::cell::RefCell;
use tree_sitter::{Parser, Tree};

/// The kinds whose declaration in the first column starts a chunk.
pub const CHUNK_KEYWORDS: [&str; 3] = ["leader", "initiative", "team"];

/// One chunk of a file: its place, how many of the document's blocks and
/// errors it holds, and its comments (relative to `start`). The concrete
/// tree is dropped once lowered: it would take most of the memory.
#[derive(Clone, Debug, PartialEq)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
    blocks: usize,
    errors: usize,
    comments: Vec<TextRange>,
}

impl Chunk {
    pub fn range(&self) -> TextRange {
        TextRange::new(self.start, self.end)
    }

    /// How many of the document's top-level blocks the chunk holds (the
    /// chunks' blocks are the document's, in order).
    pub fn blocks(&self) -> usize {
        self.blocks
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
    pub doc: Document,
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
    for (at, piece) in text.pieces(from..to) {
        let bytes = piece.as_bytes();
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            let q = at + i + 1;
            let line_start = bytes[i] == b'\n' || text.byte(q) != Some(b'\n');
            if line_start && q < to && starts_chunk_in(text, q, &bytes[i + 1..]) {
                out.push(q);
            }
        }
    }
    out
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
/// parser reads the rope's pieces in place.
fn parse_chunk(text: &Text, start: usize, end: usize, appended: &str) -> Tree {
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
    // when the chunk lies in one of its pieces, a copy of the chunk (one
    // top-level block) when it spans more.
    let src = text.slice(start..end);
    let (tree, doc) =
        syntax::parse_recovering(&src, |appended| parse_chunk(text, start, end, appended));
    let comments = comments_of(&tree, &src);
    let delta = start as isize;
    let (n_blocks, n_errors) = (doc.blocks.len(), doc.errors.len());
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

/// Parses a whole file. A large one is parsed in two halves (at a chunk
/// start) on two threads: chunks are independent, and a plan opened whole
/// is analysed from scratch while its user waits.
pub fn parse(text: &Text) -> Parsed {
    let mut doc = Document::default();
    let starts = chunk_starts(text, 0, text.len());
    // The second half starts at the first chunk past the middle.
    let half = starts
        .partition_point(|&s| s < text.len() / 2)
        .min(starts.len() - 1);
    let mut chunks = if text.len() < PARSE_ALONE || half == 0 {
        chunks_at(text, &starts, text.len(), &mut doc.blocks, &mut doc.errors)
    } else {
        let (first, second) = starts.split_at(half);
        let (middle, end) = (second[0], text.len());
        let rest = || {
            let (mut blocks, mut errors) = (Vec::new(), Vec::new());
            let chunks = chunks_at(text, second, end, &mut blocks, &mut errors);
            (chunks, blocks, errors)
        };
        let (mut chunks, (more, blocks, errors)) = crate::text::join(
            || chunks_at(text, first, middle, &mut doc.blocks, &mut doc.errors),
            rest,
        );
        chunks.extend(more);
        doc.blocks.extend(blocks);
        doc.errors.extend(errors);
        chunks
    };
    chunks.shrink_to_fit();
    doc.blocks.shrink_to_fit();
    doc.errors.shrink_to_fit();
    Parsed { chunks, doc }
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
                new_blocks: self.doc.blocks.len(),
            };
        }
        // The chunks the edit touches, and one more on each side: an edit
        // at a chunk's first line can end that chunk (joining it to the one
        // before), and one at the line break before a chunk can too.
        let last_at = |x: usize| {
            self.chunks
                .partition_point(|c| c.start <= x)
                .saturating_sub(1)
        };
        let lo = last_at(range.start()).saturating_sub(1);
        let hi = (last_at(range.end()) + 1).min(self.chunks.len() - 1);
        let from = self.chunks[lo].start;
        let to = (self.chunks[hi].end as isize + delta) as usize;
        let block_at: usize = self.chunks[..lo].iter().map(|c| c.blocks).sum();
        let error_at: usize = self.chunks[..lo].iter().map(|c| c.errors).sum();
        let old_blocks: usize = self.chunks[lo..=hi].iter().map(|c| c.blocks).sum();
        let old_errors: usize = self.chunks[lo..=hi].iter().map(|c| c.errors).sum();

        let mut blocks = Vec::new();
        let mut errors = Vec::new();
        let new_chunks = chunks_of(text, from, to, &mut blocks, &mut errors);
        let reparsed = Reparsed {
            old: TextRange::new(from, self.chunks[hi].end),
            blocks: block_at,
            old_blocks,
            new_blocks: blocks.len(),
        };

        // Shift what follows, then put the new chunks in place.
        if delta != 0 {
            for c in &mut self.chunks[hi + 1..] {
                c.start = (c.start as isize + delta) as usize;
                c.end = (c.end as isize + delta) as usize;
            }
            // On this thread: see `Model::shift_from`.
            for b in &mut self.doc.blocks[block_at + old_blocks..] {
                syntax::shift_block(b, delta);
            }
            for e in &mut self.doc.errors[error_at + old_errors..] {
                e.shift(delta);
            }
        }
        self.chunks.splice(lo..=hi, new_chunks);
        self.doc
            .blocks
            .splice(block_at..block_at + old_blocks, blocks);
        self.doc
            .errors
            .splice(error_at..error_at + old_errors, errors);
        reparsed
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
        assert!(p.doc.errors.is_empty(), "{:?}", p.doc.errors);
        assert_eq!(p.doc.blocks[0].properties.len(), 2);
    }

    #[test]
    fn an_open_block_ends_at_the_next_chunk() {
        let p = parse("team a \"A\" {\n  roles: qa\nteam b \"B\" { roles: qa }\n");
        let names: Vec<_> = p
            .doc
            .blocks
            .iter()
            .map(|b| b.name.as_ref().unwrap().text.clone())
            .collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(p.doc.errors.len(), 1, "{:?}", p.doc.errors);
        assert!(p.doc.errors[0].range.end() <= 25, "{:?}", p.doc.errors);
    }

    #[test]
    fn a_large_file_parsed_in_two_halves_is_parsed_as_in_one() {
        // Past the size parsed on two threads: blocks, comments, an open
        // brace and a stray line around the middle.
        let mut text = String::new();
        let mut i = 0;
        while text.len() < 3 * PARSE_ALONE {
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
        assert!(!one.errors.is_empty());
        assert_eq!(two.doc, one);
        assert_eq!(two.chunks, chunks);
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
            assert_eq!(p.doc, fresh.doc, "edit {s}..{e} {new:?}");
            assert_eq!(p.chunks, fresh.chunks, "edit {s}..{e} {new:?}");
        }
    }
}

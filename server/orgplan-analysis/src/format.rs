//! The canonical layout of `.orgplan` text.
//!
//! [`format()`] rewrites a plan in one layout, whatever its input layout was:
//!
//! - two spaces of indentation per nesting level;
//! - one block header per line, `KIND id "Title" {`, and the closing `}` on
//!   a line of its own; an empty body is written `{}`; a bodiless block
//!   (`depends_on payments`) stays bodiless;
//! - one property per line, `key: v1, v2` (no space before `:` and `,`, one
//!   after);
//! - exactly one blank line between top-level blocks; elsewhere a blank line
//!   the author left between two items is kept (several become one), but
//!   never right after `{` or right before `}`;
//! - comments never move away from what they annotate: a comment that
//!   followed code on its line stays on that line, two spaces after the
//!   code; a comment on a line of its own stays on a line of its own before
//!   the same item, indented like it. Should a comment sit inside a
//!   construct (between a key and its values, say), the rest of the
//!   construct continues on the next line, one level deeper;
//! - strings, numbers and percentages are written exactly as they were
//!   (escapes are not rewritten);
//! - the text ends with exactly one line break (an empty plan stays empty);
//! - line breaks are `\r\n` if the input's first line break is `\r\n`, `\n`
//!   otherwise; a leading byte-order mark is kept.
//!
//! The formatter never loses text. Text that does not parse (any syntax
//! error), or that nests blocks deeper than [`syntax::MAX_NESTING`], is
//! returned unchanged: [`try_format`] says when that happens. As a last
//! safety net, output whose tokens differ from the input's, or that the
//! parser would read otherwise, is discarded in favour of the input (by a
//! parse of the output; in whole formatting from the analysis's document,
//! by `doc::same_reading`, which needs none).
//!
//! Formatting is idempotent: `format(format(x)) == format(x)`.

use crate::syntax;
use doc::{doc_tokens, same_reading};
use std::ops::Range;
use tree_sitter::Node;

mod doc;

/// `text` in the canonical layout; `text` itself, unchanged, when it has
/// syntax errors or nests too deep.
pub fn format(s: &str) -> String {
    try_format(s).unwrap_or_else(|| s.to_string())
}

/// `text` in the canonical layout, or `None` when it cannot be formatted
/// without risk of losing text (syntax errors, nesting deeper than
/// [`syntax::MAX_NESTING`]).
pub fn try_format(text: &str) -> Option<String> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    try_format_with(text, newline_of(body))
}

/// `text` in the canonical layout, as [`try_format`] gives it, or `None`
/// when it has syntax errors or nests too deep; found the way whole
/// formatting in the editor finds it: the text parsed in chunks, on two
/// threads, and each piece laid out from the lowered document
/// ([`format_changes`]), so that a large plan is never one tree (many
/// times its size) and no layout is parsed again. The same text as
/// [`try_format`] (`tests/format_memo.rs` compares them on random edits).
pub fn try_format_file(text: &str) -> Option<String> {
    let rope = crate::Text::new(text);
    let parsed = crate::chunks::parse(&rope);
    if !parsed.doc().errors.is_empty() {
        return None;
    }
    let changes = format_changes(&rope, &parsed, None)?;
    drop(parsed);
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut at = 0;
    for (piece, layout) in &changes {
        out.push_str(&text[at..piece.start()]);
        out.push_str(layout);
        at = piece.end();
    }
    out.push_str(&text[at..]);
    Some(out)
}

/// The line break a formatted text uses: the first one of `body`'s, if it
/// is `\r\n`; `\n` otherwise.
fn newline_of(body: &str) -> &'static str {
    match body.find(['\n', '\r']) {
        Some(i) if body[i..].starts_with("\r\n") => "\r\n",
        _ => "\n",
    }
}

/// The whole of `text` formatted top-level block by block, as pieces:
/// each piece's range in `text` and its canonical layout (with the blank
/// line that separates it from the piece before). The pieces cover the
/// text in order, and their layouts joined are what [`try_format`] makes
/// of the whole text; but each block is parsed, laid out and checked by
/// the safety net on its own (`blocks`: the top-level blocks' ranges, in
/// order, as the analysis holds them), so the text is never copied or
/// parsed as one string. A piece runs from the line after the previous
/// block's last line to the end of its block's last line (comments
/// before a block belong to it; a comment after its `}` stays on its
/// line). `None` when a piece cannot be formatted (syntax errors, nesting
/// too deep).
pub fn format_blocks(
    text: &crate::Text,
    blocks: &[crate::TextRange],
) -> Option<Vec<(crate::TextRange, String)>> {
    let pieces = format_pieces(text, blocks, Source::Parse, None)?;
    Some(
        pieces
            .into_iter()
            .map(|(r, f)| (r, f.unwrap_or_else(|| text.slice(r.range()).into_owned())))
            .collect(),
    )
}

/// The pieces of [`format_blocks`] whose layout differs from their text,
/// in order, skipping the pieces `memo` knows to be canonical and noting
/// those of this text in it.
///
/// `parsed` is the analysis's parse of `text` (its lowered document and
/// its chunks' comments). When it holds no syntax error, each piece's
/// tokens are read from it instead of from a parse of the piece (see
/// `doc_tokens`):
/// a piece already in its canonical layout is then neither parsed nor
/// lowered, and the layout of one that changes is checked without a parse
/// either (`same_reading`).
pub fn format_changes(
    text: &crate::Text,
    parsed: &crate::chunks::Parsed,
    memo: Option<&Memo>,
) -> Option<Vec<(crate::TextRange, String)>> {
    let doc = parsed.doc();
    let comments: Vec<crate::TextRange> = parsed.chunks.iter().flat_map(|c| c.comments()).collect();
    let ranges: Vec<crate::TextRange> = doc.blocks.iter().map(|b| b.range).collect();
    let source = match doc.errors.is_empty() {
        true => Source::Doc {
            blocks: &doc.blocks,
            comments: &comments,
        },
        false => Source::Parse,
    };
    let pieces = format_pieces(text, &ranges, source, memo)?;
    Some(
        pieces
            .into_iter()
            .filter_map(|(r, f)| Some((r, f?)))
            .collect(),
    )
}

/// Which pieces an earlier [`format_changes`] found already in their
/// canonical layout: a fingerprint of each such piece's text (with the
/// line break used and whether it is the first piece), for the pieces of
/// the last text formatted. Whether a piece is canonical depends on these
/// alone, so a piece found here is not parsed or laid out again.
///
/// Replaces: laying out and comparing every block of a plan on every
/// whole-formatting request. Why: a plan is formatted again and again
/// (format on save) while a few blocks change in between, and on the
/// 100k-line plan every request cost some 250 ms. Shown by: BENCHMARKS.md,
/// "3 Dec: whole formatting remembers the blocks already canonical".
#[derive(Debug, Default)]
pub struct Memo {
    canonical: std::sync::Mutex<std::collections::HashSet<u64>>,
}

/// What the pieces' tokens are read from.
#[derive(Clone, Copy)]
enum Source<'a> {
    /// A parse of each piece.
    Parse,
    /// The lowered top-level blocks of an error-free text, in order, and
    /// the comments in it, in order.
    Doc {
        blocks: &'a [syntax::Block],
        comments: &'a [crate::TextRange],
    },
}

impl Source<'_> {
    /// For each piece (from `cuts[i]` to `cuts[i + 1]`), which of the
    /// document's top-level blocks and comments start in it, when the
    /// tokens are read from the document; one walk of the three lists.
    fn spans(&self, cuts: &[usize]) -> Vec<(Range<usize>, Range<usize>)> {
        let Source::Doc { blocks, comments } = *self else {
            return Vec::new();
        };
        let (mut b, mut c) = (0, 0);
        cuts.windows(2)
            .map(|w| {
                let (b0, c0) = (b, c);
                while b < blocks.len() && blocks[b].range.start() < w[1] {
                    b += 1;
                }
                while c < comments.len() && comments[c].start() < w[1] {
                    c += 1;
                }
                (b0..b, c0..c)
            })
            .collect()
    }

    /// The tokens of `body`, the text of the file from `base` on to the
    /// end of a piece, from the document (`span`: the piece's blocks and
    /// comments, [`Self::spans`]); `None` when they are to be parsed.
    fn tokens(
        &self,
        body: &str,
        base: usize,
        span: Option<&(Range<usize>, Range<usize>)>,
    ) -> Option<Vec<Token>> {
        let (Source::Doc { blocks, comments }, Some((b, c))) = (*self, span) else {
            return None;
        };
        doc_tokens(body, base, &blocks[b.clone()], &comments[c.clone()])
    }
}

/// The pieces of [`format_blocks`], each with its layout, or `None` when
/// that is its text.
#[allow(clippy::type_complexity)]
fn format_pieces(
    text: &crate::Text,
    blocks: &[crate::TextRange],
    source: Source<'_>,
    memo: Option<&Memo>,
) -> Option<Vec<(crate::TextRange, Option<String>)>> {
    // Text read forward, once for the cuts and once for the pieces.
    let mut cuts = vec![0];
    let mut lines = text.forward();
    for pair in blocks.windows(2) {
        let (before, next) = (pair[0], pair[1]);
        let last_byte = before.end().saturating_sub(1).max(before.start());
        match lines.next_line_start(last_byte) {
            Some(cut) if cut <= next.start() && cut > *cuts.last().unwrap_or(&0) => cuts.push(cut),
            _ => {}
        }
    }
    cuts.push(text.len());
    let mut reader = text.forward();
    let parts: Vec<_> = cuts.windows(2).map(|w| reader.slice(w[0], w[1])).collect();
    let spans = source.spans(&cuts);
    let newline = newline_of(parts[0].strip_prefix('\u{feff}').unwrap_or(&parts[0]));
    let known = memo
        .map(|m| std::mem::take(&mut *m.canonical.lock().unwrap_or_else(|e| e.into_inner())))
        .unwrap_or_default();
    // Each piece on its own, so on two threads (the order is kept).
    let pieces = crate::text::map_split_from(parts.len(), 64, |i| {
        let range = crate::TextRange::new(cuts[i], cuts[i + 1]);
        let part = &parts[i];
        let key = fingerprint(part, newline, i == 0);
        if known.contains(&key) {
            return Some((range, None, Some(key)));
        }
        let bom = if part.starts_with('\u{feff}') {
            "\u{feff}"
        } else {
            ""
        };
        let body = &part[bom.len()..];
        // Each piece after the first begins with the line break that ends
        // the one before.
        let lead = if i == 0 { "" } else { newline };
        let formatted = match source.tokens(body, range.start() + bom.len(), spans.get(i)) {
            // A layout the check without a parse turns down is checked
            // by one (it is sufficient, not necessary).
            Some(tokens) => lay_out(part, bom, &tokens, newline, Check::Reading, lead),
            None => None,
        };
        let formatted = match formatted {
            Some(f) => f,
            None => format!("{lead}{}", try_format_with(part, newline)?),
        };
        if formatted == **part {
            return Some((range, None, Some(key)));
        }
        Some((range, Some(formatted), None))
    });
    let pieces: Option<Vec<_>> = pieces.into_iter().collect();
    if let Some(m) = memo {
        let mut canonical = m.canonical.lock().unwrap_or_else(|e| e.into_inner());
        *canonical = match &pieces {
            Some(pieces) => pieces.iter().filter_map(|p| p.2).collect(),
            // Nothing was learnt of this text: keep what was known.
            None => known,
        };
    }
    Some(pieces?.into_iter().map(|(r, f, _)| (r, f)).collect())
}

/// What a piece's canonical layout depends on: its text, the line break
/// used and whether it is the first piece.
fn fingerprint(part: &str, newline: &str, first: bool) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    part.hash(&mut h);
    newline.hash(&mut h);
    first.hash(&mut h);
    h.finish()
}

/// `text`'s tree, from a parser kept by the thread: formatting a whole
/// plan block by block parses some ten thousand small texts.
fn parse(text: &str) -> tree_sitter::Tree {
    thread_local! {
        static PARSER: std::cell::RefCell<Option<tree_sitter::Parser>> =
            const { std::cell::RefCell::new(None) };
    }
    PARSER.with(|p| {
        let mut p = p.borrow_mut();
        let parser = p.get_or_insert_with(|| {
            let mut parser = tree_sitter::Parser::new();
            parser
                .set_language(&syntax::language())
                .expect("the bundled grammar matches the tree-sitter runtime");
            parser
        });
        parser
            .parse(text, None)
            .unwrap_or_else(|| syntax::parse(text, None))
    })
}

/// [`try_format`] with the line break given.
fn try_format_with(text: &str, newline: &'static str) -> Option<String> {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    // What lowering finds too (a bad escape, a missing id): the tree of
    // such a text is whole, but the text is not right yet.
    let tokens = {
        let tree = parse(body);
        let root = tree.root_node();
        if root.has_error() || !syntax::lower(body, &tree).errors.is_empty() {
            return None;
        }
        tokens(body, root)?
        // The tree goes here: a whole file's is many times its text.
    };
    lay_out(text, bom, &tokens, newline, Check::Parse, "")
}

/// The safety net a layout passes before it replaces the text.
#[derive(Clone, Copy)]
enum Check {
    /// The same characters but for blanks, and the layout parses without
    /// errors (tree-sitter, then lowering).
    Parse,
    /// The same tokens, which the parser reads as it read the text's
    /// ([`same_reading`]): no parse.
    Reading,
}

/// `text` (`bom` and its body, which parses without errors) laid out from
/// the body's `tokens` (read from a parse or from the analysis's document,
/// [`doc_tokens`]), after `lead`; or `None` when the layout fails the
/// safety net `check`.
fn lay_out(
    text: &str,
    bom: &'static str,
    tokens: &[Token],
    newline: &'static str,
    check: Check,
    lead: &str,
) -> Option<String> {
    let body = &text[bom.len()..];
    let mut out = String::with_capacity(lead.len() + text.len() + text.len() / 8);
    out.push_str(lead);
    out.push_str(bom);
    layout(body, tokens, newline, &mut out);
    let laid = &out[lead.len()..];
    // Already in its canonical layout: the text was checked (parsed
    // without errors, by the caller or by the analysis), and the result is
    // the text, perhaps without the blank lines before it (most blocks of a
    // plan that was formatted before: the check below is not needed).
    if laid == text || laid == text.trim_start() {
        return Some(out);
    }
    let safe = match check {
        // The same tokens in the same order, and a clean parse (line
        // breaks are not all alike: a block's id is on its kind's line).
        Check::Parse => {
            let clean = |s: &str| {
                let tree = parse(s);
                !tree.root_node().has_error() && syntax::lower(s, &tree).errors.is_empty()
            };
            let same = laid
                .chars()
                .filter(|c| !c.is_whitespace())
                .eq(text.chars().filter(|c| !c.is_whitespace()));
            same && clean(&laid[bom.len()..])
        }
        Check::Reading => same_reading(body, tokens, &laid[bom.len()..]),
    };
    safe.then_some(out)
}

/// The part of `text` that formatting `range` rewrites, and its canonical
/// layout: the lines of `range`, widened to whole top-level blocks
/// (`blocks`: the top-level blocks' ranges, in order) and narrowed past the
/// blank lines at either end, so that the part formats as it would in the
/// whole file. `None` when that part cannot be formatted (a syntax error in
/// it, nesting too deep); the rest of the file may have errors of its own.
pub fn format_range(
    text: &crate::Text,
    blocks: &[crate::TextRange],
    range: crate::TextRange,
) -> Option<(crate::TextRange, String)> {
    let ends_line = |i: usize| i > 0 && text.byte(i - 1) == Some(b'\n');
    let (mut start, mut end) = (
        text.floor_char_boundary(range.start()),
        text.floor_char_boundary(range.end()),
    );
    loop {
        let (s0, e0) = (start, end);
        // Whole lines.
        start = text.line_start_at(start);
        if !(end > start && ends_line(end)) {
            end = text.line_start(text.line_of(end) + 1).unwrap_or(text.len());
        }
        // Whole blocks.
        for b in blocks {
            if b.start() < end && b.end() > start {
                start = start.min(b.start());
                end = end.max(b.end());
            }
        }
        if (start, end) == (s0, e0) {
            break;
        }
    }
    // Blank lines at either end stay as they are.
    let whole = text.slice(start..end);
    let base = start;
    let (mut start, mut end) = (0, whole.len());
    while let Some(nl) = whole[start..end].find('\n') {
        if !whole[start..start + nl].trim().is_empty() {
            break;
        }
        start += nl + 1;
    }
    while end > start {
        let body = whole[start..end]
            .strip_suffix('\n')
            .unwrap_or(&whole[start..end]);
        let last = body.rfind('\n').map_or(start, |i| start + i + 1);
        if !whole[last..end].trim().is_empty() {
            break;
        }
        end = last;
    }
    let part = crate::TextRange::new(base + start, base + end);
    if start == end {
        return Some((part, String::new()));
    }
    let mut formatted = try_format(&whole[start..end])?;
    // A part that ends before the file's last line break keeps ending
    // without one; at the end of the file, the canonical final line break.
    if !ends_line(part.end()) && part.end() < text.len() {
        let trimmed = formatted.trim_end_matches(['\r', '\n']).len();
        formatted.truncate(trimmed);
    }
    Some((part, formatted))
}

/// What a token is, as far as layout is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// The kind keyword that starts a block (`team`).
    Head,
    /// A property's key.
    Key,
    Open,
    Close,
    Colon,
    Comma,
    Comment,
    /// Anything else: ids, titles, values.
    Word,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
    /// The token is the last of a top-level block.
    ends_top_block: bool,
}

/// The tokens of a parsed, error-free tree, in order: leaves, with a whole
/// string as one token. `None` when blocks nest deeper than
/// [`syntax::MAX_NESTING`]. Iterative: deep input cannot overflow the stack.
fn tokens(text: &str, root: Node) -> Option<Vec<Token>> {
    let mut top_ends: Vec<usize> = Vec::new();
    let mut cursor = root.walk();
    for child in root.named_children(&mut cursor) {
        if child.kind() == "block" {
            top_ends.push(child.end_byte());
        }
    }
    let mut out = Vec::new();
    let mut cursor = root.walk();
    // Kinds of the nodes above the cursor; block nesting depth.
    let mut parents: Vec<&str> = Vec::new();
    let mut block_depth = 0usize;
    let mut descend = true;
    loop {
        let node = cursor.node();
        if descend && node.child_count() > 0 && node.kind() != "string" && cursor.goto_first_child()
        {
            parents.push(node.kind());
            if node.kind() == "block" {
                block_depth += 1;
                if block_depth > syntax::MAX_NESTING {
                    return None;
                }
            }
            continue;
        }
        if node.child_count() == 0 || node.kind() == "string" {
            let parent = parents.last().copied().unwrap_or("");
            let field = cursor.field_name();
            let kind = match node.kind() {
                "comment" => Kind::Comment,
                "{" => Kind::Open,
                "}" => Kind::Close,
                ":" => Kind::Colon,
                "," => Kind::Comma,
                _ if parent == "block" && field == Some("kind") => Kind::Head,
                _ if parent == "property" && field == Some("key") => Kind::Key,
                _ => Kind::Word,
            };
            let (start, end) = (node.start_byte(), node.end_byte());
            if start < end && text.get(start..end).is_some() {
                out.push(Token {
                    kind,
                    start,
                    end,
                    ends_top_block: kind != Kind::Comment && top_ends.binary_search(&end).is_ok(),
                });
            }
        }
        if cursor.goto_next_sibling() {
            descend = true;
            continue;
        }
        // Up until a node has a next sibling.
        loop {
            if !cursor.goto_parent() {
                return Some(out);
            }
            if parents.pop() == Some("block") {
                block_depth -= 1;
            }
            if cursor.goto_next_sibling() {
                descend = true;
                break;
            }
        }
    }
}

/// Line breaks in `gap` (`\r\n`, `\n` or a lone `\r` each count one).
fn line_breaks(gap: &str) -> usize {
    let b = gap.as_bytes();
    (0..b.len())
        .filter(|&i| b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')))
        .count()
}

struct Writer<'a> {
    out: &'a mut String,
    newline: &'static str,
    /// The current line has text.
    open_line: bool,
    /// Anything was written yet.
    started: bool,
}

impl Writer<'_> {
    /// Ends the current line, if it has text, then adds a blank line if asked.
    fn start_line(&mut self, blank: bool, indent: usize) {
        if self.open_line {
            self.out.push_str(self.newline);
            self.open_line = false;
        }
        if blank && self.started {
            self.out.push_str(self.newline);
        }
        for _ in 0..indent {
            self.out.push_str("  ");
        }
    }

    fn push(&mut self, s: &str) {
        self.out.push_str(s);
        self.open_line = true;
        self.started = true;
    }
}

fn layout(text: &str, tokens: &[Token], newline: &'static str, out: &mut String) {
    let mut l = Layout {
        w: Writer {
            out,
            newline,
            open_line: false,
            started: false,
        },
        text,
        tokens,
        depth: 0,
        after_comment: false,
        top_block_done: false,
        prev: None,
    };
    for (i, &t) in tokens.iter().enumerate() {
        l.place(i, t);
        l.after_comment = t.kind == Kind::Comment;
        if t.ends_top_block {
            l.top_block_done = true;
        }
        l.prev = Some(t);
    }
    if l.w.open_line {
        l.w.out.push_str(newline);
    }
}

/// Where [`layout`] is: what it writes to, and what it knows of the
/// tokens written so far.
struct Layout<'a, 'o> {
    w: Writer<'o>,
    text: &'a str,
    tokens: &'a [Token],
    depth: usize,
    /// The previous token was a comment: the line is over.
    after_comment: bool,
    /// A top-level block ended and no top-level line started since.
    top_block_done: bool,
    prev: Option<Token>,
}

impl Layout<'_, '_> {
    /// Whether a line starting with a token after `breaks` line breaks
    /// (at `depth`; a `}` if `is_close`) gets a blank line before it.
    fn blank_before(&self, breaks: usize, is_close: bool) -> bool {
        let after_open = self.prev.is_some_and(|p| p.kind == Kind::Open);
        if self.prev.is_none() || is_close || after_open {
            false
        } else if self.depth == 0 && self.top_block_done {
            true
        } else {
            breaks >= 2
        }
    }

    /// Writes token `i`, `t`.
    fn place(&mut self, i: usize, t: Token) {
        let tok = &self.text[t.start..t.end];
        let gap = &self.text[self.prev.map_or(0, |p| p.end)..t.start];
        let breaks = line_breaks(gap);
        let after_open = self.prev.is_some_and(|p| p.kind == Kind::Open);
        match t.kind {
            Kind::Comment if self.prev.is_some() && breaks == 0 => {
                // A trailing comment stays on its line.
                self.w.push("  ");
                self.w.push(tok);
            }
            Kind::Comment => {
                let next = self.tokens[i + 1..]
                    .iter()
                    .find(|n| n.kind != Kind::Comment);
                let indent = match next.map(|n| n.kind) {
                    None | Some(Kind::Head | Kind::Key | Kind::Close) => self.depth,
                    // Inside a construct: its continuation indent.
                    Some(_) => self.depth + 1,
                };
                self.w.start_line(self.blank_before(breaks, false), indent);
                self.w.push(tok);
                if self.depth == 0 {
                    self.top_block_done = false;
                }
            }
            Kind::Head | Kind::Key => {
                self.w
                    .start_line(self.blank_before(breaks, false), self.depth);
                self.w.push(tok);
                if self.depth == 0 {
                    self.top_block_done = false;
                }
            }
            Kind::Close => {
                self.depth = self.depth.saturating_sub(1);
                if !after_open {
                    self.w.start_line(false, self.depth);
                }
                self.w.push(tok);
            }
            Kind::Open | Kind::Colon | Kind::Comma | Kind::Word => {
                if self.after_comment {
                    self.w.start_line(false, self.depth + 1);
                } else if matches!(t.kind, Kind::Open | Kind::Word) {
                    self.w.push(" ");
                }
                self.w.push(tok);
                if t.kind == Kind::Open {
                    self.depth += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn fmt(s: &str) -> String {
        let out = try_format(s).unwrap_or_else(|| panic!("does not format:\n{s}"));
        assert_eq!(format(&out), out, "not idempotent on:\n{s}");
        out
    }

    #[test]
    fn canonical_layout() {
        insta::assert_snapshot!(fmt(r#"# Retail division, 2027 plan
leader jane "Jane Doe" {
title: "Director, Fulfilment" }
leader raj "Raj Patel" { title: "VP Engineering"   allocation: 50%   # part-time
}



initiative fba "Fulfilment by Amazon" {


    leader : jane
  model:ownership    # ownership (STO) | leadership (STL)
  critical: true
  scope: "Inbound logistics for third-party sellers"   # the bounded context
  metrics: "Units received per day" ,"Inbound defect rate"
  teams: fba-inbound,
         fba-billing


}
team fba-inbound "FBA Inbound" { reports_to: jane
  roles: engineering, qa, design, product
  # the one dependency
  depends_on payments { owner: fba-inbound
    plan: "Adopt the settlement events API by 2027-Q2" }
  depends_on ledger
  depends_on audit { }
}
team legal "Legal" { functional: true }   # exempt
# trailing notes
"#));
    }

    #[test]
    fn comments_inside_constructs() {
        insta::assert_snapshot!(fmt(r#"team a # about a
  "A" { roles: engineering, # first
  qa
  # before design
  , design
  # last in body

}
"#));
    }

    #[test]
    fn blank_lines_between_items_are_kept_at_most_one() {
        let out = fmt("team a \"A\" {\n  roles: qa\n\n\n\n  functional: true\n}\n# c\n\n\n# d\nteam b \"B\"\nteam c \"C\" {}\n");
        assert_eq!(
            out,
            "team a \"A\" {\n  roles: qa\n\n  functional: true\n}\n\n# c\n\n# d\nteam b \"B\"\n\nteam c \"C\" {}\n"
        );
    }

    #[test]
    fn strings_and_numbers_as_written() {
        let src = "leader a \"A \\\"quoted\\\" \\u{1F600} \\t\" {\n  allocation: 050.50%\n  headcount: -3.0\n}\n";
        assert_eq!(fmt(src), src);
    }

    #[test]
    fn crlf_is_kept_and_lf_is_default() {
        assert_eq!(
            fmt("team a \"A\" {\r\nroles: qa\r\n}"),
            "team a \"A\" {\r\n  roles: qa\r\n}\r\n"
        );
        assert_eq!(
            fmt("team a \"A\" {\nroles: qa\r\n}"),
            "team a \"A\" {\n  roles: qa\n}\n"
        );
    }

    #[test]
    fn empty_and_comment_only() {
        assert_eq!(fmt(""), "");
        assert_eq!(fmt("  \n\n"), "");
        assert_eq!(
            fmt("\n\n# only\n\n\n# comments\n\n"),
            "# only\n\n# comments\n"
        );
        assert_eq!(fmt("\u{feff}team a \"A\""), "\u{feff}team a \"A\"\n");
    }

    #[test]
    fn syntax_errors_leave_the_text_unchanged() {
        for bad in [
            "team a \"A\" {",
            "team a \"A\" { roles: , }",
            "team { }\n  x",
            "leader a \"unterminated",
            "leader a \"bad \\% escape\"",
            "leader true",
            "initiative a { scope \"missing colon\" }",
        ] {
            assert_eq!(try_format(bad), None, "{bad}");
            assert_eq!(format(bad), bad);
        }
    }

    #[test]
    fn deep_nesting_is_left_alone_without_overflow() {
        let n = 50_000;
        let deep = format!("{}{}", "team a {".repeat(n), "}".repeat(n));
        assert_eq!(format(&deep), deep);
        let ok = format!(
            "{}{}",
            "team a {".repeat(syntax::MAX_NESTING),
            "}".repeat(syntax::MAX_NESTING)
        );
        assert!(try_format(&ok).is_some());
        let over = format!(
            "{}{}",
            "team a {".repeat(syntax::MAX_NESTING + 1),
            "}".repeat(syntax::MAX_NESTING + 1)
        );
        assert_eq!(try_format(&over), None);
    }

    /// The leaves of a text's tree: (kind, text), comments apart.
    fn leaves(text: &str) -> (Vec<String>, Vec<String>) {
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let tree = syntax::parse(body, None);
        let toks = tokens(body, tree.root_node()).expect("not too deep");
        let mut code = Vec::new();
        let mut comments = Vec::new();
        for t in toks {
            let s = body[t.start..t.end].to_string();
            if t.kind == Kind::Comment {
                comments.push(s);
            } else {
                code.push(s);
            }
        }
        comments.sort();
        (code, comments)
    }

    /// `text` formatted block by block ([`format_blocks`]), the pieces
    /// joined; `None` when a piece does not format.
    fn by_blocks(text: &str) -> Option<String> {
        let mut ws = crate::Workspace::new();
        let id = ws.set_file("a.orgplan", text.to_string());
        let blocks: Vec<_> = ws.file(id)?.doc().blocks.iter().map(|b| b.range).collect();
        let pieces = format_blocks(ws.text(id)?, &blocks)?;
        let mut at = 0;
        let mut out = String::new();
        for (range, piece) in pieces {
            assert_eq!(range.start(), at, "pieces do not cover the text in order");
            at = range.end();
            out.push_str(&piece);
        }
        assert_eq!(at, text.len(), "pieces do not cover the text");
        Some(out)
    }

    /// Enough blocks for the pieces to be formatted on two threads, some
    /// in their canonical layout and some not, with comments and blank
    /// lines between them: block by block is still the whole, in order.
    #[test]
    fn many_blocks_format_as_the_whole() {
        let mut text = String::from("# a plan\n\n");
        for i in 0..300 {
            match i % 4 {
                0 => text.push_str(&format!(
                    "team t{i} \"T{i}\" {{\n  reports_to: lead\n  roles: qa\n}}\n\n"
                )),
                1 => text.push_str(&format!(
                    "team t{i} \"T{i}\" {{ reports_to: lead roles: qa, design depends_on t0 {{ owner: t{i} plan: \"p\" }} }}\n"
                )),
                2 => text.push_str(&format!(
                    "\n\n\n# about t{i}\nteam t{i} \"T{i}\" {{\n    roles:   qa\n}} # after\n"
                )),
                _ => text.push_str(&format!("leader l{i} \"L{i}\" {{}}\n")),
            }
        }
        let whole = try_format(&text);
        assert!(whole.is_some());
        assert_ne!(whole.as_deref(), Some(text.as_str()));
        assert_eq!(by_blocks(&text), whole);
        let once = whole.unwrap();
        assert_eq!(by_blocks(&once).as_deref(), Some(once.as_str()));
    }

    fn plan_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name();
            if p.is_dir() {
                if ![".git", "target", "node_modules"]
                    .iter()
                    .any(|s| name == *s)
                {
                    plan_files(&p, out);
                }
            } else if p.extension().is_some_and(|x| x == "orgplan") {
                out.push(p);
            }
        }
    }

    /// Every plan in the repository (examples, test fixtures, editor test
    /// files) and every rule's example: formatting is idempotent, keeps
    /// every comment and every token.
    #[test]
    fn every_plan_in_the_repository_formats_safely() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        plan_files(&root, &mut files);
        files.sort();
        let mut texts: Vec<(String, String)> = files
            .iter()
            .filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(p).ok()?)))
            .collect();
        for rule in crate::rules::ALL {
            texts.push((
                format!("the example of {}", rule.name),
                rule.example.to_string(),
            ));
        }
        assert!(
            texts.len() > crate::rules::ALL.len(),
            "no plan files found under {}",
            root.display()
        );
        let mut formatted = 0;
        for (name, text) in &texts {
            let once = format(text);
            assert_eq!(format(&once), once, "not idempotent: {name}");
            assert_eq!(
                by_blocks(text),
                try_format(text),
                "block by block is not the whole: {name}"
            );
            if try_format(text).is_none() {
                assert_eq!(
                    once, *text,
                    "{name}: unformattable text must come back unchanged"
                );
                continue;
            }
            formatted += 1;
            let (code, comments) = leaves(text);
            let (code2, comments2) = leaves(&once);
            assert_eq!(code, code2, "tokens changed: {name}");
            assert_eq!(comments, comments2, "comments changed: {name}");
            assert!(once.ends_with('\n') || once.is_empty(), "{name}");
        }
        assert!(formatted > 0);
    }

    /// Formats `range` of `text` (given as `[start..end]` markers removed)
    /// and gives the whole text after the edit.
    fn range_formatted(marked: &str) -> Option<String> {
        let start = marked.find('[').unwrap();
        let text = marked.replacen('[', "", 1);
        let end = text.find(']').unwrap();
        let text = text.replacen(']', "", 1);
        let mut ws = crate::Workspace::new();
        let id = ws.set_file("a.orgplan", text.clone());
        let blocks: Vec<_> = ws
            .file(id)
            .unwrap()
            .doc()
            .blocks
            .iter()
            .map(|b| b.range)
            .collect();
        let (part, new) = format_range(
            ws.text(id).unwrap(),
            &blocks,
            crate::TextRange::new(start, end),
        )?;
        Some(format!(
            "{}{new}{}",
            &text[..part.start()],
            &text[part.end()..]
        ))
    }

    #[test]
    fn a_range_formats_its_whole_blocks_only() {
        let text = "leader a \"A\" {\ntitle:  \"x\"\n}\n\n\nleader   b \"B\"{\n  allocation:50%}\nteam c \"C\" {\nroles: qa,\n";
        // Inside block b: b alone, although c does not parse.
        let at_b = text.replacen("allocation", "[alloc]ation", 1);
        assert_eq!(
            range_formatted(&at_b).unwrap(),
            "leader a \"A\" {\ntitle:  \"x\"\n}\n\n\nleader b \"B\" {\n  allocation: 50%\n}\nteam c \"C\" {\nroles: qa,\n"
        );
        // A line of block a, with the blank lines after it: a alone.
        let at_a = text
            .replacen("title", "[title", 1)
            .replacen("\n\n\n", "\n\n\n]", 1);
        assert!(range_formatted(&at_a)
            .unwrap()
            .starts_with("leader a \"A\" {\n  title: \"x\"\n}\n\n\nleader   b"));
        // Only blank lines: nothing to do.
        let gap = text.replacen("\n\n\n", "\n[\n]\n", 1);
        assert_eq!(range_formatted(&gap).unwrap(), text);
        // The broken block: refused.
        let at_c = text.replacen("roles", "[roles]", 1);
        assert_eq!(range_formatted(&at_c), None);
        // The last block, without a final line break: gets one, as the whole file would.
        let last = "leader a \"A\" { }\nleader b \"B\" {title:\"t\"}";
        let at_last = last.replacen("title", "[]title", 1);
        assert_eq!(
            range_formatted(&at_last).unwrap(),
            "leader a \"A\" { }\nleader b \"B\" {\n  title: \"t\"\n}\n"
        );
    }

    mod prop {
        use super::super::*;
        use proptest::prelude::*;

        fn ident() -> impl Strategy<Value = String> {
            "[a-z][a-z0-9_-]{0,6}"
        }

        fn value() -> impl Strategy<Value = String> {
            prop_oneof![
                ident(),
                "\"[a-zA-Z #{}:,]{0,8}\"",
                "-?[0-9]{1,3}(\\.[0-9])?",
                "[0-9]{1,3}%",
                Just("true".to_string()),
            ]
        }

        /// Whitespace, maybe with a comment (which must end its line).
        fn gap() -> impl Strategy<Value = String> {
            prop_oneof![
                4 => Just(" ".to_string()),
                2 => Just("\n".to_string()),
                1 => Just("\n\n\n".to_string()),
                1 => Just("".to_string()),
                1 => "[ ]{0,2}#[ a-z{}:]{0,6}\n[ ]{0,3}",
                1 => "\n[ ]{0,4}#[ a-z]{0,6}\n\n",
            ]
        }

        fn property() -> impl Strategy<Value = Vec<String>> {
            (ident(), prop::collection::vec(value(), 0..4)).prop_map(|(k, vs)| {
                let mut toks = vec![k, ":".to_string()];
                for (i, v) in vs.into_iter().enumerate() {
                    if i > 0 {
                        toks.push(",".to_string());
                    }
                    toks.push(v);
                }
                toks
            })
        }

        fn block() -> impl Strategy<Value = Vec<String>> {
            let leaf = (
                ident(),
                ident(),
                prop::option::of("\"[A-Za-z ]{0,6}\""),
                prop::option::of(prop::collection::vec(property(), 0..3)),
            )
                .prop_map(|(k, n, t, body)| head(k, n, t, body.map(|ps| ps.concat())));
            leaf.prop_recursive(2, 8, 3, |inner| {
                (
                    ident(),
                    ident(),
                    prop::collection::vec(prop_oneof![property(), inner], 0..4),
                )
                    .prop_map(|(k, n, items)| head(k, n, None, Some(items.concat())))
            })
        }

        fn head(k: String, n: String, t: Option<String>, body: Option<Vec<String>>) -> Vec<String> {
            let mut toks = vec![k, n];
            toks.extend(t);
            if let Some(b) = body {
                toks.push("{".to_string());
                toks.extend(b);
                toks.push("}".to_string());
            }
            toks
        }

        fn plan() -> impl Strategy<Value = String> {
            (
                prop::collection::vec(block(), 0..4),
                prop::collection::vec(gap(), 64),
            )
                .prop_map(|(blocks, gaps)| {
                    let toks = blocks.concat();
                    let mut s = String::new();
                    for (i, t) in toks.iter().enumerate() {
                        s.push_str(t);
                        s.push_str(&gaps[i % gaps.len()]);
                        // Two words need a space between them.
                        if !s.ends_with(char::is_whitespace) {
                            s.push(' ');
                        }
                    }
                    s
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]
            #[test]
            fn idempotent_and_lossless(text in plan()) {
                let once = format(&text);
                prop_assert_eq!(format(&once), once.clone());
                prop_assert_eq!(super::by_blocks(&text), try_format(&text));
                if try_format(&text).is_some() {
                    let (code, comments) = super::leaves(&text);
                    let (code2, comments2) = super::leaves(&once);
                    prop_assert_eq!(code, code2);
                    prop_assert_eq!(comments, comments2);
                }
            }
        }
    }
}

//! Parsing: tree-sitter builds the concrete tree, and [`lower`] turns it into
//! the small [`Document`] AST that the model and the rules read.
//!
//! Lowering never fails. Whatever part of a block parsed is kept; every
//! `ERROR` and `MISSING` node becomes a [`SyntaxError`] with what the parser
//! expected there.

use crate::schema::BlockKind;
use crate::text::TextRange;
pub use compact_str::CompactString;
use tree_sitter::{Language, Node, Parser, Tree, TreeCursor};

/// Blocks nested deeper than this are reported and not analysed: no block
/// kind of the language nests more than two levels, and the limit keeps every
/// recursive walk shallow whatever the input.
pub const MAX_NESTING: usize = 16;

/// The tree-sitter language of `.orgplan` files.
pub fn language() -> Language {
    tree_sitter_orgplan::LANGUAGE.into()
}

/// Parses `text`, reusing `old` (already [`Tree::edit`]ed) when given.
pub fn parse(text: &str, old: Option<&Tree>) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&language())
        .expect("the bundled grammar matches the tree-sitter runtime");
    parser
        .parse(text, old)
        .expect("parsing has no timeout or cancellation flag set, so it always returns a tree")
}

/// An identifier with its place.
#[derive(Clone, Debug, PartialEq)]
pub struct Name {
    pub text: CompactString,
    pub range: TextRange,
}

/// What a value is, as written.
#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    Ident(CompactString),
    Str(CompactString),
    Number(f64),
    Percent(f64),
    Bool(bool),
}

impl ValueKind {
    /// How the kind of value is called in messages.
    pub fn describe(&self) -> &'static str {
        match self {
            ValueKind::Ident(_) => "a name",
            ValueKind::Str(_) => "a string",
            ValueKind::Number(_) => "a number",
            ValueKind::Percent(_) => "a percentage",
            ValueKind::Bool(_) => "a boolean",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub range: TextRange,
}

impl Value {
    pub fn as_ident(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Ident(s) => Some(s),
            _ => None,
        }
    }
}

/// A property's values, inline when there is one: most properties hold
/// one, and a vector of its own for each was, on a large plan, tens of
/// thousands of allocations (about 3 MB of peak RSS, BENCHMARKS.md).
pub type Values = smallvec::SmallVec<[Value; 1]>;

/// `key: value, value …`
#[derive(Clone, Debug, PartialEq)]
pub struct Property {
    pub key: Name,
    pub values: Values,
    /// The whole property, key to last value.
    pub range: TextRange,
}

/// `KIND id "Title" { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub kind: Name,
    pub name: Option<Name>,
    pub title: Option<Value>,
    pub properties: Vec<Property>,
    pub children: Vec<Block>,
    /// The whole block, kind to closing brace.
    pub range: TextRange,
    /// The braces and what is between them, when the block has a body.
    pub body: Option<TextRange>,
}

impl Block {
    /// The first property with this key.
    pub fn property(&self, key: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.key.text == key)
    }

    /// Where diagnostics about the block as a whole point: its id, or its kind.
    pub fn head_range(&self) -> TextRange {
        self.name.as_ref().map_or(self.kind.range, |n| n.range)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
    /// What to insert, and where, to mend it, when that is certain.
    pub insert: Option<(usize, &'static str)>,
}

impl SyntaxError {
    fn new(range: TextRange, message: String) -> SyntaxError {
        SyntaxError {
            range,
            message,
            insert: None,
        }
    }

    /// Moves the error by `delta` bytes.
    pub fn shift(&mut self, delta: isize) {
        self.range = self.range.shifted(delta);
        if let Some((at, _)) = &mut self.insert {
            *at = (*at as isize + delta) as usize;
        }
    }
}

/// One file, lowered.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    pub blocks: Vec<Block>,
    pub errors: Vec<SyntaxError>,
}

/// Lowers a parsed tree of `text` into a [`Document`].
pub fn lower(text: &str, tree: &Tree) -> Document {
    lower_within(text, text.len(), tree)
}

/// Lowers a tree of `text`, of which only `text[..len]` was written: the
/// rest is what [`parse_recovering`] appended to close the blocks left open.
/// Nothing in the document reaches past `len`.
fn lower_within(text: &str, len: usize, tree: &Tree) -> Document {
    let root = tree.root_node();
    let mut low = Lowering {
        text,
        cursor: root.walk(),
        errors: Vec::new(),
        too_deep: Vec::new(),
        mended: Vec::new(),
        unnamed: Vec::new(),
    };
    let mut doc = Document {
        blocks: low.items(0, &mut Vec::new(), None),
        errors: syntax_errors(text, tree),
    };
    low.errors.append(&mut low.unnamed);
    let mended = std::mem::take(&mut low.mended);
    let kept = |e: &SyntaxError| !mended.iter().any(|m| m.contains_range(e.range));
    doc.errors.retain(kept);
    doc.errors.extend(low.errors.into_iter().filter(|e| {
        // Lowering's own errors about a mended block's words stay (a bad
        // escape in `scope "50\%"`); a missing id does not.
        !e.message.starts_with(MISSING_ID) || kept(e)
    }));
    for range in low.too_deep {
        doc.errors.push(SyntaxError::new(range, too_deep_message()));
    }
    if len < text.len() {
        let end = content_end(&text[..len]);
        let clamp = |r: TextRange| {
            let at = |x: usize| if x > len { end } else { x };
            let (start, end) = (at(r.start()), at(r.end()));
            TextRange::new(start.min(end), end)
        };
        for b in &mut doc.blocks {
            clamp_block(b, &clamp);
        }
        for e in &mut doc.errors {
            e.range = clamp(e.range);
            e.insert = e.insert.filter(|(at, _)| *at <= len);
        }
    }
    doc.errors.sort_by_key(|e| (e.range.start(), e.range.end()));
    doc
}

/// Parses and lowers a chunk of text, closing the blocks left open at its
/// end: as many `}` as are missing are appended (on a line of their own, so
/// that no comment takes them), and one error at the end of the text says
/// which blocks they close. So a block and a nested block both left open
/// keep everything written in them, and the error names both. `parse`
/// parses the text followed by what it is given to append (`""` when
/// nothing is missing); the tree it gave is returned with the document.
///
/// The text is parsed as it is first: a tree without errors has no block
/// left open, and most chunks are whole. Only a tree with errors has its
/// braces counted, and is parsed again with the missing ones appended.
/// (Counting first cost a scan of every chunk: about 3% of opening a
/// large plan, in a profile of the server.)
pub fn parse_recovering(text: &str, mut parse: impl FnMut(&str) -> Tree) -> (Tree, Document) {
    let tree = parse("");
    let open = match tree.root_node().has_error() {
        true => open_braces(text),
        false => 0,
    };
    if open == 0 {
        let doc = lower(text, &tree);
        return (tree, doc);
    }
    drop(tree);
    let mut appended = String::with_capacity(open + 1);
    appended.push('\n');
    appended.extend(std::iter::repeat_n('}', open));
    let tree = parse(&appended);
    let closed = [text, &appended].concat();
    let mut doc = lower_within(&closed, text.len(), &tree);
    let names = closed_by_appended(&closed, text.len(), &tree);
    if !names.is_empty() {
        let what: Vec<String> = names.iter().map(|n| format!("`}}` to close {n}")).collect();
        let at = content_end(text);
        let error = SyntaxError::new(
            TextRange::empty(at),
            format!("missing {}", what.join(", then ")),
        );
        let i = doc
            .errors
            .partition_point(|e| (e.range.start(), e.range.end()) <= (at, at));
        doc.errors.insert(i, error);
    }
    (tree, doc)
}

/// The blocks that the `}`s past `len` close, innermost first, as
/// `` `team a` ``.
fn closed_by_appended(text: &str, len: usize, tree: &Tree) -> Vec<String> {
    let mut out = Vec::new();
    let mut node = tree.root_node();
    // The appended braces are the last leaves: walk down the last children.
    let mut leaves = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.end_byte() <= len {
            continue;
        }
        if n.child_count() == 0 {
            if n.kind() == "}" && n.start_byte() >= len && !n.is_missing() {
                leaves.push(n);
            }
            continue;
        }
        let mut cursor = n.walk();
        stack.extend(n.children(&mut cursor));
    }
    leaves.sort_by_key(|n| n.start_byte());
    for brace in leaves {
        node = brace;
        let Some(block) = node
            .parent()
            .filter(|b| b.kind() == "block_body")
            .and_then(|b| b.parent())
            .filter(|b| b.kind() == "block")
        else {
            continue;
        };
        let word = |field: &str| {
            block
                .child_by_field_name(field)
                .filter(|n| !n.is_missing())
                .map(|n| text_of(text, n))
        };
        out.push(match (word("kind"), word("name")) {
            (Some(k), Some(n)) => format!("`{k} {n}`"),
            (Some(k), None) => format!("`{k}`"),
            _ => "a block".to_string(),
        });
    }
    out
}

/// How many `{` are left open at the end of `text`, counting its tokens as
/// the grammar does: braces in strings and comments do not count, and a
/// `}` with no `{` to close is not one the end is missing.
pub fn open_braces(text: &str) -> usize {
    let mut open = 0usize;
    scan(text, |b| match b {
        b'{' => open += 1,
        b'}' => open = open.saturating_sub(1),
        _ => {}
    });
    open
}

/// Where the last token of `text` that is not a comment ends: where a
/// missing `}` belongs.
fn content_end(text: &str) -> usize {
    let mut end = 0;
    scan_tokens(text, |_, e| end = e);
    end
}

/// Calls `f` with the first byte of every token of `text` but comments.
fn scan(text: &str, mut f: impl FnMut(u8)) {
    let bytes = text.as_bytes();
    scan_tokens(text, |s, _| f(bytes[s]));
}

/// Calls `f` with the start and end of every token of `text` but comments,
/// as the grammar reads them: a string runs to its closing quote or to the
/// end of its line (an escape takes the character after `\`), a comment to
/// the end of its line. Words are told apart from punctuation only as far
/// as the callers need: a run of other bytes is one token.
fn scan_tokens(text: &str, mut f: impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    let eol = |b: u8| b == b'\n' || b == b'\r';
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && !eol(bytes[i]) {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && !eol(bytes[i]) {
                    match bytes[i] {
                        b'"' => {
                            i += 1;
                            break;
                        }
                        b'\\' => {
                            i += if bytes.get(i + 1).is_some_and(|&b| !eol(b)) {
                                2
                            } else {
                                1
                            }
                        }
                        _ => i += 1,
                    }
                }
            }
            b if b.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'{' | b'}' | b':' | b',' => i += 1,
            _ => {
                while i < bytes.len()
                    && !bytes[i].is_ascii_whitespace()
                    && !matches!(bytes[i], b'{' | b'}' | b':' | b',' | b'"' | b'#')
                {
                    i += 1;
                }
            }
        }
        f(start, i);
    }
}

/// `b` with every range past `len` clamped by `clamp`.
fn clamp_block(b: &mut Block, clamp: &impl Fn(TextRange) -> TextRange) {
    // Recursive: lowered blocks nest at most `MAX_NESTING` deep.
    b.range = clamp(b.range);
    b.body = b.body.map(clamp);
    for p in &mut b.properties {
        p.range = clamp(p.range);
    }
    for c in &mut b.children {
        clamp_block(c, clamp);
    }
}

fn too_deep_message() -> String {
    format!("blocks nested more than {MAX_NESTING} levels deep are not analysed")
}

/// Moves every range in `b` by `delta` bytes.
pub fn shift_block(b: &mut Block, delta: isize) {
    // Recursive: lowered blocks nest at most `MAX_NESTING` deep.
    b.kind.range = b.kind.range.shifted(delta);
    if let Some(n) = &mut b.name {
        n.range = n.range.shifted(delta);
    }
    if let Some(t) = &mut b.title {
        t.range = t.range.shifted(delta);
    }
    for p in &mut b.properties {
        p.key.range = p.key.range.shifted(delta);
        p.range = p.range.shifted(delta);
        for v in &mut p.values {
            v.range = v.range.shifted(delta);
        }
    }
    b.range = b.range.shifted(delta);
    b.body = b.body.map(|r| r.shifted(delta));
    for c in &mut b.children {
        shift_block(c, delta);
    }
}

fn range_of(node: Node) -> TextRange {
    TextRange::new(node.start_byte(), node.end_byte())
}

fn text_of<'a>(text: &'a str, node: Node) -> &'a str {
    text.get(node.start_byte()..node.end_byte()).unwrap_or("")
}

/// What lowering found wrong besides the tree's own errors.
struct Lowering<'a, 't> {
    text: &'a str,
    /// One cursor for every list of children read: a cursor of its own
    /// for each was an allocation and a free per block and property.
    cursor: TreeCursor<'t>,
    errors: Vec<SyntaxError>,
    too_deep: Vec<TextRange>,
    /// Blocks read back as the values they were (a missing `,` or `:`):
    /// the tree's errors inside them are said by one error of lowering.
    mended: Vec<TextRange>,
    /// Blocks of a known kind without an id: reported unless mended.
    unnamed: Vec<SyntaxError>,
}

/// The node kinds lowering tells apart.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Block,
    Property,
    Error,
    Str,
    Ident,
    Number,
    Percentage,
    Boolean,
    Other,
}

impl Kind {
    fn named(name: &str) -> Kind {
        match name {
            "block" => Kind::Block,
            "property" => Kind::Property,
            "ERROR" => Kind::Error,
            "string" => Kind::Str,
            "identifier" => Kind::Ident,
            "number" => Kind::Number,
            "percentage" => Kind::Percentage,
            "boolean" => Kind::Boolean,
            _ => Kind::Other,
        }
    }

    /// The kind of `node`, by its kind id: what [`Kind::named`] says of
    /// its kind's name, looked up in a table made once. (`Node::kind`
    /// measures and checks the name's C string on every call, and lowering
    /// asks it of every node it reads.)
    fn of(node: Node) -> Kind {
        static KINDS: std::sync::OnceLock<Vec<Kind>> = std::sync::OnceLock::new();
        let kinds = KINDS.get_or_init(|| {
            let language = language();
            (0..language.node_kind_count() as u16)
                .map(|id| {
                    language
                        .node_kind_for_id(id)
                        .map_or(Kind::Other, Kind::named)
                })
                .collect()
        });
        match kinds.get(usize::from(node.kind_id())) {
            Some(&k) => k,
            // `ERROR` has an id past the grammar's own.
            None => Kind::named(node.kind()),
        }
    }
}

/// The grammar's field ids, looked up once: a lookup by name compares the
/// name with the grammar's field names on every call, and lowering asks for
/// a field of every block and property (a cold open's lowering, measured
/// in BENCHMARKS.md, "3 Dec, the end of the session, on a quiet machine").
struct Fields {
    kind: u16,
    name: u16,
    title: u16,
    body: u16,
    key: u16,
    value: std::num::NonZeroU16,
}

fn fields() -> &'static Fields {
    static FIELDS: std::sync::OnceLock<Fields> = std::sync::OnceLock::new();
    FIELDS.get_or_init(|| {
        let language = language();
        let id = |name: &str| {
            language
                .field_id_for_name(name)
                .expect("the grammar names this field")
        };
        Fields {
            kind: id("kind").get(),
            name: id("name").get(),
            title: id("title").get(),
            body: id("body").get(),
            key: id("key").get(),
            value: id("value"),
        }
    })
}

/// What [`Lowering::block_fields`] reads of a block: its kind, name and
/// title nodes, and its body lowered (its range, properties and blocks).
#[derive(Default)]
struct BlockFields<'t> {
    kind: Option<Node<'t>>,
    name: Option<Node<'t>>,
    title: Option<Node<'t>>,
    body: Option<(TextRange, Vec<Property>, Vec<Block>)>,
}

impl<'t> Lowering<'_, 't> {
    fn error(&mut self, range: TextRange, message: String) {
        self.errors.push(SyntaxError::new(range, message));
    }

    /// Blocks (and, into `props`, properties) directly under the cursor's
    /// node, looking through `ERROR` nodes so that a broken line hides
    /// nothing around it. The cursor is at that node when this is called
    /// and when it returns.
    fn items(
        &mut self,
        depth: usize,
        props: &mut Vec<Property>,
        parent_kind: Option<&str>,
    ) -> Vec<Block> {
        let mut blocks = Vec::new();
        // Values that the tree set aside in errors (`metrics: "a" "b"`).
        let mut loose = Vec::new();
        self.walk_items(depth, &mut blocks, props, &mut loose);
        blocks.sort_by_key(|b| b.range.start());
        props.sort_by_key(|p| p.range.start());
        match parent_kind.and_then(BlockKind::from_keyword) {
            Some(kind) if depth > 0 => {
                loose.sort_by_key(|v| v.range.start());
                self.mend(kind, blocks, loose, props)
            }
            _ => blocks,
        }
    }

    /// [`Lowering::items`]' walk: the children of the cursor's node in
    /// order, and those of the `ERROR` nodes among them, descended into
    /// with the cursor (not recursively: errors may nest deeply), so that
    /// each node is visited once and no list of children is copied.
    fn walk_items(
        &mut self,
        depth: usize,
        blocks: &mut Vec<Block>,
        props: &mut Vec<Property>,
        loose: &mut Vec<Value>,
    ) {
        // How many `ERROR` nodes the cursor is inside, below the parent.
        let mut in_errors = 0usize;
        if !self.cursor.goto_first_child() {
            return;
        }
        loop {
            let child = self.cursor.node();
            let kind = match child.is_named() {
                true => Kind::of(child),
                false => Kind::Other,
            };
            match kind {
                Kind::Block => {
                    if depth >= MAX_NESTING {
                        self.too_deep.push(range_of(child));
                    } else if let Some(block) = self.block(child, depth) {
                        blocks.push(block);
                    }
                }
                Kind::Property => {
                    if let Some(p) = self.property(child) {
                        props.push(p);
                    }
                }
                Kind::Error if self.cursor.goto_first_child() => {
                    in_errors += 1;
                    continue;
                }
                Kind::Str | Kind::Ident | Kind::Number | Kind::Percentage | Kind::Boolean
                    if in_errors > 0 =>
                {
                    if let Some(v) = self.value(child) {
                        loose.push(v);
                    }
                }
                _ => {}
            }
            // On to the next node: the next sibling, or that of the
            // `ERROR` node whose last child this was.
            while !self.cursor.goto_next_sibling() {
                self.cursor.goto_parent();
                if in_errors == 0 {
                    return;
                }
                in_errors -= 1;
            }
        }
    }

    /// Reads back as values what a body holds that are values written
    /// without their punctuation: `teams: a b` (a `,` missing: `b` parses
    /// as a block), `metrics: "a" "b"` (`"b"` set aside in an error) and
    /// `scope "Inbound"` (a `:` missing, where `scope` is a key of the block
    /// it is in). One error says what is missing, with the fix; the values
    /// count as written.
    fn mend(
        &mut self,
        parent: BlockKind,
        blocks: Vec<Block>,
        loose: Vec<Value>,
        props: &mut Vec<Property>,
    ) -> Vec<Block> {
        let items = Stray::in_order(blocks, loose);
        let mut kept: Vec<Block> = Vec::with_capacity(items.len());
        for item in items {
            let (range, values) = match &item {
                Stray::Block(b) if b.body.is_some() || !b.children.is_empty() => {
                    if let Stray::Block(b) = item {
                        kept.push(b);
                    }
                    continue;
                }
                Stray::Block(b) => (b.range, block_values(b)),
                Stray::Loose(v) => (v.range, vec![v.clone()]),
            };
            let kept_end = kept.last().map(|k| k.range.end());
            let Some(values) = self.mend_property_values(parent, props, kept_end, range, values)
            else {
                continue;
            };
            let Stray::Block(b) = item else { continue };
            if let Some(b) = self.mend_missing_colon(parent, b, values, props) {
                kept.push(b);
            }
        }
        kept
    }

    /// `teams: a b`: the item at `range` (its `values`) continues the
    /// property just before it, one with values that ends on the line where
    /// the item starts (and not inside a block kept since, which ends at
    /// `kept_end`). The values join the property, each missing `,`
    /// reported; or, for a property of one value, the extra ones are
    /// reported. Gives the values back when the item continues no property.
    fn mend_property_values(
        &mut self,
        parent: BlockKind,
        props: &mut [Property],
        kept_end: Option<usize>,
        range: TextRange,
        values: Vec<Value>,
    ) -> Option<Vec<Value>> {
        let before = props.partition_point(|p| p.range.end() <= range.start());
        let Some(p) = before.checked_sub(1).map(|i| &mut props[i]) else {
            return Some(values);
        };
        let after_block = kept_end.is_some_and(|end| end > p.range.end());
        if p.values.is_empty() || after_block || !self.same_line(p.range.end(), range.start()) {
            return Some(values);
        }
        let single = parent
            .spec()
            .property(&p.key.text)
            .is_some_and(|spec| !spec.ty.many());
        if single {
            // `title: "Director" "Platform"`: no `,` would make it right;
            // the extra words are reported, not read.
            let extra = TextRange::new(values[0].range.start(), range.end());
            let what = shorten(&self.text[extra.range()]);
            self.errors.push(SyntaxError::new(
                extra,
                format!(
                    "`{}` takes one value: `{what}` after it is one too many",
                    p.key.text
                ),
            ));
            self.mended.push(TextRange::new(p.range.end(), range.end()));
            return None;
        }
        let mut last = p.range.end();
        for v in values {
            let gap = &self.text[last..v.range.start()];
            if !gap.contains(',') {
                self.errors.push(SyntaxError {
                    range: v.range,
                    message: format!("missing `,` between the values of `{}`", p.key.text),
                    insert: Some((last, ",")),
                });
            }
            last = v.range.end();
            p.values.push(v);
        }
        self.mended.push(TextRange::new(p.range.end(), range.end()));
        p.range = TextRange::new(p.range.start(), range.end());
        None
    }

    /// `scope "Inbound"`: a block `b` whose keyword is a key of `parent`
    /// (and not one of its child blocks), a value on its line, is read as
    /// that property, the missing `:` reported. Gives the block back when
    /// it is not one.
    fn mend_missing_colon(
        &mut self,
        parent: BlockKind,
        b: Block,
        mut values: Vec<Value>,
        props: &mut Vec<Property>,
    ) -> Option<Block> {
        let is_key = parent.spec().property(&b.kind.text).is_some()
            && !parent
                .spec()
                .children
                .iter()
                .any(|c| c.keyword() == b.kind.text);
        if !is_key || values.len() <= 1 {
            return Some(b);
        }
        let line_end = self.text[b.kind.range.end()..]
            .find(['\n', '\r'])
            .map_or(self.text.len(), |i| b.kind.range.end() + i);
        let rest = &self.text[b.kind.range.end()..line_end];
        let written = shorten(rest[..content_end(rest)].trim_start());
        self.errors.push(SyntaxError {
            range: b.kind.range,
            message: format!(
                "missing `:` after `{key}`: write `{key}: {written}`",
                key = b.kind.text
            ),
            insert: Some((b.kind.range.end(), ":")),
        });
        self.mended.push(b.range);
        values.remove(0);
        let at = props.partition_point(|p| p.range.start() < b.range.start());
        props.insert(
            at,
            Property {
                key: b.kind,
                values: values.into_iter().collect(),
                range: b.range,
            },
        );
        None
    }

    /// Whether `text[from..to]` holds no line break.
    fn same_line(&self, from: usize, to: usize) -> bool {
        self.text
            .get(from..to)
            .is_some_and(|s| !s.contains(['\n', '\r']))
    }

    /// The fields of the block at the cursor (which is there again on
    /// return), read in one walk over its children; its body lowered when
    /// the walk reaches it (its kind, written before it, is known then).
    fn block_fields(&mut self, depth: usize) -> BlockFields<'t> {
        let f = fields();
        let mut out = BlockFields::default();
        if !self.cursor.goto_first_child() {
            return out;
        }
        loop {
            let node = self.cursor.node();
            match self.cursor.field_id().map(std::num::NonZeroU16::get) {
                Some(id) if id == f.kind && out.kind.is_none() => out.kind = Some(node),
                Some(id) if id == f.name && out.name.is_none() => out.name = Some(node),
                Some(id) if id == f.title && out.title.is_none() => out.title = Some(node),
                Some(id) if id == f.body && out.body.is_none() => {
                    // A block without its kind is not lowered at all.
                    if let Some(k) = out.kind.filter(|k| !k.is_missing()) {
                        let mut properties = Vec::new();
                        let kind = text_of(self.text, k);
                        let children = self.items(depth + 1, &mut properties, Some(kind));
                        out.body = Some((range_of(node), properties, children));
                    }
                }
                _ => {}
            }
            if !self.cursor.goto_next_sibling() {
                break;
            }
        }
        self.cursor.goto_parent();
        out
    }

    /// The block at the cursor (which is there again on return).
    fn block(&mut self, node: Node<'t>, depth: usize) -> Option<Block> {
        let BlockFields {
            kind: kind_node,
            name: name_node,
            title: title_node,
            body,
        } = self.block_fields(depth);
        let kind_node = kind_node?;
        if kind_node.is_missing() {
            return None;
        }
        let kind = self.name(kind_node);
        let name = name_node
            .filter(|n| !n.is_missing())
            .map(|n| self.name(n))
            .filter(|n| {
                // `team true …`: `true` and `false` are reserved.
                if is_reserved(&n.text) {
                    self.error(
                        n.range,
                        format!(
                            "`{}` is a boolean, not an id: a `{}` needs a name of its own",
                            n.text, kind.text
                        ),
                    );
                }
                !is_reserved(&n.text)
            });
        let reserved = name_node.is_some_and(|n| is_reserved(text_of(self.text, n)));
        if name.is_none() && !reserved {
            if let Some(k) = BlockKind::from_keyword(&kind.text) {
                let what = match k {
                    BlockKind::DependsOn => "the team it depends on",
                    _ => "its id",
                };
                self.unnamed.push(SyntaxError::new(
                    TextRange::empty(kind.range.end()),
                    format!(
                        "{MISSING_ID}: `{kind}` is followed by {what}, on the same line",
                        kind = kind.text
                    ),
                ));
            }
        }
        let title = title_node.and_then(|n| self.value(n));
        let (body, mut properties, mut children) = match body {
            Some((range, properties, children)) => (Some(range), properties, children),
            None => (None, Vec::new(), Vec::new()),
        };
        // Exact sizes: a vector grown by pushes keeps room for at least four
        // (a plan's properties mostly hold one value), which was a fifth of the
        // memory of a large plan.
        properties.shrink_to_fit();
        children.shrink_to_fit();
        Some(Block {
            kind,
            name,
            title,
            properties,
            children,
            range: range_of(node),
            body,
        })
    }

    /// An identifier as a [`Name`]; one that is not ASCII is reported.
    fn name(&mut self, node: Node) -> Name {
        let name = Name {
            text: text_of(self.text, node).into(),
            range: range_of(node),
        };
        self.check_ascii(&name.text, name.range);
        name
    }

    fn check_ascii(&mut self, word: &str, range: TextRange) {
        if word.is_ascii() {
            return;
        }
        let folded = ascii_fold(word);
        let advice = match &folded {
            Some(f) if is_identifier(f) => format!(": write `{f}`"),
            _ => String::new(),
        };
        self.error(
            range,
            format!("`{word}` is not an id: ids are ASCII letters, digits, `_` and `-`{advice}"),
        );
    }

    /// The property at the cursor (which is there again on return), its
    /// key and values read in one walk over its children.
    fn property(&mut self, node: Node<'t>) -> Option<Property> {
        let f = fields();
        let mut key_node = None;
        let mut values = Values::new();
        if self.cursor.goto_first_child() {
            loop {
                match self.cursor.field_id() {
                    Some(id) if id.get() == f.key && key_node.is_none() => {
                        key_node = Some(self.cursor.node());
                    }
                    // Values after the key (a property without one is
                    // not lowered).
                    Some(id) if id == f.value && key_node.is_some() => {
                        if let Some(value) = self.value(self.cursor.node()) {
                            values.push(value);
                        }
                    }
                    _ => {}
                }
                if !self.cursor.goto_next_sibling() {
                    break;
                }
            }
            self.cursor.goto_parent();
        }
        let key_node = key_node?;
        // Keys are checked against the schema (`unknown-property`), which
        // suggests the closest one: no ASCII check here.
        let key = Name {
            text: text_of(self.text, key_node).into(),
            range: range_of(key_node),
        };
        values.shrink_to_fit();
        Some(Property {
            key,
            values,
            range: range_of(node),
        })
    }

    fn value(&mut self, node: Node<'t>) -> Option<Value> {
        if node.is_missing() {
            return None;
        }
        let raw = text_of(self.text, node);
        let range = range_of(node);
        let kind = match Kind::of(node) {
            Kind::Ident => {
                self.check_ascii(raw, range);
                ValueKind::Ident(raw.into())
            }
            Kind::Str => {
                for (at, message) in string_errors(raw) {
                    self.error(at.shifted(range.start() as isize), message);
                }
                // Most strings have no escape: their text as it is, with
                // no `String` made and dropped on the way.
                ValueKind::Str(if raw.contains('\\') {
                    unescape(raw).into()
                } else {
                    string_text(raw).into()
                })
            }
            Kind::Number => ValueKind::Number(raw.parse().ok()?),
            Kind::Percentage => ValueKind::Percent(raw.trim_end_matches('%').parse().ok()?),
            Kind::Boolean => ValueKind::Bool(raw == "true"),
            _ => return None,
        };
        Some(Value { kind, range })
    }
}

/// What a body holds besides its properties: a block, which may be a value
/// written without its punctuation when it has no body (`teams: a b`: `b`),
/// or a value the tree set aside in an error (`metrics: "a" "b"`: `"b"`).
enum Stray {
    Block(Block),
    Loose(Value),
}

impl Stray {
    /// `blocks` and `loose` together, in the order they are written.
    fn in_order(blocks: Vec<Block>, loose: Vec<Value>) -> Vec<Stray> {
        let mut items: Vec<Stray> = blocks
            .into_iter()
            .map(Stray::Block)
            .chain(loose.into_iter().map(Stray::Loose))
            .collect();
        items.sort_by_key(|i| match i {
            Stray::Block(b) => b.range.start(),
            Stray::Loose(v) => v.range.start(),
        });
        items
    }
}

/// The words of a bodiless block, as the values they would be: its kind,
/// its id and its title.
fn block_values(b: &Block) -> Vec<Value> {
    let word = |n: &Name| Value {
        kind: ValueKind::Ident(n.text.clone()),
        range: n.range,
    };
    let mut out = vec![word(&b.kind)];
    out.extend(b.name.as_ref().map(word));
    out.extend(b.title.clone());
    out
}

/// `s` cut to about 60 characters, with `…` where it was cut.
pub fn shorten(s: &str) -> String {
    const MAX: usize = 60;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// How the error about a block without an id starts.
const MISSING_ID: &str = "missing id";

/// `true` and `false`: booleans, never ids.
pub fn is_reserved(word: &str) -> bool {
    matches!(word, "true" | "false")
}

/// Whether `word` is an id as the language spells them: an ASCII letter or
/// `_`, then ASCII letters, digits, `_` and `-`, and not a reserved word.
pub fn is_identifier(word: &str) -> bool {
    let mut bytes = word.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !is_reserved(word)
}

/// `word` with its Latin letters' accents taken off (`josé` → `jose`), or
/// `None` when some letter has no ASCII spelling here.
pub fn ascii_fold(word: &str) -> Option<String> {
    const TABLE: &[(&str, &str)] = &[
        ("ÀÁÂÃÄÅĀĂĄ", "A"),
        ("àáâãäåāăą", "a"),
        ("ÇĆĈĊČ", "C"),
        ("çćĉċč", "c"),
        ("ÐĎĐ", "D"),
        ("ðďđ", "d"),
        ("ÈÉÊËĒĔĖĘĚ", "E"),
        ("èéêëēĕėęě", "e"),
        ("ĜĞĠĢ", "G"),
        ("ĝğġģ", "g"),
        ("ĤĦ", "H"),
        ("ĥħ", "h"),
        ("ÌÍÎÏĨĪĬĮİ", "I"),
        ("ìíîïĩīĭįı", "i"),
        ("Ĵ", "J"),
        ("ĵ", "j"),
        ("Ķ", "K"),
        ("ķĸ", "k"),
        ("ĹĻĽĿŁ", "L"),
        ("ĺļľŀł", "l"),
        ("ÑŃŅŇŊ", "N"),
        ("ñńņňŉŋ", "n"),
        ("ÒÓÔÕÖØŌŎŐ", "O"),
        ("òóôõöøōŏő", "o"),
        ("ŔŖŘ", "R"),
        ("ŕŗř", "r"),
        ("ŚŜŞŠ", "S"),
        ("śŝşš", "s"),
        ("ŢŤŦ", "T"),
        ("ţťŧ", "t"),
        ("ÙÚÛÜŨŪŬŮŰŲ", "U"),
        ("ùúûüũūŭůűų", "u"),
        ("Ŵ", "W"),
        ("ŵ", "w"),
        ("ÝŶŸ", "Y"),
        ("ýÿŷ", "y"),
        ("ŹŻŽ", "Z"),
        ("źżž", "z"),
        ("Æ", "AE"),
        ("æ", "ae"),
        ("Œ", "OE"),
        ("œ", "oe"),
        ("Ĳ", "IJ"),
        ("ĳ", "ij"),
        ("Þ", "Th"),
        ("þ", "th"),
        ("ß", "ss"),
    ];
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if ('\u{300}'..='\u{36f}').contains(&c) {
            // A combining accent: `e` + `\u{301}` is `é`.
        } else {
            let (_, ascii) = TABLE.iter().find(|(from, _)| from.contains(c))?;
            out.push_str(ascii);
        }
    }
    Some(out)
}

/// What is wrong with a string token (as written, quotes included), each
/// with its place relative to the token's start: escapes the language does
/// not have, and a missing closing quote.
pub fn string_errors(raw: &str) -> Vec<(TextRange, String)> {
    let mut out = Vec::new();
    let bytes = raw.as_bytes();
    let mut i = 1;
    let mut closed = false;
    // A `\` at the very end: reported with the missing quote.
    let mut lone_backslash = false;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                closed = true;
                break;
            }
            b'\\' => {
                let len = escape_len(&raw[i..]);
                lone_backslash = len == 1;
                if let Some(message) = escape_error(&raw[i..i + len]) {
                    out.push((TextRange::new(i, i + len), message));
                }
                i += len;
            }
            _ => i += 1,
        }
    }
    if !closed && !lone_backslash {
        // `"C:\"`: the last quote was taken as an escaped one.
        let hint = if raw.len() > 2 && raw.ends_with("\\\"") {
            " (`\\\"` is a quote inside the string; write `\\\\` for a backslash)"
        } else {
            ""
        };
        out.push((
            TextRange::empty(raw.len()),
            format!("missing `\"`: a string ends on the line it starts{hint}"),
        ));
    }
    out
}

/// The length of the escape at the start of `s` (which starts with `\`):
/// `\` and one character, or all of `\u{…}` up to its `}` when it has one.
fn escape_len(s: &str) -> usize {
    let Some(c) = s[1..].chars().next() else {
        return 1;
    };
    if c == 'u' && s[2..].starts_with('{') {
        let close = s[3..].find(['}', '"']).map(|j| 3 + j);
        if let Some(j) = close.filter(|&j| s.as_bytes()[j] == b'}') {
            return j + 1;
        }
    }
    1 + c.len_utf8()
}

/// Why the escape `e` is not one the language has, or `None` if it is.
fn escape_error(e: &str) -> Option<String> {
    let shown = e.chars().take(16).collect::<String>();
    let shown = if shown.len() < e.len() {
        format!("{shown}…")
    } else {
        shown
    };
    match e.as_bytes().get(1) {
        None => Some(
            "a `\\` at the end of a line escapes nothing, and the string has no closing `\"`: write `\\\\` for a backslash"
                .into(),
        ),
        Some(b'"' | b'\\' | b'n' | b't') => None,
        Some(b'u') => {
            let hex = e
                .strip_prefix("\\u{")
                .and_then(|h| h.strip_suffix('}'))
                .filter(|h| (1..=6).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_hexdigit()));
            let Some(hex) = hex else {
                return Some(format!(
                    "bad escape `{shown}`: a character is written `\\u{{…}}`, with 1 to 6 hex digits"
                ));
            };
            let code = u32::from_str_radix(hex, 16).unwrap_or(u32::MAX);
            if (0xD800..=0xDFFF).contains(&code) {
                Some(format!(
                    "bad escape `{shown}`: a surrogate is not a character; write the character itself, or its code point"
                ))
            } else if char::from_u32(code).is_none() {
                Some(format!(
                    "bad escape `{shown}`: past the last Unicode code point, `\\u{{10FFFF}}`"
                ))
            } else {
                None
            }
        }
        Some(_) => Some(format!(
            "bad escape `{shown}`: a string knows `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{{…}}`; write `\\\\` for a backslash"
        )),
    }
}

/// A string token's text without its quotes (the closing one may be
/// missing), its escapes as written.
fn string_text(raw: &str) -> &str {
    let inner = raw.strip_prefix('"').unwrap_or(raw);
    inner.strip_suffix('"').unwrap_or(inner)
}

/// The content of a string literal, escapes resolved; an escape the
/// language does not have is kept as written.
pub fn unescape(raw: &str) -> String {
    let inner = string_text(raw);
    let mut out = String::with_capacity(inner.len());
    let mut rest = inner;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let e = &rest[i..];
        let len = escape_len(e);
        let escape = &e[..len];
        match escape.as_bytes().get(1) {
            Some(b'n') => out.push('\n'),
            Some(b't') => out.push('\t'),
            Some(b'"') => out.push('"'),
            Some(b'\\') => out.push('\\'),
            Some(b'u') if escape_error(escape).is_none() => {
                let hex = &escape[3..escape.len() - 1];
                if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                    out.push(c);
                }
            }
            _ => out.push_str(escape),
        }
        rest = &e[len..];
    }
    out.push_str(rest);
    out
}

/// Quotes `s` as an orgplan string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Every `ERROR` and `MISSING` node, outermost only, with what was expected.
fn syntax_errors(text: &str, tree: &Tree) -> Vec<SyntaxError> {
    let mut errors = Vec::new();
    if !tree.root_node().has_error() {
        return errors;
    }
    let lang = language();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        let mut descend = node.has_error();
        if node.is_missing() {
            errors.push(SyntaxError::new(
                TextRange::empty(node.start_byte()),
                format!("missing {}", describe_symbol(node.kind(), node.is_named())),
            ));
            descend = false;
        } else if node.is_error() {
            errors.push(SyntaxError::new(
                range_of(node),
                error_message(text, &lang, node),
            ));
            descend = false;
        }
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return errors;
            }
        }
    }
}

fn error_message(text: &str, lang: &Language, node: Node) -> String {
    // `key: "a" "b"`: tree-sitter sets one of the values aside as an error.
    if let Some(parent) = node.parent().filter(|p| p.kind() == "property") {
        let mut cursor = node.walk();
        let values = node.named_children(&mut cursor).all(|c| {
            matches!(
                c.kind(),
                "string" | "identifier" | "number" | "percentage" | "boolean"
            )
        });
        if values && node.named_child_count() > 0 {
            let key = parent
                .child_by_field_name("key")
                .map_or("", |k| text_of(text, k));
            return format!("missing `,` between the values of `{key}`");
        }
    }
    let found = first_token(text, node);
    let expected = expected_symbols(lang, node);
    let mut msg = match found {
        Some(tok) => format!("unexpected {tok}"),
        None => "unexpected input".to_string(),
    };
    if !expected.is_empty() {
        msg.push_str("; expected ");
        msg.push_str(&join_or(&expected));
    }
    msg
}

fn first_token(text: &str, node: Node) -> Option<String> {
    let raw = text_of(text, node).trim_start();
    let tok: String = if raw.starts_with('"') {
        "string".to_string()
    } else {
        let word: String = raw
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-' || *c == '%' || *c == '.')
            .take(40)
            .collect();
        if word.is_empty() {
            raw.chars().next()?.to_string()
        } else {
            word
        }
    };
    Some(if tok == "string" {
        tok
    } else {
        format!("`{tok}`")
    })
}

/// What could stand where `node` starts, from its place in the tree.
///
/// Deliberately not taken from the parser's states: those can differ between
/// an incremental and a fresh parse of the same text, and the message must not.
fn expected_symbols(_lang: &Language, node: Node) -> Vec<String> {
    let parent = node.parent().map(|p| p.kind()).unwrap_or("source_file");
    let prev = node.prev_sibling().map(|p| p.kind());
    let v = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match parent {
        "source_file" => v(&["a block (`leader`, `initiative` or `team`)"]),
        "block_body" => v(&["a property `key: value`", "a nested block", "`}`"]),
        "block" => match prev {
            Some("identifier") if node.prev_sibling().and_then(|p| p.prev_sibling()).is_none() => {
                v(&["the block's id"])
            }
            Some("identifier") => v(&["a title string", "`{`"]),
            Some("string") => v(&["`{`"]),
            _ => Vec::new(),
        },
        "property" => v(&["a value", "`,`"]),
        "string" => v(&["`\"`"]),
        _ => Vec::new(),
    }
}

fn describe_symbol(kind: &str, named: bool) -> String {
    if !named {
        return format!("`{kind}`");
    }
    match kind {
        "identifier" => "a name".into(),
        "string" => "a string".into(),
        "number" => "a number".into(),
        "percentage" => "a percentage".into(),
        "boolean" => "`true` or `false`".into(),
        "block" => "a block".into(),
        "property" => "a property".into(),
        "block_body" => "a block body `{ … }`".into(),
        other => other.replace('_', " "),
    }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

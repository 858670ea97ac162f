//! Parsing: tree-sitter builds the concrete tree, and [`lower`] turns it into
//! the small [`Document`] AST that the model and the rules read.
//!
//! Lowering never fails. Whatever part of a block parsed is kept; every
//! `ERROR` and `MISSING` node becomes a [`SyntaxError`] with what the parser
//! expected there.

use crate::text::TextRange;
pub use compact_str::CompactString;
use tree_sitter::{Language, Node, Parser, Tree};

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

/// `key: value, value …`
#[derive(Clone, Debug, PartialEq)]
pub struct Property {
    pub key: Name,
    pub values: Vec<Value>,
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
}

/// One file, lowered.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    pub blocks: Vec<Block>,
    pub errors: Vec<SyntaxError>,
}

/// Lowers a parsed tree of `text` into a [`Document`].
pub fn lower(text: &str, tree: &Tree) -> Document {
    let root = tree.root_node();
    let mut doc = Document::default();
    let mut too_deep = Vec::new();
    doc.blocks = lower_items(text, root, 0, &mut Vec::new(), &mut too_deep);
    doc.errors = syntax_errors(text, tree);
    for range in too_deep {
        doc.errors.push(SyntaxError {
            range,
            message: too_deep_message(),
        });
    }
    doc.errors.sort_by_key(|e| (e.range.start(), e.range.end()));
    doc
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

/// Blocks (and, into `props`, properties) directly under `parent`, looking
/// through `ERROR` nodes so that a broken line hides nothing around it.
fn lower_items(
    text: &str,
    parent: Node,
    depth: usize,
    props: &mut Vec<Property>,
    too_deep: &mut Vec<TextRange>,
) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut stack = vec![parent];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        let children: Vec<Node> = node.named_children(&mut cursor).collect();
        for child in children.into_iter().rev() {
            match child.kind() {
                "block" => {
                    if depth >= MAX_NESTING {
                        too_deep.push(range_of(child));
                    } else if let Some(block) = lower_block(text, child, depth, too_deep) {
                        blocks.push(block);
                    }
                }
                "property" => {
                    if let Some(p) = lower_property(text, child) {
                        props.push(p);
                    }
                }
                "ERROR" => stack.push(child),
                _ => {}
            }
        }
    }
    blocks.sort_by_key(|b| b.range.start());
    props.sort_by_key(|p| p.range.start());
    blocks
}

fn lower_block(
    text: &str,
    node: Node,
    depth: usize,
    too_deep: &mut Vec<TextRange>,
) -> Option<Block> {
    let kind_node = node.child_by_field_name("kind")?;
    if kind_node.is_missing() {
        return None;
    }
    let kind = Name {
        text: text_of(text, kind_node).into(),
        range: range_of(kind_node),
    };
    let name = node
        .child_by_field_name("name")
        .filter(|n| !n.is_missing())
        .map(|n| Name {
            text: text_of(text, n).into(),
            range: range_of(n),
        });
    let title = node
        .child_by_field_name("title")
        .and_then(|n| lower_value(text, n));
    let mut properties = Vec::new();
    let mut children = Vec::new();
    let body = node.child_by_field_name("body").map(|b| {
        children = lower_items(text, b, depth + 1, &mut properties, too_deep);
        range_of(b)
    });
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

fn lower_property(text: &str, node: Node) -> Option<Property> {
    let key_node = node.child_by_field_name("key")?;
    let key = Name {
        text: text_of(text, key_node).into(),
        range: range_of(key_node),
    };
    let mut values = Vec::new();
    if let Some(list) = node.child_by_field_name("value") {
        let mut cursor = list.walk();
        for v in list.named_children(&mut cursor) {
            if let Some(value) = lower_value(text, v) {
                values.push(value);
            }
        }
    }
    values.shrink_to_fit();
    Some(Property {
        key,
        values,
        range: range_of(node),
    })
}

fn lower_value(text: &str, node: Node) -> Option<Value> {
    if node.is_missing() {
        return None;
    }
    let raw = text_of(text, node);
    let kind = match node.kind() {
        "identifier" => ValueKind::Ident(raw.into()),
        "string" => ValueKind::Str(unescape(raw).into()),
        "number" => ValueKind::Number(raw.parse().ok()?),
        "percentage" => ValueKind::Percent(raw.trim_end_matches('%').parse().ok()?),
        "boolean" => ValueKind::Bool(raw == "true"),
        _ => return None,
    };
    Some(Value {
        kind,
        range: range_of(node),
    })
}

/// The content of a string literal, escapes resolved.
pub fn unescape(raw: &str) -> String {
    let inner = raw.strip_prefix('"').unwrap_or(raw);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars
                    .by_ref()
                    .skip_while(|&c| c == '{')
                    .take_while(|&c| c != '}')
                    .collect();
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
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
            errors.push(SyntaxError {
                range: TextRange::empty(node.start_byte()),
                message: format!("missing {}", describe_symbol(node.kind(), node.is_named())),
            });
            descend = false;
        } else if node.is_error() {
            errors.push(SyntaxError {
                range: range_of(node),
                message: error_message(text, &lang, node),
            });
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
            return format!("values of `{key}` must be separated by `,`");
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
        "value_list" | "property" => v(&["a value", "`,`"]),
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
        "value_list" => "a value".into(),
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

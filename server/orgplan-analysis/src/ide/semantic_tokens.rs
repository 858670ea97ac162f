//! Semantic tokens from the concrete tree: kinds are keywords, declared ids
//! types (leaders classes), keys properties, references variables, enum
//! values and roles enum members, and strings, numbers, comments.

use super::ref_kind;
use crate::schema::{BlockKind, ValueType};
use crate::text::{FileId, TextRange};
use crate::Workspace;
use tree_sitter::Node;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    Keyword,
    Type,
    Class,
    Property,
    Variable,
    EnumMember,
    String,
    Number,
    Comment,
}

impl TokenKind {
    /// Every kind, in the order of the legend.
    pub const ALL: [TokenKind; 9] = [
        TokenKind::Keyword,
        TokenKind::Type,
        TokenKind::Class,
        TokenKind::Property,
        TokenKind::Variable,
        TokenKind::EnumMember,
        TokenKind::String,
        TokenKind::Number,
        TokenKind::Comment,
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SemanticToken {
    pub range: TextRange,
    pub kind: TokenKind,
    /// The id in a declaration's head.
    pub declaration: bool,
}

/// The tokens of `file`, in order; only those intersecting `within`, if given.
pub fn semantic_tokens(
    ws: &Workspace,
    file: FileId,
    within: Option<TextRange>,
) -> Vec<SemanticToken> {
    let Some(src) = ws.file(file) else {
        return Vec::new();
    };
    let text = src.text.as_str();
    let mut out = Vec::new();
    for chunk in &src.parsed.chunks {
        if within.is_some_and(|w| !chunk.range().intersects(w)) {
            continue;
        }
        // The chunk's tree counts from the chunk's start.
        let at = out.len();
        let inside = within.map(|w| {
            TextRange::new(
                w.start.saturating_sub(chunk.start),
                w.end.saturating_sub(chunk.start),
            )
        });
        walk(
            &text[chunk.start..chunk.end],
            chunk.tree.root_node(),
            None,
            inside,
            &mut out,
        );
        for t in &mut out[at..] {
            t.range = t.range.shifted(chunk.start as isize);
        }
    }
    if let Some(w) = within {
        out.retain(|t| t.range.intersects(w));
    }
    out.sort_by_key(|t| (t.range.start, t.range.end));
    out
}

fn range(n: Node) -> TextRange {
    TextRange::new(n.start_byte(), n.end_byte())
}

fn push(out: &mut Vec<SemanticToken>, n: Node, kind: TokenKind, declaration: bool) {
    if n.is_missing() || n.start_byte() == n.end_byte() {
        return;
    }
    out.push(SemanticToken {
        range: range(n),
        kind,
        declaration,
    });
}

/// A node still to visit, with the kind of its enclosing known block.
enum Visit<'t> {
    /// The children of a block body, an error node or the root.
    Body(Node<'t>, Option<BlockKind>),
    Block(Node<'t>, Option<BlockKind>),
}

/// Collects the tokens under `root`. Iterative, with a stack of nodes to
/// visit: blocks can nest thousands deep in what a user types or pastes,
/// and a recursive walk would overflow the server's stack.
fn walk(
    text: &str,
    root: Node,
    parent: Option<BlockKind>,
    within: Option<TextRange>,
    out: &mut Vec<SemanticToken>,
) {
    let mut stack = vec![Visit::Body(root, parent)];
    while let Some(visit) = stack.pop() {
        match visit {
            Visit::Body(node, parent) => body(text, node, parent, within, out, &mut stack),
            Visit::Block(node, parent) => block(text, node, parent, out, &mut stack),
        }
    }
}

fn body<'t>(
    text: &str,
    node: Node<'t>,
    parent: Option<BlockKind>,
    within: Option<TextRange>,
    out: &mut Vec<SemanticToken>,
    stack: &mut Vec<Visit<'t>>,
) {
    if let Some(w) = within {
        if !range(node).intersects(w) {
            return;
        }
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        match child.kind() {
            "comment" => push(out, child, TokenKind::Comment, false),
            "block" if within.is_none_or(|w| range(child).intersects(w)) => {
                stack.push(Visit::Block(child, parent))
            }
            "property" => property(text, child, parent, out),
            "ERROR" | "block_body" => stack.push(Visit::Body(child, parent)),
            "string" => push(out, child, TokenKind::String, false),
            "number" | "percentage" => push(out, child, TokenKind::Number, false),
            "boolean" => push(out, child, TokenKind::Keyword, false),
            _ => {}
        }
    }
}

fn node_text<'a>(text: &'a str, n: Node) -> &'a str {
    text.get(n.start_byte()..n.end_byte()).unwrap_or("")
}

fn block<'t>(
    text: &str,
    node: Node<'t>,
    parent: Option<BlockKind>,
    out: &mut Vec<SemanticToken>,
    stack: &mut Vec<Visit<'t>>,
) {
    let kind_node = node.child_by_field_name("kind");
    let kind = kind_node
        .and_then(|k| BlockKind::from_keyword(node_text(text, k)))
        .filter(|k| match parent {
            None => k.spec().top_level,
            Some(p) => p.spec().children.contains(k),
        });
    if let (Some(k), Some(_)) = (kind_node, kind) {
        push(out, k, TokenKind::Keyword, false);
    }
    if let Some(name) = node.child_by_field_name("name") {
        match kind {
            Some(BlockKind::DependsOn) => push(out, name, TokenKind::Variable, false),
            Some(BlockKind::Leader) => push(out, name, TokenKind::Class, true),
            Some(_) => push(out, name, TokenKind::Type, true),
            None => {}
        }
    }
    if let Some(title) = node.child_by_field_name("title") {
        push(out, title, TokenKind::String, false);
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        match child.kind() {
            "block_body" | "ERROR" => stack.push(Visit::Body(child, kind)),
            "comment" => push(out, child, TokenKind::Comment, false),
            _ => {}
        }
    }
}

fn property(text: &str, node: Node, block: Option<BlockKind>, out: &mut Vec<SemanticToken>) {
    let Some(key) = node.child_by_field_name("key") else {
        return;
    };
    let spec = block.and_then(|b| b.spec().property(node_text(text, key)));
    if spec.is_some() {
        push(out, key, TokenKind::Property, false);
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if child.kind() == "comment" {
            push(out, child, TokenKind::Comment, false);
        }
        if child.kind() != "value_list" {
            continue;
        }
        let mut c2 = child.walk();
        for v in child.children(&mut c2) {
            match v.kind() {
                "string" => push(out, v, TokenKind::String, false),
                "number" | "percentage" => push(out, v, TokenKind::Number, false),
                "boolean" => push(out, v, TokenKind::Keyword, false),
                "comment" => push(out, v, TokenKind::Comment, false),
                "identifier" => match spec.map(|s| s.ty) {
                    Some(ty) if ref_kind(ty).is_some() => push(out, v, TokenKind::Variable, false),
                    Some(ValueType::Enum(_) | ValueType::Roles) => {
                        push(out, v, TokenKind::EnumMember, false)
                    }
                    _ => {}
                },
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::fixture;

    fn show(text: &str, within: Option<TextRange>) -> String {
        let f = fixture(text);
        semantic_tokens(&f.ws, f.file, within)
            .iter()
            .map(|t| {
                format!(
                    "{:?}{} `{}`\n",
                    t.kind,
                    if t.declaration { "+decl" } else { "" },
                    &f.text(f.file)[t.range.start..t.range.end]
                )
            })
            .collect()
    }

    #[test]
    fn every_kind_of_token() {
        insta::assert_snapshot!(show(
            r#"
            # Retail
            leader jane "Jane" { allocation: 50% }
            initiative fba "FBA" {
              leader: jane # the lead
              model: ownership
              critical: true
              teams: t
            }
            team t "T" {
              roles: engineering, qa
              size: 4
              depends_on u { owner: t plan: "p" }
            }
            tem x { foo: bar }
            "#,
            None
        ));
    }

    #[test]
    fn a_range_selects_its_tokens() {
        let out = show(
            "leader a \"A\" { }\nleader b \"B\" { }\n",
            Some(TextRange::new(20, 30)),
        );
        assert_eq!(out, "Keyword `leader`\nClass+decl `b`\nString `\"B\"`\n");
    }
}

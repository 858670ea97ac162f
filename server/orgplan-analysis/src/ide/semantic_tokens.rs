//! Semantic tokens from the lowered document: kinds are keywords; a
//! leader's, a team's and an initiative's id each have a type of their own,
//! where they are declared (with the declaration modifier) and wherever they
//! are named, so a reference is coloured as what it names and never like a
//! key; keys are properties, enum values and roles enum members, and
//! strings, numbers, comments. A name that may be a leader or a team
//! (`owner:`, `approvals:`) takes the kind it resolves to, and is a plain
//! variable when it names nothing.

use super::ref_kind;
use crate::model::{EntityId, Model, RefKind};
use crate::schema::{BlockKind, ValueType};
use crate::syntax::{Block, Property, ValueKind};
use crate::text::{FileId, TextRange};
use crate::Workspace;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    Keyword,
    Leader,
    Team,
    Initiative,
    Property,
    Variable,
    EnumMember,
    String,
    Number,
    Comment,
}

impl TokenKind {
    /// Every kind, in the order of the legend.
    pub const ALL: [TokenKind; 10] = [
        TokenKind::Keyword,
        TokenKind::Leader,
        TokenKind::Team,
        TokenKind::Initiative,
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
/// Read from the lowered document (and the comments its chunks found), so
/// only the blocks in `within` are visited.
pub fn semantic_tokens(
    ws: &Workspace,
    model: &Model,
    file: FileId,
    within: Option<TextRange>,
) -> Vec<SemanticToken> {
    let Some(src) = ws.file(file) else {
        return Vec::new();
    };
    let blocks = &src.doc().blocks;
    let visible = match within {
        // Top-level blocks are in order and do not overlap.
        Some(w) => {
            let from = blocks.partition_point(|b| b.range.end() < w.start());
            let to = blocks.partition_point(|b| b.range.start() <= w.end());
            &blocks[from..to.max(from)]
        }
        None => &blocks[..],
    };
    let mut out = Vec::new();
    let mut stack: Vec<(&Block, Option<BlockKind>)> =
        visible.iter().rev().map(|b| (b, None)).collect();
    while let Some((b, parent)) = stack.pop() {
        let kind = BlockKind::from_keyword(&b.kind.text).filter(|k| match parent {
            None => k.spec().top_level,
            Some(p) => p.spec().children.contains(k),
        });
        if kind.is_some() {
            push(&mut out, b.kind.range, TokenKind::Keyword, false);
        }
        if let Some(name) = &b.name {
            match kind {
                Some(BlockKind::DependsOn) => push(&mut out, name.range, TokenKind::Team, false),
                Some(BlockKind::Leader) => push(&mut out, name.range, TokenKind::Leader, true),
                Some(BlockKind::Team) => push(&mut out, name.range, TokenKind::Team, true),
                Some(BlockKind::Initiative) => {
                    push(&mut out, name.range, TokenKind::Initiative, true)
                }
                None => {}
            }
        }
        if let Some(title) = &b.title {
            push(&mut out, title.range, TokenKind::String, false);
        }
        for p in &b.properties {
            property(model, p, kind, &mut out);
        }
        stack.extend(b.children.iter().rev().map(|c| (c, kind)));
    }
    for chunk in &src.parsed.chunks {
        if within.is_some_and(|w| !chunk.range().intersects(w)) {
            continue;
        }
        for c in chunk.comments() {
            push(&mut out, c, TokenKind::Comment, false);
        }
    }
    if let Some(w) = within {
        out.retain(|t| t.range.intersects(w));
    }
    out.sort_by_key(|t| (t.range.start(), t.range.end()));
    out
}

fn push(out: &mut Vec<SemanticToken>, range: TextRange, kind: TokenKind, declaration: bool) {
    if range.is_empty() {
        return;
    }
    out.push(SemanticToken {
        range,
        kind,
        declaration,
    });
}

fn property(m: &Model, p: &Property, block: Option<BlockKind>, out: &mut Vec<SemanticToken>) {
    let spec = block.and_then(|b| b.spec().property(&p.key.text));
    if spec.is_some() {
        push(out, p.key.range, TokenKind::Property, false);
    }
    for v in &p.values {
        let kind = match &v.kind {
            ValueKind::Str(_) => TokenKind::String,
            ValueKind::Number(_) | ValueKind::Percent(_) => TokenKind::Number,
            ValueKind::Bool(_) => TokenKind::Keyword,
            ValueKind::Ident(id) => match spec.map(|s| s.ty) {
                Some(ty) if ref_kind(ty).is_some() => reference(m, id, ref_kind(ty)),
                Some(ValueType::Enum(_) | ValueType::Roles) => TokenKind::EnumMember,
                _ => continue,
            },
        };
        push(out, v.range, kind, false);
    }
}

/// The token of a name written where a `kind` of entity is expected.
fn reference(m: &Model, id: &str, kind: Option<RefKind>) -> TokenKind {
    match kind {
        Some(RefKind::Leader) => TokenKind::Leader,
        Some(RefKind::Team) => TokenKind::Team,
        _ => match m.lookup(id, RefKind::LeaderOrTeam) {
            Some(EntityId::Leader(_)) => TokenKind::Leader,
            Some(EntityId::Team(_)) => TokenKind::Team,
            _ => TokenKind::Variable,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::fixture;

    fn show(text: &str, within: Option<TextRange>) -> String {
        let f = fixture(text);
        semantic_tokens(&f.ws, &f.analysis.model, f.file, within)
            .iter()
            .map(|t| {
                format!(
                    "{:?}{} `{}`\n",
                    t.kind,
                    if t.declaration { "+decl" } else { "" },
                    &f.text(f.file)[t.range.start()..t.range.end()]
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
              approvals: jane, nobody
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
        assert_eq!(out, "Keyword `leader`\nLeader+decl `b`\nString `\"B\"`\n");
    }
}

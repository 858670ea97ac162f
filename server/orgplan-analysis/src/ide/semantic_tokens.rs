//! Semantic tokens from the lowered document: kinds are keywords; a
//! leader's, a team's and an initiative's id each have a type of their own,
//! where they are declared (with the declaration modifier) and wherever they
//! are named, so a reference is coloured as what it names and never like a
//! key; keys are properties, enum values and roles enum members, and
//! strings, numbers, comments. A name that may be a leader or a team
//! (`owner:`, `approvals:`) takes the kind it resolves to, and is a plain
//! variable when it names nothing.

use super::ref_kind;
use crate::chunks::Chunk;
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
    let mut out = Vec::new();
    for_each_semantic_token(ws, model, file, within, |t, _| out.push(t));
    out
}

/// Calls `f` with each token of `file`, in order (only those intersecting
/// `within`, if given), and whether it is the first of a new segment: the
/// tokens are found one top-level block at a time (with the comments
/// before it), so that a whole file's are never all held at once, and a
/// caller can tell which blocks' tokens changed between two versions.
pub fn for_each_semantic_token(
    ws: &Workspace,
    model: &Model,
    file: FileId,
    within: Option<TextRange>,
    mut f: impl FnMut(SemanticToken, bool),
) {
    let Some(src) = ws.file(file) else {
        return;
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
    // The comments, in order (chunks are in order, and so are the
    // comments of each).
    let mut comments = src
        .parsed
        .chunks
        .iter()
        .filter(|c| within.is_none_or(|w| c.range().intersects(w)))
        .flat_map(|c| c.comments())
        .peekable();
    let mut buf = Vec::new();
    let mut emit = |buf: &mut Vec<SemanticToken>| {
        if let Some(w) = within {
            buf.retain(|t| t.range.intersects(w));
        }
        buf.sort_by_key(|t| (t.range.start(), t.range.end()));
        for (i, t) in buf.drain(..).enumerate() {
            f(t, i == 0);
        }
    };
    for b in visible {
        block_tokens(model, b, &mut buf, &mut false);
        while let Some(c) = comments.next_if(|c| c.start() < b.range.end()) {
            push(&mut buf, c, TokenKind::Comment, false);
        }
        emit(&mut buf);
    }
    for c in comments {
        push(&mut buf, c, TokenKind::Comment, false);
    }
    emit(&mut buf);
}

/// The tokens of one chunk of a file (`blocks`: the top-level blocks of
/// its document that the chunk holds), in order, into `out`. Gives whether
/// any token's kind is what a name resolves to in the workspace (a name
/// that may be a leader or a team): those tokens may change when
/// [`names_fingerprint`] does; all others are a function of the chunk's
/// text alone. The tokens of the chunks one after another are the file's
/// ([`for_each_semantic_token`]).
pub fn chunk_tokens(
    model: &Model,
    chunk: &Chunk,
    blocks: &[Block],
    out: &mut Vec<SemanticToken>,
) -> bool {
    let mut resolved = false;
    for b in blocks {
        block_tokens(model, b, out, &mut resolved);
    }
    for c in chunk.comments() {
        push(out, c, TokenKind::Comment, false);
    }
    out.sort_by_key(|t| (t.range.start(), t.range.end()));
    resolved
}

/// A hash of what every name that may be a leader or a team resolves to
/// (a leader, a team, or nothing) in the workspace: while it is the same,
/// so is every token [`chunk_tokens`] says depends on the workspace.
pub fn names_fingerprint(model: &Model) -> u64 {
    model.names_fingerprint()
}

/// The tokens of a top-level block and of the blocks in it; `resolved` is
/// set if a token's kind is what a name resolves to in the workspace.
fn block_tokens(model: &Model, top: &Block, out: &mut Vec<SemanticToken>, resolved: &mut bool) {
    let mut stack: Vec<(&Block, Option<BlockKind>)> = vec![(top, None)];
    while let Some((b, parent)) = stack.pop() {
        let kind = BlockKind::from_keyword(&b.kind.text).filter(|k| match parent {
            None => k.spec().top_level,
            Some(p) => p.spec().children.contains(k),
        });
        if kind.is_some() {
            push(out, b.kind.range, TokenKind::Keyword, false);
        }
        if let Some(name) = &b.name {
            match kind {
                Some(BlockKind::DependsOn) => push(out, name.range, TokenKind::Team, false),
                Some(BlockKind::Leader) => push(out, name.range, TokenKind::Leader, true),
                Some(BlockKind::Team) => push(out, name.range, TokenKind::Team, true),
                Some(BlockKind::Initiative) => push(out, name.range, TokenKind::Initiative, true),
                None => {}
            }
        }
        if let Some(title) = &b.title {
            push(out, title.range, TokenKind::String, false);
        }
        for p in &b.properties {
            property(model, p, kind, out, resolved);
        }
        stack.extend(b.children.iter().rev().map(|c| (c, kind)));
    }
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

fn property(
    m: &Model,
    p: &Property,
    block: Option<BlockKind>,
    out: &mut Vec<SemanticToken>,
    resolved: &mut bool,
) {
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
                Some(ty) if ref_kind(ty).is_some() => {
                    *resolved |= ref_kind(ty) == Some(RefKind::LeaderOrTeam);
                    reference(m, id, ref_kind(ty))
                }
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

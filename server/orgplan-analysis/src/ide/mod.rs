//! Editor features over the analysis: hover, completion, navigation, symbols
//! and the rest, one file per feature. Every function takes the
//! [`Workspace`] and its cached [`Analysis`] and speaks byte offsets and
//! plain data; the language server converts to and from LSP.

pub mod checklist;
pub mod code_actions;
pub mod code_lens;
pub mod completion;
pub mod config_file;
pub mod folding;
pub mod hover;
pub mod inlay_hints;
pub mod navigation;
pub mod rename;
pub mod semantic_tokens;
pub mod snippet;
pub mod symbols;

#[cfg(test)]
pub(crate) mod fixture;

use crate::model::{EntityId, RefKind};
use crate::schema::{self, BlockKind, EnumValue, ValueType};
use crate::syntax::Block;
use crate::text::{FileId, Loc, TextRange};
use crate::{Analysis, Workspace};

/// What the cursor is on.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// The id in a declaration's head.
    Decl { entity: EntityId, range: TextRange },
    /// An id used as a value (or a `depends_on` target).
    Ref {
        name: String,
        kind: RefKind,
        range: TextRange,
        resolved: Option<EntityId>,
    },
    /// A block's kind keyword.
    Keyword { kind: BlockKind, range: TextRange },
    /// A property key of a known block kind.
    Key {
        block: BlockKind,
        key: String,
        range: TextRange,
    },
    /// A value with a meaning of its own (`ownership`, a role).
    Value {
        value: &'static EnumValue,
        range: TextRange,
    },
}

impl Target {
    pub fn range(&self) -> TextRange {
        match self {
            Target::Decl { range, .. }
            | Target::Ref { range, .. }
            | Target::Keyword { range, .. }
            | Target::Key { range, .. }
            | Target::Value { range, .. } => *range,
        }
    }

    /// The entity named here, declared or referred to.
    pub fn entity(&self) -> Option<EntityId> {
        match self {
            Target::Decl { entity, .. } => Some(*entity),
            Target::Ref { resolved, .. } => *resolved,
            _ => None,
        }
    }
}

/// The kind of reference a property's values are, if they are references.
pub fn ref_kind(ty: ValueType) -> Option<RefKind> {
    match ty {
        ValueType::Leader => Some(RefKind::Leader),
        ValueType::Teams => Some(RefKind::Team),
        ValueType::Owner | ValueType::Approvers => Some(RefKind::LeaderOrTeam),
        _ => None,
    }
}

/// The entity declared by the block head `name` in `file`.
pub fn decl_at(
    analysis: &Analysis,
    file: FileId,
    name: &str,
    range: TextRange,
) -> Option<EntityId> {
    let loc = Loc::new(file, range);
    analysis
        .model
        .declarations(name)
        .find(|e| analysis.model.decl(*e).name == loc)
}

/// What is at `offset` in `file` (a cursor just after a word still touches it).
pub fn target_at(
    ws: &Workspace,
    analysis: &Analysis,
    file: FileId,
    offset: usize,
) -> Option<Target> {
    let doc = ws.file(file)?.doc();
    let mut blocks: &[Block] = &doc.blocks;
    let mut parent: Option<BlockKind> = None;
    loop {
        let block = blocks.iter().find(|b| b.range.touches(offset))?;
        let kind = BlockKind::from_keyword(&block.kind.text).filter(|k| match parent {
            None => k.spec().top_level,
            Some(p) => p.spec().children.contains(k),
        });
        if block.kind.range.touches(offset) {
            return kind.map(|kind| Target::Keyword {
                kind,
                range: block.kind.range,
            });
        }
        if let Some(name) = block.name.as_ref().filter(|n| n.range.touches(offset)) {
            return match kind? {
                BlockKind::DependsOn => Some(Target::Ref {
                    name: name.text.to_string(),
                    kind: RefKind::Team,
                    range: name.range,
                    resolved: analysis.model.lookup(&name.text, RefKind::Team),
                }),
                _ => decl_at(analysis, file, &name.text, name.range).map(|entity| Target::Decl {
                    entity,
                    range: name.range,
                }),
            };
        }
        let kind = kind?;
        if let Some(child) = block.children.iter().find(|c| c.range.touches(offset)) {
            blocks = std::slice::from_ref(child);
            parent = Some(kind);
            continue;
        }
        let prop = block.properties.iter().find(|p| p.range.touches(offset))?;
        let spec = kind.spec().property(&prop.key.text);
        if prop.key.range.touches(offset) {
            return spec.map(|_| Target::Key {
                block: kind,
                key: prop.key.text.to_string(),
                range: prop.key.range,
            });
        }
        let spec = spec?;
        let value = prop.values.iter().find(|v| v.range.touches(offset))?;
        let ident = value.as_ident()?;
        if let Some(rk) = ref_kind(spec.ty) {
            return Some(Target::Ref {
                name: ident.to_string(),
                kind: rk,
                range: value.range,
                resolved: analysis.model.lookup(ident, rk),
            });
        }
        return match spec.ty {
            ValueType::Enum(values) => values.iter().find(|v| v.name == ident),
            ValueType::Roles => schema::KNOWN_ROLES.iter().find(|v| v.name == ident),
            _ => None,
        }
        .map(|v| Target::Value {
            value: v,
            range: value.range,
        });
    }
}

/// `what` as a Markdown code span.
pub(crate) fn code(what: &str) -> String {
    format!("`{what}`")
}

/// Whether `c` may be part of an identifier.
pub fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Whether `s` is a valid identifier: `[A-Za-z_][A-Za-z0-9_-]*`, not a boolean.
pub fn is_valid_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(is_ident_char)
        && s != "true"
        && s != "false"
}

//! Go to definition, find references, document highlight.

use super::{target_at, Target};
use crate::model::EntityId;
use crate::text::{FileId, Loc, TextRange};
use crate::{Analysis, Workspace};

/// Where the id at `offset` is declared (every declaration of it that the
/// place accepts: a duplicate shows up too).
pub fn definition(ws: &Workspace, analysis: &Analysis, file: FileId, offset: usize) -> Vec<Loc> {
    let m = &analysis.model;
    match target_at(ws, analysis, file, offset) {
        Some(Target::Decl { entity, .. }) => vec![m.decl(entity).name],
        Some(Target::Ref { name, kind, .. }) => m
            .declarations(name.as_str())
            .filter(|e| kind.accepts(*e))
            .map(|e| m.decl(e).name)
            .collect(),
        _ => Vec::new(),
    }
}

/// The entity at `offset`, declared or referred to.
pub fn entity_at(
    ws: &Workspace,
    analysis: &Analysis,
    file: FileId,
    offset: usize,
) -> Option<EntityId> {
    match target_at(ws, analysis, file, offset)? {
        // An id of a kind the place does not take names that entity all
        // the same (`undefined-reference` says so, and a rename takes it:
        // [`references_to`]).
        Target::Ref {
            name,
            resolved: None,
            ..
        } => analysis.model.any(&name),
        t => t.entity(),
    }
}

/// Every reference to `entity`, in the workspace's order: those that
/// resolve to it, and those that write its id where it is of a kind they
/// do not take (`teams: jane` for a leader `jane`, which
/// `undefined-reference` reports as naming her): a rename that left them
/// would make them name nothing.
pub fn references_to(analysis: &Analysis, entity: EntityId) -> Vec<Loc> {
    let m = &analysis.model;
    let id = m.decl(entity).id.as_str();
    let mut out: Vec<Loc> = m
        .references()
        .filter(|r| match m.resolve(r) {
            Some(e) => e == entity,
            None => r.name == id && m.any(id) == Some(entity),
        })
        .map(|r| r.loc)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The references to the entity at `offset` (and its declaration, if asked).
pub fn references(
    ws: &Workspace,
    analysis: &Analysis,
    file: FileId,
    offset: usize,
    include_declaration: bool,
) -> Vec<Loc> {
    let Some(entity) = entity_at(ws, analysis, file, offset) else {
        return Vec::new();
    };
    let mut out = references_to(analysis, entity);
    if include_declaration {
        out.insert(0, analysis.model.decl(entity).name);
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The declaration.
    Write,
    /// A use.
    Read,
}

/// The occurrences, in `file`, of the entity at `offset`.
pub fn highlights(
    ws: &Workspace,
    analysis: &Analysis,
    file: FileId,
    offset: usize,
) -> Vec<(TextRange, Access)> {
    let Some(entity) = entity_at(ws, analysis, file, offset) else {
        return Vec::new();
    };
    let decl = analysis.model.decl(entity).name;
    let mut out = Vec::new();
    if decl.file == file {
        out.push((decl.range, Access::Write));
    }
    out.extend(
        references_to(analysis, entity)
            .into_iter()
            .filter(|l| l.file == file)
            .map(|l| (l.range, Access::Read)),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::fixture;

    const PLAN: &str = r#"
        initiative fba "FBA" { leader: jane teams: inbound approvals: jane }
        team inbound "Inbound" { reports_to: ja$0ne depends_on billing { owner: inbound } }
        #- people.orgplan
        leader jane "Jane" { }
        team billing "Billing" { reports_to: jane }
        team jane-team "J" { }
    "#;

    #[test]
    fn definition_across_files() {
        let f = fixture(PLAN);
        let defs: Vec<String> = definition(&f.ws, &f.analysis, f.file, f.offset)
            .into_iter()
            .map(|l| f.show(l))
            .collect();
        assert_eq!(defs, vec!["people.orgplan:7..11 `jane`"]);
    }

    #[test]
    fn references_with_and_without_declaration() {
        let f = fixture(PLAN);
        let refs: Vec<String> = references(&f.ws, &f.analysis, f.file, f.offset, true)
            .into_iter()
            .map(|l| f.show(l))
            .collect();
        insta::assert_snapshot!(refs.join("\n"));
        assert_eq!(
            references(&f.ws, &f.analysis, f.file, f.offset, false).len(),
            refs.len() - 1
        );
    }

    #[test]
    fn references_from_the_declaration_and_depends_on_target() {
        let f = fixture("team a$0 \"A\" { }\nteam b \"B\" { depends_on a { owner: b } }\ninitiative i \"I\" { teams: a, b }\n");
        let refs: Vec<String> = references(&f.ws, &f.analysis, f.file, f.offset, false)
            .into_iter()
            .map(|l| f.show(l))
            .collect();
        assert_eq!(
            refs,
            vec!["main.orgplan:39..40 `a`", "main.orgplan:82..83 `a`"]
        );
    }

    #[test]
    fn highlights_in_one_file() {
        let f = fixture("leader j$0 \"J\" { }\ninitiative i \"I\" { leader: j approvals: j }\n");
        let hs = highlights(&f.ws, &f.analysis, f.file, f.offset);
        assert_eq!(hs.len(), 3);
        assert_eq!(hs[0].1, Access::Write);
        assert!(hs[1..].iter().all(|h| h.1 == Access::Read));
    }

    #[test]
    fn nothing_on_an_undeclared_name_or_a_key() {
        let f = fixture("initiative i \"I\" { leader: nob$0ody }\n");
        assert!(definition(&f.ws, &f.analysis, f.file, f.offset).is_empty());
        let f = fixture("initiative i \"I\" { lead$0er: x }\n");
        assert!(references(&f.ws, &f.analysis, f.file, f.offset, true).is_empty());
    }
}

//! What every view reads from the model: the edges written in each
//! entity's block, the nodes' keys, and which block holds each finding.
//! The views are cut from these directly, so that a picture of part of a
//! large plan costs what that part costs, not what the whole plan does.

use super::{owned, EdgeKind, Marks, Node, NodeKind};
use crate::model::{EntityId, Model, Reference};
use crate::rules::Finding;
use crate::text::{FileId, Loc, TextRange};
use crate::Analysis;
use rustc_hash::FxHashMap;

/// One end of an edge: an entity, or a name declared nowhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum End<'a> {
    Entity(EntityId),
    Undeclared(&'a str),
}

/// An edge as the model has it, written in one entity's block.
#[derive(Clone, Copy, Debug)]
pub(super) struct Link<'a> {
    pub from: End<'a>,
    pub to: End<'a>,
    pub kind: EdgeKind,
    /// Where it is written: the reference, or the `depends_on` block.
    pub place: Loc,
    /// For a dependency: its index in the team's `dependencies`.
    pub dependency: usize,
}

impl<'a> Link<'a> {
    /// The end that is not `x` (`x` itself for an edge from `x` to `x`).
    pub fn other(&self, x: End<'a>) -> End<'a> {
        if self.from == x {
            self.to
        } else {
            self.from
        }
    }
}

/// What a reference names, as the end of an edge: nothing for a name
/// declared as something else (the reference is wrong, not the name; the
/// finding is on the referring node).
pub(super) fn end<'a>(m: &Model, r: &'a Reference) -> Option<End<'a>> {
    match m.resolve(r) {
        Some(t) => Some(End::Entity(t)),
        None if m.is_declared(r.name.as_str()) => None,
        None => Some(End::Undeclared(r.name.as_str())),
    }
}

/// The edges written in `e`'s block, into `out` (cleared first), in the
/// order the whole plan lists them.
pub(super) fn links<'a>(m: &'a Model, e: EntityId, out: &mut Vec<Link<'a>>) {
    out.clear();
    let me = End::Entity(e);
    let mut push = |from: Option<End<'a>>, to: Option<End<'a>>, kind, place, dependency| {
        if let (Some(from), Some(to)) = (from, to) {
            out.push(Link {
                from,
                to,
                kind,
                place,
                dependency,
            });
        }
    };
    match e {
        EntityId::Leader(l) => {
            if let Some(r) = &m.leaders[l].reports_to {
                push(Some(me), end(m, r), EdgeKind::ReportsTo, r.loc, 0);
            }
        }
        EntityId::Initiative(i) => {
            let init = &m.initiatives[i];
            if let Some(r) = &init.leader {
                push(end(m, r), Some(me), EdgeKind::Leads, r.loc, 0);
            }
            for r in &init.teams {
                push(end(m, r), Some(me), EdgeKind::Serves, r.loc, 0);
            }
        }
        EntityId::Team(t) => {
            let team = &m.teams[t];
            if let Some(r) = &team.reports_to {
                push(Some(me), end(m, r), EdgeKind::ReportsTo, r.loc, 0);
            }
            for (k, d) in team.dependencies.iter().enumerate() {
                let kind = if owned(m, t, d) {
                    EdgeKind::DependsOn
                } else {
                    EdgeKind::DependsOnUnowned
                };
                push(Some(me), end(m, &d.target), kind, d.block, k);
            }
        }
    }
}

/// The entities whose blocks may write an edge with `x` at one end: `x`
/// itself and whatever refers to it.
pub(super) fn writers<'a>(m: &'a Model, x: End<'_>) -> impl Iterator<Item = EntityId> + 'a {
    let (own, referrers) = match x {
        End::Entity(e) => (Some(e), m.referrers(e)),
        End::Undeclared(name) => (None, m.dangling(name)),
    };
    own.into_iter().chain(referrers)
}

/// The prefix of an entity's node key.
pub(super) fn prefix(e: EntityId) -> &'static str {
    match e {
        EntityId::Leader(_) => "leader",
        EntityId::Initiative(_) => "initiative",
        EntityId::Team(_) => "team",
    }
}

/// A node's key: `kind:id`, and `#n` after it for the n-th node of that
/// kind with that id (a duplicate declaration).
pub(super) fn key(kind: &str, id: &str, n: usize) -> String {
    if n <= 1 {
        format!("{kind}:{id}")
    } else {
        format!("{kind}:{id}#{n}")
    }
}

/// The keys of nodes made in order: counts each kind's ids as they come.
#[derive(Default)]
pub(super) struct Keys<'a> {
    seen: FxHashMap<(&'static str, &'a str), usize>,
}

impl<'a> Keys<'a> {
    pub fn next(&mut self, kind: &'static str, id: &'a str) -> String {
        let n = self.seen.entry((kind, id)).or_insert(0);
        *n += 1;
        key(kind, id, *n)
    }
}

/// The key of entity `e` in the whole plan, without making the others:
/// the n-th of its kind declared with its id.
pub(super) fn entity_key(m: &Model, e: EntityId) -> String {
    let id = m.decl(e).id.as_str();
    let before = m
        .declarations(id)
        .filter(|x| x.slot().0 == e.slot().0 && *x < e)
        .count();
    key(prefix(e), id, before + 1)
}

/// The node of entity `e`, without its findings.
pub(super) fn entity_node(m: &Model, e: EntityId, key: String) -> Node {
    let decl = m.decl(e);
    let (kind, detail) = match e {
        EntityId::Leader(l) => (
            NodeKind::Leader,
            m.leaders[l].job_title.as_ref().map(|t| t.to_string()),
        ),
        EntityId::Initiative(_) => (NodeKind::Initiative, None),
        EntityId::Team(t) if m.teams[t].functional => (NodeKind::FunctionalTeam, None),
        EntityId::Team(_) => (NodeKind::Team, None),
    };
    Node {
        key,
        kind,
        id: decl.id.to_string(),
        title: decl
            .title
            .as_ref()
            .filter(|t| !t.trim().is_empty())
            .map(|t| t.to_string()),
        detail,
        entity: Some(e),
        place: Some(decl.name),
        extent: Some(decl.block),
        marks: Marks::default(),
        teams: usize::from(matches!(e, EntityId::Team(_))),
    }
}

/// The node of a name declared nowhere.
pub(super) fn undeclared_node(name: &str) -> Node {
    placeless_node(
        format!("undeclared:{name}"),
        NodeKind::Undeclared,
        name.to_string(),
        None,
    )
}

/// A node of no entity and no place in the text: a name declared nowhere,
/// or one of the overview's folds of what is on no initiative.
pub(super) fn placeless_node(
    key: String,
    kind: NodeKind,
    id: String,
    title: Option<String>,
) -> Node {
    Node {
        key,
        kind,
        id,
        title,
        detail: None,
        entity: None,
        place: None,
        extent: None,
        marks: Marks::default(),
        teams: 0,
    }
}

/// Per file, the entities' blocks by start (top-level blocks do not nest).
pub(super) struct Blocks<T> {
    by_file: FxHashMap<FileId, Vec<(TextRange, T)>>,
}

impl<T: Copy + Ord> Blocks<T> {
    pub fn new(blocks: impl Iterator<Item = (Loc, T)>) -> Blocks<T> {
        let mut by_file: FxHashMap<FileId, Vec<(TextRange, T)>> = FxHashMap::default();
        for (x, t) in blocks {
            by_file.entry(x.file).or_default().push((x.range, t));
        }
        for v in by_file.values_mut() {
            v.sort_by_key(|(r, t)| (r.start(), *t));
        }
        Blocks { by_file }
    }

    /// The block that holds `loc`.
    pub fn holder(&self, loc: Loc) -> Option<T> {
        let list = self.by_file.get(&loc.file)?;
        let at = list.partition_point(|(b, _)| b.start() <= loc.range.start());
        list[..at]
            .iter()
            .rev()
            .take(4)
            .find(|(b, _)| b.contains_range(loc.range))
            .map(|&(_, t)| t)
    }
}

/// The blocks of every entity of the model.
pub(super) fn entity_blocks(m: &Model) -> Blocks<EntityId> {
    Blocks::new(m.entities().map(|e| (m.decl(e).block, e)))
}

/// The innermost of `links` whose place holds `f` (the first of equals).
pub(super) fn best_link(links: &[Link], f: &Finding) -> Option<usize> {
    links
        .iter()
        .enumerate()
        .filter(|(_, l)| l.place.range.contains_range(f.loc.range))
        .min_by_key(|(_, l)| l.place.range.len())
        .map(|(k, _)| k)
}

/// The findings the whole plan places in `e`'s block (indexes into
/// `analysis.findings`, in order), each with the link of `links` (those
/// of `e`) it falls on.
pub(super) fn findings_in_block(
    analysis: &Analysis,
    blocks: &Blocks<EntityId>,
    e: EntityId,
    links: &[Link],
) -> Vec<(usize, Option<usize>)> {
    let block = analysis.model.decl(e).block;
    let all = &analysis.findings;
    let from = all
        .partition_point(|f| (f.loc.file, f.loc.range.start()) < (block.file, block.range.start()));
    all[from..]
        .iter()
        .take_while(|f| f.loc.file == block.file && f.loc.range.start() <= block.range.end())
        .enumerate()
        .filter(|(_, f)| blocks.holder(f.loc) == Some(e))
        .map(|(k, f)| (from + k, best_link(links, f)))
        .collect()
}

/// Adds the findings `found` (indexes, ascending) to `marks`.
pub(super) fn mark(marks: &mut Marks, analysis: &Analysis, found: impl Iterator<Item = usize>) {
    for i in found {
        marks.add(&analysis.findings[i]);
    }
}

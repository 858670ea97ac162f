//! One node's neighbourhood in the whole plan, cut from the model: a
//! breadth-first walk over the references, both ways, to the depth asked
//! for, and only the nodes it reaches made and marked. The same graph as
//! [`super::focus`] cuts from [`super::View::Whole`], at the cost of the
//! neighbourhood rather than of the plan.

use super::source::{self, Blocks, End, Link};
use super::{Edge, EdgeKind, Graph, Marks};
use crate::model::{EntityId, Model};
use crate::Analysis;
use rustc_hash::FxHashMap;
use std::collections::VecDeque;

/// The node of the whole plan that `id` names: its key, or else the first
/// node with that id (declarations before undeclared names).
pub(super) fn find<'a>(m: &'a Model, id: &'a str) -> Option<End<'a>> {
    by_key(m, id).or_else(|| {
        let first = m.declarations(id).min();
        match first {
            Some(e) => Some(End::Entity(e)),
            None => is_node(m, id).then_some(End::Undeclared(id)),
        }
    })
}

/// The node whose key is `key`: `leader:x`, `team:x#2`, `undeclared:x`.
fn by_key<'a>(m: &'a Model, key: &'a str) -> Option<End<'a>> {
    let (kind, rest) = key.split_once(':')?;
    if kind == "undeclared" {
        return (!m.is_declared(rest) && is_node(m, rest)).then_some(End::Undeclared(rest));
    }
    let numbered = rest
        .rsplit_once('#')
        .and_then(|(id, n)| Some((id, n.parse::<usize>().ok()?)));
    numbered
        .and_then(|(id, n)| nth(m, kind, id, n, key))
        .or_else(|| nth(m, kind, rest, 1, key))
}

/// The `n`-th entity of `kind` declared as `id`, if `key` is its key.
fn nth<'a>(m: &Model, kind: &str, id: &str, n: usize, key: &str) -> Option<End<'a>> {
    let mut same: Vec<EntityId> = m
        .declarations(id)
        .filter(|e| source::prefix(*e) == kind)
        .collect();
    same.sort_unstable();
    let e = *same.get(n.checked_sub(1)?)?;
    // Only the form the keys are written in (`#2`, never `#1` or `#02`).
    (source::key(kind, id, n) == key).then_some(End::Entity(e))
}

/// Whether an undeclared name is a node: some edge of the plan names it.
fn is_node(m: &Model, name: &str) -> bool {
    first_written(m, name).is_some()
}

/// Where an undeclared name is first written as an edge's end: the entity,
/// and the edge's place among that entity's links. The whole plan makes
/// undeclared nodes in this order.
fn first_written(m: &Model, name: &str) -> Option<(EntityId, usize)> {
    let me = End::Undeclared(name);
    let mut buf = Vec::new();
    source::writers(m, me).find_map(|w| {
        source::links(m, w, &mut buf);
        buf.iter()
            .position(|l| l.from == me || l.to == me)
            .map(|k| (w, k))
    })
}

/// The nodes at most `depth` edges (either way) from `center`, in the
/// whole plan's order.
fn reach<'a>(m: &'a Model, center: End<'a>, depth: usize) -> Vec<End<'a>> {
    let mut dist: FxHashMap<End<'a>, usize> = FxHashMap::default();
    dist.insert(center, 0);
    let mut queue = VecDeque::from([(center, 0)]);
    let mut buf = Vec::new();
    while let Some((x, d)) = queue.pop_front() {
        if d >= depth {
            continue;
        }
        for w in source::writers(m, x) {
            source::links(m, w, &mut buf);
            for l in buf.iter().filter(|l| l.from == x || l.to == x) {
                let y = l.other(x);
                if let std::collections::hash_map::Entry::Vacant(v) = dist.entry(y) {
                    v.insert(d + 1);
                    queue.push_back((y, d + 1));
                }
            }
        }
    }
    let mut nodes: Vec<(Rank, End<'a>)> = dist.into_keys().map(|x| (rank(m, x), x)).collect();
    nodes.sort_unstable();
    nodes.into_iter().map(|(_, x)| x).collect()
}

/// A node's place in the whole plan's order: entities first, in the
/// model's order, then undeclared names by where they are first written.
type Rank = (u8, EntityId, usize);

fn rank(m: &Model, x: End) -> Rank {
    match x {
        End::Entity(e) => (0, e, 0),
        End::Undeclared(name) => {
            let (w, k) = first_written(m, name).expect("a reached name is written");
            (1, w, k)
        }
    }
}

/// The neighbourhood of `center` in the whole plan, to `depth`.
pub(super) fn around(analysis: &Analysis, center: End, depth: usize) -> Graph {
    let m = &analysis.model;
    let nodes = reach(m, center, depth);
    let index: FxHashMap<End, usize> = nodes.iter().enumerate().map(|(i, &x)| (x, i)).collect();
    let mut marks = Marker::new(analysis);
    let mut g = Graph {
        caption: format!("around {} (depth {depth})", label(m, center)),
        ..Graph::default()
    };
    for &x in &nodes {
        let mut node = match x {
            End::Entity(e) => source::entity_node(m, e, source::entity_key(m, e)),
            End::Undeclared(name) => source::undeclared_node(name),
        };
        node.marks = marks.of_node(x);
        g.nodes.push(node);
    }
    for &x in &nodes {
        let End::Entity(e) = x else { continue };
        let (links, found) = marks.block(e);
        for (k, l) in links.iter().enumerate() {
            let (Some(&from), Some(&to)) = (index.get(&l.from), index.get(&l.to)) else {
                continue;
            };
            let mut edge = Edge::new(from, to, l.kind, l.place);
            let on = found.iter().filter(|(_, at)| *at == Some(k));
            source::mark(&mut edge.marks, analysis, on.map(|(f, _)| *f));
            g.edges.push(edge);
        }
    }
    g
}

/// How the caption names the centre: its id.
fn label<'a>(m: &'a Model, x: End<'a>) -> &'a str {
    match x {
        End::Entity(e) => &m.decl(e).id,
        End::Undeclared(name) => name,
    }
}

/// The findings of the blocks a neighbourhood touches, each block's
/// worked out once.
struct Marker<'a> {
    analysis: &'a Analysis,
    blocks: Blocks<EntityId>,
    /// Per block: its links, and its findings with the link each is on.
    done: FxHashMap<EntityId, Block<'a>>,
}

type Block<'a> = (Vec<Link<'a>>, Vec<(usize, Option<usize>)>);

impl<'a> Marker<'a> {
    fn new(analysis: &'a Analysis) -> Marker<'a> {
        Marker {
            analysis,
            blocks: source::entity_blocks(&analysis.model),
            done: FxHashMap::default(),
        }
    }

    fn block(&mut self, e: EntityId) -> &Block<'a> {
        let (analysis, blocks) = (self.analysis, &self.blocks);
        self.done.entry(e).or_insert_with(|| {
            let mut links = Vec::new();
            source::links(&analysis.model, e, &mut links);
            let found = source::findings_in_block(analysis, blocks, e, &links);
            (links, found)
        })
    }

    /// The findings on node `x`: those in its block, and those on a
    /// `leader:` or `teams:` reference naming it, in the findings' order.
    fn of_node(&mut self, x: End<'a>) -> Marks {
        let mut found: Vec<usize> = Vec::new();
        if let End::Entity(e) = x {
            found.extend(self.block(e).1.iter().map(|(f, _)| *f));
        }
        let writers: Vec<EntityId> = source::writers(&self.analysis.model, x)
            .filter(|w| matches!(w, EntityId::Initiative(_)) && End::Entity(*w) != x)
            .collect();
        for w in writers {
            let (links, on) = self.block(w);
            found.extend(on.iter().filter_map(|&(f, at)| {
                let l = &links[at?];
                let names_x = matches!(l.kind, EdgeKind::Leads | EdgeKind::Serves)
                    && l.other(End::Entity(w)) == x;
                names_x.then_some(f)
            }));
        }
        found.sort_unstable();
        found.dedup();
        let mut marks = Marks::default();
        source::mark(&mut marks, self.analysis, found.into_iter());
        marks
    }
}

//! The whole plan: every entity a node, every reference that names one an
//! edge, every finding placed.

use super::source::{self, End, Keys, Link};
use super::{entity_count, Edge, EdgeKind, Graph};
use crate::model::EntityId;
use crate::Analysis;
use rustc_hash::FxHashMap;

/// Nodes are made in the order of `m.entities()` (leaders, initiatives,
/// teams: an entity's node is its place in that order), then the names
/// declared nowhere, in the order they are first written.
pub(super) fn whole(analysis: &Analysis) -> Graph {
    let m = &analysis.model;
    let mut g = Graph {
        caption: "whole plan".into(),
        ..Graph::default()
    };
    g.nodes.reserve(entity_count(analysis));
    let mut keys = Keys::default();
    for e in m.entities() {
        let key = keys.next(source::prefix(e), &m.decl(e).id);
        g.nodes.push(source::entity_node(m, e, key));
    }
    // Per entity, where its edges start in `g.edges`.
    let mut first_edge = Vec::with_capacity(g.nodes.len() + 1);
    let mut undeclared: FxHashMap<&str, usize> = FxHashMap::default();
    let mut buf = Vec::new();
    for e in m.entities() {
        first_edge.push(g.edges.len());
        source::links(m, e, &mut buf);
        for l in &buf {
            let from = node_of(&mut g, &mut undeclared, analysis, l.from);
            let to = node_of(&mut g, &mut undeclared, analysis, l.to);
            g.edges.push(Edge::new(from, to, l.kind, l.place));
        }
    }
    first_edge.push(g.edges.len());
    place_findings(analysis, &mut g, &first_edge);
    g
}

/// The node of an end: an entity's place in the model's order, or the
/// node of an undeclared name (made when first met).
fn node_of<'a>(
    g: &mut Graph,
    undeclared: &mut FxHashMap<&'a str, usize>,
    analysis: &Analysis,
    end: End<'a>,
) -> usize {
    match end {
        End::Entity(e) => entity_index(analysis, e),
        End::Undeclared(name) => *undeclared.entry(name).or_insert_with(|| {
            g.nodes.push(source::undeclared_node(name));
            g.nodes.len() - 1
        }),
    }
}

/// An entity's place in the model's order.
pub(super) fn entity_index(analysis: &Analysis, e: EntityId) -> usize {
    let m = &analysis.model;
    match e {
        EntityId::Leader(l) => l,
        EntityId::Initiative(i) => m.leaders.len() + i,
        EntityId::Team(t) => m.leaders.len() + m.initiatives.len() + t,
    }
}

/// Puts each finding on the node whose block holds it, on the edge
/// written where it points, and, for a `leader:` or `teams:` reference, on
/// the node it names. `first_edge[n]..first_edge[n + 1]` are the edges
/// written in entity node `n`'s block.
fn place_findings(analysis: &Analysis, g: &mut Graph, first_edge: &[usize]) {
    let m = &analysis.model;
    let blocks = source::entity_blocks(m);
    let mut buf: Vec<Link> = Vec::new();
    let mut links_of = None;
    for f in &analysis.findings {
        let Some(e) = blocks.holder(f.loc) else {
            g.unplaced.add(f);
            continue;
        };
        let n = entity_index(analysis, e);
        g.nodes[n].marks.add(f);
        if links_of != Some(e) {
            source::links(m, e, &mut buf);
            links_of = Some(e);
        }
        let Some(k) = source::best_link(&buf, f) else {
            continue;
        };
        let ei = first_edge[n] + k;
        g.edges[ei].marks.add(f);
        // A finding on `leader: x` or `teams: …, x` is about x too (a
        // part-time leader, a team on two initiatives).
        let e = &g.edges[ei];
        if matches!(e.kind, EdgeKind::Leads | EdgeKind::Serves) {
            let other = if e.from == n { e.to } else { e.from };
            if other != n {
                g.nodes[other].marks.add(f);
            }
        }
    }
}

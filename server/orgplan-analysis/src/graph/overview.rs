//! The overview: each initiative with its teams as one node, dependencies
//! between them aggregated. Made from the model in one pass over the
//! initiatives, the teams and the findings, without the whole plan's
//! nodes and edges (the same graph as folding [`super::View::Whole`]).

use super::source::{self, End, Keys};
use super::whole::entity_index;
use super::{owned, Edge, EdgeKind, Graph, Marks, NodeKind};
use crate::model::{EntityId, Model};
use crate::Analysis;
use rustc_hash::FxHashMap;

/// Each initiative with its teams as one node; a team on several
/// initiatives joins the first. Teams on none, and leaders leading none,
/// make one node. Leaders fold into the initiatives they lead (their
/// findings too). Dependencies between groups become one edge per pair.
pub(super) fn overview(analysis: &Analysis) -> Graph {
    let m = &analysis.model;
    let found = Found::of(analysis);
    let mut o = Overview {
        m,
        g: Graph {
            caption: "overview".into(),
            ..Graph::default()
        },
        team_group: vec![None; m.teams.len()],
        undeclared_group: FxHashMap::default(),
        rest: [None, None],
    };
    o.groups();
    o.fold_leaders(&found);
    o.fold_initiatives(&found);
    o.fold_teams(&found);
    o.details();
    o.dependencies(&found);
    o.g
}

/// The findings on every entity and dependency, counted (only an
/// initiative's listed: a folded node says how many, its members what).
struct Found {
    /// Per entity, in the model's order.
    nodes: Vec<Marks>,
    /// Per team and dependency.
    dependencies: FxHashMap<(usize, usize), Marks>,
}

impl Found {
    fn of(analysis: &Analysis) -> Found {
        let m = &analysis.model;
        let mut found = Found {
            nodes: vec![Marks::default(); super::entity_count(analysis)],
            dependencies: FxHashMap::default(),
        };
        let blocks = source::entity_blocks(m);
        let mut links = Vec::new();
        let mut links_of = None;
        for f in &analysis.findings {
            let Some(e) = blocks.holder(f.loc) else {
                continue;
            };
            let on = &mut found.nodes[entity_index(analysis, e)];
            if matches!(e, EntityId::Initiative(_)) {
                on.add(f);
            } else {
                on.count_in(f);
            }
            if links_of != Some(e) {
                source::links(m, e, &mut links);
                links_of = Some(e);
            }
            let Some(l) = source::best_link(&links, f).map(|k| links[k]) else {
                continue;
            };
            match (l.kind, e, l.other(End::Entity(e))) {
                (EdgeKind::DependsOn | EdgeKind::DependsOnUnowned, EntityId::Team(t), _) => {
                    let d = found.dependencies.entry((t, l.dependency)).or_default();
                    d.count_in(f);
                }
                // A finding on `leader: x` or `teams: …, x` is about x too.
                (EdgeKind::Leads | EdgeKind::Serves, _, End::Entity(x)) if x != e => {
                    found.nodes[entity_index(analysis, x)].count_in(f);
                }
                _ => {}
            }
        }
        found
    }
}

/// The overview as it is made.
struct Overview<'a> {
    m: &'a Model,
    g: Graph,
    /// Each team's group, once it has one.
    team_group: Vec<Option<usize>>,
    /// The group of an undeclared name listed under some `teams:`.
    undeclared_group: FxHashMap<&'a str, usize>,
    /// The nodes of the teams on no initiative (made when first needed):
    /// the others, and the functional teams.
    rest: [Option<usize>; 2],
}

impl<'a> Overview<'a> {
    /// A group per initiative (group `i` is initiative `i`); the teams
    /// each lists join it, unless they joined an earlier one.
    fn groups(&mut self) {
        let m = self.m;
        let mut keys = Keys::default();
        for (i, init) in m.initiatives.iter().enumerate() {
            let e = EntityId::Initiative(i);
            let mut node = source::entity_node(m, e, keys.next("initiative", &init.decl.id));
            node.kind = NodeKind::Group;
            node.detail = init.leader.as_ref().map(|r| format!("led by {}", r.name));
            node.teams = 0;
            self.g.nodes.push(node);
        }
        for (i, init) in m.initiatives.iter().enumerate() {
            for r in &init.teams {
                // A team counts in every initiative it serves.
                match source::end(m, r) {
                    Some(End::Entity(EntityId::Team(t))) => {
                        self.team_group[t].get_or_insert(i);
                    }
                    Some(End::Undeclared(name)) => {
                        self.undeclared_group.entry(name).or_insert(i);
                    }
                    Some(End::Entity(_)) => {}
                    None => continue,
                }
                self.g.nodes[i].teams += 1;
            }
        }
    }

    /// The node of the teams on no initiative (functional ones, or the
    /// others), made when first needed.
    fn unassigned(&mut self, functional: bool) -> usize {
        let g = &mut self.g;
        *self.rest[usize::from(functional)].get_or_insert_with(|| {
            let (key, title) = if functional {
                ("functional-teams", "Functional teams")
            } else {
                ("unassigned", "On no initiative")
            };
            g.nodes.push(super::source::placeless_node(
                key.into(),
                NodeKind::Unassigned,
                key.into(),
                Some(title.into()),
            ));
            g.nodes.len() - 1
        })
    }

    /// A leader's findings go to each initiative they lead, or, if none,
    /// to the node of the unassigned.
    fn fold_leaders(&mut self, found: &Found) {
        for l in 0..self.m.leaders.len() {
            let led = self.m.led_by(l);
            let marks = &found.nodes[l];
            if led.is_empty() {
                let gi = self.unassigned(false);
                self.g.nodes[gi].marks.merge(marks);
            }
            for i in led {
                self.g.nodes[i].marks.merge(marks);
            }
        }
    }

    /// An initiative's findings, listed, are its group's.
    fn fold_initiatives(&mut self, found: &Found) {
        let leaders = self.m.leaders.len();
        for (i, n) in self.g.nodes[..self.m.initiatives.len()]
            .iter_mut()
            .enumerate()
        {
            let marks = &found.nodes[leaders + i];
            n.marks.merge(marks);
            n.marks.notes.clone_from(&marks.notes);
        }
    }

    /// A team's findings go to its group (a team on none joins the node
    /// of the unassigned).
    fn fold_teams(&mut self, found: &Found) {
        let first = self.m.leaders.len() + self.m.initiatives.len();
        for t in 0..self.m.teams.len() {
            let gi = match self.team_group[t] {
                Some(gi) => gi,
                None => {
                    let gi = self.unassigned(self.m.teams[t].functional);
                    self.team_group[t] = Some(gi);
                    self.g.nodes[gi].teams += 1;
                    gi
                }
            };
            self.g.nodes[gi].marks.merge(&found.nodes[first + t]);
        }
    }

    /// Each group says how many teams it has (and who leads it).
    fn details(&mut self) {
        for n in &mut self.g.nodes {
            n.detail = Some(match (&n.detail, n.teams) {
                (Some(d), 1) => format!("1 team · {d}"),
                (Some(d), t) => format!("{t} teams · {d}"),
                (None, 1) => "1 team".into(),
                (None, t) => format!("{t} teams"),
            });
        }
    }

    /// The group an edge's end is in, if any.
    fn group_of(&self, x: End) -> Option<usize> {
        match x {
            End::Entity(EntityId::Team(t)) => self.team_group[t],
            End::Entity(EntityId::Initiative(i)) => Some(i),
            End::Entity(EntityId::Leader(_)) => None,
            End::Undeclared(name) => self.undeclared_group.get(name).copied(),
        }
    }

    /// Dependencies between groups, one edge per pair, in the order of
    /// the first.
    fn dependencies(&mut self, found: &Found) {
        let m = self.m;
        let mut pairs: FxHashMap<(usize, usize), usize> = FxHashMap::default();
        for (t, team) in m.teams.iter().enumerate() {
            for (k, d) in team.dependencies.iter().enumerate() {
                let Some(to) = source::end(m, &d.target) else {
                    continue;
                };
                let (Some(a), Some(b)) = (self.team_group[t], self.group_of(to)) else {
                    continue;
                };
                if a == b {
                    continue;
                }
                let edges = &mut self.g.edges;
                let at = *pairs.entry((a, b)).or_insert_with(|| {
                    let mut e = Edge::new(a, b, EdgeKind::DependsOn, d.block);
                    (e.count, e.unowned) = (0, 0);
                    edges.push(e);
                    edges.len() - 1
                });
                let agg = &mut edges[at];
                agg.count += 1;
                if !owned(m, t, d) {
                    agg.unowned += 1;
                    agg.kind = EdgeKind::DependsOnUnowned;
                }
                if let Some(marks) = found.dependencies.get(&(t, k)) {
                    agg.marks.merge(marks);
                }
            }
        }
    }
}

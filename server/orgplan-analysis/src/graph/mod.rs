//! The picture of a plan: who leads what, which teams serve which
//! initiative, who reports to whom and who depends on whom, drawn from the
//! same model the rules read, with the findings on each node and edge.
//!
//! [`build`] turns a workspace's [`Analysis`] into a [`Graph`]: plain data,
//! in the model's order, so the same plan always gives the same graph. The
//! views are the whole plan ([`View::Whole`]), the overview that folds each
//! initiative with its teams into one node ([`View::Overview`]), and the
//! neighbourhood of one node in either ([`focus`]). [`layout`] places a graph
//! on a plane; [`svg`], [`dot`], [`mermaid`] and [`doc`] (the JSON shape)
//! render it.

pub mod doc;
pub mod dot;
pub mod layout;
pub mod mermaid;
pub mod svg;

use crate::model::{EntityId, Model};
use crate::rules::{Finding, Severity};
use crate::text::{FileId, Loc, TextRange};
use crate::Analysis;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, HashMap, VecDeque};

/// How many findings a node or edge lists with their messages (all are
/// counted in [`Marks::count`]).
pub const MAX_NOTES: usize = 12;

/// Which picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Every leader, initiative and team.
    Whole,
    /// Each initiative folded with its teams into one node; dependencies
    /// between initiatives aggregated.
    Overview,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKind {
    Leader,
    Initiative,
    Team,
    /// A team with `functional: true`: a shared service, not on an initiative.
    FunctionalTeam,
    /// A name that is referred to but declared nowhere.
    Undeclared,
    /// Overview: an initiative with its teams.
    Group,
    /// Overview: the teams on no initiative, and the leaders who lead none.
    Unassigned,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Leader => "leader",
            NodeKind::Initiative => "initiative",
            NodeKind::Team => "team",
            NodeKind::FunctionalTeam => "functional-team",
            NodeKind::Undeclared => "undeclared",
            NodeKind::Group => "initiative-group",
            NodeKind::Unassigned => "unassigned",
        }
    }

    /// How the legend names it.
    pub fn describe(self) -> &'static str {
        match self {
            NodeKind::Leader => "Leader",
            NodeKind::Initiative => "Initiative",
            NodeKind::Team => "Team",
            NodeKind::FunctionalTeam => "Functional team",
            NodeKind::Undeclared => "Not declared",
            NodeKind::Group => "Initiative and its teams",
            NodeKind::Unassigned => "On no initiative",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// Leader → initiative (`leader:`).
    Leads,
    /// Team → initiative (the initiative's `teams:`).
    Serves,
    /// Team or leader → leader (`reports_to:`).
    ReportsTo,
    /// Team → team, owned by the depending team (or its leader, or its
    /// initiative's leader).
    DependsOn,
    /// Team → team, with no owner or owned outside the depending team.
    DependsOnUnowned,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Leads => "leads",
            EdgeKind::Serves => "serves",
            EdgeKind::ReportsTo => "reports-to",
            EdgeKind::DependsOn => "depends-on",
            EdgeKind::DependsOnUnowned => "depends-on-unowned",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            EdgeKind::Leads => "leads",
            EdgeKind::Serves => "serves",
            EdgeKind::ReportsTo => "reports to",
            EdgeKind::DependsOn => "depends on (owned)",
            EdgeKind::DependsOnUnowned => "depends on (unowned)",
        }
    }

    pub fn is_dependency(self) -> bool {
        matches!(self, EdgeKind::DependsOn | EdgeKind::DependsOnUnowned)
    }
}

/// One finding, as a node or edge shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
}

/// The findings on a node or edge.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Marks {
    /// The most severe, if any.
    pub worst: Option<Severity>,
    /// How many.
    pub count: usize,
    /// Their rules, sorted, each once.
    pub rules: Vec<&'static str>,
    /// The first [`MAX_NOTES`], in the order of the findings.
    pub notes: Vec<Note>,
}

impl Marks {
    fn add(&mut self, f: &Finding) {
        self.worst = Some(self.worst.map_or(f.severity, |w| w.min(f.severity)));
        self.count += 1;
        if let Err(at) = self.rules.binary_search(&f.rule) {
            self.rules.insert(at, f.rule);
        }
        if self.notes.len() < MAX_NOTES {
            self.notes.push(Note {
                rule: f.rule,
                severity: f.severity,
                message: f.message.clone(),
            });
        }
    }

    /// Adds another's counts and rules (not its notes: a folded node says
    /// how many, its members say what).
    fn merge(&mut self, other: &Marks) {
        if let Some(w) = other.worst {
            self.worst = Some(self.worst.map_or(w, |s| s.min(w)));
        }
        self.count += other.count;
        for r in &other.rules {
            if let Err(at) = self.rules.binary_search(r) {
                self.rules.insert(at, r);
            }
        }
    }

    /// Error, warning, or healthy (info and hints do not colour a node).
    pub fn status(&self) -> Status {
        match self.worst {
            Some(Severity::Error) => Status::Error,
            Some(Severity::Warning) => Status::Warning,
            _ => Status::Healthy,
        }
    }
}

/// How a node or edge is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Error,
    Warning,
    Healthy,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Error => "error",
            Status::Warning => "warning",
            Status::Healthy => "healthy",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Unique in the graph, stable across runs: `team:inbound`,
    /// `initiative:fba`, `undeclared:billing`; a second declaration of the
    /// same id gets `#2`.
    pub key: String,
    pub kind: NodeKind,
    pub id: String,
    pub title: Option<String>,
    /// A line under the title: a leader's job title, a group's size.
    pub detail: Option<String>,
    pub entity: Option<EntityId>,
    /// Where it is declared: the id in the block's head.
    pub place: Option<Loc>,
    /// The whole block.
    pub extent: Option<Loc>,
    /// The findings inside its block (its edges' included).
    pub marks: Marks,
    /// Overview: how many teams the node folds.
    pub teams: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// Node indexes.
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
    /// Where it is written: the reference, or the `depends_on` block.
    pub place: Option<Loc>,
    /// The findings on that place.
    pub marks: Marks,
    /// Overview: how many dependencies it stands for (1 otherwise), and
    /// how many of those are unowned.
    pub count: usize,
    pub unowned: usize,
}

/// A picture of a plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// What the picture shows, for its title: "whole plan", "overview",
    /// "around `fba` (depth 2)".
    pub caption: String,
    /// Findings on no node (the configuration, text outside any block).
    pub unplaced: Marks,
}

impl Graph {
    /// Whether this is the overview (or part of it).
    pub fn is_overview(&self) -> bool {
        self.nodes
            .iter()
            .any(|n| matches!(n.kind, NodeKind::Group | NodeKind::Unassigned))
    }

    /// The kinds of node and edge a legend explains.
    pub fn legend(&self) -> (&'static [NodeKind], &'static [EdgeKind]) {
        if self.is_overview() {
            (
                &[NodeKind::Group, NodeKind::Unassigned],
                &[EdgeKind::DependsOn, EdgeKind::DependsOnUnowned],
            )
        } else {
            (
                &[
                    NodeKind::Leader,
                    NodeKind::Initiative,
                    NodeKind::Team,
                    NodeKind::FunctionalTeam,
                    NodeKind::Undeclared,
                ],
                &[
                    EdgeKind::Leads,
                    EdgeKind::Serves,
                    EdgeKind::ReportsTo,
                    EdgeKind::DependsOn,
                    EdgeKind::DependsOnUnowned,
                ],
            )
        }
    }

    /// The node with this key, or else the first whose id is `id`
    /// (declarations before undeclared names).
    pub fn find(&self, id: &str) -> Option<usize> {
        self.nodes
            .iter()
            .position(|n| n.key == id)
            .or_else(|| self.nodes.iter().position(|n| n.id == id))
    }

    /// Every node id, for "did you mean".
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().map(|n| n.id.as_str())
    }
}

/// How many nodes the whole plan has (leaders, initiatives and teams;
/// undeclared names aside): to choose the overview for a large plan.
pub fn entity_count(analysis: &Analysis) -> usize {
    let m = &analysis.model;
    m.leaders.len() + m.initiatives.len() + m.teams.len()
}

/// The graph of a workspace's analysis, in `view`.
pub fn build(analysis: &Analysis, view: View) -> Graph {
    let whole = whole(analysis);
    match view {
        View::Whole => whole,
        View::Overview => overview(&analysis.model, &whole),
    }
}

/// A node's key: `kind:id`, and `#n` after it for the n-th node of that
/// kind with that id (a duplicate declaration).
fn key_for<'a>(
    kind: &'static str,
    id: &'a str,
    seen: &mut FxHashMap<(&'static str, &'a str), u32>,
) -> String {
    let n = seen.entry((kind, id)).or_insert(0);
    *n += 1;
    if *n == 1 {
        format!("{kind}:{id}")
    } else {
        format!("{kind}:{id}#{n}")
    }
}

/// Every entity a node, every reference that names one an edge, and the
/// findings placed on them.
fn whole(analysis: &Analysis) -> Graph {
    let m = &analysis.model;
    let mut g = Graph {
        caption: "whole plan".into(),
        ..Graph::default()
    };
    let mut seen = FxHashMap::default();
    // Nodes are made in the order of `m.entities()`: leaders, initiatives,
    // teams; an entity's node is its place in that order.
    let (leaders, initiatives) = (m.leaders.len(), m.initiatives.len());
    let node_of = |e: EntityId| match e {
        EntityId::Leader(l) => l,
        EntityId::Initiative(i) => leaders + i,
        EntityId::Team(t) => leaders + initiatives + t,
    };
    g.nodes.reserve(entity_count(analysis));
    for e in m.entities() {
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
        let prefix = match e {
            EntityId::Leader(_) => "leader",
            EntityId::Initiative(_) => "initiative",
            EntityId::Team(_) => "team",
        };
        debug_assert_eq!(node_of(e), g.nodes.len());
        g.nodes.push(Node {
            key: key_for(prefix, &decl.id, &mut seen),
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
        });
    }

    // Names referred to but declared nowhere, one node each.
    let mut undeclared: BTreeMap<String, usize> = BTreeMap::new();
    let mut target = |g: &mut Graph, r: &crate::model::Reference| -> Option<usize> {
        if let Some(t) = r.target {
            return Some(node_of(t));
        }
        if m.ids.contains_key(r.name.as_str()) {
            // Declared, but of another kind: the reference is wrong, not
            // the name; the finding is on the referring node.
            return None;
        }
        let name = r.name.to_string();
        Some(*undeclared.entry(name.clone()).or_insert_with(|| {
            g.nodes.push(Node {
                key: format!("undeclared:{name}"),
                kind: NodeKind::Undeclared,
                id: name,
                title: None,
                detail: None,
                entity: None,
                place: None,
                extent: None,
                marks: Marks::default(),
                teams: 0,
            });
            g.nodes.len() - 1
        }))
    };
    let edge = |g: &mut Graph, from: usize, to: usize, kind: EdgeKind, place: Loc| {
        g.edges.push(Edge {
            from,
            to,
            kind,
            place: Some(place),
            marks: Marks::default(),
            count: 1,
            unowned: usize::from(kind == EdgeKind::DependsOnUnowned),
        })
    };
    for e in m.entities() {
        let me = node_of(e);
        match e {
            EntityId::Leader(l) => {
                if let Some(r) = &m.leaders[l].reports_to {
                    if let Some(to) = target(&mut g, r) {
                        edge(&mut g, me, to, EdgeKind::ReportsTo, r.loc);
                    }
                }
            }
            EntityId::Initiative(i) => {
                let init = &m.initiatives[i];
                if let Some(r) = &init.leader {
                    if let Some(from) = target(&mut g, r) {
                        edge(&mut g, from, me, EdgeKind::Leads, r.loc);
                    }
                }
                for r in &init.teams {
                    if let Some(from) = target(&mut g, r) {
                        edge(&mut g, from, me, EdgeKind::Serves, r.loc);
                    }
                }
            }
            EntityId::Team(t) => {
                let team = &m.teams[t];
                if let Some(r) = &team.reports_to {
                    if let Some(to) = target(&mut g, r) {
                        edge(&mut g, me, to, EdgeKind::ReportsTo, r.loc);
                    }
                }
                for d in &team.dependencies {
                    if let Some(to) = target(&mut g, &d.target) {
                        let kind = if owned(m, t, d) {
                            EdgeKind::DependsOn
                        } else {
                            EdgeKind::DependsOnUnowned
                        };
                        edge(&mut g, me, to, kind, d.block);
                    }
                }
            }
        }
    }
    place_findings(analysis, &mut g);
    g
}

/// Whether a dependency of team `t` is owned where the model wants it: by
/// the team, the leader it reports to, or a leader of its initiatives. (A
/// functional team's dependencies are its own business.)
pub fn owned(m: &Model, t: usize, d: &crate::model::Dependency) -> bool {
    let team = &m.teams[t];
    let Some(o) = &d.owner else {
        return team.functional;
    };
    if team.functional || o.name == team.decl.id {
        return true;
    }
    let Some(owner) = o.target else { return false };
    if owner == EntityId::Team(t) {
        return true;
    }
    if team.reports_to.as_ref().and_then(|r| r.target) == Some(owner) {
        return true;
    }
    m.team_initiatives[t]
        .iter()
        .any(|&i| m.initiatives[i].leader.as_ref().and_then(|r| r.target) == Some(owner))
}

/// Puts each finding on the node whose block holds it, on the edge
/// written where it points, and, for a `leader:` or `teams:` reference, on
/// the node it names.
fn place_findings(analysis: &Analysis, g: &mut Graph) {
    let blocks = block_index(g);
    // Per node, the edges written in its block.
    let mut written: Vec<Vec<usize>> = vec![Vec::new(); g.nodes.len()];
    for (ei, e) in g.edges.iter().enumerate() {
        // The edge is written in the block of the node that holds its place.
        let Some(p) = e.place else { continue };
        let Some(list) = blocks.get(&p.file) else {
            continue;
        };
        if let Some(n) = containing(list, p.range) {
            written[n].push(ei);
        }
    }
    for f in &analysis.findings {
        let Some(n) = blocks
            .get(&f.loc.file)
            .and_then(|l| containing(l, f.loc.range))
        else {
            g.unplaced.add(f);
            continue;
        };
        g.nodes[n].marks.add(f);
        // The innermost edge place that holds it.
        let best = written[n]
            .iter()
            .copied()
            .filter(|&ei| {
                g.edges[ei]
                    .place
                    .is_some_and(|p| p.range.contains_range(f.loc.range))
            })
            .min_by_key(|&ei| g.edges[ei].place.map(|p| p.range.len()));
        if let Some(ei) = best {
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
}

/// Per file, the nodes' blocks by start (top-level blocks do not nest).
fn block_index(g: &Graph) -> HashMap<FileId, Vec<(TextRange, usize)>> {
    let mut blocks: HashMap<FileId, Vec<(TextRange, usize)>> = HashMap::new();
    for (i, n) in g.nodes.iter().enumerate() {
        if let Some(x) = n.extent {
            blocks.entry(x.file).or_default().push((x.range, i));
        }
    }
    for v in blocks.values_mut() {
        v.sort_by_key(|(r, i)| (r.start(), *i));
    }
    blocks
}

/// For each of `analysis.findings`, the node of `g` whose block holds it.
pub fn finding_nodes(analysis: &Analysis, g: &Graph) -> Vec<Option<usize>> {
    let blocks = block_index(g);
    analysis
        .findings
        .iter()
        .map(|f| {
            blocks
                .get(&f.loc.file)
                .and_then(|l| containing(l, f.loc.range))
        })
        .collect()
}

/// The block in `list` (sorted by start) that holds `r`.
fn containing(list: &[(TextRange, usize)], r: TextRange) -> Option<usize> {
    let at = list.partition_point(|(b, _)| b.start() <= r.start());
    list[..at]
        .iter()
        .rev()
        .take(4)
        .find(|(b, _)| b.contains_range(r))
        .map(|&(_, n)| n)
}

/// Each initiative with its teams as one node; a team on several
/// initiatives joins the first. Teams on none, and leaders leading none,
/// make one node. Leaders fold into the initiatives they lead (their
/// findings too). Dependencies between groups become one edge per pair.
fn overview(m: &Model, whole: &Graph) -> Graph {
    let mut g = Graph {
        caption: "overview".into(),
        ..Graph::default()
    };
    let mut group_of: Vec<Option<usize>> = vec![None; whole.nodes.len()];
    let mut seen = FxHashMap::default();
    for (i, n) in whole.nodes.iter().enumerate() {
        if n.kind != NodeKind::Initiative {
            continue;
        }
        let EntityId::Initiative(ii) = n.entity.expect("initiatives are entities") else {
            continue;
        };
        let leader = m.initiatives[ii]
            .leader
            .as_ref()
            .map(|r| r.name.to_string());
        group_of[i] = Some(g.nodes.len());
        g.nodes.push(Node {
            key: key_for("initiative", &n.id, &mut seen),
            kind: NodeKind::Group,
            id: n.id.clone(),
            title: n.title.clone(),
            detail: leader.map(|l| format!("led by {l}")),
            entity: n.entity,
            place: n.place,
            extent: n.extent,
            marks: Marks::default(),
            teams: 0,
        });
    }
    // The teams on no initiative: functional teams (shared services), and
    // the rest (with the leaders who lead nothing).
    let mut rest: [Option<usize>; 2] = [None, None];
    let mut unassigned = |g: &mut Graph, functional: bool| {
        *rest[usize::from(functional)].get_or_insert_with(|| {
            let (key, title) = if functional {
                ("functional-teams", "Functional teams")
            } else {
                ("unassigned", "On no initiative")
            };
            g.nodes.push(Node {
                key: key.into(),
                kind: NodeKind::Unassigned,
                id: key.into(),
                title: Some(title.into()),
                detail: None,
                entity: None,
                place: None,
                extent: None,
                marks: Marks::default(),
                teams: 0,
            });
            g.nodes.len() - 1
        })
    };
    // Teams and leaders join groups.
    let mut leader_groups: Vec<Vec<usize>> = vec![Vec::new(); whole.nodes.len()];
    for e in &whole.edges {
        match e.kind {
            EdgeKind::Serves => {
                if group_of[e.from].is_none() {
                    group_of[e.from] = group_of[e.to];
                }
                // A team counts in every initiative it serves.
                if let Some(gi) = group_of[e.to] {
                    g.nodes[gi].teams += 1;
                }
            }
            EdgeKind::Leads => {
                if let Some(gi) = group_of[e.to] {
                    leader_groups[e.from].push(gi);
                }
            }
            _ => {}
        }
    }
    for (i, n) in whole.nodes.iter().enumerate() {
        match n.kind {
            NodeKind::Team | NodeKind::FunctionalTeam => {
                let gi = match group_of[i] {
                    Some(gi) => gi,
                    None => {
                        let gi = unassigned(&mut g, n.kind == NodeKind::FunctionalTeam);
                        group_of[i] = Some(gi);
                        g.nodes[gi].teams += 1;
                        gi
                    }
                };
                g.nodes[gi].marks.merge(&n.marks);
            }
            NodeKind::Initiative => {
                let gi = group_of[i].expect("every initiative is a group");
                g.nodes[gi].marks.merge(&n.marks);
                g.nodes[gi].marks.notes = n.marks.notes.clone();
            }
            NodeKind::Leader => {
                if leader_groups[i].is_empty() {
                    let gi = unassigned(&mut g, false);
                    g.nodes[gi].marks.merge(&n.marks);
                } else {
                    for &gi in &leader_groups[i] {
                        g.nodes[gi].marks.merge(&n.marks);
                    }
                }
            }
            NodeKind::Undeclared | NodeKind::Group | NodeKind::Unassigned => {}
        }
    }
    for n in &mut g.nodes {
        if n.kind == NodeKind::Group || n.kind == NodeKind::Unassigned {
            n.detail = Some(match (&n.detail, n.teams) {
                (Some(d), 1) => format!("1 team · {d}"),
                (Some(d), t) => format!("{t} teams · {d}"),
                (None, 1) => "1 team".into(),
                (None, t) => format!("{t} teams"),
            });
        }
    }
    // Dependencies between groups, aggregated, in order of first appearance.
    let mut pairs: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for e in &whole.edges {
        if !e.kind.is_dependency() {
            continue;
        }
        let (Some(a), Some(b)) = (group_of[e.from], group_of[e.to]) else {
            continue;
        };
        if a == b {
            continue;
        }
        let at = *pairs.entry((a, b)).or_insert_with(|| {
            g.edges.push(Edge {
                from: a,
                to: b,
                kind: EdgeKind::DependsOn,
                place: e.place,
                marks: Marks::default(),
                count: 0,
                unowned: 0,
            });
            g.edges.len() - 1
        });
        let agg = &mut g.edges[at];
        agg.count += 1;
        agg.unowned += e.unowned;
        if e.unowned > 0 {
            agg.kind = EdgeKind::DependsOnUnowned;
        }
        agg.marks.merge(&e.marks);
    }
    g
}

/// The nodes at most `depth` edges (either way) from node `center`, and the
/// edges between them. Undeclared names count as nodes.
pub fn focus(g: &Graph, center: usize, depth: usize) -> Graph {
    let mut adjacent: Vec<Vec<usize>> = vec![Vec::new(); g.nodes.len()];
    for e in &g.edges {
        adjacent[e.from].push(e.to);
        adjacent[e.to].push(e.from);
    }
    let mut dist = vec![usize::MAX; g.nodes.len()];
    dist[center] = 0;
    let mut queue = VecDeque::from([center]);
    while let Some(n) = queue.pop_front() {
        if dist[n] >= depth {
            continue;
        }
        for &x in &adjacent[n] {
            if dist[x] == usize::MAX {
                dist[x] = dist[n] + 1;
                queue.push_back(x);
            }
        }
    }
    let mut new_index = vec![usize::MAX; g.nodes.len()];
    let mut out = Graph {
        caption: format!("around {} (depth {depth})", g.nodes[center].id),
        unplaced: Marks::default(),
        ..Graph::default()
    };
    for (i, n) in g.nodes.iter().enumerate() {
        if dist[i] != usize::MAX {
            new_index[i] = out.nodes.len();
            out.nodes.push(n.clone());
        }
    }
    for e in &g.edges {
        if new_index[e.from] != usize::MAX && new_index[e.to] != usize::MAX {
            let mut e = e.clone();
            e.from = new_index[e.from];
            e.to = new_index[e.to];
            out.edges.push(e);
        }
    }
    out
}

/// Escapes text for XML and HTML: `&`, `<`, `>`, quotes; characters XML
/// cannot carry (controls, U+FFFE/U+FFFF) become U+FFFD.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;

/// What picture to draw: the options of `orgplan graph` and of the
/// language server's `orgplan/graph` request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// Fold initiatives with their teams.
    pub overview: bool,
    /// Only what is around this node (an id, or a node key).
    pub focus: Option<String>,
    /// How many edges away from the focus (default [`DEFAULT_DEPTH`]).
    pub depth: Option<usize>,
}

/// How far `--focus` looks by default: an initiative, its leader and
/// teams, and what those depend on and report to.
pub const DEFAULT_DEPTH: usize = 2;

/// The graph `req` asks for; an unknown focus is an error that says what
/// was meant, if it can tell.
pub fn view(analysis: &Analysis, req: &Request) -> Result<Graph, String> {
    let g = build(
        analysis,
        if req.overview {
            View::Overview
        } else {
            View::Whole
        },
    );
    let Some(id) = &req.focus else { return Ok(g) };
    let Some(at) = g.find(id) else {
        let mut msg = format!(
            "no {} `{id}` in the plan",
            if req.overview {
                "initiative"
            } else {
                "leader, initiative or team"
            }
        );
        if let Some(s) = crate::suggest::best(id, g.ids()) {
            msg.push_str(&format!(" (did you mean `{s}`?)"));
        }
        return Err(msg);
    };
    Ok(focus(&g, at, req.depth.unwrap_or(DEFAULT_DEPTH)))
}

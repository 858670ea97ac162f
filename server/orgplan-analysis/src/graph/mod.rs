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

mod around;
pub mod doc;
pub mod dot;
pub mod layout;
pub mod mermaid;
mod overview;
mod source;
pub mod svg;
mod whole;

use crate::model::{EntityId, Model};
use crate::rules::{Finding, Severity};
use crate::text::Loc;
use crate::Analysis;
use std::collections::VecDeque;
use std::sync::Arc;

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
    /// The finding (shared with the analysis, not copied).
    pub finding: Arc<Finding>,
}

impl Note {
    pub fn message(&self) -> &str {
        &self.finding.message
    }
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
    fn add(&mut self, f: &Arc<Finding>) {
        self.count_in(f);
        if self.notes.len() < MAX_NOTES {
            self.notes.push(Note {
                rule: f.rule,
                severity: f.severity,
                finding: f.clone(),
            });
        }
    }

    /// Counts `f` without listing it.
    fn count_in(&mut self, f: &Finding) {
        self.worst = Some(self.worst.map_or(f.severity, |w| w.min(f.severity)));
        self.count += 1;
        if let Err(at) = self.rules.binary_search(&f.rule) {
            self.rules.insert(at, f.rule);
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

impl Edge {
    /// An edge for one reference, without its findings.
    fn new(from: usize, to: usize, kind: EdgeKind, place: Loc) -> Edge {
        Edge {
            from,
            to,
            kind,
            place: Some(place),
            marks: Marks::default(),
            count: 1,
            unowned: usize::from(kind == EdgeKind::DependsOnUnowned),
        }
    }
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
    match view {
        View::Whole => whole::whole(analysis),
        View::Overview => overview::overview(analysis),
    }
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
    let Some(owner) = m.resolve(o) else {
        return false;
    };
    if owner == EntityId::Team(t) {
        return true;
    }
    if team.reports_to.as_ref().and_then(|r| m.resolve(r)) == Some(owner) {
        return true;
    }
    m.team_initiatives(t)
        .any(|i| m.initiatives[i].leader.as_ref().and_then(|r| m.resolve(r)) == Some(owner))
}

/// For each of `analysis.findings`, the node of `g` whose block holds it.
pub fn finding_nodes(analysis: &Analysis, g: &Graph) -> Vec<Option<usize>> {
    let blocks = source::Blocks::new(
        g.nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| Some((n.extent?, i))),
    );
    analysis
        .findings
        .iter()
        .map(|f| blocks.holder(f.loc))
        .collect()
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
    xml(s).to_string()
}

/// [`escape_xml`] written straight into what is being formatted.
pub fn xml(s: &str) -> Xml<'_> {
    Xml(s)
}

/// Text that formats as [`escape_xml`] of it.
pub struct Xml<'a>(&'a str);

impl std::fmt::Display for Xml<'_> {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.0;
        let mut rest = 0;
        for (at, c) in s.char_indices() {
            let with = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                '\t' | '\n' | '\r' => continue,
                c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => "\u{FFFD}",
                _ => continue,
            };
            out.write_str(&s[rest..at])?;
            out.write_str(with)?;
            rest = at + c.len_utf8();
        }
        out.write_str(&s[rest..])
    }
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
    let view = if req.overview {
        View::Overview
    } else {
        View::Whole
    };
    let depth = req.depth.unwrap_or(DEFAULT_DEPTH);
    let Some(id) = &req.focus else {
        return Ok(build(analysis, view));
    };
    // Around one node of the whole plan: cut from the model, without
    // making the rest.
    if view == View::Whole {
        if let Some(at) = around::find(&analysis.model, id) {
            return Ok(around::around(analysis, at, depth));
        }
    }
    let g = build(analysis, view);
    let Some(at) = g.find(id) else {
        return Err(unknown(req, id, &g));
    };
    Ok(focus(&g, at, depth))
}

/// The error for a focus that names no node of `g`: what was meant, if
/// it can tell.
fn unknown(req: &Request, id: &str, g: &Graph) -> String {
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
    msg
}

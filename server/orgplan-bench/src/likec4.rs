//! The same plan as a LikeC4 model, for the side-by-side benchmark
//! ([`crate::peer`]).
//!
//! Each leader, initiative and team of the plan becomes an element, each
//! reference (leads, serves, reports to, depends on) a relationship, drawn
//! from the graph the rules' model gives (`orgplan_analysis::graph`), so
//! the two servers read models of the same size and shape. A reference to a
//! name declared nowhere stays a reference to an element that does not
//! exist: LikeC4 reports it as orgplan does. Each plan file gives one model
//! file, holding the elements declared in it and the relationships written
//! in it; one more file holds the specification (the element kinds).

use orgplan_analysis::graph::{self, EdgeKind, NodeKind, View};
use orgplan_analysis::Workspace;

/// A LikeC4 model: (file name, text) pairs, and its size.
#[derive(Debug, Default)]
pub struct Model {
    pub files: Vec<(String, String)>,
    pub elements: usize,
    pub relationships: usize,
}

impl Model {
    pub fn bytes(&self) -> usize {
        self.files.iter().map(|(_, t)| t.len()).sum()
    }
}

const SPECIFICATION: &str = "specification {
  element leader
  element initiative
  element team
  element functional
}
";

/// The model of the plan `files` ((name, text) pairs, as the generator
/// writes them).
pub fn model(files: &[(String, String)]) -> Model {
    let mut ws = Workspace::new();
    let ids: Vec<_> = files
        .iter()
        .map(|(name, text)| ws.set_file(name, text.as_str()))
        .collect();
    let analysis = ws.analysis();
    let g = graph::build(&analysis, View::Whole);
    let file_of = |loc: Option<orgplan_analysis::Loc>| {
        loc.and_then(|l| ids.iter().position(|&id| id == l.file))
            .unwrap_or(0)
    };
    let names: Vec<String> = g.nodes.iter().map(|n| element_name(&n.key)).collect();
    let mut bodies = vec![String::from("model {\n"); files.len().max(1)];
    let mut out = Model::default();
    for (node, name) in g.nodes.iter().zip(&names) {
        let Some(kind) = element_kind(node.kind) else {
            continue;
        };
        let body = &mut bodies[file_of(node.place)];
        let title = quote(node.title.as_deref().unwrap_or(&node.id));
        match &node.detail {
            Some(detail) => body.push_str(&format!(
                "  {name} = {kind} {title} {{\n    description {}\n  }}\n",
                quote(detail)
            )),
            None => body.push_str(&format!("  {name} = {kind} {title}\n")),
        }
        out.elements += 1;
    }
    for edge in &g.edges {
        let body = &mut bodies[file_of(edge.place.or(g.nodes[edge.from].place))];
        body.push_str(&format!(
            "  {} -> {} {}\n",
            names[edge.from],
            names[edge.to],
            quote(label(edge.kind))
        ));
        out.relationships += 1;
    }
    out.files.push(("spec.c4".into(), SPECIFICATION.into()));
    for (k, mut body) in bodies.into_iter().enumerate() {
        body.push_str("}\n");
        out.files.push((format!("model-{}.c4", k + 1), body));
    }
    out
}

fn element_kind(kind: NodeKind) -> Option<&'static str> {
    match kind {
        NodeKind::Leader => Some("leader"),
        NodeKind::Initiative => Some("initiative"),
        NodeKind::Team => Some("team"),
        NodeKind::FunctionalTeam => Some("functional"),
        // Named but never declared; overview nodes do not occur in the
        // whole plan's graph.
        NodeKind::Undeclared | NodeKind::Group | NodeKind::Unassigned => None,
    }
}

/// The relationship's label: what orgplan calls the edge.
pub fn label(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Leads => "leads",
        EdgeKind::Serves => "serves",
        EdgeKind::ReportsTo => "reports to",
        EdgeKind::DependsOn | EdgeKind::DependsOnUnowned => "depends on",
    }
}

/// An element name from a node key (`team:inbound` → `team_inbound`, a
/// second declaration `team:inbound#2` → `team_inbound`, as the plan
/// declares it twice): letters, digits, `_` and `-`, starting with a letter.
pub fn element_name(key: &str) -> String {
    let key = key.split('#').next().unwrap_or(key);
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' => out.push(c),
            _ => out.push('_'),
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'x');
    }
    out
}

/// A LikeC4 string: single quotes, with `\` and `'` escaped and line breaks
/// as spaces.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' | '\'' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_strings_are_valid_likec4() {
        assert_eq!(element_name("team:inbound-2"), "team_inbound-2");
        assert_eq!(element_name("leader:a.b#2"), "leader_a_b");
        assert_eq!(element_name("9:x"), "x9_x");
        assert_eq!(quote("it's a\\b\nc"), r"'it\'s a\\b c'");
    }

    #[test]
    fn every_entity_is_an_element_and_every_reference_a_relationship() {
        let plan = "leader ann \"Ann\" { title: \"VP\" }
initiative fba \"FBA\" { leader: ann teams: web }
team web \"Web\" { reports_to: ann depends_on api { owner: web plan: \"x\" } }
";
        let m = model(&[("plan.orgplan".into(), plan.into())]);
        assert_eq!(m.files[0].0, "spec.c4");
        insta::assert_snapshot!(m.files[1].1, @r"
        model {
          leader_ann = leader 'Ann' {
            description 'VP'
          }
          initiative_fba = initiative 'FBA'
          team_web = team 'Web'
          leader_ann -> initiative_fba 'leads'
          team_web -> initiative_fba 'serves'
          team_web -> leader_ann 'reports to'
          team_web -> undeclared_api 'depends on'
        }
        ");
        assert_eq!((m.elements, m.relationships), (3, 4));
    }
}

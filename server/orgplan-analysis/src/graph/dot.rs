//! The picture in Graphviz DOT, to paste into docs or render with `dot`.
//!
//! Shapes carry the kind (leaders rounded, initiatives octagons, functional
//! teams dashed), the status is a marker in the label (`✖` errors, `▲`
//! warnings) as well as a colour, and a legend cluster says so.

use super::{EdgeKind, Graph, Node, NodeKind, Status};
use std::fmt::Write as _;

/// A DOT string literal's inside: `"` and `\` escaped, line breaks as `\n`.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if (c as u32) < 0x20 => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The marker a status puts before a label.
pub fn marker(status: Status) -> &'static str {
    match status {
        Status::Error => "✖ ",
        Status::Warning => "▲ ",
        Status::Healthy => "",
    }
}

/// A node's label lines: marker and id, title, detail.
pub fn label_lines(n: &Node) -> Vec<String> {
    let mut lines = vec![format!("{}{}", marker(n.marks.status()), n.id)];
    if let Some(t) = &n.title {
        lines.push(t.clone());
    }
    if let Some(d) = &n.detail {
        lines.push(d.clone());
    }
    if n.marks.count > 0 {
        lines.push(format!("{} ({})", n.marks.count, n.marks.rules.join(", ")));
    }
    lines
}

fn node_attrs(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Leader => r##"shape=box, style="rounded,filled", fillcolor="#eef2ff""##,
        NodeKind::Initiative | NodeKind::Group => {
            r##"shape=octagon, style=filled, fillcolor="#f0f7ee""##
        }
        NodeKind::Team => r##"shape=box, style=filled, fillcolor="#f6f8fa""##,
        NodeKind::FunctionalTeam | NodeKind::Unassigned => {
            r##"shape=box, style="dashed,filled", fillcolor="#f6f8fa""##
        }
        NodeKind::Undeclared => r#"shape=box, style=dotted, fontname="Helvetica-Oblique""#,
    }
}

fn status_attrs(status: Status) -> &'static str {
    match status {
        Status::Error => r##", color="#cf222e", fillcolor="#ffebe9", penwidth=2.5"##,
        Status::Warning => r##", color="#9a6700", fillcolor="#fff4d6", penwidth=2"##,
        Status::Healthy => "",
    }
}

fn edge_attrs(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Leads => r#"penwidth=2, arrowhead=normal"#,
        EdgeKind::Serves => r##"color="#8c959f", arrowhead=none"##,
        EdgeKind::ReportsTo => r##"color="#8c959f", style=dotted"##,
        EdgeKind::DependsOn => r##"color="#0969da""##,
        EdgeKind::DependsOnUnowned => r##"color="#0969da", style=dashed"##,
    }
}

/// The DOT text of `g`.
pub fn render(g: &Graph) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "digraph orgplan {{");
    let _ = writeln!(s, "  label={};", quote(&format!("orgplan: {}", g.caption)));
    s.push_str("  labelloc=t;\n  rankdir=TB;\n  node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for n in &g.nodes {
        let status = n.marks.status();
        let _ = writeln!(
            s,
            "  {} [label={}, {}{}];",
            quote(&n.key),
            quote(&label_lines(n).join("\n")),
            node_attrs(n.kind),
            status_attrs(status)
        );
    }
    for e in &g.edges {
        edge(&mut s, g, e);
    }
    legend(&mut s, g);
    s.push_str("}\n");
    s
}

/// An edge's label: how many dependencies it stands for, and its
/// findings' rules behind a marker.
fn edge_label(e: &super::Edge) -> String {
    let mut label = String::new();
    if e.count > 1 {
        label = format!("{}", e.count);
    }
    let status = e.marks.status();
    if status != Status::Healthy {
        label = format!(
            "{}{}{}",
            marker(status),
            e.marks.rules.join(", "),
            if label.is_empty() {
                String::new()
            } else {
                format!(" ({label})")
            }
        );
    }
    label
}

fn edge(s: &mut String, g: &Graph, e: &super::Edge) {
    let label = edge_label(e);
    let _ = write!(
        s,
        "  {} -> {} [{}",
        quote(&g.nodes[e.from].key),
        quote(&g.nodes[e.to].key),
        edge_attrs(e.kind)
    );
    match e.marks.status() {
        Status::Error => s.push_str(r##", color="#cf222e", penwidth=2"##),
        Status::Warning => s.push_str(r##", color="#9a6700", penwidth=2"##),
        Status::Healthy => {}
    }
    if !label.is_empty() {
        let _ = write!(s, ", label={}", quote(&label));
    }
    s.push_str("];\n");
}

/// The legend: the kinds of node `g` has, the statuses, the dependencies.
fn legend(s: &mut String, g: &Graph) {
    s.push_str("  subgraph cluster_legend {\n    label=\"Legend\";\n    style=dashed;\n");
    let (kinds, _) = g.legend();
    for k in kinds {
        let _ = writeln!(
            s,
            "    {} [label={}, {}];",
            quote(&format!("legend:{}", k.as_str())),
            quote(k.describe()),
            node_attrs(*k)
        );
    }
    let _ = writeln!(
        s,
        "    \"legend:error\" [label=\"✖ error\", {}{}];",
        node_attrs(NodeKind::Team),
        status_attrs(Status::Error)
    );
    let _ = writeln!(
        s,
        "    \"legend:warning\" [label=\"▲ warning\", {}{}];",
        node_attrs(NodeKind::Team),
        status_attrs(Status::Warning)
    );
    let _ = writeln!(
        s,
        "    \"legend:healthy\" [label=\"healthy\", {}];",
        node_attrs(NodeKind::Team)
    );
    let _ = writeln!(
        s,
        "    \"legend:owned\" -> \"legend:unowned\" [label=\"depends on (owned)\", {}];",
        edge_attrs(EdgeKind::DependsOn)
    );
    let _ = writeln!(
        s,
        "    \"legend:unowned\" -> \"legend:x\" [label=\"depends on (unowned)\", {}];",
        edge_attrs(EdgeKind::DependsOnUnowned)
    );
    s.push_str("    \"legend:owned\" [label=\"\", shape=point];\n    \"legend:unowned\" [label=\"\", shape=point];\n    \"legend:x\" [label=\"\", shape=point];\n");
    s.push_str("  }\n");
}

//! The picture as a Mermaid flowchart, to paste into Markdown.
//!
//! Node ids are `n0`, `n1` … (Mermaid ids cannot hold every plan id); the
//! label carries the plan's id, with `"`, `<`, `>`, `&`, `#` and backticks
//! written as Mermaid's `#NN;` codes. Kinds are shapes, statuses are a
//! marker (`✖`, `▲`) and a class.

use super::dot::{label_lines, marker};
use super::{EdgeKind, Graph, NodeKind, Status};
use std::fmt::Write as _;

/// Text for a quoted Mermaid label.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' | '<' | '>' | '&' | '#' | '`' | '\\' | '|' | '[' | ']' | '{' | '}' | '(' | ')' => {
                let _ = write!(out, "#{};", c as u32);
            }
            '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn shaped(kind: NodeKind, label: &str) -> String {
    match kind {
        NodeKind::Leader => format!("([\"{label}\"])"),
        NodeKind::Initiative | NodeKind::Group => format!("{{{{\"{label}\"}}}}"),
        NodeKind::Team => format!("[\"{label}\"]"),
        NodeKind::FunctionalTeam | NodeKind::Unassigned => format!("[/\"{label}\"/]"),
        NodeKind::Undeclared => format!(">\"{label}\"]"),
    }
}

fn arrow(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Leads => "==>",
        EdgeKind::Serves => "---",
        EdgeKind::ReportsTo => "-.-o",
        EdgeKind::DependsOn => "-->",
        EdgeKind::DependsOnUnowned => "-. unowned .->",
    }
}

const CLASSES: &str = "  classDef error fill:#ffebe9,stroke:#cf222e,stroke-width:3px;\n  classDef warning fill:#fff4d6,stroke:#9a6700,stroke-width:2px;\n  classDef undeclared stroke-dasharray:3 3;\n";

/// The Mermaid text of `g`.
pub fn render(g: &Graph) -> String {
    let mut s = String::from("flowchart TB\n");
    let _ = writeln!(s, "  %% orgplan: {}", escape(&g.caption));
    for (i, n) in g.nodes.iter().enumerate() {
        let label = label_lines(n)
            .iter()
            .map(|l| escape(l))
            .collect::<Vec<_>>()
            .join("<br/>");
        let _ = writeln!(s, "  n{i}{}", shaped(n.kind, &label));
    }
    for e in &g.edges {
        let status = e.marks.status();
        let mut label = String::new();
        if status != Status::Healthy {
            label = format!("{}{}", marker(status), e.marks.rules.join(", "));
        }
        if e.count > 1 {
            label = if label.is_empty() {
                e.count.to_string()
            } else {
                format!("{label} ({})", e.count)
            };
        }
        let a = arrow(e.kind);
        if label.is_empty() {
            let _ = writeln!(s, "  n{} {a} n{}", e.from, e.to);
        } else if e.kind == EdgeKind::DependsOnUnowned {
            let _ = writeln!(
                s,
                "  n{} -. \"unowned: {}\" .-> n{}",
                e.from,
                escape(&label),
                e.to
            );
        } else {
            let _ = writeln!(s, "  n{} {a}|\"{}\"| n{}", e.from, escape(&label), e.to);
        }
    }
    // Legend.
    s.push_str("  subgraph legend [Legend]\n");
    let (kinds, _) = g.legend();
    for (k, kind) in kinds.iter().enumerate() {
        let _ = writeln!(s, "    legend{k}{}", shaped(*kind, kind.describe()));
    }
    s.push_str("    legendE[\"✖ error\"]\n    legendW[\"▲ warning\"]\n    legendH[\"healthy\"]\n");
    s.push_str("    legendE -. unowned .-> legendW\n    legendW -->|depends on| legendH\n  end\n");
    s.push_str(CLASSES);
    let mut class = |name: &str, ids: Vec<String>| {
        if !ids.is_empty() {
            let _ = writeln!(s, "  class {} {name};", ids.join(","));
        }
    };
    let of = |st: Status| -> Vec<String> {
        g.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.marks.status() == st)
            .map(|(i, _)| format!("n{i}"))
            .collect()
    };
    let mut errors = of(Status::Error);
    errors.push("legendE".into());
    let mut warnings = of(Status::Warning);
    warnings.push("legendW".into());
    class("error", errors);
    class("warning", warnings);
    class(
        "undeclared",
        g.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.kind == NodeKind::Undeclared)
            .map(|(i, _)| format!("n{i}"))
            .collect(),
    );
    s
}

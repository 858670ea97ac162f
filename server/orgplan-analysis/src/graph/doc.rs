//! The picture as data for tools: the shape the command line's
//! `--format json` and the language server's `orgplan/graph` request write
//! (docs/graph.md describes it). Serializable; the callers pick the format.

use super::svg::FileNamer;
use super::{Graph, Marks};
use crate::position::to_human;
use crate::text::Loc;
use crate::Workspace;
use serde::Serialize;

/// Bumped when a field changes meaning or goes away.
pub const VERSION: u32 = 1;

#[derive(Serialize, Debug)]
pub struct GraphDoc {
    pub version: u32,
    pub caption: String,
    pub nodes: Vec<NodeDoc>,
    pub edges: Vec<EdgeDoc>,
    /// Findings on no node: the configuration's, or text outside any block.
    pub unplaced: FindingsDoc,
}

#[derive(Serialize, Debug)]
pub struct NodeDoc {
    pub key: String,
    pub kind: &'static str,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Overview nodes: how many teams they fold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub teams: Option<usize>,
    /// The id in the declaration's head.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<PlaceDoc>,
    /// The whole block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extent: Option<PlaceDoc>,
    pub status: &'static str,
    pub findings: FindingsDoc,
}

#[derive(Serialize, Debug)]
pub struct EdgeDoc {
    pub from: String,
    pub to: String,
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<PlaceDoc>,
    pub status: &'static str,
    /// How many dependencies it stands for (overview), else 1.
    pub count: usize,
    pub unowned: usize,
    pub findings: FindingsDoc,
}

/// A place: the file as the workspace names it, byte offsets, and 1-based
/// lines and columns (columns in characters).
#[derive(Serialize, Debug, Clone)]
pub struct PlaceDoc {
    pub file: String,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

#[derive(Serialize, Debug, Default)]
pub struct FindingsDoc {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worst: Option<&'static str>,
    pub count: usize,
    pub rules: Vec<&'static str>,
    /// The first few, with their messages.
    pub notes: Vec<NoteDoc>,
}

#[derive(Serialize, Debug)]
pub struct NoteDoc {
    pub rule: &'static str,
    pub severity: &'static str,
    pub message: String,
}

fn findings(m: &Marks) -> FindingsDoc {
    FindingsDoc {
        worst: m.worst.map(|w| w.as_str()),
        count: m.count,
        rules: m.rules.clone(),
        notes: m
            .notes
            .iter()
            .map(|n| NoteDoc {
                rule: n.rule,
                severity: n.severity.as_str(),
                message: n.message().to_string(),
            })
            .collect(),
    }
}

/// A place in the terms above.
pub fn place(ws: &Workspace, loc: Loc) -> Option<PlaceDoc> {
    place_named(ws, &|f| ws.path(f).map(str::to_string), loc)
}

fn place_named(ws: &Workspace, name: &FileNamer, loc: Loc) -> Option<PlaceDoc> {
    let lines = ws.lines(loc.file)?;
    let (line, column) = to_human(&lines, loc.range.start());
    let (end_line, end_column) = to_human(&lines, loc.range.end());
    Some(PlaceDoc {
        file: name(loc.file)?,
        start: loc.range.start(),
        end: loc.range.end(),
        line,
        column,
        end_line,
        end_column,
    })
}

/// The document of `g`.
pub fn doc(g: &Graph, ws: &Workspace) -> GraphDoc {
    doc_named(g, ws, &|f| ws.path(f).map(str::to_string))
}

/// [`doc`], with files named by `name` (a server names them by URI).
pub fn doc_named(g: &Graph, ws: &Workspace, name: &FileNamer) -> GraphDoc {
    GraphDoc {
        version: VERSION,
        caption: g.caption.clone(),
        nodes: g
            .nodes
            .iter()
            .map(|n| NodeDoc {
                key: n.key.clone(),
                kind: n.kind.as_str(),
                id: n.id.clone(),
                title: n.title.clone(),
                detail: n.detail.clone(),
                teams: matches!(n.kind, super::NodeKind::Group | super::NodeKind::Unassigned)
                    .then_some(n.teams),
                place: n.place.and_then(|p| place_named(ws, name, p)),
                extent: n.extent.and_then(|p| place_named(ws, name, p)),
                status: n.marks.status().as_str(),
                findings: findings(&n.marks),
            })
            .collect(),
        edges: g
            .edges
            .iter()
            .map(|e| EdgeDoc {
                from: g.nodes[e.from].key.clone(),
                to: g.nodes[e.to].key.clone(),
                kind: e.kind.as_str(),
                place: e.place.and_then(|p| place_named(ws, name, p)),
                status: e.marks.status().as_str(),
                count: e.count,
                unowned: e.unowned,
                findings: findings(&e.marks),
            })
            .collect(),
        unplaced: findings(&g.unplaced),
    }
}

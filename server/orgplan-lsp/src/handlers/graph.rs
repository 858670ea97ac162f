//! `orgplan/graph`: the picture of the plan a document belongs to, from
//! the current analysis (what the editor shows, unsaved edits included),
//! so that an editor can draw it live without parsing anything itself.
//!
//! Request: `{ textDocument: { uri }, format?: "svg" | "json" | "dot" |
//! "mermaid", overview?: bool (default: past 400 nodes), focus?: id,
//! depth?: n, embedStyle?: bool (default true) }`. Response: `{ format,
//! overview, version, nodes, svg?, css?, text?, graph? }` (docs/graph.md).
//! An unknown focus is an `InvalidParams` error whose message says what was
//! meant.

use super::Snap;
use orgplan_analysis::graph::{self, layout, svg, Request};
use serde::{Deserialize, Serialize};
use tower_lsp_server::jsonrpc::{Error, ErrorCode};
use tower_lsp_server::lsp_types::TextDocumentIdentifier;

pub const METHOD: &str = "orgplan/graph";

/// Past this many nodes, the picture is the overview unless the request
/// says otherwise (as `orgplan report` does).
pub const OVERVIEW_PAST: usize = 400;

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct GraphParams {
    pub text_document: TextDocumentIdentifier,
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub overview: Option<bool>,
    #[serde(default)]
    pub focus: Option<String>,
    #[serde(default)]
    pub depth: Option<usize>,
    #[serde(default)]
    pub embed_style: Option<bool>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct GraphResult {
    pub format: &'static str,
    /// Whether the picture is the overview.
    pub overview: bool,
    /// The version of the document asked about, as the server has it.
    pub version: Option<i32>,
    /// How many nodes the picture has.
    pub nodes: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub svg: Option<String>,
    /// The picture's style, for a host that left it out of the SVG.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub css: Option<&'static str>,
    /// DOT or Mermaid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graph: Option<graph::doc::GraphDoc>,
}

fn invalid(message: String) -> Error {
    Error {
        code: ErrorCode::InvalidParams,
        message: message.into(),
        data: None,
    }
}

/// The answer to `orgplan/graph` for the document of `snap`.
pub fn graph(snap: &Snap, p: &GraphParams, version: Option<i32>) -> Result<GraphResult, Error> {
    let format = match p.format.as_deref().unwrap_or("svg") {
        "svg" => "svg",
        "json" => "json",
        "dot" => "dot",
        "mermaid" => "mermaid",
        other => {
            return Err(invalid(format!(
                "unknown format `{other}`: use svg, json, dot or mermaid"
            )))
        }
    };
    let overview = match p.overview {
        Some(o) => o,
        None => p.focus.is_none() && graph::entity_count(&snap.analysis) > OVERVIEW_PAST,
    };
    let req = Request {
        overview,
        focus: p.focus.clone().filter(|f| !f.is_empty()),
        depth: p.depth,
    };
    let g = graph::view(&snap.analysis, &req).map_err(invalid)?;
    // Files by the URIs the client knows them by.
    let uri_of = |file| {
        snap.location(orgplan_analysis::Loc::new(file, Default::default()))
            .map(|l| l.uri.to_string())
    };
    let mut out = GraphResult {
        format,
        overview,
        version,
        nodes: g.nodes.len(),
        svg: None,
        css: None,
        text: None,
        graph: None,
    };
    match format {
        "svg" => {
            let embed_style = p.embed_style.unwrap_or(true);
            let l = layout::layout(&g);
            out.svg = Some(svg::render_named(
                &g,
                &l,
                &uri_of,
                &svg::Options {
                    embed_style,
                    legend: true,
                },
            ));
            if !embed_style {
                out.css = Some(svg::CSS);
            }
        }
        "json" => out.graph = Some(graph::doc::doc_named(&g, snap.ws, &uri_of)),
        "dot" => out.text = Some(graph::dot::render(&g)),
        _ => out.text = Some(graph::mermaid::render(&g)),
    }
    Ok(out)
}

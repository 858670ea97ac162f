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

/// The answer as tower-lsp carries it: the placeholder of the result,
/// which is written as JSON text (`{ format, overview, version, nodes,
/// svg?, css?, text?, graph? }`) and sent in its place
/// ([`crate::transport::stash_raw`]). The overview of a large plan is an
/// SVG of megabytes: written straight into the response, escaped on the
/// way, it is never held as a string, nor copied into a JSON value and
/// then into a frame (BENCHMARKS.md, "Peak memory at the end: the graph").
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Written {
    result_id: String,
}

fn invalid(message: String) -> Error {
    Error {
        code: ErrorCode::InvalidParams,
        message: message.into(),
        data: None,
    }
}

/// Past this many bytes of answer, the memory the picture took is given
/// back once it is written (BENCHMARKS.md: five overviews of the 100k-line
/// plan raised the peak by 4.2 MB, by 1.6 MB given back each time).
const GIVE_BACK_PAST: usize = 1 << 20;

/// The answer to `orgplan/graph` for the document of `snap`.
pub fn graph(snap: &Snap, p: &GraphParams, version: Option<i32>) -> Result<Written, Error> {
    let text = result_text(snap, p, version)?;
    // The view and the layout of a large picture were thousands of small
    // allocations, now free among the live ones: given back, so that the
    // requests after this one start from what the plan holds (the next
    // overview's peak is not added to this one's). It walks the heap
    // (about half a millisecond), so a small picture keeps its room.
    if text.len() >= GIVE_BACK_PAST {
        crate::give_back_free_memory();
    }
    Ok(Written {
        result_id: crate::transport::stash_raw(text),
    })
}

/// What a request asks for: the format (checked) and the view.
fn request(snap: &Snap, p: &GraphParams) -> Result<(&'static str, Request), Error> {
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
    Ok((format, req))
}

/// The result as the body of a response ([`crate::transport::raw_result`]).
fn result_text(snap: &Snap, p: &GraphParams, version: Option<i32>) -> Result<Vec<u8>, Error> {
    let (format, req) = request(snap, p)?;
    let g = graph::view(&snap.analysis, &req).map_err(invalid)?;
    // Files by the URIs the client knows them by.
    let uri_of = |file| {
        snap.location(orgplan_analysis::Loc::new(file, Default::default()))
            .map(|l| l.uri.to_string())
    };
    // What the SVG takes, about: the room is mapped, not touched, until written.
    let room = 512 + g.nodes.len() * 700 + g.edges.len() * 350;
    let mut out = crate::transport::raw_result(room);
    out.extend_from_slice(br#"{"format":""#);
    out.extend_from_slice(format.as_bytes());
    out.extend_from_slice(br#"","overview":"#);
    out.extend_from_slice(if req.overview { b"true" } else { b"false" });
    out.extend_from_slice(br#","version":"#);
    match version {
        Some(v) => out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes()),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(br#","nodes":"#);
    out.extend_from_slice(itoa::Buffer::new().format(g.nodes.len()).as_bytes());
    match format {
        "svg" => {
            let embed_style = p.embed_style.unwrap_or(true);
            let l = layout::layout(&g);
            let opts = svg::Options {
                embed_style,
                legend: true,
            };
            out.extend_from_slice(br#","svg":""#);
            svg::render_into(
                &mut crate::transport::JsonString(&mut out),
                &g,
                &l,
                &uri_of,
                &opts,
            );
            out.push(b'"');
            if !embed_style {
                out.extend_from_slice(br#","css":"#);
                write_json(&mut out, svg::CSS);
            }
        }
        "json" => {
            out.extend_from_slice(br#","graph":"#);
            write_json(&mut out, &graph::doc::doc_named(&g, snap.ws, &uri_of));
        }
        "dot" => {
            out.extend_from_slice(br#","text":"#);
            write_json(&mut out, &graph::dot::render(&g));
        }
        _ => {
            out.extend_from_slice(br#","text":"#);
            write_json(&mut out, &graph::mermaid::render(&g));
        }
    }
    out.push(b'}');
    Ok(out)
}

fn write_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Into memory, of types with string keys only: it cannot fail.
    serde_json::to_writer(out, value).expect("the graph serialises");
}

#[cfg(test)]
mod tests {
    use super::*;
    use orgplan_analysis::position::Encoding;

    /// The result as it was built before it was written as text: typed,
    /// then serialised by serde_json (through tower-lsp).
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Typed {
        format: &'static str,
        overview: bool,
        version: Option<i32>,
        nodes: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        svg: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        css: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        graph: Option<graph::doc::GraphDoc>,
    }

    fn typed(snap: &Snap, p: &GraphParams, version: Option<i32>) -> serde_json::Value {
        let (format, req) = request(snap, p).unwrap();
        let g = graph::view(&snap.analysis, &req).unwrap();
        let uri_of = |file| {
            snap.location(orgplan_analysis::Loc::new(file, Default::default()))
                .map(|l| l.uri.to_string())
        };
        let embed_style = p.embed_style.unwrap_or(true);
        let mut t = Typed {
            format,
            overview: req.overview,
            version,
            nodes: g.nodes.len(),
            svg: None,
            css: None,
            text: None,
            graph: None,
        };
        match format {
            "svg" => {
                let opts = svg::Options {
                    embed_style,
                    legend: true,
                };
                t.svg = Some(svg::render_named(&g, &layout::layout(&g), &uri_of, &opts));
                t.css = (!embed_style).then_some(svg::CSS);
            }
            "json" => t.graph = Some(graph::doc::doc_named(&g, snap.ws, &uri_of)),
            "dot" => t.text = Some(graph::dot::render(&g)),
            _ => t.text = Some(graph::mermaid::render(&g)),
        }
        serde_json::to_value(&t).unwrap()
    }

    fn params(format: &str, overview: Option<bool>, embed_style: Option<bool>) -> GraphParams {
        GraphParams {
            text_document: TextDocumentIdentifier {
                uri: "file:///t.orgplan".parse().unwrap(),
            },
            format: Some(format.into()),
            overview,
            focus: None,
            depth: None,
            embed_style,
        }
    }

    /// Every format, the overview and the whole plan, the style in the
    /// picture or beside it: the text written is what serde_json wrote
    /// for the typed result (the plan's findings put quotes, line breaks
    /// and characters past ASCII into the tooltips).
    #[test]
    fn the_result_written_as_text_is_what_serde_json_wrote() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/violations");
        let mut text = std::fs::read_to_string(format!("{dir}/plan.orgplan")).unwrap();
        text = text.replacen("\"", "\"\u{1F600} 漢字 \\\"quoted\\\" ", 3);
        let fs = crate::handlers::test_snapshot(&text, Encoding::Utf16);
        let snap = fs.view().unwrap();
        let cases = [
            params("svg", None, None),
            params("svg", Some(true), None),
            params("svg", Some(false), Some(false)),
            params("json", Some(false), None),
            params("json", Some(true), None),
            params("dot", None, None),
            params("mermaid", Some(true), None),
        ];
        for (i, p) in cases.iter().enumerate() {
            let version = (i % 2 == 0).then_some(i as i32);
            let text = result_text(&snap, p, version).unwrap();
            let id = tower_lsp_server::jsonrpc::Id::Number(0);
            let body = crate::transport::response_body(&id, text);
            let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(body["result"], typed(&snap, p, version), "case {i}");
        }
    }

    /// What the handler gives tower-lsp is a placeholder the output
    /// recognises (its text may be gone already: other tests stash too).
    #[test]
    fn the_handler_gives_a_placeholder() {
        let fs = crate::handlers::test_snapshot("leader jane \"Jane\" {}\n", Encoding::Utf16);
        let written = graph(&fs.view().unwrap(), &params("svg", None, None), None).unwrap();
        let value = serde_json::to_value(&written).unwrap();
        let raw = crate::transport::take_raw(&value);
        assert!(!matches!(raw, crate::transport::Raw::Not));
    }

    #[test]
    fn an_unknown_format_is_an_error_not_a_placeholder() {
        let fs = crate::handlers::test_snapshot("leader jane \"Jane\" {}\n", Encoding::Utf16);
        let err = graph(&fs.view().unwrap(), &params("png", None, None), None).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidParams);
    }
}

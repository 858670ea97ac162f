//! textDocument/references: every place that names the entity under the
//! cursor, its declaration included if asked.

use super::Snap;
use orgplan_analysis::ide::navigation;
use tower_lsp_server::lsp_types::{Location, ReferenceParams};

pub fn references(snap: &Snap, params: &ReferenceParams) -> Option<Vec<Location>> {
    let offset = snap.offset(params.text_document_position.position);
    let with_declaration = params.context.include_declaration;
    let locs = navigation::references(snap.ws, &snap.analysis, snap.file, offset, with_declaration);
    Some(locs.into_iter().filter_map(|l| snap.location(l)).collect())
}

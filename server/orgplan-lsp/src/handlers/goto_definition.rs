//! textDocument/definition: where the name under the cursor is declared.

use super::Snap;
use orgplan_analysis::ide::navigation;
use tower_lsp_server::lsp_types::{GotoDefinitionParams, GotoDefinitionResponse, Location};

pub fn goto_definition(
    snap: &Snap,
    params: &GotoDefinitionParams,
) -> Option<GotoDefinitionResponse> {
    let offset = snap.offset(params.text_document_position_params.position);
    let locs = navigation::definition(snap.ws, &snap.analysis, snap.file, offset);
    let locs: Vec<Location> = locs.into_iter().filter_map(|l| snap.location(l)).collect();
    (!locs.is_empty()).then_some(GotoDefinitionResponse::Array(locs))
}

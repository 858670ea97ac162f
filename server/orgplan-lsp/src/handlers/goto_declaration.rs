//! textDocument/declaration: a plan declares each name once, where it is
//! defined, so this is the definition.

use super::Snap;
use tower_lsp_server::lsp_types::request::{GotoDeclarationParams, GotoDeclarationResponse};

pub fn goto_declaration(
    snap: &Snap,
    params: &GotoDeclarationParams,
) -> Option<GotoDeclarationResponse> {
    super::goto_definition::goto_definition(snap, params)
}

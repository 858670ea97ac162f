//! textDocument/rename: the edits that rename an entity everywhere it is
//! named; a new name that is not an id is `InvalidParams`, with the reason.

use super::Snap;
use orgplan_analysis::ide::rename;
use tower_lsp_server::jsonrpc::Error;
use tower_lsp_server::lsp_types::{RenameParams, WorkspaceEdit};

pub fn rename(snap: &Snap, params: &RenameParams) -> Option<Result<WorkspaceEdit, Error>> {
    let offset = snap.offset(params.text_document_position.position);
    let new_name = &params.new_name;
    Some(
        match rename::rename(snap.ws, &snap.analysis, snap.file, offset, new_name) {
            Ok(edits) => Ok(snap.workspace_edit(&edits)),
            Err(message) => Err(Error::invalid_params(message)),
        },
    )
}

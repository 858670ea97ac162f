//! textDocument/prepareRename: the name under the cursor and its range, or
//! why it cannot be renamed (`RequestFailed`, with the reason to show).

use super::Snap;
use orgplan_analysis::ide::rename;
use tower_lsp_server::jsonrpc::{Error, ErrorCode};
use tower_lsp_server::lsp_types::{PrepareRenameResponse, TextDocumentPositionParams};

/// The LSP error code `RequestFailed`: the request was valid, and refused.
const REQUEST_FAILED: i64 = -32803;

pub fn prepare_rename(
    snap: &Snap,
    params: &TextDocumentPositionParams,
) -> Option<Result<PrepareRenameResponse, Error>> {
    let offset = snap.offset(params.position);
    Some(
        match rename::prepare_rename(snap.ws, &snap.analysis, snap.file, offset) {
            Ok((range, placeholder)) => Ok(PrepareRenameResponse::RangeWithPlaceholder {
                range: snap.range(range),
                placeholder,
            }),
            Err(message) => Err(Error {
                code: ErrorCode::ServerError(REQUEST_FAILED),
                message: message.into(),
                data: None,
            }),
        },
    )
}

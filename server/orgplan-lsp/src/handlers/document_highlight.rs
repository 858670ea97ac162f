//! textDocument/documentHighlight: the places in this file that name the
//! entity under the cursor; its declaration is a write, the rest reads.

use super::Snap;
use orgplan_analysis::ide::navigation::{self, Access};
use tower_lsp_server::lsp_types::{
    DocumentHighlight, DocumentHighlightKind, DocumentHighlightParams,
};

pub fn document_highlight(
    snap: &Snap,
    params: &DocumentHighlightParams,
) -> Option<Vec<DocumentHighlight>> {
    let offset = snap.offset(params.text_document_position_params.position);
    let found = navigation::highlights(snap.ws, &snap.analysis, snap.file, offset);
    let highlight = |(range, access)| DocumentHighlight {
        range: snap.range(range),
        kind: Some(match access {
            Access::Write => DocumentHighlightKind::WRITE,
            Access::Read => DocumentHighlightKind::READ,
        }),
    };
    Some(found.into_iter().map(highlight).collect())
}

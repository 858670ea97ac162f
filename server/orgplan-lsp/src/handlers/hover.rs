//! textDocument/hover

use super::Snap;
use orgplan_analysis::ide::hover;
use tower_lsp_server::lsp_types::{Hover, HoverContents, HoverParams};

pub fn hover(snap: &Snap, params: &HoverParams) -> Option<Hover> {
    let offset = snap.offset(params.text_document_position_params.position);
    let h = hover::hover(snap.ws, &snap.analysis, snap.file, offset)?;
    Some(Hover {
        contents: HoverContents::Markup(crate::markup::content(
            h.markdown,
            snap.session.support.hover_markdown,
        )),
        range: Some(snap.range(h.range)),
    })
}

//! textDocument/hover

use super::Snap;
use orgplan_analysis::ide::{config_file, hover};
use tower_lsp_server::lsp_types::{Hover, HoverContents, HoverParams};

pub fn hover(snap: &Snap, params: &HoverParams) -> Option<Hover> {
    let offset = snap.offset(params.text_document_position_params.position);
    let (range, markdown) = if config_file::is_config(snap.ws, snap.file) {
        config_file::hover(snap.ws.text(snap.file)?, offset)?
    } else {
        let h = hover::hover(snap.ws, &snap.analysis, snap.file, offset)?;
        (h.range, h.markdown)
    };
    Some(Hover {
        contents: HoverContents::Markup(crate::markup::content(
            markdown,
            snap.session.support.hover_markdown,
        )),
        range: Some(snap.range(range)),
    })
}

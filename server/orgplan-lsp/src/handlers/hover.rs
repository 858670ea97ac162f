//! textDocument/hover

use super::Snap;
use crate::capabilities::EXPLAIN_RULE_COMMAND;
use orgplan_analysis::ide::{config_file, hover};
use tower_lsp_server::lsp_types::{Hover, HoverContents, HoverParams};

/// The hover; a finding's rule links to the client's *Explain Rule*
/// command when it announced one (and takes Markdown), else names
/// `orgplan explain RULE`.
pub fn hover(snap: &Snap, params: &HoverParams) -> Option<Hover> {
    let offset = snap.offset(params.text_document_position_params.position);
    let (range, markdown) = if config_file::is_config(snap.ws, snap.file) {
        config_file::hover(&snap.ws.text(snap.file)?.slice(..), offset)?
    } else {
        let support = &snap.support;
        let link = if support.explain_rule_command && support.hover_markdown {
            hover::RuleLink::Command(EXPLAIN_RULE_COMMAND)
        } else {
            hover::RuleLink::Cli
        };
        let h = hover::hover(snap.ws, &snap.analysis, snap.file, offset, link)?;
        (h.range, h.markdown)
    };
    Some(Hover {
        contents: HoverContents::Markup(crate::markup::content(
            markdown,
            snap.support.hover_markdown,
        )),
        range: Some(snap.range(range)),
    })
}

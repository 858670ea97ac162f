//! textDocument/rangeFormatting: the lines of the range, widened to the
//! whole top-level blocks they touch, so that one block formats while
//! another does not parse.

use super::formatting::{minimal_edit, refusal, Formatted};
use super::Snap;
use orgplan_analysis::TextRange;
use tower_lsp_server::lsp_types::DocumentRangeFormattingParams;

pub fn range_formatting(snap: &Snap, params: &DocumentRangeFormattingParams) -> Option<Formatted> {
    let text = snap.ws.text(snap.file)?;
    let doc = snap.ws.file(snap.file)?.doc();
    let blocks: Vec<TextRange> = doc.blocks.iter().map(|b| b.range).collect();
    let range = snap.text_range(params.range);
    Some(
        match orgplan_analysis::format::format_range(text, &blocks, range) {
            Some((part, formatted)) => Formatted::Edits(minimal_edit(
                snap,
                &text.slice(part.range()),
                part.start(),
                part,
                &formatted,
            )),
            None => Formatted::Refused(refusal(snap, range)),
        },
    )
}

//! textDocument/onTypeFormatting, trigger `}`: the block the brace closes
//! is laid out as range formatting would (the whole top-level block it is
//! in: the formatter's unit). Silent when that block does not parse yet
//! (the user is typing; a message on every brace would be noise), when
//! the character before the cursor is not a `}`, and in `orgplan.toml`.
//!
//! The layout is the canonical one (two spaces a level): the client's
//! `tabSize`/`insertSpaces` are not asked of the formatter, which has no
//! options (as `formatting` and `rangeFormatting`).

use super::formatting::minimal_edit;
use super::Snap;
use orgplan_analysis::ide::config_file;
use orgplan_analysis::TextRange;
use tower_lsp_server::lsp_types::{DocumentOnTypeFormattingParams, TextEdit};

/// The characters that trigger it (the first is the protocol's
/// `firstTriggerCharacter`).
pub const TRIGGERS: [&str; 1] = ["}"];

pub fn on_type_formatting(
    snap: &Snap,
    params: &DocumentOnTypeFormattingParams,
) -> Option<Vec<TextEdit>> {
    if !TRIGGERS.contains(&params.ch.as_str()) || config_file::is_config(snap.ws, snap.file) {
        return None;
    }
    let text = snap.ws.text(snap.file)?;
    let at = snap.offset(params.text_document_position.position);
    // The brace just typed, before the cursor.
    if at == 0 || text.byte(at - 1) != Some(b'}') {
        return None;
    }
    let doc = snap.ws.file(snap.file)?.doc();
    let blocks: Vec<TextRange> = doc.blocks.iter().map(|b| b.range).collect();
    let brace = TextRange::new(at - 1, at);
    let (part, formatted) = orgplan_analysis::format::format_range(text, &blocks, brace)?;
    Some(minimal_edit(
        snap,
        &text.slice(part.range()),
        part.start(),
        part,
        &formatted,
    ))
}

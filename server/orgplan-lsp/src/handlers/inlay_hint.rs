//! textDocument/inlayHint: where a rule has something to say, a short
//! note after the line (none where that rule is off).

use super::Snap;
use orgplan_analysis::ide::inlay_hints;
use tower_lsp_server::lsp_types::{InlayHint, InlayHintLabel, InlayHintParams};

pub fn inlay_hint(snap: &Snap, params: &InlayHintParams) -> Option<Vec<InlayHint>> {
    let within = snap.text_range(params.range);
    let hints = inlay_hints::inlay_hints(snap.ws, &snap.analysis, snap.file, within);
    let hint = |h: inlay_hints::InlayHint| InlayHint {
        position: crate::convert::position(&snap.lines, h.offset, snap.enc),
        label: InlayHintLabel::String(h.label),
        kind: None,
        text_edits: None,
        tooltip: None,
        padding_left: Some(true),
        padding_right: None,
        data: None,
    };
    Some(hints.into_iter().map(hint).collect())
}

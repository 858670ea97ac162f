//! textDocument/semanticTokens/full: every token of the document, typed by
//! what it names (`crate::convert::semantic_tokens_legend`).

use super::Snap;
use orgplan_analysis::ide::semantic_tokens::{self, TokenKind};
use orgplan_analysis::TextRange;
use tower_lsp_server::lsp_types::{
    SemanticToken, SemanticTokens, SemanticTokensParams, SemanticTokensResult,
};

pub fn semantic_tokens_full(snap: &Snap, _: &SemanticTokensParams) -> Option<SemanticTokensResult> {
    Some(SemanticTokensResult::Tokens(tokens(snap, None)))
}

/// The tokens of the file (those `within` a range, if given), each placed
/// relative to the one before as the protocol encodes them. A token the
/// client could not show (one spanning lines, or empty) is left out.
pub(super) fn tokens(snap: &Snap, within: Option<TextRange>) -> SemanticTokens {
    let found = semantic_tokens::semantic_tokens(snap.ws, &snap.analysis.model, snap.file, within);
    let mut data = Vec::with_capacity(found.len());
    let (mut prev_line, mut prev_col) = (0, 0);
    for t in found {
        let r = snap.range(t.range);
        if r.start.line != r.end.line || r.end.character <= r.start.character {
            continue;
        }
        let delta_line = r.start.line - prev_line;
        let delta_start = if delta_line == 0 {
            r.start.character - prev_col
        } else {
            r.start.character
        };
        data.push(SemanticToken {
            delta_line,
            delta_start,
            length: r.end.character - r.start.character,
            token_type: TokenKind::ALL
                .iter()
                .position(|k| *k == t.kind)
                .unwrap_or(0) as u32,
            token_modifiers_bitset: u32::from(t.declaration),
        });
        prev_line = r.start.line;
        prev_col = r.start.character;
    }
    SemanticTokens {
        result_id: None,
        data,
    }
}

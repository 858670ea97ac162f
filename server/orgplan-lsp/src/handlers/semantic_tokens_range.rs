//! textDocument/semanticTokens/range: the tokens within a range, encoded
//! as for the whole document (a screenful: small, so answered as a value).

use super::Snap;
use tower_lsp_server::lsp_types::{
    SemanticToken, SemanticTokens, SemanticTokensRangeParams, SemanticTokensRangeResult,
};

pub fn semantic_tokens_range(
    snap: &Snap,
    params: &SemanticTokensRangeParams,
) -> Option<SemanticTokensRangeResult> {
    let within = snap.text_range(params.range);
    let encoded = super::semantic_tokens_full::encode(snap, Some(within));
    let data = encoded
        .data
        .chunks_exact(5)
        .map(|t| SemanticToken {
            delta_line: t[0],
            delta_start: t[1],
            length: t[2],
            token_type: t[3],
            token_modifiers_bitset: t[4],
        })
        .collect();
    Some(SemanticTokensRangeResult::Tokens(SemanticTokens {
        result_id: None,
        data,
    }))
}

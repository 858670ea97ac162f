//! textDocument/semanticTokens/range: the tokens within a range, encoded
//! as for the whole document.

use super::Snap;
use tower_lsp_server::lsp_types::{SemanticTokensRangeParams, SemanticTokensRangeResult};

pub fn semantic_tokens_range(
    snap: &Snap,
    params: &SemanticTokensRangeParams,
) -> Option<SemanticTokensRangeResult> {
    let within = snap.text_range(params.range);
    let tokens = super::semantic_tokens_full::tokens(snap, Some(within));
    Some(SemanticTokensRangeResult::Tokens(tokens))
}

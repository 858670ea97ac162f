//! textDocument/foldingRange: blocks and runs of comments, by whole lines;
//! a block's closing brace stays visible.

use super::Snap;
use orgplan_analysis::ide::folding::{self, Fold, FoldKind};
use tower_lsp_server::lsp_types::{FoldingRange, FoldingRangeKind, FoldingRangeParams};

pub fn folding_range(snap: &Snap, _: &FoldingRangeParams) -> Option<Vec<FoldingRange>> {
    let folds = folding::folding_ranges(snap.ws, snap.file);
    Some(folds.into_iter().filter_map(|f| fold(snap, f)).collect())
}

/// The fold by lines; none if it folds no line away.
fn fold(snap: &Snap, f: Fold) -> Option<FoldingRange> {
    let r = snap.range(f.range);
    let (start, mut end) = (r.start.line, r.end.line);
    if f.kind == FoldKind::Block && end > start {
        end -= 1;
    }
    (end > start).then_some(FoldingRange {
        start_line: start,
        start_character: None,
        end_line: end,
        end_character: None,
        kind: Some(match f.kind {
            FoldKind::Block => FoldingRangeKind::Region,
            FoldKind::Comment => FoldingRangeKind::Comment,
        }),
        collapsed_text: None,
    })
}

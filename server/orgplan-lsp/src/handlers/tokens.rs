//! Semantic tokens (full and range), folding ranges, inlay hints, code lens.

use super::Snap;
use orgplan_analysis::ide::semantic_tokens::{self, TokenKind};
use orgplan_analysis::ide::{code_lens, folding, inlay_hints};
use orgplan_analysis::TextRange;
use tower_lsp_server::lsp_types::*;

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TokenKind::ALL
            .iter()
            .map(|k| match k {
                TokenKind::Keyword => SemanticTokenType::KEYWORD,
                TokenKind::Leader => SemanticTokenType::new("leader"),
                TokenKind::Team => SemanticTokenType::new("team"),
                TokenKind::Initiative => SemanticTokenType::new("initiative"),
                TokenKind::Property => SemanticTokenType::PROPERTY,
                TokenKind::Variable => SemanticTokenType::VARIABLE,
                TokenKind::EnumMember => SemanticTokenType::ENUM_MEMBER,
                TokenKind::String => SemanticTokenType::STRING,
                TokenKind::Number => SemanticTokenType::NUMBER,
                TokenKind::Comment => SemanticTokenType::COMMENT,
            })
            .collect(),
        token_modifiers: vec![SemanticTokenModifier::DECLARATION],
    }
}

pub fn semantic_tokens(snap: &Snap, within: Option<Range>) -> Option<SemanticTokens> {
    let within = within.map(|r| snap.text_range(r));
    let tokens = semantic_tokens::semantic_tokens(snap.ws, &snap.analysis.model, snap.file, within);
    let mut data = Vec::with_capacity(tokens.len());
    let (mut prev_line, mut prev_col) = (0, 0);
    for t in tokens {
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
    Some(SemanticTokens {
        result_id: None,
        data,
    })
}

pub fn folding(snap: &Snap) -> Option<Vec<FoldingRange>> {
    let folds = folding::folding_ranges(snap.ws, snap.file);
    let mut out = Vec::new();
    for f in folds {
        let r = snap.range(f.range);
        let (start, mut end) = (r.start.line, r.end.line);
        // Keep a block's closing brace visible.
        if f.kind == folding::FoldKind::Block && end > start {
            end -= 1;
        }
        if end <= start {
            continue;
        }
        out.push(FoldingRange {
            start_line: start,
            start_character: None,
            end_line: end,
            end_character: None,
            kind: Some(match f.kind {
                folding::FoldKind::Block => FoldingRangeKind::Region,
                folding::FoldKind::Comment => FoldingRangeKind::Comment,
            }),
            collapsed_text: None,
        });
    }
    Some(out)
}

pub fn inlay_hints(snap: &Snap, range: Range) -> Option<Vec<InlayHint>> {
    let within: TextRange = snap.text_range(range);
    let hints = inlay_hints::inlay_hints(snap.ws, &snap.analysis, snap.file, within);
    Some(
        hints
            .into_iter()
            .map(|h| InlayHint {
                position: crate::convert::position(&snap.lines, h.offset, snap.enc),
                label: InlayHintLabel::String(h.label),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect(),
    )
}

pub fn code_lens(snap: &Snap) -> Option<Vec<CodeLens>> {
    let lenses = code_lens::code_lenses(snap.ws, &snap.analysis, snap.file);
    Some(
        lenses
            .into_iter()
            .map(|l| CodeLens {
                range: snap.range(l.range),
                // A label: the empty command makes it a title that does nothing.
                command: Some(Command {
                    title: l.title,
                    command: String::new(),
                    arguments: None,
                }),
                data: None,
            })
            .collect(),
    )
}

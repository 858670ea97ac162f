//! Semantic tokens (full and range), folding ranges, inlay hints, code lens.

use super::Snap;
use crate::capabilities::{SHOW_CHECKLIST_COMMAND, SHOW_REFERENCES_COMMAND};
use orgplan_analysis::ide::checklist::Answer;
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

/// Code lenses. A lens runs a command the client said it has: the
/// checklist opens as a list of questions (`orgplan.showChecklist`, one
/// argument: `{ uri, position, title, items: [{ label, question, answer,
/// why, location, findings: [{ message, location }] }] }`), the teams as references (`orgplan.showReferences`,
/// arguments `uri, position, locations` as `editor.action.showReferences`
/// takes them). To a client without them a lens is a label.
pub fn code_lens(snap: &Snap) -> Option<Vec<CodeLens>> {
    let support = &snap.session.support;
    let lenses = code_lens::code_lenses(snap.ws, &snap.analysis, snap.file);
    let uri = snap
        .location(orgplan_analysis::Loc::new(snap.file, TextRange::empty(0)))?
        .uri;
    Some(
        lenses
            .into_iter()
            .map(|l| {
                let range = snap.range(l.range);
                let (command, arguments) = match l.action {
                    code_lens::LensAction::Checklist(checks) if support.checklist_command => {
                        let items: Vec<serde_json::Value> = checks
                            .iter()
                            .map(|c| {
                                serde_json::json!({
                                    "label": format!("{} {}", c.answer.mark(), c.label),
                                    "question": c.question,
                                    "answer": match c.answer {
                                        Answer::Pass => "pass",
                                        Answer::Fail => "fail",
                                        Answer::Unchecked => "unchecked",
                                    },
                                    "why": c.why,
                                    "location": snap.location(c.at),
                                    "findings": c.findings.iter().map(|f| serde_json::json!({
                                        "message": f.message,
                                        "location": snap.location(f.loc),
                                    })).collect::<Vec<_>>(),
                                })
                            })
                            .collect();
                        let arg = serde_json::json!({
                            "uri": uri,
                            "position": range.start,
                            "title": l.title,
                            "items": items,
                        });
                        (SHOW_CHECKLIST_COMMAND.to_string(), Some(vec![arg]))
                    }
                    code_lens::LensAction::Places(places) if support.references_command => {
                        let locations: Vec<Location> = places
                            .into_iter()
                            .filter_map(|p| snap.location(p))
                            .collect();
                        let args = vec![
                            serde_json::json!(uri),
                            serde_json::json!(range.start),
                            serde_json::json!(locations),
                        ];
                        (SHOW_REFERENCES_COMMAND.to_string(), Some(args))
                    }
                    // A label: the empty command makes it a title that does nothing.
                    _ => (String::new(), None),
                };
                CodeLens {
                    range,
                    command: Some(Command {
                        title: l.title,
                        command,
                        arguments,
                    }),
                    data: None,
                }
            })
            .collect(),
    )
}

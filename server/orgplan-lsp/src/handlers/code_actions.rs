//! textDocument/codeAction: the quick fixes of the findings in range.

use super::Snap;
use crate::convert;
use orgplan_analysis::ide::code_actions;
use tower_lsp_server::lsp_types::*;

pub fn workspace_edit(snap: &Snap, edits: &[orgplan_analysis::rules::Edit]) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(super::navigation::group(snap, edits)),
        ..WorkspaceEdit::default()
    }
}

pub fn code_actions(snap: &Snap, params: &CodeActionParams) -> Option<CodeActionResponse> {
    if let Some(only) = &params.context.only {
        if !only.iter().any(|k| k.as_str().starts_with("quickfix")) {
            return Some(Vec::new());
        }
    }
    let range = snap.text_range(params.range);
    let actions = code_actions::code_actions(&snap.analysis, snap.file, range);
    Some(
        actions
            .into_iter()
            .map(|a| {
                let diag =
                    convert::diagnostic(a.finding, &snap.lines, snap.enc, &|l| snap.location(l));
                CodeActionOrCommand::CodeAction(CodeAction {
                    title: a.title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diag]),
                    edit: Some(workspace_edit(snap, &a.edits)),
                    is_preferred: Some(a.preferred),
                    ..CodeAction::default()
                })
            })
            .collect(),
    )
}

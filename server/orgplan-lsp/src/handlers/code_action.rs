//! textDocument/codeAction: the quick fixes of the findings in range.

use super::Snap;
use crate::capabilities::{APPLY_FIX_COMMAND, INSERT_SNIPPET};
use crate::convert;
use orgplan_analysis::ide::code_actions;
use tower_lsp_server::lsp_types::*;

/// The quick fixes in range, as the client takes them: code actions
/// carrying their edit, or (for a client without code action literals)
/// commands that the server runs by asking the client to apply the edit;
/// none for a client that can do neither. A fix that declares a new block
/// comes with tab stops, through the client's `orgplan.insertSnippet`
/// command, when the client runs it.
pub fn code_action(snap: &Snap, params: &CodeActionParams) -> Option<CodeActionResponse> {
    let support = snap.support;
    if !support.code_action_literals && !support.apply_edit {
        return Some(Vec::new());
    }
    if let Some(only) = &params.context.only {
        if !only.iter().any(|k| k.as_str().starts_with("quickfix")) {
            return Some(Vec::new());
        }
    }
    let range = snap.text_range(params.range);
    let actions = code_actions::code_actions(&snap.analysis, snap.file, range);
    let links = convert::RuleLinks::of(snap.ws);
    Some(
        actions
            .into_iter()
            .map(|a| action(snap, a, &links))
            .collect(),
    )
}

/// One fix: a command applying its edit for a client without code action
/// literals, else a quick fix naming its diagnostic.
fn action(
    snap: &Snap,
    a: code_actions::CodeAction,
    links: &convert::RuleLinks,
) -> CodeActionOrCommand {
    let support = snap.support;
    let edit = snap.workspace_edit(&a.edits);
    if !support.code_action_literals {
        return CodeActionOrCommand::Command(Command {
            title: a.title,
            command: APPLY_FIX_COMMAND.to_string(),
            arguments: Some(vec![serde_json::to_value(edit).unwrap_or_default()]),
        });
    }
    let diag = convert::diagnostic(a.finding, &snap.lines, snap.enc, links, &|l| {
        snap.location(l)
    });
    let command = match (&a.snippet, a.edits.as_slice()) {
        (Some(snippet), [edit]) if support.insert_snippet => {
            insert_snippet(snap, edit, snippet, &a.title)
        }
        _ => None,
    };
    CodeActionOrCommand::CodeAction(CodeAction {
        title: a.title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diag]),
        edit: command.is_none().then_some(edit),
        command,
        is_preferred: support.preferred_fixes.then_some(a.preferred),
        ..CodeAction::default()
    })
}

/// `orgplan.insertSnippet` with `{ uri, range, snippet }`: the client
/// replaces `range` of the document with the snippet and starts at its
/// first tab stop.
fn insert_snippet(
    snap: &Snap,
    edit: &orgplan_analysis::rules::Edit,
    snippet: &str,
    title: &str,
) -> Option<Command> {
    let location = snap.location(orgplan_analysis::Loc::new(edit.loc.file, edit.loc.range))?;
    Some(Command {
        title: title.to_string(),
        command: INSERT_SNIPPET.to_string(),
        arguments: Some(vec![serde_json::json!({
            "uri": location.uri,
            "range": location.range,
            "snippet": snippet,
        })]),
    })
}

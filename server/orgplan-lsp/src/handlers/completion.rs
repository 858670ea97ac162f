//! textDocument/completion

use super::Snap;
use crate::capabilities::{KindSet, TRIGGER_SUGGEST};
use orgplan_analysis::ide::completion::{self, ItemKind};
use orgplan_analysis::ide::{config_file, snippet};
use tower_lsp_server::lsp_types::*;

/// `:`, ` ` and `,` in plans; `=` and `[` in `orgplan.toml`.
pub const TRIGGERS: [&str; 5] = [":", " ", ",", "=", "["];

/// Completion items, as the client takes them
/// ([`crate::capabilities::ClientSupport`]): snippets as plain text for a
/// client that takes none, documentation as plain text for one that shows
/// no Markdown, the description beside the label only where it can go; a
/// key whose values can be listed asks a client that runs
/// `editor.action.triggerSuggest` to list them.
pub fn completion(snap: &Snap, params: &CompletionParams) -> Option<CompletionResponse> {
    let offset = snap.offset(params.text_document_position.position);
    let found = if config_file::is_config(snap.ws, snap.file) {
        config_file::completions(&snap.ws.text(snap.file)?.slice(..), offset)
    } else {
        completion::completions(snap.ws, &snap.analysis, snap.file, offset)
    };
    let items = found.items.into_iter().map(|i| item(snap, i)).collect();
    // While the org is still being read, names declared in files not read
    // yet are missing: the client is to ask again.
    let loading = snap.loading;
    Some(CompletionResponse::List(CompletionList {
        is_incomplete: found.incomplete || loading,
        items,
    }))
}

fn item(snap: &Snap, mut i: completion::CompletionItem) -> CompletionItem {
    let support = snap.support;
    if i.snippet && !support.snippets {
        i.insert = snippet::as_text(&i.insert);
        i.snippet = false;
    }
    CompletionItem {
        label: i.label.clone(),
        label_details: i
            .detail
            .as_ref()
            .filter(|_| support.label_details)
            .map(|d| CompletionItemLabelDetails {
                detail: None,
                description: Some(d.clone()),
            }),
        kind: Some(item_kind(i.kind, support.completion_kinds)),
        detail: i.detail.clone(),
        documentation: i.documentation.map(|d| {
            Documentation::MarkupContent(crate::markup::content(d, support.completion_markdown))
        }),
        sort_text: Some(i.sort_text),
        filter_text: Some(i.label),
        insert_text_format: Some(if i.snippet {
            InsertTextFormat::SNIPPET
        } else {
            InsertTextFormat::PLAIN_TEXT
        }),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit {
            range: snap.range(i.range),
            new_text: i.insert,
        })),
        command: (i.retrigger && support.trigger_suggest).then(|| Command {
            title: "List the values".to_string(),
            command: TRIGGER_SUGGEST.to_string(),
            arguments: None,
        }),
        ..CompletionItem::default()
    }
}

/// The kind a menu shows beside an item. Leaders and teams are told apart
/// by kinds whose names read right where a menu prints them (Neovim shows
/// the kind's name): a leader is a reference to a person declared
/// elsewhere, a team a module of the org. Both are kinds every client
/// knows; values and roles are enum members where the client knows them.
fn item_kind(kind: ItemKind, known: KindSet) -> CompletionItemKind {
    match kind {
        ItemKind::Leader => CompletionItemKind::REFERENCE,
        ItemKind::Team => CompletionItemKind::MODULE,
        ItemKind::Property => CompletionItemKind::PROPERTY,
        ItemKind::Value | ItemKind::Role => known.pick(&[
            (CompletionItemKind::ENUM_MEMBER, 20),
            (CompletionItemKind::VALUE, 12),
        ]),
        ItemKind::Snippet => CompletionItemKind::SNIPPET,
    }
}

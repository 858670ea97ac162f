//! Both sides of the capability handshake: what the client says it
//! supports ([`ClientSupport`], the one table of everything the server does
//! differently by client), and what the server tells the client it can do
//! ([`server_capabilities`]).

use crate::convert;
use crate::handlers::completion::TRIGGERS;
use orgplan_analysis::position::Encoding;
use parking_lot::Mutex;
use serde_json::Value;
use tower_lsp_server::lsp_types::*;

/// What the server does differently by what the client said it supports
/// in `initialize`: one field per row, each read from one place of the
/// client's `ClientCapabilities` (written as a JSON pointer), and a client
/// that says nothing gets the plainest form. Every row has an end-to-end
/// test with and without the capability (`tests/lsp/capabilities.rs`).
///
/// The rows are read from the capabilities as the client sent them (the
/// transport keeps them, [`InitializeCapabilities`]), not from
/// `lsp_types`' struct, which spells `workspace.diagnostics` without its
/// `s` and so never sees a client's diagnostic refresh support.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClientSupport {
    /// `/general/positionEncodings` lists `utf-8`: positions in UTF-8;
    /// otherwise UTF-16, the protocol's default.
    pub encoding: Encoding,
    /// `/textDocument/hover/contentFormat` lists `markdown`: hovers in
    /// Markdown; otherwise plain text ([`crate::markup::plain_text`]).
    pub hover_markdown: bool,
    /// `/textDocument/completion/completionItem/documentationFormat` lists
    /// `markdown`: completion documentation in Markdown; otherwise plain text.
    pub completion_markdown: bool,
    /// `/textDocument/completion/completionItem/snippetSupport`: templates
    /// as snippets with tab stops; otherwise their plain text.
    pub snippets: bool,
    /// `/textDocument/completion/completionItem/labelDetailsSupport`: a
    /// completion's description beside its label (`labelDetails`);
    /// otherwise only in `detail`.
    pub label_details: bool,
    /// `/textDocument/documentSymbol/hierarchicalDocumentSymbolSupport`:
    /// document symbols as a tree (`DocumentSymbol[]`); otherwise a flat
    /// `SymbolInformation[]`, each naming its container.
    pub hierarchical_symbols: bool,
    /// `/textDocument/codeAction/codeActionLiteralSupport`: quick fixes as
    /// `CodeAction`s carrying their edit; otherwise as `Command`s that the
    /// server runs (`workspace/executeCommand`, then `workspace/applyEdit`),
    /// which needs [`Self::apply_edit`] (without it, no fixes are offered).
    pub code_action_literals: bool,
    /// `/textDocument/codeAction/isPreferredSupport`: the fix to apply
    /// first is marked `isPreferred`; otherwise no mark.
    pub preferred_fixes: bool,
    /// `/workspace/applyEdit`: the client applies edits the server sends.
    pub apply_edit: bool,
    /// `/textDocument/publishDiagnostics/relatedInformation`: diagnostics
    /// carry their related places; otherwise none.
    pub related_information: bool,
    /// `/window/workDoneProgress`: loading the workspace reports
    /// `$/progress`; otherwise only a log message at the end.
    pub work_done_progress: bool,
    /// `/workspace/didChangeWatchedFiles/dynamicRegistration`: the server
    /// registers watchers for plans and `orgplan.toml`.
    pub watch_dynamic: bool,
    /// `/workspace/configuration`: settings are pulled
    /// (`workspace/configuration`); otherwise read from
    /// `didChangeConfiguration` notifications.
    pub configuration: bool,
    /// `/workspace/didChangeConfiguration/dynamicRegistration`: the server
    /// registers for configuration changes.
    pub config_dynamic: bool,
    /// `/textDocument/diagnostic` is there and
    /// `/workspace/diagnostics/refreshSupport` is true: the client pulls
    /// diagnostics (`textDocument/diagnostic`, `workspace/diagnostic`) and
    /// is asked to pull again when an edit changes the findings of other
    /// files; nothing is pushed. Otherwise diagnostics are pushed
    /// (`textDocument/publishDiagnostics`) and no pull is announced. A
    /// client that pulls but cannot be told to refresh gets pushes: the
    /// findings of a file depend on the others, and it would keep stale
    /// findings in every file but the one being edited.
    pub pull_diagnostics: bool,
    /// `/textDocument/semanticTokens/requests/full/delta`: the server
    /// offers `semanticTokens/full/delta`, and keeps what it needs to
    /// answer it (a hash of each top-level block's tokens, for the last few
    /// results); otherwise whole results only, and nothing is kept.
    pub semantic_tokens_delta: bool,
    /// `/experimental/commands/commands` lists `editor.action.triggerSuggest`
    /// (commands the client runs itself, as rust-analyzer's clients list
    /// them): accepting a key whose values can be listed lists them;
    /// otherwise nothing follows the key.
    pub trigger_suggest: bool,
    /// `/experimental/commands/commands` lists `orgplan.insertSnippet`: a
    /// quick fix that declares a leader or team is that command, with the
    /// new block as a snippet (tab stops on its title, the declared leaders
    /// as a choice); otherwise a plain edit.
    pub insert_snippet: bool,
    /// `/workspace/inlayHint/refreshSupport`: when a setting switches inlay
    /// hints on or off, the server asks the client to fetch them again;
    /// otherwise the change shows at the client's next request.
    pub inlay_hint_refresh: bool,
    /// `/workspace/codeLens/refreshSupport`: likewise for code lenses.
    pub code_lens_refresh: bool,
    /// `/experimental/commands/commands` lists `orgplan.explainRule`: a
    /// finding's hover links to it with the rule's name; otherwise it names
    /// `orgplan explain RULE`.
    pub explain_rule_command: bool,
    /// `/experimental/commands/commands` lists `orgplan.showChecklist`: the
    /// checklist lens runs it with the initiative's place, and the command
    /// asks `orgplan/checklist` there; otherwise the lens is a label.
    pub checklist_command: bool,
    /// `/experimental/commands/commands` lists `orgplan.showReferences`: a
    /// team's dependency lenses run it with the teams' places (as
    /// `editor.action.showReferences` takes them); otherwise they are labels.
    pub references_command: bool,
    /// `/textDocument/completion/completionItemKind/valueSet`: the kinds of
    /// completion item the client knows. A kind outside it is sent as its
    /// stand-in of the protocol's first version (an enum member as a
    /// value); a client that sends no set knows those first 18 only.
    pub completion_kinds: KindSet,
    /// `/textDocument/documentSymbol/symbolKind/valueSet`: likewise for
    /// symbols (a team, a struct, is a class without it).
    pub symbol_kinds: KindSet,
}

/// A set of the protocol's numbered kinds (of completion items or of
/// symbols), as a client lists them; without a list, the first version's
/// kinds, 1 to 18.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindSet(u64);

impl Default for KindSet {
    fn default() -> KindSet {
        KindSet((1 << 19) - 2)
    }
}

impl KindSet {
    fn read(list: Option<&Value>) -> KindSet {
        match list.and_then(Value::as_array) {
            None => KindSet::default(),
            Some(kinds) => KindSet(
                kinds
                    .iter()
                    .filter_map(Value::as_u64)
                    .filter(|&k| (1..64).contains(&k))
                    .fold(0, |set, k| set | 1 << k),
            ),
        }
    }

    /// Whether the set has kind number `k`.
    pub fn has(self, k: u32) -> bool {
        k < 64 && self.0 & (1 << k) != 0
    }

    /// The first of `kinds` (each with its number) in the set, else the
    /// last of them (a kind of the first version, which every client knows).
    pub fn pick<K: Copy>(self, kinds: &[(K, u32)]) -> K {
        kinds
            .iter()
            .find(|&&(_, n)| self.has(n))
            .or(kinds.last())
            .map(|&(k, _)| k)
            .expect("at least one kind")
    }
}

/// The client-side command that shows a rule's full text, given its name.
pub const EXPLAIN_RULE_COMMAND: &str = "orgplan.explainRule";
/// The client-side command that lists an initiative's checklist.
pub const SHOW_CHECKLIST_COMMAND: &str = "orgplan.showChecklist";
/// The client-side command that lists places, as references are.
pub const SHOW_REFERENCES_COMMAND: &str = "orgplan.showReferences";
/// The client-side command that lists completions again.
pub const TRIGGER_SUGGEST: &str = "editor.action.triggerSuggest";
/// The client-side command that inserts a snippet into a document; its one
/// argument is `{ uri, range, snippet }`.
pub const INSERT_SNIPPET: &str = "orgplan.insertSnippet";

impl ClientSupport {
    /// The table, read from the `capabilities` of `initialize` as sent.
    pub fn from_json(c: &Value) -> ClientSupport {
        let flag = |path: &str| c.pointer(path).and_then(Value::as_bool).unwrap_or(false);
        let lists = |path: &str, item: &str| {
            c.pointer(path)
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|v| v == item))
        };
        ClientSupport {
            encoding: if lists("/general/positionEncodings", "utf-8") {
                Encoding::Utf8
            } else {
                Encoding::Utf16
            },
            hover_markdown: lists("/textDocument/hover/contentFormat", "markdown"),
            completion_markdown: lists(
                "/textDocument/completion/completionItem/documentationFormat",
                "markdown",
            ),
            snippets: flag("/textDocument/completion/completionItem/snippetSupport"),
            label_details: flag("/textDocument/completion/completionItem/labelDetailsSupport"),
            hierarchical_symbols: flag(
                "/textDocument/documentSymbol/hierarchicalDocumentSymbolSupport",
            ),
            code_action_literals: c
                .pointer("/textDocument/codeAction/codeActionLiteralSupport")
                .is_some_and(Value::is_object),
            preferred_fixes: flag("/textDocument/codeAction/isPreferredSupport"),
            apply_edit: flag("/workspace/applyEdit"),
            related_information: flag("/textDocument/publishDiagnostics/relatedInformation"),
            work_done_progress: flag("/window/workDoneProgress"),
            watch_dynamic: flag("/workspace/didChangeWatchedFiles/dynamicRegistration"),
            configuration: flag("/workspace/configuration"),
            config_dynamic: flag("/workspace/didChangeConfiguration/dynamicRegistration"),
            pull_diagnostics: c
                .pointer("/textDocument/diagnostic")
                .is_some_and(Value::is_object)
                && flag("/workspace/diagnostics/refreshSupport"),
            semantic_tokens_delta: flag("/textDocument/semanticTokens/requests/full/delta"),
            trigger_suggest: lists("/experimental/commands/commands", TRIGGER_SUGGEST),
            insert_snippet: lists("/experimental/commands/commands", INSERT_SNIPPET),
            inlay_hint_refresh: flag("/workspace/inlayHint/refreshSupport"),
            code_lens_refresh: flag("/workspace/codeLens/refreshSupport"),
            explain_rule_command: lists("/experimental/commands/commands", EXPLAIN_RULE_COMMAND),
            checklist_command: lists("/experimental/commands/commands", SHOW_CHECKLIST_COMMAND),
            references_command: lists("/experimental/commands/commands", SHOW_REFERENCES_COMMAND),
            completion_kinds: KindSet::read(
                c.pointer("/textDocument/completion/completionItemKind/valueSet"),
            ),
            symbol_kinds: KindSet::read(
                c.pointer("/textDocument/documentSymbol/symbolKind/valueSet"),
            ),
        }
    }

    /// Whether quick fixes are offered as commands the server runs.
    pub fn fixes_as_commands(&self) -> bool {
        !self.code_action_literals && self.apply_edit
    }
}

/// The capabilities of the client's `initialize`, as it sent them: kept by
/// the transport, read by the server's `initialize`.
#[derive(Default)]
pub struct InitializeCapabilities(Mutex<Option<Value>>);

impl InitializeCapabilities {
    /// Keeps the capabilities of an `initialize` request's body.
    pub fn keep(&self, body: &[u8]) {
        #[derive(serde::Deserialize)]
        struct Request {
            params: Params,
        }
        #[derive(serde::Deserialize)]
        struct Params {
            #[serde(default)]
            capabilities: Value,
        }
        if let Ok(r) = serde_json::from_slice::<Request>(body) {
            *self.0.lock() = Some(r.params.capabilities);
        }
    }

    pub fn take(&self) -> Option<Value> {
        self.0.lock().take()
    }
}

/// The command that applies a quick fix, for clients that take commands
/// but no code action literals; its one argument is the fix's
/// `WorkspaceEdit`.
pub const APPLY_FIX_COMMAND: &str = "orgplan.applyFix";

pub fn server_capabilities(support: &ClientSupport) -> ServerCapabilities {
    let enc = support.encoding;
    ServerCapabilities {
        position_encoding: Some(convert::encoding_kind(enc)),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                will_save: None,
                will_save_wait_until: None,
                save: None,
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(TRIGGERS.iter().map(|s| s.to_string()).collect()),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        declaration_provider: Some(DeclarationCapability::Simple(true)),
        references_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                work_done_progress_options: WorkDoneProgressOptions::default(),
                legend: convert::semantic_tokens_legend(),
                range: Some(true),
                full: Some(if support.semantic_tokens_delta {
                    SemanticTokensFullOptions::Delta { delta: Some(true) }
                } else {
                    SemanticTokensFullOptions::Bool(true)
                }),
            },
        )),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_range_formatting_provider: Some(OneOf::Left(true)),
        document_on_type_formatting_provider: Some(DocumentOnTypeFormattingOptions {
            first_trigger_character: crate::handlers::on_type_formatting::TRIGGERS[0].to_string(),
            more_trigger_character: None,
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: support.fixes_as_commands().then(|| ExecuteCommandOptions {
            commands: vec![APPLY_FIX_COMMAND.to_string()],
            work_done_progress_options: WorkDoneProgressOptions::default(),
        }),
        diagnostic_provider: support.pull_diagnostics.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("orgplan".to_string()),
                // The findings of a file depend on the other files.
                inter_file_dependencies: true,
                workspace_diagnostics: true,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })
        }),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}

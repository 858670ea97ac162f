//! The `LanguageServer` implementation: lifecycle, document sync, workspace
//! loading and configuration. Feature requests are delegated to the
//! `handlers` modules, which convert, call `orgplan_analysis::ide`, and
//! convert back.

use crate::capabilities::{self, ClientSupport};
use crate::diagnostics;
use crate::handlers;
use crate::session::{self, Session};
use crate::settings::Settings;
use parking_lot::Mutex;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::lsp_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// The server: a cheap handle on [`Inner`], so that long work (loading,
/// asking the client for settings) can run in tasks of its own and never
/// hold up `exit`.
pub struct Backend(Arc<Inner>);

impl std::ops::Deref for Backend {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

pub struct Inner {
    pub client: Client,
    /// Frames written beside tower-lsp's (published diagnostics).
    pub frames: crate::transport::Frames,
    pub state: Arc<Mutex<Session>>,
    pub publish: Arc<Notify>,
    pub shutdown: Arc<AtomicBool>,
    /// The capabilities of `initialize` as the client sent them.
    pub initialize_caps: Arc<crate::capabilities::InitializeCapabilities>,
    pub folders: Mutex<Vec<PathBuf>>,
    /// What was wrong in the editor's settings, as last shown to the user.
    pub settings_problems: Mutex<Vec<String>>,
    /// Woken each time a workspace folder has been read.
    pub loaded: Notify,
    /// Test hook: loading waits for `orgplan/test/releaseLoad`, so that
    /// tests can act while the workspace loads.
    pub test_hold_load: Option<Notify>,
    /// Which of the optional features the editor settings leave on.
    pub features: Mutex<Features>,
    /// Turns for computing requests off the lock ([`Inner::compute`]):
    /// as many as the machine has cores, and at least four, so that a
    /// slow request or two do not keep the quick ones waiting.
    pub workers: Arc<tokio::sync::Semaphore>,
    /// Test hook: `orgplan/test/slow` requests wait for as many
    /// `orgplan/test/releaseSlow`s.
    pub test_slow_gate: Arc<(std::sync::Mutex<usize>, std::sync::Condvar)>,
}

/// The features the editor settings can switch off (`inlayHints.enable`,
/// `codeLens.enable`): on unless set false.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features {
    pub inlay_hints: bool,
    pub code_lens: bool,
}

impl Features {
    pub fn of(settings: &Settings) -> Features {
        Features {
            inlay_hints: settings.inlay_hints.unwrap_or(true),
            code_lens: settings.code_lens.unwrap_or(true),
        }
    }
}

/// What the server shares with the service that applies edits
/// ([`crate::sync`]) and with the output.
pub struct Shared {
    pub frames: crate::transport::Frames,
    pub documents: crate::sync::Documents,
    pub shutdown: Arc<AtomicBool>,
    /// Test hook: hold the workspace's load ([`Inner::test_hold_load`]).
    pub hold_load: bool,
}

impl Backend {
    pub fn new(
        client: Client,
        shared: Shared,
        initialize_caps: Arc<crate::capabilities::InitializeCapabilities>,
    ) -> Backend {
        let Shared {
            frames,
            documents,
            shutdown,
            hold_load,
        } = shared;
        let workers = std::thread::available_parallelism().map_or(4, |n| n.get().max(4));
        Backend(Arc::new(Inner {
            client,
            frames,
            state: documents.state,
            publish: documents.publish,
            shutdown,
            initialize_caps,
            folders: Mutex::new(Vec::new()),
            settings_problems: Mutex::new(Vec::new()),
            loaded: Notify::new(),
            test_hold_load: hold_load.then(Notify::new),
            features: Mutex::new(Features::of(&Settings::default())),
            workers: Arc::new(tokio::sync::Semaphore::new(workers)),
            test_slow_gate: Arc::default(),
        }))
    }
}

impl Inner {
    /// What the client supports.
    pub fn support(&self) -> ClientSupport {
        self.state.lock().support
    }

    /// Runs `f` on the session under the lock ([`session::with`]).
    pub fn with_session<R>(&self, what: &str, f: impl FnOnce(&mut Session) -> R) -> Result<R> {
        session::with(&self.state, what, f)
    }

    /// A state change ([`session::mutate`]).
    fn mutate(&self, what: &str, f: impl FnOnce(&mut Session)) {
        session::mutate(&self.state, &self.publish, what, f);
    }

    async fn pull_configuration(&self) {
        if !self.support().configuration {
            return;
        }
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("orgplan".to_string()),
        }];
        match self.client.configuration(items).await {
            // A client with nothing for the section answers `null`: the
            // settings it gave at initialisation, if any, stand.
            Ok(values) => match values.first() {
                Some(v) if v.is_object() => self.apply_settings("workspace/configuration", v).await,
                _ => tracing::info!("workspace/configuration: no `orgplan` section"),
            },
            Err(e) => tracing::warn!("workspace/configuration failed: {e}"),
        }
    }

    /// Makes `value` (the `orgplan` section) the editor's settings, replacing
    /// the previous ones whole ([`crate::settings`]'s order), and tells the user
    /// what in it was left out.
    async fn apply_settings(&self, source: &str, value: &serde_json::Value) {
        let (read, problems) = Settings::read(value);
        tracing::info!("settings from {source}: {read:?}");
        let layer = read.layer();
        self.mutate(source, |s| s.set_editor_layer(layer));
        self.set_features(Features::of(&read));
        self.report_settings_problems(problems).await;
    }

    /// Shows what was wrong in the editor's settings, once for each new set
    /// of problems.
    async fn report_settings_problems(&self, problems: Vec<String>) {
        {
            let mut shown = self.settings_problems.lock();
            if *shown == problems {
                return;
            }
            shown.clone_from(&problems);
        }
        if problems.is_empty() {
            return;
        }
        for p in &problems {
            tracing::warn!("settings: {p}");
        }
        self.client
            .show_message(
                MessageType::WARNING,
                format!(
                    "orgplan: settings ignored (the rest apply): {}",
                    problems.join("; ")
                ),
            )
            .await;
    }

    /// Switches inlay hints and code lenses on or off; when that changes,
    /// asks the client to fetch them again (if it can be asked).
    pub fn set_features(&self, features: Features) {
        let old = std::mem::replace(&mut *self.features.lock(), features);
        let support = self.support();
        let hints = old.inlay_hints != features.inlay_hints && support.inlay_hint_refresh;
        let lenses = old.code_lens != features.code_lens && support.code_lens_refresh;
        if !hints && !lenses {
            return;
        }
        let client = self.client.clone();
        tokio::spawn(async move {
            if hints {
                if let Err(e) = client.inlay_hint_refresh().await {
                    tracing::warn!("workspace/inlayHint/refresh failed: {e}");
                }
            }
            if lenses {
                if let Err(e) = client.code_lens_refresh().await {
                    tracing::warn!("workspace/codeLens/refresh failed: {e}");
                }
            }
        });
    }

    async fn register_watchers(&self) {
        let caps = self.support();
        let mut registrations = Vec::new();
        if caps.watch_dynamic {
            let watchers = ["**/*.orgplan", "**/orgplan.toml"]
                .into_iter()
                .map(|g| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(g.to_string()),
                    kind: None,
                })
                .collect();
            registrations.push(Registration {
                id: "orgplan-watch".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                    watchers,
                })
                .ok(),
            });
        }
        if caps.config_dynamic {
            registrations.push(Registration {
                id: "orgplan-config".to_string(),
                method: "workspace/didChangeConfiguration".to_string(),
                register_options: None,
            });
        }
        if !registrations.is_empty() {
            if let Err(e) = self.client.register_capability(registrations).await {
                tracing::warn!("client/registerCapability failed: {e}");
            }
        }
    }

    async fn load_workspace(&self) {
        let folders = self.folders.lock().clone();
        self.load_folders(folders).await;
    }

    /// Reads the plans of `folders` (with `$/progress` when the client
    /// takes it), skipping folders that are no workspace folder any more.
    async fn load_folders(&self, folders: Vec<PathBuf>) {
        if folders.is_empty() {
            return;
        }
        let progress = if self.support().work_done_progress {
            let token = NumberOrString::String("orgplan/load".to_string());
            let created = self
                .client
                .send_request::<request::WorkDoneProgressCreate>(WorkDoneProgressCreateParams {
                    token: token.clone(),
                })
                .await;
            match created {
                Ok(()) => Some(
                    self.client
                        .progress(token, "orgplan")
                        .with_message("Loading the workspace")
                        .with_percentage(0)
                        .begin()
                        .await,
                ),
                Err(_) => None,
            }
        } else {
            None
        };
        if let Some(hold) = &self.test_hold_load {
            hold.notified().await;
        }
        let total = folders.len();
        let mut files = 0;
        for (i, folder) in folders.into_iter().enumerate() {
            let scan_root = folder.clone();
            let scan = crate::platform::blocking(move || session::scan_folder(&scan_root)).await;
            if let Some(scan) = scan {
                files += scan.plans.len();
                self.merge_scan(&folder, scan).await;
            }
            // Loaded (or failed to): its findings are published from now
            // on, and the requests that waited go on.
            self.mutate("loading the workspace", |s| s.set_loading(&folder, false));
            self.loaded.notify_waiters();
            if let Some(p) = &progress {
                let pct = (((i + 1) * 100) / total) as u32;
                p.report_with_message(format!("{files} plan files"), pct)
                    .await;
            }
        }
        if let Some(p) = progress {
            p.finish_with_message(format!("{files} plan files loaded"))
                .await;
        }
        self.client
            .log_message(
                MessageType::INFO,
                format!("orgplan: loaded {files} plan files"),
            )
            .await;
    }

    /// Adds the files read from a workspace folder.
    ///
    /// On tokio's blocking pool: the files are parsed and analysed under
    /// the lock (a folder of ten 100k-line plans takes seconds), and the
    /// thread that reads the messages goes on reading them meanwhile (a
    /// cancellation, a `shutdown`, requests that wait for the load).
    async fn merge_scan(&self, folder: &std::path::Path, scan: session::Scan) {
        let (state, publish, folder) = (
            self.state.clone(),
            self.publish.clone(),
            folder.to_path_buf(),
        );
        let merge = move |s: &mut Session| {
            let folder = folder.as_path();
            if s.root_project(&folder.to_string_lossy()).is_none() {
                return;
            }
            // A folder below with its own orgplan.toml is a project of its own.
            for (path, _) in &scan.configs {
                if let Some(dir) = path.parent() {
                    if dir.starts_with(folder) {
                        s.add_root(dir.to_path_buf());
                    }
                }
            }
            for (path, text) in scan.plans.into_iter().chain(scan.configs) {
                if let Some(project) = s.root_project(&path.to_string_lossy()) {
                    s.load_disk_file(project, &path, text);
                }
            }
            // Their first analysis too (the publisher's round, on the
            // thread that reads the messages, then finds it done).
            s.for_each_project_in(folder, |p| {
                p.ws.analysis();
            });
        };
        let what = "loading the workspace";
        crate::platform::blocking(move || session::mutate(&state, &publish, what, merge)).await;
    }

    /// Waits until the org of the file `uri` (or, for `None`, every
    /// workspace folder) has been read: answers that read the org are not
    /// given from part of it.
    pub async fn wait_loaded(&self, uri: Option<&Uri>) {
        let key = uri.map(session::key_of);
        loop {
            // Created before looking, so that a load ending in between
            // still wakes it.
            let loaded = self.loaded.notified();
            if !self.state.lock().loading(key.as_deref()) {
                return;
            }
            loaded.await;
        }
    }
}

impl Backend {
    /// `orgplan/checklist` (handlers/checklist.rs): waits for the load, as
    /// the lens that asks for it did.
    pub async fn checklist(
        &self,
        p: TextDocumentPositionParams,
    ) -> Result<Option<serde_json::Value>> {
        let uri = p.text_document.uri.clone();
        self.with_loaded_file(handlers::checklist::METHOD, &uri, move |snap| {
            handlers::checklist::checklist(snap, &p)
        })
        .await
    }

    /// `orgplan/graph` (handlers/graph.rs).
    pub async fn graph(
        &self,
        p: handlers::graph::GraphParams,
    ) -> Result<Option<handlers::graph::Written>> {
        let uri = p.text_document.uri.clone();
        let answer = self
            .with_file(handlers::graph::METHOD, &uri, move |snap| {
                Some(handlers::graph::graph(snap, &p, snap.version))
            })
            .await?;
        answer.transpose()
    }
}

/// Parameters of a test-only request about a document, as a real one has
/// them (so that [`crate::sync`] knows its document).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TextDocumentParams {
    pub text_document: TextDocumentIdentifier,
}

/// Parameters of the test-only requests.
#[derive(serde::Deserialize)]
pub struct TestParams {
    pub uri: Option<Uri>,
}

impl Backend {
    /// Test hook: lets a load held by `TestHooks::hold_load` go on.
    pub async fn test_release_load(&self, _: TestParams) -> Result<()> {
        if let Some(hold) = &self.test_hold_load {
            hold.notify_one();
        }
        Ok(())
    }

    /// Test hook: a request on a snapshot of the document that computes
    /// until an `orgplan/test/releaseSlow` lets it go (or a minute has
    /// passed), and answers the version it saw; a stand-in for a slow
    /// request (formatting a huge plan) whose end a test decides.
    pub async fn test_slow(&self, p: TextDocumentParams) -> Result<Option<i32>> {
        let uri = p.text_document.uri;
        let gate = self.test_slow_gate.clone();
        let seen = self
            .with_file("orgplan/test/slow", &uri, move |snap| {
                let (count, released) = &*gate;
                let waiting = count.lock().unwrap_or_else(|e| e.into_inner());
                let (mut left, _) = released
                    .wait_timeout_while(waiting, std::time::Duration::from_secs(60), |n| *n == 0)
                    .unwrap_or_else(|e| e.into_inner());
                *left = left.saturating_sub(1);
                snap.version
            })
            .await?;
        Ok(seen)
    }

    /// Test hook: lets one `orgplan/test/slow` request go on.
    pub async fn test_release_slow(&self, _: TestParams) -> Result<()> {
        let (count, released) = &*self.test_slow_gate;
        *count.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        released.notify_all();
        Ok(())
    }

    /// Test hook: panics while holding the session lock.
    pub async fn test_panic(&self, _: TestParams) -> Result<()> {
        self.with_session("orgplan/test/panic", |_| {
            panic!("deliberate panic for a test")
        })
    }

    /// Test hook: the server's text of a document.
    pub async fn test_text(&self, p: TestParams) -> Result<Option<String>> {
        self.with_session("orgplan/test/text", |s| {
            let key = session::key_of(p.uri.as_ref()?);
            let doc = s.docs.get(&key)?;
            let ws = &s.projects.get(&doc.project)?.ws;
            Some(ws.text(doc.file)?.to_string())
        })
    }
}

/// The result of `textDocument/diagnostic` for a full report of `items`
/// (a JSON list), as the text [`crate::transport::stash_raw`] takes.
fn full_report_text(result_id: &str, items: &[u8]) -> Vec<u8> {
    let mut text = crate::transport::raw_result(items.len() + result_id.len() + 48);
    text.extend_from_slice(br#"{"kind":"full","resultId":"#);
    let _ = crate::publication::write_str(&mut text, result_id);
    text.extend_from_slice(br#","items":"#);
    text.extend_from_slice(items);
    text.push(b'}');
    text
}

/// The answer to a request whose handler panicked (logged here).
pub fn internal_error(what: &str, panic: &Box<dyn std::any::Any + Send>) -> Error {
    let msg = panic_message(panic);
    tracing::error!("{what} panicked: {msg}");
    let mut e = Error::internal_error();
    e.message = format!("orgplan: {what} failed: {msg}").into();
    e
}

pub fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

/// The workspace folders: each canonical path, with the URI the client
/// named it by.
#[allow(deprecated)]
fn folders(params: &InitializeParams) -> Vec<(PathBuf, Uri)> {
    let uris: Vec<Uri> = match &params.workspace_folders {
        Some(f) if !f.is_empty() => f.iter().map(|f| f.uri.clone()).collect(),
        _ => params.root_uri.iter().cloned().collect(),
    };
    uris.into_iter()
        .filter_map(|u| Some((crate::canonicalize(session::file_path(&u)?).ok()?, u)))
        .filter(|(p, _)| p.is_dir())
        .collect()
}

impl Inner {
    /// A formatting answer; a refusal is shown to the user (and logged),
    /// not left as silence.
    async fn formatted(
        &self,
        done: Option<handlers::formatting::Formatted>,
    ) -> Option<Vec<TextEdit>> {
        match done? {
            handlers::formatting::Formatted::Edits(edits) => Some(edits),
            handlers::formatting::Formatted::Refused(why) => {
                tracing::warn!("{why}");
                self.client.show_message(MessageType::WARNING, why).await;
                Some(Vec::new())
            }
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        // As sent; `lsp_types` would drop what it spells differently.
        let caps = self
            .initialize_caps
            .take()
            .unwrap_or_else(|| serde_json::to_value(&params.capabilities).unwrap_or_default());
        let support = ClientSupport::from_json(&caps);
        let enc = support.encoding;
        let named = folders(&params);
        let folders: Vec<PathBuf> = named.iter().map(|(p, _)| p.clone()).collect();
        *self.folders.lock() = folders.clone();
        // `initializationOptions` are the editor's settings until it answers
        // `workspace/configuration`; their problems are shown once initialised.
        let (initial, problems) = params
            .initialization_options
            .as_ref()
            .map(Settings::read)
            .unwrap_or_default();
        *self.settings_problems.lock() = problems;
        *self.features.lock() = Features::of(&initial);
        self.with_session("initialize", |s| {
            s.support = support;
            s.set_editor_layer(initial.layer());
            s.set_encoding(enc);
            for (f, uri) in named {
                s.add_root(f.clone());
                s.name_folder(f, &uri);
            }
        })?;
        tracing::info!("initialize: position encoding {enc:?}");
        Ok(InitializeResult {
            capabilities: capabilities::server_capabilities(&support),
            server_info: Some(ServerInfo {
                name: "orgplan".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        // From now until each folder has been read, its findings are held
        // back and requests that read the org wait. (Not from `initialize`:
        // a client that never says `initialized` gets no load, and must
        // not wait for one.)
        let folders = self.folders.lock().clone();
        let _ = self.with_session("initialized", |s| {
            for f in &folders {
                s.set_loading(f, true);
            }
        });
        diagnostics::spawn_publisher(
            self.frames.clone(),
            self.client.clone(),
            self.state.clone(),
            self.publish.clone(),
        );
        let this = self.0.clone();
        tokio::spawn(async move {
            let problems = std::mem::take(&mut *this.settings_problems.lock());
            this.report_settings_problems(problems).await;
            this.register_watchers().await;
            this.pull_configuration().await;
            // Each folder read wakes the publisher as its findings are let
            // out (`set_loading`, through `mutate`): no wake-up of its own
            // here, which would be a round with no new version to answer,
            // and so would send every file put off at once.
            this.load_workspace().await;
        });
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown.store(true, Ordering::SeqCst);
        tracing::info!("shutdown");
        Ok(())
    }

    // didOpen, didChange and didClose never come here: they are applied
    // in the order read (crate::sync).

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let canonical =
            |f: &WorkspaceFolder| session::file_path(&f.uri).map(|p| session::normalize_path(&p));
        let removed: Vec<PathBuf> = params.event.removed.iter().filter_map(canonical).collect();
        let named: Vec<(PathBuf, Uri)> = params
            .event
            .added
            .iter()
            .filter_map(|f| Some((canonical(f)?, f.uri.clone())))
            .filter(|(p, _)| p.is_dir())
            .collect();
        let added: Vec<PathBuf> = named.iter().map(|(p, _)| p.clone()).collect();
        let remaining = {
            let mut folders = self.folders.lock();
            folders.retain(|f| !removed.contains(f));
            for a in &added {
                if !folders.contains(a) {
                    folders.push(a.clone());
                }
            }
            folders.clone()
        };
        tracing::info!(
            "workspace folders: {} added, {} removed",
            added.len(),
            removed.len()
        );
        self.mutate("workspace folders", |s| {
            for r in &removed {
                s.remove_folder(r, &remaining);
                s.forget_folder_name(r);
            }
            for (a, uri) in &named {
                s.add_folder(a.clone());
                s.name_folder(a.clone(), uri);
                s.set_loading(a, true);
            }
        });
        let this = self.0.clone();
        tokio::spawn(async move {
            // As after the first load: each folder read wakes the publisher.
            this.load_folders(added).await;
        });
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.mutate("didChangeWatchedFiles", |s| {
            for change in params.changes {
                s.disk_changed(&change.uri, change.typ == FileChangeType::DELETED);
            }
        });
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if self.support().configuration {
            let this = self.0.clone();
            tokio::spawn(async move { this.pull_configuration().await });
        } else if params.settings.is_object() {
            // Pushed settings: `{ "orgplan": { … } }` or the section itself.
            self.apply_settings("didChangeConfiguration", &params.settings)
                .await;
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = params
            .text_document_position_params
            .text_document
            .uri
            .clone();
        self.with_loaded_file("hover", &uri, move |snap| {
            handlers::hover::hover(snap, &params)
        })
        .await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let uri = params.text_document_position.text_document.uri.clone();
        self.with_file("completion", &uri, move |snap| {
            handlers::completion::completion(snap, &params)
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let uri = params
            .text_document_position_params
            .text_document
            .uri
            .clone();
        self.with_loaded_file("definition", &uri, move |snap| {
            handlers::goto_definition::goto_definition(snap, &params)
        })
        .await
    }

    async fn goto_declaration(
        &self,
        params: request::GotoDeclarationParams,
    ) -> Result<Option<request::GotoDeclarationResponse>> {
        let uri = params
            .text_document_position_params
            .text_document
            .uri
            .clone();
        self.with_loaded_file("declaration", &uri, move |snap| {
            handlers::goto_declaration::goto_declaration(snap, &params)
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let uri = params.text_document_position.text_document.uri.clone();
        self.with_loaded_file("references", &uri, move |snap| {
            handlers::references::references(snap, &params)
        })
        .await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let uri = params
            .text_document_position_params
            .text_document
            .uri
            .clone();
        self.with_loaded_file("documentHighlight", &uri, move |snap| {
            handlers::document_highlight::document_highlight(snap, &params)
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let r = self
            .with_loaded_file(
                "prepareRename",
                &params.text_document.uri.clone(),
                move |snap| handlers::prepare_rename::prepare_rename(snap, &params),
            )
            .await?;
        r.transpose()
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let uri = params.text_document_position.text_document.uri.clone();
        let r = self
            .with_loaded_file("rename", &uri, move |snap| {
                handlers::rename::rename(snap, &params)
            })
            .await?;
        r.transpose()
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.with_file(
            "documentSymbol",
            &params.text_document.uri.clone(),
            move |snap| handlers::document_symbol::document_symbol(snap, &params),
        )
        .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<OneOf<Vec<SymbolInformation>, Vec<WorkspaceSymbol>>>> {
        self.wait_loaded(None).await;
        let snapshot = self.with_session("workspace/symbol", Session::snapshot_all)?;
        let syms = self
            .compute("workspace/symbol", &|_| true, move || {
                handlers::workspace_symbol::workspace_symbol(&snapshot, &params)
            })
            .await?;
        Ok(Some(OneOf::Left(syms)))
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        self.with_file(
            "semanticTokens/full",
            &params.text_document.uri.clone(),
            move |snap| handlers::semantic_tokens_full::semantic_tokens_full(snap, &params),
        )
        .await
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: SemanticTokensDeltaParams,
    ) -> Result<Option<SemanticTokensFullDeltaResult>> {
        self.with_file(
            "semanticTokens/full/delta",
            &params.text_document.uri.clone(),
            move |snap| {
                handlers::semantic_tokens_full_delta::semantic_tokens_full_delta(snap, &params)
            },
        )
        .await
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        self.with_file(
            "semanticTokens/range",
            &params.text_document.uri.clone(),
            move |snap| handlers::semantic_tokens_range::semantic_tokens_range(snap, &params),
        )
        .await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let done = self
            .with_file(
                "formatting",
                &params.text_document.uri.clone(),
                move |snap| handlers::formatting::formatting(snap, &params),
            )
            .await?;
        // The whole text's layout was built and compared, and is gone:
        // give its room back.
        crate::give_back_free_memory();
        Ok(self.formatted(done).await)
    }

    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        let done = self
            .with_file(
                "rangeFormatting",
                &params.text_document.uri.clone(),
                move |snap| handlers::range_formatting::range_formatting(snap, &params),
            )
            .await?;
        Ok(self.formatted(done).await)
    }

    async fn on_type_formatting(
        &self,
        params: DocumentOnTypeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        let uri = params.text_document_position.text_document.uri.clone();
        // No refusal to show: a block being typed does not parse yet.
        self.with_file("onTypeFormatting", &uri, move |snap| {
            handlers::on_type_formatting::on_type_formatting(snap, &params)
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        self.with_loaded_file("codeAction", &uri, move |snap| {
            handlers::code_action::code_action(snap, &params)
        })
        .await
    }

    async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> Result<Option<serde_json::Value>> {
        if params.command != capabilities::APPLY_FIX_COMMAND {
            return Err(Error::invalid_params(format!(
                "unknown command `{}`",
                params.command
            )));
        }
        let edit = params
            .arguments
            .into_iter()
            .next()
            .and_then(|a| serde_json::from_value::<WorkspaceEdit>(a).ok())
            .ok_or_else(|| Error::invalid_params("the fix's edit is missing"))?;
        match self.client.apply_edit(edit).await {
            Ok(r) if !r.applied => tracing::warn!(
                "the client did not apply a fix: {}",
                r.failure_reason.unwrap_or_default()
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!("workspace/applyEdit failed: {e}"),
        }
        Ok(None)
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        // Findings from part of the org would be wrong.
        self.wait_loaded(Some(&uri)).await;
        let previous = params.previous_result_id;
        let r = self.with_session("textDocument/diagnostic", |s| {
            s.pull_document(&uri, previous.as_deref())
        })?;
        let report = match r.items {
            None => DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                related_documents: None,
                unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                    result_id: r.result_id,
                },
            }),
            // Written as text from the publication's (a thousand
            // diagnostics through serde took about 9 ms, a keystroke's
            // pull p99 on the 100k-line plan: BENCHMARKS.md).
            Some(items) => DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: Some(crate::transport::stash_raw(full_report_text(
                        &r.result_id,
                        items.json(),
                    ))),
                    items: Vec::new(),
                },
            }),
        };
        Ok(DocumentDiagnosticReportResult::Report(report))
    }

    async fn workspace_diagnostic(
        &self,
        params: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        self.wait_loaded(None).await;
        let previous: std::collections::HashMap<String, String> = params
            .previous_result_ids
            .into_iter()
            .map(|p| (p.uri.as_str().to_string(), p.value))
            .collect();
        let reports = self.with_session("workspace/diagnostic", |s| s.pull_workspace(&previous))?;
        let items = reports
            .into_iter()
            .map(|r| {
                let version = r.version.map(i64::from);
                match r.items {
                    None => WorkspaceDocumentDiagnosticReport::Unchanged(
                        WorkspaceUnchangedDocumentDiagnosticReport {
                            uri: r.uri,
                            version,
                            unchanged_document_diagnostic_report:
                                UnchangedDocumentDiagnosticReport {
                                    result_id: r.result_id,
                                },
                        },
                    ),
                    Some(items) => WorkspaceDocumentDiagnosticReport::Full(
                        WorkspaceFullDocumentDiagnosticReport {
                            uri: r.uri,
                            version,
                            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                                result_id: Some(r.result_id),
                                items: items.diagnostics(),
                            },
                        },
                    ),
                }
            })
            .collect();
        Ok(WorkspaceDiagnosticReportResult::Report(
            WorkspaceDiagnosticReport { items },
        ))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.with_file(
            "foldingRange",
            &params.text_document.uri.clone(),
            move |snap| handlers::folding_range::folding_range(snap, &params),
        )
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        if !self.features.lock().inlay_hints {
            return Ok(Some(Vec::new()));
        }
        self.with_loaded_file(
            "inlayHint",
            &params.text_document.uri.clone(),
            move |snap| handlers::inlay_hint::inlay_hint(snap, &params),
        )
        .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        if !self.features.lock().code_lens {
            return Ok(Some(Vec::new()));
        }
        self.with_loaded_file("codeLens", &params.text_document.uri.clone(), move |snap| {
            handlers::code_lens::code_lens(snap, &params)
        })
        .await
    }
}

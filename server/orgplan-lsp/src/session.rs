//! The server's state: the workspace folders, one analysis [`Workspace`] per
//! folder (plus one per file opened from outside every folder), and what the
//! server knows of each file (its text is the analysis's, with the index of
//! its lines). Everything here is synchronous: handlers lock the
//! session, do their work and unlock, with no `.await` in between.

use crate::convert;
use crate::ranges::{Converter, Edit, KeptRanges};
use orgplan_analysis::config::{self, Layer};
use orgplan_analysis::position::{Encoding, Lines};
use orgplan_analysis::{FileId, Replacement, TextRange, Workspace};
use parking_lot::Mutex;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Bound;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use tokio::sync::Notify;
use tower_lsp_server::lsp_types::{Diagnostic, TextDocumentContentChangeEvent, Uri};
use tower_lsp_server::UriExt;

/// The extension of plan files.
pub const PLAN_EXTENSION: &str = orgplan_files::PLAN_EXTENSION;

pub type ProjectId = u32;

/// One org model: the files of a workspace folder, or one file opened from
/// outside every folder.
pub struct Project {
    /// The canonical folder, or `None` for a lone file.
    pub root: Option<PathBuf>,
    pub ws: Workspace,
    /// Something changed since diagnostics were last collected.
    pub dirty: bool,
    /// Counts the changes ([`Project::touch`]): a report a pull wrote at
    /// one count needs no writing again while it holds.
    generation: u64,
    /// The folder's files are still being read: its findings would be
    /// those of part of the org (a name declared in a file not read yet is
    /// "undefined"), so none are published and requests that read the org
    /// wait ([`Session::loading`]).
    pub loading: bool,
}

impl Project {
    /// Takes a file out of the project's workspace.
    fn forget(&mut self, key: &str, is_config: bool) {
        if is_config {
            self.ws.set_config_file(None);
        } else {
            self.ws.remove_file(key);
        }
        self.touch();
    }

    /// Notes a change: diagnostics are to be collected again.
    fn touch(&mut self) {
        self.dirty = true;
        self.generation += 1;
    }
}

/// A file the server knows: in a project, whose workspace holds its text.
pub struct Doc {
    /// The URI to report back: the client's for open documents.
    pub uri: Uri,
    pub project: ProjectId,
    pub file: FileId,
    /// The client's version while the document is open.
    pub version: Option<i32>,
    pub is_config: bool,
}

/// Diagnostics the publisher should send: the body of a
/// `textDocument/publishDiagnostics` notification.
pub struct Publication {
    pub key: String,
    pub uri: Uri,
    pub version: Option<i32>,
    pub body: std::sync::Arc<Vec<u8>>,
    /// Where the list of diagnostics is in `body`.
    pub diagnostics: std::ops::Range<usize>,
    /// The list of diagnostics is empty.
    pub empty: bool,
    pub fingerprint: u64,
}

#[derive(Default)]
pub struct Session {
    /// The semantic tokens results given to the client, for deltas.
    pub kept_tokens: std::sync::Arc<crate::handlers::semantic_tokens_full::KeptTokens>,
    pub encoding: Encoding,
    /// What the client supports.
    pub support: crate::capabilities::ClientSupport,
    /// Canonical workspace folders, with their projects.
    pub roots: Vec<(PathBuf, ProjectId)>,
    /// Each workspace folder as the client named it: its canonical path and
    /// its URI as sent (without a trailing `/`), longest path first.
    folder_uris: Vec<(PathBuf, String)>,
    pub projects: HashMap<ProjectId, Project>,
    next_project: ProjectId,
    /// Every known file by key (a canonical path, or a URI for other schemes).
    pub docs: HashMap<String, Doc>,
    /// What was last sent per file key: the URI, the project, a fingerprint
    /// of the diagnostics (keeping them all would copy every publication)
    /// and the version.
    pub published: HashMap<String, (Uri, ProjectId, u64, Option<i32>)>,
    /// The LSP ranges of each file's last publication (or pull), carried
    /// through the edits since ([`crate::ranges`]); a file's whole-text
    /// change drops its own.
    kept_ranges: HashMap<String, KeptRanges>,
    /// Keys whose diagnostics must be cleared (the file went away).
    pub gone: Vec<(String, Uri)>,
    /// Files gone whose diagnostics the next workspace pull clears (for a
    /// client that pulls).
    pub pulled_gone: Vec<Uri>,
    /// For a client that pulls, the diagnostics of each report in
    /// [`Self::published`]: the publication's text, shared with it rather
    /// than copied, so that a pull after the publisher's round is answered
    /// without the publication being written again.
    noted_items: HashMap<String, PulledItems>,
    /// For a client that pulls: the project and its change count
    /// ([`Project::touch`]) when a pull last wrote each file's report. The
    /// publisher's next round leaves a file alone whose report a pull
    /// wrote since the last change: on one thread, a pull read with the
    /// edit before it is answered before that round, which would write
    /// the same report again.
    pulled_at: HashMap<String, (ProjectId, u64)>,
    /// The files whose reports were written, in order (for the tests).
    #[cfg(test)]
    written: Vec<String>,
    /// What the editor's settings set ([`crate::settings`]).
    pub editor_layer: Layer,
    /// A file's whole text was set since the publisher last gave free
    /// memory back ([`crate::give_back_free_memory`]).
    pub text_replaced: bool,
    /// Per project, the files whose diagnostics are to be sent again but
    /// were put off for a round of the publisher: the documents whose new
    /// version the client waits for go first ([`Self::collect_diagnostics`]).
    put_off: HashMap<ProjectId, BTreeSet<String>>,
    /// What was put off has waited long enough: the next round sends one
    /// of those files even if edits are still to be answered (after their
    /// documents; [`Self::collect_diagnostics`]).
    pub put_off_due: bool,
    /// The file put off that the last round sent as due: the next sends
    /// the one after it, so that each goes out in turn.
    due_last: Option<String>,
}

/// Runs `f` on the session under the lock, turning a panic into an
/// internal error (the lock is released as the panic unwinds, and
/// `parking_lot` locks are never poisoned).
pub fn with<R>(
    state: &Mutex<Session>,
    what: &str,
    f: impl FnOnce(&mut Session) -> R,
) -> tower_lsp_server::jsonrpc::Result<R> {
    let mut guard = state.lock();
    match catch_unwind(AssertUnwindSafe(|| f(&mut guard))) {
        Ok(r) => Ok(r),
        Err(panic) => Err(crate::server::internal_error(what, &panic)),
    }
}

/// A notification's state change: applied under the lock, then the
/// publisher is woken; a panic is logged, and the server lives on.
pub fn mutate(state: &Mutex<Session>, publish: &Notify, what: &str, f: impl FnOnce(&mut Session)) {
    if with(state, what, f).is_err() {
        // The session may be half-updated: republish everything.
        state.lock().mark_all();
    }
    publish.notify_one();
}

/// Applies one change of a `didChange` to an open document.
fn apply_change(
    p: &mut Project,
    kept_ranges: &mut HashMap<String, KeptRanges>,
    replaced: &mut bool,
    key: &str,
    doc: &Doc,
    change: TextDocumentContentChangeEvent,
    enc: Encoding,
) {
    match change.range {
        None if doc.is_config => {
            p.ws.set_config_file(Some((key, change.text)));
            kept_ranges.remove(key);
        }
        // A client that sends the whole text (as some do at each
        // keystroke, though the server syncs by edits): only what
        // differs from the text held is edited.
        None => match p.ws.replacement(doc.file, &change.text) {
            Replacement::Same => {}
            Replacement::Edit(range, with) => {
                edit_doc(p, kept_ranges, key, doc.file, range, &change.text[with]);
            }
            Replacement::Whole => {
                p.ws.set_file(key, change.text);
                kept_ranges.remove(key);
                *replaced = true;
            }
        },
        Some(range) => {
            let Some(lines) = p.ws.lines(doc.file) else {
                return;
            };
            // Both on character boundaries, in the text.
            let start = convert::offset(&lines, range.start, enc);
            let end = convert::offset(&lines, range.end, enc).max(start);
            if doc.is_config {
                let mut text = lines.text().to_string();
                text.replace_range(start..end, &change.text);
                p.ws.set_config_file(Some((key, text)));
                kept_ranges.remove(key);
            } else {
                let range = TextRange::new(start, end);
                edit_doc(p, kept_ranges, key, doc.file, range, &change.text);
            }
        }
    }
}

/// How many bytes of the span of several changes each change may stand
/// for, for the span to be applied as one edit (below).
const SPAN_PER_CHANGE: usize = 3 << 10;

/// Several ranged changes of one message (a keystroke typed at many
/// cursors) that lie close together, as the one edit that spans them: the
/// range of `text` they replace, and what stands there after them. `None`
/// for one change, a change without a range, or changes spread over more
/// than [`SPAN_PER_CHANGE`] bytes each. Each edit re-parses its chunk and
/// moves everything after it; one edit of a span re-reads the blocks in
/// it, which costs less while the span is short. BENCHMARKS.md, "6 Dec
/// (nineteenth session)", has both measured, in-process and end to end
/// (ten cursors on ten lines of the 100k plan: 13.0 ms a keystroke one by
/// one, 2.9 ms as one edit).
fn spanning_edit(
    text: &orgplan_analysis::Text,
    changes: &[TextDocumentContentChangeEvent],
    enc: Encoding,
) -> Option<(TextRange, String)> {
    if changes.len() < 2 {
        return None;
    }
    let limit = SPAN_PER_CHANGE * changes.len();
    let mut now = text.clone();
    // The span in the text as it is now (none yet while `start > end`),
    // and how much longer it is than in `text` (the text outside it is as
    // it was).
    let (mut start, mut end, mut grown) = (usize::MAX, 0usize, 0isize);
    for change in changes {
        let range = change.range?;
        let lines = Lines::new(&now);
        let from = now.floor_char_boundary(convert::offset(&lines, range.start, enc));
        let to = now.floor_char_boundary(convert::offset(&lines, range.end, enc).max(from));
        now.replace(from, to, &change.text);
        let delta = change.text.len() as isize - (to - from) as isize;
        (start, end) = if start > end {
            (from, to)
        } else {
            (start.min(from), end.max(to))
        };
        end = (end as isize + delta) as usize;
        grown += delta;
        let before = (end as isize - grown) as usize - start;
        if (end - start) + before > limit {
            return None;
        }
    }
    let old_end = (end as isize - grown) as usize;
    Some((
        TextRange::new(start, old_end),
        now.slice(start..end).into_owned(),
    ))
}

/// Replaces `range` of an open document's text (clamped to character
/// boundaries) with `insert`, and moves the ranges of its last
/// publication with it.
fn edit_doc(
    p: &mut Project,
    kept_ranges: &mut HashMap<String, KeptRanges>,
    key: &str,
    file: FileId,
    range: TextRange,
    insert: &str,
) {
    let Some(text) = p.ws.text(file) else {
        return;
    };
    let (start, end) = (
        text.floor_char_boundary(range.start()),
        text.floor_char_boundary(range.end()),
    );
    let edit = Edit::new(text, start, end);
    p.ws.edit_file(file, TextRange::new(start, end), insert);
    match (kept_ranges.get_mut(key), p.ws.text(file)) {
        (Some(kept), Some(text)) => kept.edited(&edit, text),
        _ => {
            kept_ranges.remove(key);
        }
    }
}

/// The key of a URI: the normalized path of a `file:` URI, or the URI itself.
pub fn key_of(uri: &Uri) -> String {
    match file_path(uri) {
        Some(p) => normalize_path(&p).to_string_lossy().into_owned(),
        None => uri.as_str().to_string(),
    }
}

pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    if uri.scheme().map(|s| s.as_str()) != Some("file") {
        return None;
    }
    uri.to_file_path().map(|p| p.into_owned())
}

/// The canonical form of `p`, also for files that do not exist (any more):
/// the canonical parent joined with the name.
pub fn normalize_path(p: &Path) -> PathBuf {
    if let Ok(c) = crate::canonicalize(p) {
        return c;
    }
    match (p.parent(), p.file_name()) {
        (Some(parent), Some(name)) => match crate::canonicalize(parent) {
            Ok(cp) => cp.join(name),
            Err(_) => p.to_path_buf(),
        },
        _ => p.to_path_buf(),
    }
}

/// The file URI of an absolute path, in this crate's own spelling (drive
/// letters, percent-encoding). What goes back to a client goes through
/// [`Session::uri_of_path`], which spells it as the client does.
fn plain_uri_of_path(p: &Path) -> Option<Uri> {
    Uri::from_file_path(p)
}

pub fn is_config_path(key: &str) -> bool {
    Path::new(key).file_name().and_then(|n| n.to_str()) == Some(config::FILE_NAME)
}

fn is_plan_path(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()) == Some(PLAN_EXTENSION)
}

/// The largest file read from disk: as large as a message the client may
/// send (the transport's cap). Larger files are skipped, and logged.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// The bytes of a regular file of at most [`MAX_FILE_BYTES`]; `None` for
/// anything else (a named pipe or a device named like a plan must not
/// block the server, a file of gigabytes must not fill its memory).
pub fn read_regular(p: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    // Look before opening: opening a named pipe blocks until a writer comes.
    let meta = std::fs::metadata(p).ok()?;
    if !meta.is_file() {
        return None;
    }
    let file = std::fs::File::open(p).ok()?;
    // Room for the whole file at once (and the byte that tells it ends):
    // grown as it is read, a plan of 2.8 MB took a 4 MiB buffer.
    let room = meta.len().min(MAX_FILE_BYTES) as usize + 1;
    let mut bytes = Vec::with_capacity(room);
    // Read one byte past the cap, to tell a file at the cap from a larger one.
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).ok()?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        tracing::warn!(
            "{} is larger than {MAX_FILE_BYTES} bytes: skipped",
            p.display()
        );
        return None;
    }
    Some(bytes)
}

/// A file's bytes as text: invalid UTF-8 replaced, valid text not copied.
pub fn text_of(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Plan files and configuration files found under one folder. Each
/// `orgplan.toml` (the folder's own, or one in a folder below it) roots a
/// project of its own, as `orgplan check` groups files.
pub struct Scan {
    pub plans: Vec<(PathBuf, String)>,
    pub configs: Vec<(PathBuf, String)>,
}

/// Reads every `.orgplan` and `orgplan.toml` below `root` (canonical) that
/// the one walker of orgplan finds (`orgplan_files`: ignore files and hidden
/// folders respected), never leaving `root`: links are followed only when
/// they resolve inside it, and no ignore file above it is read.
pub fn scan_folder(root: &Path) -> Scan {
    let found = orgplan_files::walk(root, orgplan_files::Scope::Workspace);
    let read = |paths: Vec<PathBuf>| -> Vec<(PathBuf, String)> {
        paths
            .into_iter()
            .filter_map(|p| Some((text_of(read_regular(&p)?), p)))
            .map(|(text, p)| (p, text))
            .collect()
    };
    Scan {
        plans: read(found.plans),
        configs: read(found.configs),
    }
}

impl Session {
    pub fn new_project(&mut self, root: Option<PathBuf>) -> ProjectId {
        // Files may move to it with their texts (and ids) anew.
        self.kept_ranges.clear();
        let id = self.next_project;
        self.next_project += 1;
        let mut ws = Workspace::new();
        ws.set_editor_layer(self.editor_layer.clone());
        ws.set_max_findings_per_file(Some(convert::MAX_DIAGNOSTICS_PER_FILE));
        self.projects.insert(
            id,
            Project {
                root,
                ws,
                dirty: true,
                generation: 0,
                loading: false,
            },
        );
        id
    }

    /// Registers the workspace folders (canonical paths).
    pub fn add_root(&mut self, root: PathBuf) -> ProjectId {
        if let Some((_, p)) = self.roots.iter().find(|(r, _)| *r == root) {
            return *p;
        }
        let p = self.new_project(Some(root.clone()));
        self.roots.push((root, p));
        // Longest roots first, so that nested folders win.
        self.roots
            .sort_by_key(|(r, _)| std::cmp::Reverse(r.as_os_str().len()));
        p
    }

    /// Remembers how the client names the workspace folder `root`
    /// (canonical): the URIs of the files in it are written with that
    /// name ([`Self::uri_of_path`]).
    /// A name with `.` or `..` in it is not kept: the canonical one is
    /// plainer than that.
    pub fn name_folder(&mut self, root: PathBuf, uri: &Uri) {
        let name = uri.as_str().trim_end_matches('/').to_string();
        self.folder_uris.retain(|(r, _)| *r != root);
        let dotted = file_path(uri).is_none_or(|p| {
            p.components().any(|c| {
                matches!(
                    c,
                    std::path::Component::CurDir | std::path::Component::ParentDir
                )
            })
        });
        if dotted {
            return;
        }
        self.folder_uris.push((root, name));
        self.folder_uris
            .sort_by_key(|(r, _)| std::cmp::Reverse(r.as_os_str().len()));
    }

    /// Forgets the client's name of the workspace folder `root`.
    pub fn forget_folder_name(&mut self, root: &Path) {
        self.folder_uris.retain(|(r, _)| r != root);
    }

    /// The URI of the file `path` (absolute, canonical) for the client. A
    /// file in a workspace folder gets the folder's URI as the client sent
    /// it, followed by the rest of its path: the client then finds in what
    /// the server sends the URIs it knows, however the system spells the
    /// canonical path (Windows: `file:///c%3A/Users/...` for
    /// `C:\Users\...`; a folder reached through a symbolic link, or by a
    /// name of another case on a system that ignores case).
    pub fn uri_of_path(&self, path: &Path) -> Option<Uri> {
        let plain = plain_uri_of_path(path)?;
        for (root, name) in &self.folder_uris {
            if !path.starts_with(root) {
                continue;
            }
            let Some(root_uri) = plain_uri_of_path(root) else {
                continue;
            };
            let rest = plain
                .as_str()
                .strip_prefix(root_uri.as_str().trim_end_matches('/'));
            if let Some(rest) = rest.filter(|r| r.is_empty() || r.starts_with('/')) {
                if let Ok(uri) = format!("{name}{rest}").parse::<Uri>() {
                    return Some(uri);
                }
            }
        }
        Some(plain)
    }

    /// The workspace folder project a key belongs to.
    pub fn root_project(&self, key: &str) -> Option<ProjectId> {
        let path = Path::new(key);
        if !path.is_absolute() {
            return None;
        }
        self.roots
            .iter()
            .find(|(r, _)| path.starts_with(r))
            .map(|(_, p)| *p)
    }

    /// The projects of the workspace folder `folder` (and of folders below
    /// it with an `orgplan.toml`) are being read, or (`loading` false) have
    /// been: their findings are published from then on.
    pub fn set_loading(&mut self, folder: &Path, loading: bool) {
        self.for_each_project_in(folder, |p| {
            p.loading = loading;
            p.touch();
        });
    }

    /// Calls `f` on each project of the workspace folder `folder` (its
    /// own, and those of folders below it with an `orgplan.toml`).
    pub fn for_each_project_in(&mut self, folder: &Path, mut f: impl FnMut(&mut Project)) {
        let ids: Vec<ProjectId> = self
            .roots
            .iter()
            .filter(|(r, _)| r.starts_with(folder))
            .map(|(_, p)| *p)
            .collect();
        for id in ids {
            if let Some(p) = self.projects.get_mut(&id) {
                f(p);
            }
        }
    }

    /// Whether the org the file `key` belongs to is still being read (its
    /// workspace folder's first load has not finished). `None` for the
    /// whole session: any folder still loading.
    pub fn loading(&self, key: Option<&str>) -> bool {
        let project = match key {
            None => return self.projects.values().any(|p| p.loading),
            Some(key) => match self.docs.get(key) {
                Some(d) => Some(d.project),
                None => self.root_project(key),
            },
        };
        project
            .and_then(|p| self.projects.get(&p))
            .is_some_and(|p| p.loading)
    }

    fn is_root_config(&self, project: ProjectId, key: &str) -> bool {
        let root = self.projects.get(&project).and_then(|p| p.root.as_ref());
        root.is_some_and(|r| r.join(config::FILE_NAME) == Path::new(key))
    }

    fn mark(&mut self, project: ProjectId) {
        if let Some(p) = self.projects.get_mut(&project) {
            p.touch();
        }
    }

    /// Adds a file read from disk, unless the editor has it open.
    pub fn load_disk_file(&mut self, project: ProjectId, path: &Path, text: String) {
        let key = path.to_string_lossy().into_owned();
        if self.docs.get(&key).is_some_and(|d| d.version.is_some()) {
            return;
        }
        let Some(uri) = self.uri_of_path(path) else {
            return;
        };
        self.put(project, key, uri, text, None);
    }

    /// Sets a file's whole text (adding it if new).
    fn put(
        &mut self,
        project: ProjectId,
        key: String,
        uri: Uri,
        text: String,
        version: Option<i32>,
    ) {
        if !self.projects.contains_key(&project) {
            return;
        }
        // A file that moves to another project (a folder added below its
        // own) leaves the one it was in.
        if let Some(doc) = self.docs.get(&key).filter(|d| d.project != project) {
            if let Some(old) = self.projects.get_mut(&doc.project) {
                old.forget(&key, doc.is_config);
            }
        }
        let Some(p) = self.projects.get_mut(&project) else {
            return;
        };
        let is_config = is_config_path(&key);
        // A file the project holds (opened again, or changed on disk) is
        // kept when its text is the same, and edited where it differs if
        // that is a small part of it (one comparison says which).
        let held = self
            .docs
            .get(&key)
            .filter(|d| d.project == project)
            .map(|d| {
                let how = if is_config {
                    match p.ws.text(d.file).is_some_and(|t| *t == *text.as_str()) {
                        true => Replacement::Same,
                        false => Replacement::Whole,
                    }
                } else {
                    p.ws.replacement(d.file, &text)
                };
                (d.file, how)
            });
        let file = match held {
            Some((_, Replacement::Same)) => {
                let doc = self.docs.get_mut(&key).expect("held above");
                doc.version = version;
                doc.uri = uri;
                p.touch();
                return;
            }
            Some((file, Replacement::Edit(range, with))) => {
                edit_doc(p, &mut self.kept_ranges, &key, file, range, &text[with]);
                file
            }
            _ => {
                let file = if is_config {
                    p.ws.set_config_file(Some((&key, text)))
                        .expect("a config file is set when given")
                } else {
                    p.ws.set_file(&key, text)
                };
                self.kept_ranges.remove(&key);
                self.text_replaced = true;
                file
            }
        };
        p.touch();
        self.docs.insert(
            key,
            Doc {
                uri,
                project,
                file,
                version,
                is_config,
            },
        );
    }

    /// Forgets a file; its diagnostics are cleared at the next publication.
    pub fn remove(&mut self, key: &str) {
        let Some(doc) = self.docs.remove(key) else {
            return;
        };
        if let Some(p) = self.projects.get_mut(&doc.project) {
            p.forget(key, doc.is_config);
        }
        self.gone.push((key.to_string(), doc.uri));
    }

    pub fn did_open(&mut self, uri: Uri, text: String, version: i32) {
        let key = key_of(&uri);
        let project = match self.docs.get(&key) {
            Some(d) => d.project,
            None => match self.root_project(&key) {
                Some(p) if !is_config_path(&key) || self.is_root_config(p, &key) => p,
                _ => self.new_project(None),
            },
        };
        self.put(project, key, uri, text, Some(version));
    }

    pub fn did_change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) {
        let key = key_of(uri);
        let enc = self.encoding;
        let Some(doc) = self.docs.get_mut(&key) else {
            tracing::warn!("change to a document that is not open: {}", uri.as_str());
            return;
        };
        if doc.version.is_some_and(|v| version <= v) {
            tracing::warn!(
                "version {version} of {} is not newer than {:?}",
                uri.as_str(),
                doc.version
            );
        }
        doc.version = Some(version);
        let Some(p) = self.projects.get_mut(&doc.project) else {
            return;
        };
        p.touch();
        if !doc.is_config {
            if let Some((range, text)) =
                p.ws.text(doc.file)
                    .and_then(|t| spanning_edit(t, &changes, enc))
            {
                edit_doc(p, &mut self.kept_ranges, &key, doc.file, range, &text);
                return;
            }
        }
        for change in changes {
            apply_change(
                p,
                &mut self.kept_ranges,
                &mut self.text_replaced,
                &key,
                doc,
                change,
                enc,
            );
        }
    }

    /// An open document moves to the project its path now belongs to (a
    /// workspace folder's, or one of its own), keeping its text and
    /// version.
    fn rehome(&mut self, key: &str) {
        let Some(doc) = self.docs.get(key) else {
            return;
        };
        let (uri, version, old) = (doc.uri.clone(), doc.version, doc.project);
        let lone = self.projects.get(&old).is_some_and(|p| p.root.is_none());
        let Some(text) = self
            .projects
            .get(&old)
            .and_then(|p| p.ws.text(doc.file))
            .map(|t| t.to_string())
        else {
            return;
        };
        self.remove(key);
        if lone {
            self.projects.remove(&old);
        }
        match version {
            Some(v) => self.did_open(uri, text, v),
            None => {
                if let Some(p) = self.root_project(key) {
                    self.load_disk_file(p, Path::new(key), text);
                }
            }
        }
    }

    /// A workspace folder was added: it becomes a project, and documents
    /// open in it join it (from a project of their own, or from a folder
    /// it lies in). Its files on disk are loaded by the caller
    /// ([`scan_folder`], [`Self::load_disk_file`]), which moves them too.
    pub fn add_folder(&mut self, root: PathBuf) {
        let project = self.add_root(root);
        // Open documents in it that belong elsewhere: files of their own, or
        // of a folder it lies in.
        let moving: Vec<String> = self
            .docs
            .iter()
            .filter(|(k, d)| {
                d.version.is_some() && d.project != project && self.root_project(k) == Some(project)
            })
            .map(|(k, _)| k.clone())
            .collect();
        for key in moving {
            self.rehome(&key);
        }
    }

    /// A workspace folder was removed: its projects (its own, and those of
    /// folders below it with an `orgplan.toml`, unless they lie in a folder
    /// that `remaining` still has) are dropped. Documents the editor has
    /// open stay, each as a file of its own; the others are forgotten and
    /// their diagnostics cleared.
    pub fn remove_folder(&mut self, folder: &Path, remaining: &[PathBuf]) {
        let dropped: HashSet<ProjectId> = self
            .roots
            .iter()
            .filter(|(r, _)| r.starts_with(folder) && !remaining.iter().any(|f| r.starts_with(f)))
            .map(|(_, p)| *p)
            .collect();
        if dropped.is_empty() {
            return;
        }
        self.roots.retain(|(_, p)| !dropped.contains(p));
        let keys: Vec<(String, bool)> = self
            .docs
            .iter()
            .filter(|(_, d)| dropped.contains(&d.project))
            .map(|(k, d)| (k.clone(), d.version.is_some()))
            .collect();
        for (key, open) in keys {
            if open || self.root_project(&key).is_some() {
                // Open, or in a folder (or below one) still there.
                self.rehome(&key);
            } else {
                self.remove(&key);
            }
        }
        for p in dropped {
            self.projects.remove(&p);
        }
    }

    /// The editor closed a document: files in a folder go back to their
    /// text on disk (or away, if gone); lone files are forgotten.
    pub fn did_close(&mut self, uri: &Uri) {
        let key = key_of(uri);
        let Some(doc) = self.docs.get(&key) else {
            return;
        };
        let project = doc.project;
        let in_root = self
            .projects
            .get(&project)
            .is_some_and(|p| p.root.is_some());
        if !in_root {
            self.remove(&key);
            self.projects.remove(&project);
            return;
        }
        match read_regular(Path::new(&key)) {
            Some(bytes) => {
                let uri = self
                    .uri_of_path(Path::new(&key))
                    .unwrap_or_else(|| uri.clone());
                self.put(project, key, uri, text_of(bytes), None);
            }
            None => self.remove(&key),
        }
    }

    /// A file changed on disk (created, changed, or deleted).
    pub fn disk_changed(&mut self, uri: &Uri, deleted: bool) {
        let key = key_of(uri);
        if self.docs.get(&key).is_some_and(|d| d.version.is_some()) {
            return; // the editor's buffer wins
        }
        let path = PathBuf::from(&key);
        let Some(project) = self.root_project(&key) else {
            return;
        };
        let root = self.projects.get(&project).and_then(|p| p.root.clone());
        let Some(root) = root else { return };
        let is_root_config = path == root.join(config::FILE_NAME);
        if !is_root_config && !is_plan_path(&path) {
            return;
        }
        // What the walk of the folder passes over (ignored, hidden), a
        // watcher's news of it does not bring in.
        if !is_root_config && !orgplan_files::is_walked(&root, &path) {
            return;
        }
        let text = if deleted { None } else { read_regular(&path) };
        match text {
            Some(bytes) if path.starts_with(&root) => {
                let Some(uri) = self.uri_of_path(&path) else {
                    return;
                };
                self.put(project, key, uri, text_of(bytes), None);
            }
            _ => self.remove(&key),
        }
    }

    /// Applies the editor's settings to every project; a project whose
    /// configuration did not change is left as it is.
    pub fn set_editor_layer(&mut self, layer: Layer) {
        if self.editor_layer == layer {
            return;
        }
        self.editor_layer = layer.clone();
        for p in self.projects.values_mut() {
            p.ws.set_editor_layer(layer.clone());
            p.touch();
        }
    }

    pub fn set_encoding(&mut self, enc: Encoding) {
        self.encoding = enc;
        self.kept_ranges.clear();
    }

    /// The diagnostics that changed since the last publication.
    pub fn collect_diagnostics(&mut self) -> Vec<Publication> {
        let mut out = self.clearings();
        let due = std::mem::take(&mut self.put_off_due);
        // Not while a project loads: it stays dirty until it has loaded.
        let dirty: Vec<ProjectId> = self
            .projects
            .iter()
            .filter(|(_, p)| p.dirty && !p.loading)
            .map(|(id, _)| *id)
            .collect();
        for pid in dirty {
            if let Some(p) = self.projects.get_mut(&pid) {
                p.dirty = false;
            }
            // Only the files whose findings an edit may have changed, and
            // those whose version the client has not had diagnostics for,
            // are written again: the other files of a large workspace are
            // not republished (and their publications not even built) for
            // each keystroke.
            let changed = self.projects.get_mut(&pid).and_then(|p| {
                p.ws.analysis();
                p.ws.take_changed_files()
            });
            let put_off = self.put_off.remove(&pid).unwrap_or_default();
            let unchanged = match &changed {
                None => BTreeSet::new(),
                Some(files) => self.unchanged(pid, files, &put_off),
            };
            let awaited = self.awaited(pid, &unchanged);
            let later = std::cell::RefCell::new(BTreeSet::new());
            let skip = |key: &str| {
                if unchanged.contains(key) {
                    return true;
                }
                let wait = !awaited.is_empty() && !awaited.contains(key);
                if wait {
                    later.borrow_mut().insert(key.to_string());
                }
                wait
            };
            let mut publications = self.publications_but(pid, None, &skip);
            let mut later = later.into_inner();
            if due {
                // One file a round, in turn: all at once, they were
                // megabytes in the pipe ahead of the next keystroke's
                // diagnostics (BENCHMARKS.md, "6 Dec (twenty-first session)").
                let after = self
                    .due_last
                    .as_deref()
                    .map_or(Bound::Unbounded, Bound::Excluded);
                let next = later
                    .range::<str, _>((after, Bound::Unbounded))
                    .next()
                    .or_else(|| later.first())
                    .cloned();
                if let Some(next) = next {
                    later.remove(&next);
                    publications.extend(self.publications(pid, Some(&next)));
                    self.due_last = Some(next);
                }
            }
            if !later.is_empty() {
                self.put_off.insert(pid, later);
                if let Some(p) = self.projects.get_mut(&pid) {
                    p.dirty = true;
                }
            }
            // What was put off goes out now, after what the client waits for.
            publications.sort_by_key(|p| !awaited.contains(&p.key));
            for p in publications {
                let unchanged = self.published.get(&p.key).is_some_and(|(u, _, d, v)| {
                    *v == p.version && *u == p.uri && *d == p.fingerprint
                });
                if !unchanged {
                    out.push(p);
                }
            }
        }
        out
    }

    /// Empty publications for the files gone ([`Self::remove`]) that the
    /// client was sent diagnostics for.
    fn clearings(&mut self) -> Vec<Publication> {
        let mut out = Vec::new();
        for (key, uri) in std::mem::take(&mut self.gone) {
            self.kept_ranges.remove(&key);
            if !self.docs.contains_key(&key) && self.published.contains_key(&key) {
                out.push(Publication::new(
                    key,
                    &uri,
                    None,
                    &[],
                    None,
                    &mut Converter::new(
                        &Lines::new(&Default::default()),
                        self.encoding,
                        Default::default(),
                    ),
                    self.encoding,
                    &convert::RuleLinks::new(None),
                    &|_| None,
                ));
            }
        }
        out
    }

    /// The files of project `pid` whose diagnostics the client has for
    /// their version and that no edit since reached (`changed` are those
    /// reached, `put_off` those left for this round).
    fn unchanged(
        &self,
        pid: ProjectId,
        changed: &BTreeSet<FileId>,
        put_off: &BTreeSet<String>,
    ) -> BTreeSet<String> {
        self.docs
            .iter()
            .filter(|(key, d)| {
                d.project == pid
                    && !d.is_config
                    && (!changed.contains(&d.file) || self.pulled_since_change(pid, key))
                    && !put_off.contains(*key)
                    && self
                        .published
                        .get(*key)
                        .is_some_and(|(u, p, _, v)| *u == d.uri && *p == pid && *v == d.version)
            })
            .map(|(key, _)| key.clone())
            .collect()
    }

    /// Whether a pull wrote the report of the file `key` (of project
    /// `pid`) after the project's last change: the report it noted is the
    /// one the publisher would write (for a client that pulls).
    fn pulled_since_change(&self, pid: ProjectId, key: &str) -> bool {
        let generation = self.projects.get(&pid).map(|p| p.generation);
        self.support.pull_diagnostics
            && generation.is_some_and(|g| self.pulled_at.get(key) == Some(&(pid, g)))
    }

    /// The documents of project `pid` (but `unchanged`) whose new version
    /// the client has had no diagnostics for: they are written and sent
    /// first, the others (files an edit elsewhere reached) in the
    /// publisher's next round, so that a keystroke's own diagnostics do not
    /// wait for theirs. None for a client that pulls: nothing is sent to it.
    fn awaited(&self, pid: ProjectId, unchanged: &BTreeSet<String>) -> BTreeSet<String> {
        if self.support.pull_diagnostics {
            return BTreeSet::new();
        }
        self.docs
            .iter()
            .filter(|(key, d)| {
                d.project == pid
                    && d.version.is_some()
                    && !unchanged.contains(*key)
                    && self
                        .published
                        .get(*key)
                        .is_none_or(|(u, p, _, v)| *u != d.uri || *p != pid || *v != d.version)
            })
            .map(|(key, _)| key.clone())
            .collect()
    }

    /// The publications of the current findings of project `pid`'s files
    /// (or of the file `only`), its analysis brought up to date: what a
    /// push sends and what a pull answers are written by the same code.
    fn publications(&mut self, pid: ProjectId, only: Option<&str>) -> Vec<Publication> {
        self.publications_but(pid, only, &|_| false)
    }

    /// [`Self::publications`], leaving out the files `skip` names.
    fn publications_but(
        &mut self,
        pid: ProjectId,
        only: Option<&str>,
        skip: &dyn Fn(&str) -> bool,
    ) -> Vec<Publication> {
        let mut out = Vec::new();
        let Some(p) = self.projects.get_mut(&pid) else {
            return out;
        };
        let analysis = p.ws.analysis();
        let ws = &p.ws;
        let links = convert::RuleLinks::of(ws);
        let mut keys: BTreeMap<&str, FileId> = match only {
            Some(key) => self
                .docs
                .get_key_value(key)
                .filter(|(_, d)| d.project == pid)
                .map(|(k, d)| (k.as_str(), d.file))
                .into_iter()
                .collect(),
            None => ws.files().map(|(id, f)| (f.path.as_str(), id)).collect(),
        };
        if only.is_none() {
            for (key, doc) in &self.docs {
                if doc.project == pid && doc.is_config {
                    keys.insert(key.as_str(), doc.file);
                }
            }
        }
        let docs = &self.docs;
        let enc = self.encoding;
        // Related places only for a client that takes them.
        let related = self.support.related_information;
        let locate = |loc: orgplan_analysis::Loc| {
            if !related {
                return None;
            }
            let doc = docs.get(ws.path(loc.file)?)?;
            Some((doc.uri.as_str(), ws.lines(loc.file)?))
        };
        for (key, file) in keys {
            if skip(key) {
                continue;
            }
            let (Some(doc), Some(lines)) = (docs.get(key), ws.lines(file)) else {
                continue;
            };
            #[cfg(test)]
            self.written.push(key.to_string());
            let kept = self.kept_ranges.remove(key).unwrap_or_default();
            let mut conv = Converter::new(&lines, enc, kept);
            out.push(Publication::new(
                key.to_string(),
                &doc.uri,
                doc.version,
                analysis.findings_in(file),
                analysis.omitted.get(&file).copied(),
                &mut conv,
                enc,
                &links,
                &locate,
            ));
            self.kept_ranges.insert(key.to_string(), conv.into_kept());
        }
        out
    }

    /// For a client that pulls diagnostics: whether the change `p` (a file
    /// whose findings differ from what the client was last given) is one
    /// the client will not pull by itself, so that it must be asked to
    /// (`workspace/diagnostic/refresh`). A client pulls a document it
    /// changed; not one whose findings changed through an edit elsewhere
    /// (its version is the same), nor a file it does not have open.
    pub fn needs_refresh(&self, p: &Publication) -> bool {
        match self.published.get(&p.key) {
            Some((_, _, _, version)) => *version == p.version,
            None => p.version.is_none(),
        }
    }

    /// A file's report for a client that pulls: unchanged when its result
    /// id is `previous`, otherwise in full; remembered as what the client
    /// has.
    fn pulled(&mut self, p: Publication, previous: Option<&str>) -> PulledReport {
        let result_id = result_id(p.fingerprint);
        let pid = self.docs.get(&p.key).map(|d| d.project);
        match pid.and_then(|pid| Some((pid, self.projects.get(&pid)?.generation))) {
            Some(at) => self.pulled_at.insert(p.key.clone(), at),
            None => self.pulled_at.remove(&p.key),
        };
        let items = (previous != Some(result_id.as_str())).then(|| PulledItems {
            body: Some(p.body.clone()),
            range: p.diagnostics.clone(),
        });
        self.record(&p);
        PulledReport {
            uri: p.uri,
            version: p.version,
            result_id,
            items,
        }
    }

    /// `textDocument/diagnostic`: the report of the file `key` (an empty
    /// one for a file the server does not know).
    pub fn pull_document(&mut self, uri: &Uri, previous: Option<&str>) -> PulledReport {
        let key = key_of(uri);
        let Some(pid) = self.docs.get(&key).map(|d| d.project) else {
            return PulledReport::empty(uri.clone(), previous);
        };
        // Typing, the publisher has mostly noted the file's report already
        // (it runs after each edit): the answer needs no publication
        // written again.
        if let Some(r) = self.noted_report(pid, &key, previous) {
            return r;
        }
        let report = self.publications(pid, Some(&key)).pop();
        match report {
            Some(p) => self.pulled(p, previous),
            None => PulledReport::empty(uri.clone(), previous),
        }
    }

    /// The file `key`'s report when it is known without writing it again:
    /// nothing changed in the project `pid` since its findings were last
    /// collected and noted (in the same step), and the note is of the
    /// file's current version and URI, in this project. "Unchanged" when
    /// the client has it (`previous`), else in full from the note's text.
    fn noted_report(
        &self,
        pid: ProjectId,
        key: &str,
        previous: Option<&str>,
    ) -> Option<PulledReport> {
        let clean = self
            .projects
            .get(&pid)
            .is_some_and(|p| !p.dirty && !p.loading);
        let doc = self.docs.get(key)?;
        let (uri, project, fp, version) = self.published.get(key)?;
        let id = result_id(*fp);
        let current = clean
            && *project == pid
            && doc.project == pid
            && *version == doc.version
            && *uri == doc.uri;
        if !current {
            return None;
        }
        let items = if previous == Some(id.as_str()) {
            None
        } else {
            Some(self.noted_items.get(key)?.clone())
        };
        Some(PulledReport {
            uri: uri.clone(),
            version: *version,
            result_id: id,
            items,
        })
    }

    /// `workspace/diagnostic`: the reports of every file of every project
    /// (`previous`: the result ids the client has, by URI), and an empty
    /// one for each file gone since the last pull.
    pub fn pull_workspace(&mut self, previous: &HashMap<String, String>) -> Vec<PulledReport> {
        let mut out: Vec<PulledReport> = std::mem::take(&mut self.pulled_gone)
            .into_iter()
            .filter(|uri| !self.docs.contains_key(&key_of(uri)))
            .map(|uri| PulledReport::empty(uri, None))
            .collect();
        let mut pids: Vec<ProjectId> = self.projects.keys().copied().collect();
        pids.sort_unstable();
        for pid in pids {
            // A client that pulls again every few seconds mostly has every
            // report already.
            let noted: Vec<(String, PulledReport)> = self
                .docs
                .iter()
                .filter_map(|(key, doc)| {
                    let previous = previous.get(doc.uri.as_str()).map(String::as_str);
                    Some((key.clone(), self.noted_report(pid, key, previous)?))
                })
                .collect();
            let known: HashSet<&str> = noted.iter().map(|(k, _)| k.as_str()).collect();
            let fresh = self.publications_but(pid, None, &|k| known.contains(k));
            out.extend(noted.into_iter().map(|(_, r)| r));
            for p in fresh {
                let prev = previous.get(p.uri.as_str()).map(String::as_str);
                out.push(self.pulled(p, prev));
            }
        }
        out
    }

    /// Whether diagnostics were put off to the publisher's next round
    /// ([`Self::collect_diagnostics`]) that it can send now. (While edits
    /// keep coming they may be put off again; they go out in the first
    /// round without an edit to answer first.)
    pub fn has_put_off(&self) -> bool {
        self.put_off.keys().any(|pid| {
            self.projects
                .get(pid)
                .is_some_and(|p| p.dirty && !p.loading)
        })
    }

    /// Whether a publication is still current: its file's version has not moved on.
    pub fn is_current(&self, p: &Publication) -> bool {
        match self.docs.get(&p.key) {
            Some(doc) => doc.version == p.version && doc.uri == p.uri,
            None => p.empty,
        }
    }

    pub fn record(&mut self, p: &Publication) {
        if p.empty && !self.docs.contains_key(&p.key) {
            self.noted_items.remove(&p.key);
            if self.published.remove(&p.key).is_some() && self.support.pull_diagnostics {
                // The next workspace pull clears it.
                self.pulled_gone.push(p.uri.clone());
            }
            return;
        }
        if self.support.pull_diagnostics {
            let items = PulledItems {
                body: Some(p.body.clone()),
                range: p.diagnostics.clone(),
            };
            self.noted_items.insert(p.key.clone(), items);
        }
        let project = self.docs.get(&p.key).map_or(0, |d| d.project);
        self.published.insert(
            p.key.clone(),
            (p.uri.clone(), project, p.fingerprint, p.version),
        );
    }

    /// Marks every project for a fresh publication (after a failed one).
    pub fn mark_all(&mut self) {
        let ids: Vec<ProjectId> = self.projects.keys().copied().collect();
        for id in ids {
            self.mark(id);
        }
    }
}

/// What a request about one file reads, taken under the lock in
/// microseconds and read off it: the project's workspace (a clone, which
/// shares the files and the analysis: [`Workspace`]), the file, its
/// version, the URIs of the project's files and what the client supports.
/// Edits made after it was taken are not seen; they copy what they change
/// while it lives.
pub struct FileSnapshot {
    pub ws: Workspace,
    pub analysis: std::sync::Arc<orgplan_analysis::Analysis>,
    pub file: FileId,
    pub key: String,
    pub version: Option<i32>,
    pub uris: HashMap<String, Uri>,
    pub support: crate::capabilities::ClientSupport,
    pub encoding: Encoding,
    pub loading: bool,
    /// The session's kept semantic tokens results.
    pub kept_tokens: std::sync::Arc<crate::handlers::semantic_tokens_full::KeptTokens>,
}

/// Every project's workspace and analysis, for requests about the whole
/// session (`workspace/symbol`).
pub struct SessionSnapshot {
    pub projects: Vec<(Workspace, std::sync::Arc<orgplan_analysis::Analysis>)>,
    pub uris: HashMap<String, Uri>,
    pub encoding: Encoding,
    /// The kinds of symbol the client knows.
    pub symbol_kinds: crate::capabilities::KindSet,
}

impl Session {
    /// A snapshot of the file at `uri` and its project, its analysis
    /// brought up to date first.
    pub fn snapshot(&mut self, uri: &Uri) -> Option<FileSnapshot> {
        let key = key_of(uri);
        let loading = self.loading(Some(&key));
        let doc = self.docs.get(&key)?;
        let (pid, file, version) = (doc.project, doc.file, doc.version);
        let p = self.projects.get_mut(&pid)?;
        let analysis = p.ws.analysis();
        let uris = self
            .docs
            .iter()
            .filter(|(_, d)| d.project == pid)
            .map(|(k, d)| (k.clone(), d.uri.clone()))
            .collect();
        Some(FileSnapshot {
            ws: p.ws.clone(),
            analysis,
            file,
            key,
            version,
            uris,
            support: self.support,
            encoding: self.encoding,
            loading,
            kept_tokens: self.kept_tokens.clone(),
        })
    }

    /// A snapshot of every project, their analyses brought up to date.
    pub fn snapshot_all(&mut self) -> SessionSnapshot {
        let mut projects: Vec<_> = self.projects.iter_mut().collect();
        projects.sort_unstable_by_key(|(id, _)| **id);
        let projects = projects
            .into_iter()
            .map(|(_, p)| {
                let analysis = p.ws.analysis();
                (p.ws.clone(), analysis)
            })
            .collect();
        SessionSnapshot {
            projects,
            symbol_kinds: self.support.symbol_kinds,
            uris: self
                .docs
                .iter()
                .map(|(k, d)| (k.clone(), d.uri.clone()))
                .collect(),
            encoding: self.encoding,
        }
    }

    /// The version of the file `key` (`None` inside if it is not open),
    /// or `None` if the server does not know it: what a snapshot is
    /// compared with to tell whether the file changed since.
    pub fn version(&self, key: &str) -> Option<Option<i32>> {
        self.docs.get(key).map(|d| d.version)
    }
}

impl Publication {
    /// The publication of `findings` (plus a note counting `omitted`) for
    /// the file `key`, as JSON text ready to send.
    #[allow(clippy::too_many_arguments)]
    fn new<'a>(
        key: String,
        uri: &Uri,
        version: Option<i32>,
        findings: &'a [std::sync::Arc<orgplan_analysis::rules::Finding>],
        omitted: Option<usize>,
        conv: &mut Converter,
        enc: Encoding,
        links: &convert::RuleLinks,
        locate: &dyn Fn(orgplan_analysis::Loc) -> crate::publication::Place<'a>,
    ) -> Publication {
        let (body, diagnostics) = crate::publication::publication_body(
            uri.as_str(),
            version,
            findings,
            omitted,
            conv,
            enc,
            links,
            locate,
        );
        Publication {
            key,
            uri: uri.clone(),
            fingerprint: fingerprint(&body[diagnostics.clone()]),
            empty: findings.is_empty() && omitted.is_none(),
            body,
            diagnostics,
            version,
        }
    }
}

/// The diagnostics of a pulled report: the text of a publication's list
/// (or of an empty one), so that a pull and a push can never differ.
#[derive(Clone)]
pub struct PulledItems {
    body: Option<std::sync::Arc<Vec<u8>>>,
    range: std::ops::Range<usize>,
}

impl PulledItems {
    /// The list as JSON text.
    pub fn json(&self) -> &[u8] {
        match &self.body {
            Some(body) => &body[self.range.clone()],
            None => b"[]",
        }
    }

    /// The list read back from its text.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        serde_json::from_slice(self.json()).expect("a publication's diagnostics read back")
    }
}

/// A file's diagnostics as pulled: `items` is `None` when unchanged since
/// the result id the client gave.
pub struct PulledReport {
    pub uri: Uri,
    pub version: Option<i32>,
    pub result_id: String,
    pub items: Option<PulledItems>,
}

impl PulledReport {
    /// The report of a file without findings (unknown, or gone).
    fn empty(uri: Uri, previous: Option<&str>) -> PulledReport {
        let result_id = result_id(fingerprint(b"[]"));
        PulledReport {
            items: (previous != Some(result_id.as_str())).then_some(PulledItems {
                body: None,
                range: 0..0,
            }),
            uri,
            version: None,
            result_id,
        }
    }
}

/// The result id of a pulled report: the fingerprint of its diagnostics,
/// so that equal lists have equal ids (also across sessions and
/// projects), and a client that has them gets "unchanged".
fn result_id(fingerprint: u64) -> String {
    format!("{fingerprint:016x}")
}

/// A fingerprint of a list of diagnostics, from their JSON text: equal lists
/// give equal ones, and different lists (in practice) different ones.
fn fingerprint(json: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(json);
    h.finish()
}

/// The LSP location of a place in a project's workspace (`uris`: the
/// URI of each file by key).
pub fn location(
    uris: &HashMap<String, Uri>,
    ws: &Workspace,
    enc: Encoding,
    loc: orgplan_analysis::Loc,
) -> Option<tower_lsp_server::lsp_types::Location> {
    let key = ws.path(loc.file)?;
    let uri = uris.get(key)?;
    Some(tower_lsp_server::lsp_types::Location {
        uri: uri.clone(),
        range: convert::range(&ws.lines(loc.file)?, loc.range, enc),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::lsp_types::{Position, Range};

    fn uri(s: &str) -> Uri {
        s.parse().expect("a URI")
    }

    /// Replaces line 0, characters `from..to`, with `text`.
    fn change(s: &mut Session, u: &Uri, version: i32, from: u32, to: u32, text: &str) {
        let range = Range::new(Position::new(0, from), Position::new(0, to));
        let change = TextDocumentContentChangeEvent {
            range: Some(range),
            range_length: None,
            text: text.into(),
        };
        s.did_change(u, version, vec![change]);
    }

    /// The files whose reports the publisher's round writes (it notes
    /// them as the client's, as it does for a client that pulls).
    fn round(s: &mut Session) -> Vec<String> {
        s.written.clear();
        let batch = s.collect_diagnostics();
        for p in &batch {
            s.record(p);
        }
        let mut keys = std::mem::take(&mut s.written);
        keys.sort_unstable();
        keys
    }

    /// A session on the folder `/org`, loaded, with `a.orgplan` (leader
    /// `l1`) and `b.orgplan` (a team reporting to `l1`) open.
    fn leader_and_team(pulls: bool) -> (Session, Uri, Uri) {
        let mut s = Session::default();
        s.support.pull_diagnostics = pulls;
        let root = PathBuf::from("/org");
        s.add_folder(root.clone());
        s.set_loading(&root, false);
        let (a, b) = (uri("file:///org/a.orgplan"), uri("file:///org/b.orgplan"));
        s.did_open(a.clone(), "leader l1 \"L\" {\n}\n".into(), 1);
        s.did_open(b.clone(), "team t \"T\" {\n  reports_to: l1\n}\n".into(), 1);
        (s, a, b)
    }

    /// For a client that pulls, the publisher's round after an edit
    /// writes again only the reports no pull wrote since: a pull answered
    /// before that round (both on one thread) is not written twice, and
    /// the files the edit reached elsewhere still are.
    #[test]
    fn a_report_a_pull_wrote_since_the_last_change_is_not_written_again() {
        let (mut s, a, b) = leader_and_team(true);
        assert_eq!(round(&mut s), ["/org/a.orgplan", "/org/b.orgplan"]);
        // Renaming the leader leaves the team's reference dangling.
        change(&mut s, &a, 2, 7, 9, "l2");
        let pulled = s.pull_document(&a, None);
        assert!(pulled.items.is_some());
        assert_eq!(round(&mut s), ["/org/b.orgplan"]);
        // Without a pull, the edited file is written in the round.
        change(&mut s, &a, 3, 7, 9, "l1");
        assert_eq!(round(&mut s), ["/org/a.orgplan", "/org/b.orgplan"]);
        // A pull, then a change elsewhere in the project before the round
        // (the pulled file's version stays): written again.
        change(&mut s, &a, 4, 7, 9, "l3");
        s.pull_document(&a, None);
        change(&mut s, &b, 2, 0, 0, " ");
        assert_eq!(round(&mut s), ["/org/a.orgplan", "/org/b.orgplan"]);
    }

    /// For a client that does not pull, the files an edit reached wait
    /// while edits of the document it waits for come, each round answering
    /// those first; once due (`put_off_due`, set by the publisher when they
    /// waited long enough), the round sends them too, after the document.
    #[test]
    fn files_put_off_go_out_when_due_after_the_awaited_document() {
        let (mut s, a, _) = leader_and_team(false);
        round(&mut s);
        let keys = |batch: &[Publication]| -> Vec<String> {
            batch.iter().map(|p| p.key.clone()).collect()
        };
        for (v, id) in [(2, "l2"), (3, "l3")] {
            change(&mut s, &a, v, 7, 9, id);
            let batch = s.collect_diagnostics();
            assert_eq!(keys(&batch), ["/org/a.orgplan"], "version {v}");
            batch.iter().for_each(|p| s.record(p));
            assert!(s.has_put_off());
        }
        change(&mut s, &a, 4, 7, 9, "l4");
        s.put_off_due = true;
        let batch = s.collect_diagnostics();
        assert_eq!(keys(&batch), ["/org/a.orgplan", "/org/b.orgplan"]);
        batch.iter().for_each(|p| s.record(p));
        assert!(!s.has_put_off() && !s.put_off_due);
    }

    /// Files put off go out one a due round, in turn: a file whose
    /// findings change again at each edit does not keep the others waiting.
    #[test]
    fn files_put_off_go_out_one_a_due_round_in_turn() {
        let mut s = Session::default();
        s.support.related_information = true;
        let root = PathBuf::from("/org");
        s.add_folder(root.clone());
        s.set_loading(&root, false);
        // Two teams report to a team: their findings point into `a`.
        let a = uri("file:///org/a.orgplan");
        s.did_open(a.clone(), "team l1 \"L\" {\n}\n".into(), 1);
        for (name, id) in [("b", "t"), ("c", "u")] {
            let text = format!("team {id} \"T\" {{\n  reports_to: l1\n}}\n");
            s.did_open(uri(&format!("file:///org/{name}.orgplan")), text, 1);
        }
        round(&mut s);
        let keys = |batch: &[Publication]| -> Vec<String> {
            batch.iter().map(|p| p.key.clone()).collect()
        };
        // Each version adds a line above the team: both findings move.
        let mut sent = Vec::new();
        for v in 2..6 {
            change(&mut s, &a, v, 0, 0, "#\n");
            s.put_off_due = true;
            let batch = s.collect_diagnostics();
            batch.iter().for_each(|p| s.record(p));
            let batch = keys(&batch);
            assert_eq!(batch.len(), 2, "version {v}: {batch:?}");
            assert_eq!(batch[0], "/org/a.orgplan", "version {v}");
            sent.push(batch[1].clone());
            assert!(s.has_put_off(), "version {v}");
        }
        let (b, c) = ("/org/b.orgplan", "/org/c.orgplan");
        assert_eq!(sent, [b, c, b, c]);
        // Once edits pause (no document awaited), the rest goes out.
        assert_eq!(keys(&s.collect_diagnostics()), [b]);
        assert!(!s.has_put_off());
    }

    /// A client that sends the whole text at each keystroke has it applied
    /// as the keystroke: the publication's ranges are kept and moved, not
    /// worked out again, and the text is not parsed whole. A whole text
    /// that differs in most of its length is parsed whole.
    #[test]
    fn a_whole_text_a_keystroke_away_is_applied_as_an_edit() {
        let mut s = Session::default();
        let a = uri("file:///org/a.orgplan");
        let text = "leader l1 \"L\" {\n}\nteam t \"T\" {\n  reports_to: l2\n}\n";
        s.did_open(a.clone(), text.into(), 1);
        round(&mut s);
        s.text_replaced = false;
        let key = key_of(&a);
        assert!(s.kept_ranges.contains_key(&key));
        let whole = |text: &str| TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: text.into(),
        };
        s.did_change(&a, 2, vec![whole(&text.replace("l2", "l1"))]);
        assert!(!s.text_replaced);
        assert!(s.kept_ranges.contains_key(&key));
        let project = s.docs[&key].project;
        let ws = &mut s.projects.get_mut(&project).unwrap().ws;
        let mut fresh = Workspace::new();
        fresh.set_file(&key, text.replace("l2", "l1"));
        assert_eq!(ws.analysis().findings, fresh.analysis().findings);
        s.did_change(&a, 3, vec![whole("team x \"X\" { }\n")]);
        assert!(s.text_replaced);
    }

    fn ranged(from: (u32, u32), to: (u32, u32), text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(
                Position::new(from.0, from.1),
                Position::new(to.0, to.1),
            )),
            range_length: None,
            text: text.into(),
        }
    }

    /// The changes of one message that lie close together become the one
    /// edit that spans them, whatever their order and overlap (each is in
    /// the text the ones before it left); a change without a range, or
    /// changes far apart, are applied one by one.
    #[test]
    fn close_changes_of_one_message_are_one_edit() {
        let text = orgplan_analysis::Text::new("aé\nbb\r\ncc\n😀d\n");
        let changes = [
            // Typed at the start of lines 2 and 0 (later lines first, as
            // editors send them), then one replacing across a line break
            // what the first typed, and one reversed.
            ranged((2, 0), (2, 0), "x"),
            ranged((0, 0), (0, 0), "y"),
            ranged((1, 2), (2, 1), "Z"),
            ranged((3, 3), (3, 2), "w"),
        ];
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let mut one_by_one = text.clone();
            for c in &changes {
                let lines = Lines::new(&one_by_one);
                let r = c.range.unwrap();
                let from = convert::offset(&lines, r.start, enc);
                let to = convert::offset(&lines, r.end, enc).max(from);
                one_by_one.replace(from, to, &c.text);
            }
            let (range, with) = spanning_edit(&text, &changes, enc).expect("close together");
            assert_eq!(range.start(), 0);
            let mut spanned = text.clone();
            spanned.replace(range.start(), range.end(), &with);
            assert_eq!(spanned, one_by_one, "{enc:?}");
            assert!(spanned.to_string().starts_with("yaé\nbbZcc\n😀"), "{enc:?}");
        }
        let whole = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: String::new(),
        };
        assert_eq!(
            spanning_edit(&text, &[changes[0].clone(), whole], Encoding::Utf8),
            None
        );
        assert_eq!(spanning_edit(&text, &changes[..1], Encoding::Utf8), None);
        let long = orgplan_analysis::Text::new(&"line\n".repeat(5000));
        let far = [
            ranged((0, 0), (0, 0), "x"),
            ranged((4000, 0), (4000, 0), "x"),
        ];
        assert_eq!(spanning_edit(&long, &far, Encoding::Utf8), None);
        let near = [
            ranged((10, 0), (10, 0), "x"),
            ranged((500, 0), (500, 0), "x"),
        ];
        assert_eq!(
            spanning_edit(&long, &near, Encoding::Utf8).map(|(r, w)| (r, w.len())),
            Some((TextRange::new(50, 2500), 2452))
        );
    }
}

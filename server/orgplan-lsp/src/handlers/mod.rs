//! One file per request, named after its method: each converts the
//! request's positions into byte offsets, calls `orgplan_analysis::ide`,
//! and converts the answer back ([`Snap`] holds what they need for it).
//! What two requests share is here or in [`crate::convert`].

pub mod checklist;
pub mod code_action;
pub mod code_lens;
pub mod completion;
pub mod document_highlight;
pub mod document_symbol;
pub mod folding_range;
pub mod formatting;
pub mod goto_declaration;
pub mod goto_definition;
pub mod graph;
pub mod hover;
pub mod inlay_hint;
pub mod on_type_formatting;
pub mod prepare_rename;
pub mod range_formatting;
pub mod references;
pub mod rename;
pub mod semantic_tokens_full;
pub mod semantic_tokens_full_delta;
mod semantic_tokens_kept;
pub mod semantic_tokens_range;
pub mod workspace_symbol;

use crate::capabilities::ClientSupport;
use crate::server::Inner;
use crate::session::{self, FileSnapshot};
use orgplan_analysis::position::{Encoding, Lines};
use orgplan_analysis::{Analysis, FileId, Loc, Workspace};
use std::collections::HashMap;
use std::sync::Arc;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::lsp_types::{Location, Position, Range, TextEdit, Uri, WorkspaceEdit};

/// What a request about one file sees: a view of a [`FileSnapshot`] (the
/// file's workspace as it was when the request was read, its analysis,
/// the URIs of its files, what the client supports).
pub struct Snap<'a> {
    pub ws: &'a Workspace,
    pub analysis: Arc<Analysis>,
    pub file: FileId,
    /// The client's version of the file, if it is open.
    pub version: Option<i32>,
    /// The file's text and lines; positions asked for in order along a
    /// line are counted on from the last one.
    pub lines: Lines<'a>,
    pub enc: Encoding,
    pub support: ClientSupport,
    /// The org of the file was still being read ([`Inner::wait_loaded`]).
    pub loading: bool,
    uris: &'a HashMap<String, Uri>,
    /// The session's kept semantic tokens results (for deltas).
    pub kept_tokens: &'a semantic_tokens_full::KeptTokens,
}

impl Snap<'_> {
    pub fn offset(&self, p: Position) -> usize {
        crate::convert::offset(&self.lines, p, self.enc)
    }

    pub fn range(&self, r: orgplan_analysis::TextRange) -> Range {
        crate::convert::range(&self.lines, r, self.enc)
    }

    pub fn text_range(&self, r: Range) -> orgplan_analysis::TextRange {
        let start = self.offset(r.start);
        orgplan_analysis::TextRange::new(start, self.offset(r.end).max(start))
    }

    pub fn location(&self, loc: Loc) -> Option<Location> {
        session::location(self.uris, self.ws, self.enc, loc)
    }

    /// The URI the client knows the file by.
    pub fn uri(&self) -> Option<Uri> {
        let start = Loc::new(self.file, orgplan_analysis::TextRange::empty(0));
        Some(self.location(start)?.uri)
    }

    /// The analysis's edits as one workspace edit, grouped by file.
    pub fn workspace_edit(&self, edits: &[orgplan_analysis::rules::Edit]) -> WorkspaceEdit {
        WorkspaceEdit {
            changes: Some(self.group(edits)),
            ..WorkspaceEdit::default()
        }
    }

    /// Edits grouped by file. (`Uri` hashes its text, which never changes:
    /// clippy's interior-mutability worry does not apply.)
    #[allow(clippy::mutable_key_type)]
    fn group(&self, edits: &[orgplan_analysis::rules::Edit]) -> HashMap<Uri, Vec<TextEdit>> {
        let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
        for e in edits {
            if let Some(loc) = self.location(e.loc) {
                changes.entry(loc.uri).or_default().push(TextEdit {
                    range: loc.range,
                    new_text: e.new_text.clone(),
                });
            }
        }
        changes
    }
}

impl FileSnapshot {
    /// The view handlers read; `None` if the file has no text.
    fn view(&self) -> Option<Snap<'_>> {
        Some(Snap {
            ws: &self.ws,
            analysis: self.analysis.clone(),
            file: self.file,
            version: self.version,
            lines: self.ws.lines(self.file)?,
            enc: self.encoding,
            support: self.support,
            loading: self.loading,
            uris: &self.uris,
            kept_tokens: &self.kept_tokens,
        })
    }
}

/// `ContentModified` (-32801): the document changed while the request
/// was computed; its answer would be about text the client no longer has.
pub fn content_modified() -> Error {
    Error {
        code: ErrorCode::ContentModified,
        message: "the document changed".into(),
        data: None,
    }
}

impl Inner {
    /// [`Self::with_file`] once the org of the file has been read
    /// ([`Inner::wait_loaded`]): for requests whose answer reads other
    /// files (references, rename, hovers that count, fixes), which must
    /// not answer from part of the org.
    pub async fn with_loaded_file<R: Send + 'static>(
        &self,
        what: &'static str,
        uri: &Uri,
        f: impl FnOnce(&Snap) -> Option<R> + Send + 'static,
    ) -> Result<Option<R>> {
        self.wait_loaded(Some(uri)).await;
        self.with_file(what, uri, f).await
    }

    /// Runs `f` on a snapshot of the file at `uri` (`None` if unknown),
    /// taken under the session lock and read off it ([`Self::compute`]),
    /// so that edits go on meanwhile. If the document changed in the
    /// meantime, the answer is `ContentModified`, not the stale result.
    pub async fn with_file<R: Send + 'static>(
        &self,
        what: &'static str,
        uri: &Uri,
        f: impl FnOnce(&Snap) -> Option<R> + Send + 'static,
    ) -> Result<Option<R>> {
        let Some(snapshot) = self.with_session(what, |s| s.snapshot(uri))? else {
            return Ok(None);
        };
        let key = snapshot.key.clone();
        let version = snapshot.version;
        let current = move |inner: &Inner| inner.state.lock().version(&key) == Some(version);
        let answer = self
            .compute(what, &current, move || f(&snapshot.view()?))
            .await?;
        if !current(self) {
            return Err(content_modified());
        }
        Ok(answer)
    }

    /// Runs `f` off the session lock and off the thread that reads and
    /// answers messages: where blocking work runs ([`crate::platform`]:
    /// a thread of tokio's blocking pool; inline on WebAssembly, which has
    /// no threads), at most [`Inner::workers`] at once. A request still waiting for its turn when it is cancelled
    /// (tower-lsp drops its future and answers `RequestCancelled`) or
    /// made stale (`current` false: `ContentModified`) is not computed; one
    /// already computing runs to its end and its answer is dropped. A
    /// panic in `f` becomes an internal error.
    pub async fn compute<R: Send + 'static>(
        &self,
        what: &'static str,
        current: &(dyn Fn(&Inner) -> bool + Sync),
        f: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R> {
        use std::panic::{catch_unwind, AssertUnwindSafe};
        // Held by the computation, not by this future: a cancelled
        // request's computation still counts until it ends.
        let permit = self.workers.clone().acquire_owned().await;
        if !current(self) {
            return Err(content_modified());
        }
        let done = crate::platform::blocking(move || {
            let _permit = permit;
            catch_unwind(AssertUnwindSafe(f))
        })
        .await
        .unwrap_or_else(|| Err(Box::new("the computation was stopped")));
        done.map_err(|panic| crate::server::internal_error(what, &panic))
    }
}

/// A snapshot of one file named `file:///t.orgplan` holding `text`, as a
/// client that asks for everything sees it (for handlers' tests).
#[cfg(test)]
pub(crate) fn test_snapshot(text: &str, enc: Encoding) -> FileSnapshot {
    let key = "/t.orgplan".to_string();
    let uri: Uri = "file:///t.orgplan".parse().expect("a URI");
    let mut ws = Workspace::new();
    let file = ws.set_file(&key, text);
    let analysis = ws.analysis();
    let support = ClientSupport {
        encoding: enc,
        semantic_tokens_delta: true,
        ..ClientSupport::default()
    };
    FileSnapshot {
        ws,
        analysis,
        file,
        key: key.clone(),
        version: None,
        uris: HashMap::from([(key, uri)]),
        support,
        encoding: enc,
        loading: false,
        kept_tokens: Default::default(),
    }
}

/// Texts made of pieces of plans and of what makes positions hard (line
/// breaks of every kind, wide characters, comments), for property tests.
#[cfg(test)]
pub(crate) fn test_texts() -> impl proptest::strategy::Strategy<Value = String> {
    const PIECES: &[&str] = &[
        "leader jane \"Jane 😀\" {\n  title: \"Director, 団体\"\n}\n",
        "leader raj \"Raj\" {\r\n  allocation: 50%   # part-time 😀\r\n}\r\n",
        "team t \"T\" {\r  reports_to: jane\r  roles: engineering, qa\r  depends_on u { owner: t plan: \"p\" }\r}\r",
        "initiative fba \"FBA\" {\n  leader: jane\n  model: ownership\n  teams: t, nobody\n  approvals: jane, raj\n}\n",
        "# a comment é\n",
        "\n",
        "\r\n",
        "\r",
        " ",
        "{",
        "}",
        "\"",
        "😀",
        "団体",
        "\u{2028}",
        "tem x { foo: bar }\n",
    ];
    proptest::strategy::Strategy::prop_map(
        proptest::collection::vec(proptest::sample::select(PIECES), 0..30),
        |p| p.concat(),
    )
}

//! One file per request, named after its method: each converts the
//! request's positions into byte offsets, calls `orgplan_analysis::ide`,
//! and converts the answer back ([`Snap`] holds what they need for it).
//! What two requests share is here or in [`crate::convert`].

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
pub mod prepare_rename;
pub mod range_formatting;
pub mod references;
pub mod rename;
pub mod semantic_tokens_full;
pub mod semantic_tokens_range;
pub mod workspace_symbol;

use crate::server::Inner;
use crate::session::{self, Session};
use orgplan_analysis::position::{Encoding, Lines};
use orgplan_analysis::{Analysis, FileId, Loc, Workspace};
use std::collections::HashMap;
use std::sync::Arc;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::lsp_types::{Location, Position, Range, TextEdit, Uri, WorkspaceEdit};

/// What a request about one file sees: the session (for other files'
/// URIs), the file's workspace, its text and lines, and its cached
/// analysis.
pub struct Snap<'a> {
    pub session: &'a Session,
    pub ws: &'a Workspace,
    pub analysis: Arc<Analysis>,
    pub file: FileId,
    /// The file's text and lines; positions asked for in order along a
    /// line are counted on from the last one.
    pub lines: Lines<'a>,
    pub enc: Encoding,
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
        session::location(&self.session.docs, self.ws, self.enc, loc)
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

impl Inner {
    /// [`Self::with_file`] once the org of the file has been read
    /// ([`Inner::wait_loaded`]): for requests whose answer reads other
    /// files (references, rename, hovers that count, fixes), which must
    /// not answer from part of the org.
    pub async fn with_loaded_file<R>(
        &self,
        what: &str,
        uri: &Uri,
        f: impl FnOnce(&Snap) -> Option<R>,
    ) -> Result<Option<R>> {
        self.wait_loaded(Some(uri)).await;
        self.with_file(what, uri, f)
    }

    /// Runs `f` on a snapshot of the file at `uri` (`None` if unknown),
    /// under the session lock, with panics turned into errors.
    pub fn with_file<R>(
        &self,
        what: &str,
        uri: &Uri,
        f: impl FnOnce(&Snap) -> Option<R>,
    ) -> Result<Option<R>> {
        self.with_session(what, |s| {
            let key = session::key_of(uri);
            let pid = s.docs.get(&key)?.project;
            let analysis = s.projects.get_mut(&pid)?.ws.analysis();
            let s: &Session = s;
            let doc = s.docs.get(&key)?;
            let ws = &s.projects.get(&pid)?.ws;
            let snap = Snap {
                session: s,
                ws,
                analysis,
                file: doc.file,
                lines: ws.lines(doc.file)?,
                enc: s.encoding,
            };
            f(&snap)
        })
    }
}

//! One module per LSP method group: convert the request, call
//! `orgplan_analysis::ide`, convert the answer back.

pub mod code_actions;
pub mod completion;
pub mod editing;
pub mod graph;
pub mod hover;
pub mod navigation;
pub mod symbols;
pub mod tokens;

use crate::server::Inner;
use crate::session::{self, Session};
use orgplan_analysis::position::{Encoding, Lines};
use orgplan_analysis::{Analysis, FileId, Loc, Workspace};
use std::sync::Arc;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::lsp_types::{Location, Position, Range, Uri};

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

//! The order of messages: edits applied in the order the client sent
//! them, and requests answered from the text they were sent against.
//!
//! tower-lsp reads one message at a time and, for each, calls its service
//! (`Service::call`) before reading the next: that call happens in wire
//! order. What the call returns is a future, and tower-lsp polls up to
//! its concurrency level of those together, in whatever order they
//! become ready. So [`Ordered`], the service wrapped around tower-lsp's,
//! does in the call itself what must keep the wire's order:
//!
//! - `didOpen`, `didChange` and `didClose` are applied to the session
//!   there, synchronously (the incremental analysis makes that about a
//!   millisecond on a large plan), and never become futures;
//! - a read request ([`READS`]) notes the version its document had when
//!   it was read. Its handler computes on a snapshot, off the lock
//!   ([`crate::handlers`]); if by the time it is answered the document
//!   has another version, the answer is `ContentModified` (-32801): its
//!   positions would be in a text the client no longer has.
//!
//! A cancelled request is answered `RequestCancelled` (-32800) by
//! tower-lsp, which drops its future.
//!
//! Before the client has said `initialized` (and after `shutdown`) the
//! text-sync notifications go on to tower-lsp, which drops them, as it
//! drops every notification then. tower-lsp calls the service for no
//! message while `initialize` is being handled, so an edit never comes
//! before the encoding and folders are set.

use crate::opened::OpenTexts;
use crate::session::{self, Session};
use crate::transport::Raw;
use parking_lot::Mutex;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::Notify;
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::lsp_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams, Uri,
};
use tower_service::Service;

/// The requests answered from a snapshot of one document, and so
/// `ContentModified` when it changed under them.
pub const READS: &[&str] = &[
    "textDocument/hover",
    "textDocument/completion",
    "textDocument/definition",
    "textDocument/declaration",
    "textDocument/references",
    "textDocument/documentHighlight",
    "textDocument/prepareRename",
    "textDocument/rename",
    "textDocument/documentSymbol",
    "textDocument/semanticTokens/full",
    "textDocument/semanticTokens/full/delta",
    "textDocument/semanticTokens/range",
    "textDocument/foldingRange",
    "textDocument/inlayHint",
    "textDocument/codeLens",
    "textDocument/codeAction",
    "textDocument/formatting",
    "textDocument/rangeFormatting",
    "textDocument/onTypeFormatting",
    crate::handlers::graph::METHOD,
    crate::handlers::checklist::METHOD,
    "orgplan/test/slow",
];

/// What edits are applied to: the session, the publisher's wake-up, and
/// the texts the input guard took out of `didOpen`s and of `didChange`s
/// that send a whole text ([`crate::opened`]).
#[derive(Clone)]
pub struct Documents {
    pub state: Arc<Mutex<Session>>,
    pub publish: Arc<Notify>,
    pub texts: Arc<OpenTexts>,
}

/// tower-lsp's service, with edits applied and read requests noted in the
/// order of the wire (see the module's documentation).
pub struct Ordered<S> {
    inner: S,
    docs: Documents,
    /// Where results written as text by their handler go out
    /// ([`crate::transport::stash_raw`]).
    frames: crate::transport::Frames,
    /// Between `initialized` and `shutdown`: edits are applied here.
    open: bool,
}

impl<S> Ordered<S> {
    pub fn new(inner: S, docs: Documents, frames: crate::transport::Frames) -> Ordered<S> {
        Ordered {
            inner,
            docs,
            frames,
            open: false,
        }
    }
}

type Answer<E> = Pin<Box<dyn Future<Output = Result<Option<Response>, E>> + Send>>;

impl<S> Service<Request> for Ordered<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = Answer<S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        if self.open && req.id().is_none() && EDITS.contains(&req.method()) {
            let (method, _, params) = req.into_parts();
            self.docs.apply(&method, params);
            return Box::pin(std::future::ready(Ok(None)));
        }
        let method = req.method();
        match method {
            "initialized" => self.open = true,
            "shutdown" => self.open = false,
            _ => {}
        }
        let read = req
            .id()
            .filter(|_| READS.contains(&method))
            .and_then(|_| document_of(req.params()))
            .map(|key| {
                let version = self.docs.state.lock().version(&key);
                (key, version)
            });
        let raw = RAW_RESULTS.contains(&method);
        let answer = self.inner.call(req);
        if read.is_none() && !raw {
            return Box::pin(answer);
        }
        let state = self.docs.state.clone();
        let frames = self.frames.clone();
        Box::pin(async move {
            let Some(r) = answer.await? else {
                return Ok(None);
            };
            // A result its handler wrote as text goes out as that text
            // (taken first: a stale answer's text goes with it).
            let raw = r.result().map_or(Raw::Not, crate::transport::take_raw);
            if let Some((key, version)) = read {
                if r.is_ok() && state.lock().version(&key) != version {
                    let error = crate::handlers::content_modified();
                    return Ok(Some(Response::from_error(r.id().clone(), error)));
                }
            }
            match raw {
                Raw::Not => {}
                Raw::Text(text) => {
                    let body = crate::transport::response_body(r.id(), text);
                    if frames.send(std::sync::Arc::new(body)).await.is_ok() {
                        return Ok(None);
                    }
                }
                // Never the placeholder: the client asks again.
                Raw::Gone => {
                    let error = crate::handlers::content_modified();
                    return Ok(Some(Response::from_error(r.id().clone(), error)));
                }
            }
            Ok(Some(r))
        })
    }
}

/// The requests whose handler may write its result as text
/// ([`crate::transport::stash_raw`]).
const RAW_RESULTS: [&str; 5] = [
    "textDocument/diagnostic",
    "textDocument/semanticTokens/full",
    "textDocument/semanticTokens/full/delta",
    "textDocument/formatting",
    crate::handlers::graph::METHOD,
];

/// The key of the document a request is about (`textDocument.uri`).
fn document_of(params: Option<&serde_json::Value>) -> Option<String> {
    let uri = params?.get("textDocument")?.get("uri")?.as_str()?;
    Some(session::key_of(&uri.parse::<Uri>().ok()?))
}

/// The text-sync notifications, applied by [`Ordered`].
const EDITS: [&str; 3] = [
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didClose",
];

impl Documents {
    /// Applies the text-sync notification `method` (one of [`EDITS`]).
    /// Params that cannot be read are logged and dropped, as tower-lsp
    /// drops them.
    fn apply(&self, method: &str, params: Option<serde_json::Value>) {
        let read = |what| {
            tracing::warn!("{what}: unreadable params, dropped");
        };
        match method {
            "textDocument/didOpen" => match params_of::<DidOpenTextDocumentParams>(params) {
                Some(p) => {
                    let d = p.text_document;
                    let text = self.texts.take(&d.uri, d.version).unwrap_or(d.text);
                    self.mutate("didOpen", |s| s.did_open(d.uri, text, d.version));
                }
                None => read("didOpen"),
            },
            "textDocument/didChange" => match params_of::<DidChangeTextDocumentParams>(params) {
                Some(mut p) => {
                    let d = p.text_document;
                    // A whole text the guard took out of the message.
                    if let [change] = &mut p.content_changes[..] {
                        if change.range.is_none() && change.text.is_empty() {
                            if let Some(text) = self.texts.take_change(&d.uri, d.version) {
                                change.text = text;
                            }
                        }
                    }
                    self.mutate("didChange", |s| {
                        s.did_change(&d.uri, d.version, p.content_changes)
                    });
                }
                None => read("didChange"),
            },
            "textDocument/didClose" => match params_of::<DidCloseTextDocumentParams>(params) {
                Some(p) => self.mutate("didClose", |s| s.did_close(&p.text_document.uri)),
                None => read("didClose"),
            },
            _ => {}
        }
    }

    fn mutate(&self, what: &str, f: impl FnOnce(&mut Session)) {
        session::mutate(&self.state, &self.publish, what, f);
    }
}

fn params_of<P: DeserializeOwned>(params: Option<serde_json::Value>) -> Option<P> {
    serde_json::from_value(params?).ok()
}

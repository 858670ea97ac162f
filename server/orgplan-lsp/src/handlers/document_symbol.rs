//! textDocument/documentSymbol: the blocks of a document, as a tree for a
//! client that takes one (`hierarchicalDocumentSymbolSupport`), otherwise
//! as a flat list in document order, each symbol naming the one it is in.

use super::Snap;
use crate::convert::symbol_kind;
use orgplan_analysis::ide::symbols::{self, Symbol};
use tower_lsp_server::lsp_types::*;

pub fn document_symbol(snap: &Snap, _: &DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    let syms = symbols::document_symbols(snap.ws, snap.file);
    if snap.support.hierarchical_symbols {
        let tree = syms.into_iter().map(|s| nested(snap, s)).collect();
        return Some(DocumentSymbolResponse::Nested(tree));
    }
    let uri = snap.uri()?;
    let mut flat = Vec::new();
    flatten(snap, &uri, syms, None, &mut flat);
    Some(DocumentSymbolResponse::Flat(flat))
}

#[allow(deprecated)]
fn nested(snap: &Snap, s: Symbol) -> DocumentSymbol {
    DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind: symbol_kind(s.kind, snap.support.symbol_kinds),
        tags: None,
        deprecated: None,
        range: snap.range(s.range),
        selection_range: snap.range(s.selection),
        children: Some(s.children.into_iter().map(|c| nested(snap, c)).collect()),
    }
}

#[allow(deprecated)]
fn flatten(
    snap: &Snap,
    uri: &Uri,
    syms: Vec<Symbol>,
    container: Option<&str>,
    out: &mut Vec<SymbolInformation>,
) {
    for s in syms {
        out.push(SymbolInformation {
            name: s.name.clone(),
            kind: symbol_kind(s.kind, snap.support.symbol_kinds),
            tags: None,
            deprecated: None,
            location: Location {
                uri: uri.clone(),
                range: snap.range(s.range),
            },
            container_name: container.map(str::to_string),
        });
        flatten(snap, uri, s.children, Some(&s.name), out);
    }
}

//! Document symbols and workspace symbols.

use super::Snap;
use crate::session::Session;
use orgplan_analysis::ide::symbols;
use orgplan_analysis::schema::BlockKind;
use tower_lsp_server::lsp_types::*;

fn kind(k: Option<BlockKind>) -> SymbolKind {
    match k {
        Some(BlockKind::Leader) => SymbolKind::CLASS,
        Some(BlockKind::Initiative) => SymbolKind::MODULE,
        Some(BlockKind::Team) => SymbolKind::STRUCT,
        Some(BlockKind::DependsOn) => SymbolKind::FIELD,
        None => SymbolKind::OBJECT,
    }
}

#[allow(deprecated)]
fn convert(snap: &Snap, s: symbols::Symbol) -> DocumentSymbol {
    DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind: kind(s.kind),
        tags: None,
        deprecated: None,
        range: snap.range(s.range),
        selection_range: snap.range(s.selection),
        children: Some(s.children.into_iter().map(|c| convert(snap, c)).collect()),
    }
}

/// The symbols of a document: a tree for a client that takes one
/// (`hierarchicalDocumentSymbolSupport`), otherwise a flat list in document
/// order, each symbol naming the one it is in.
pub fn document_symbols(snap: &Snap) -> Option<DocumentSymbolResponse> {
    let syms = symbols::document_symbols(snap.ws, snap.file);
    if snap.session.support.hierarchical_symbols {
        return Some(DocumentSymbolResponse::Nested(
            syms.into_iter().map(|s| convert(snap, s)).collect(),
        ));
    }
    let uri = snap
        .location(orgplan_analysis::Loc {
            file: snap.file,
            range: orgplan_analysis::TextRange::new(0, 0),
        })?
        .uri;
    let mut flat = Vec::new();
    flatten(snap, &uri, syms, None, &mut flat);
    Some(DocumentSymbolResponse::Flat(flat))
}

#[allow(deprecated)]
fn flatten(
    snap: &Snap,
    uri: &Uri,
    syms: Vec<symbols::Symbol>,
    container: Option<&str>,
    out: &mut Vec<SymbolInformation>,
) {
    for s in syms {
        out.push(SymbolInformation {
            name: s.name.clone(),
            kind: kind(s.kind),
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

/// Matches across every project.
#[allow(deprecated)]
pub fn workspace_symbols(s: &mut Session, query: &str) -> Vec<SymbolInformation> {
    const LIMIT: usize = 256;
    let enc = s.encoding;
    let ids: Vec<_> = s.projects.keys().copied().collect();
    let mut out = Vec::new();
    for pid in ids {
        let Some(p) = s.projects.get_mut(&pid) else {
            continue;
        };
        let analysis = p.ws.analysis();
        let ws = &s.projects[&pid].ws;
        for sym in symbols::workspace_symbols(&analysis, query, LIMIT) {
            let Some(location) = crate::session::location(&s.docs, ws, enc, sym.loc) else {
                continue;
            };
            // The title is part of the name: editors filter the symbols
            // they get by name, and a search for a title must find them.
            let name = match &sym.detail {
                Some(title) => format!("{} {}", sym.name, orgplan_analysis::syntax::quote(title)),
                None => sym.name,
            };
            out.push(SymbolInformation {
                name,
                kind: kind(Some(sym.kind)),
                tags: None,
                deprecated: None,
                location,
                container_name: Some(sym.kind.spec().kind_name.to_string()),
            });
        }
    }
    out.truncate(LIMIT);
    out
}

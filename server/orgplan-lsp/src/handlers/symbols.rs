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

pub fn document_symbols(snap: &Snap) -> Option<DocumentSymbolResponse> {
    let syms = symbols::document_symbols(snap.ws, snap.file);
    Some(DocumentSymbolResponse::Nested(
        syms.into_iter().map(|s| convert(snap, s)).collect(),
    ))
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
            out.push(SymbolInformation {
                name: sym.name,
                kind: kind(Some(sym.kind)),
                tags: None,
                deprecated: None,
                location,
                container_name: sym.detail,
            });
        }
    }
    out.truncate(LIMIT);
    out
}

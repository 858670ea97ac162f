//! workspace/symbol: the entities whose id or title matches the query,
//! across every project, at most [`LIMIT`].

use crate::convert::symbol_kind;
use crate::session::SessionSnapshot;
use orgplan_analysis::ide::symbols;
use tower_lsp_server::lsp_types::{SymbolInformation, WorkspaceSymbolParams};

/// The most symbols one answer holds.
pub const LIMIT: usize = 256;

#[allow(deprecated)]
pub fn workspace_symbol(
    s: &SessionSnapshot,
    params: &WorkspaceSymbolParams,
) -> Vec<SymbolInformation> {
    let mut out = Vec::new();
    for (ws, analysis) in &s.projects {
        for sym in symbols::workspace_symbols(analysis, &params.query, LIMIT) {
            let Some(location) = crate::session::location(&s.uris, ws, s.encoding, sym.loc) else {
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
                kind: symbol_kind(Some(sym.kind), s.symbol_kinds),
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

//! Definition, declaration, references, document highlight, rename.

use super::Snap;
use orgplan_analysis::ide::{navigation, rename};
use std::collections::HashMap;
use tower_lsp_server::jsonrpc::{Error, ErrorCode};
use tower_lsp_server::lsp_types::*;

pub fn definition(snap: &Snap, pos: Position) -> Option<GotoDefinitionResponse> {
    let locs = navigation::definition(snap.ws, &snap.analysis, snap.file, snap.offset(pos));
    let locs: Vec<Location> = locs.into_iter().filter_map(|l| snap.location(l)).collect();
    (!locs.is_empty()).then_some(GotoDefinitionResponse::Array(locs))
}

pub fn references(snap: &Snap, params: &ReferenceParams) -> Option<Vec<Location>> {
    let offset = snap.offset(params.text_document_position.position);
    let locs = navigation::references(
        snap.ws,
        &snap.analysis,
        snap.file,
        offset,
        params.context.include_declaration,
    );
    Some(locs.into_iter().filter_map(|l| snap.location(l)).collect())
}

pub fn highlights(snap: &Snap, pos: Position) -> Option<Vec<DocumentHighlight>> {
    let hs = navigation::highlights(snap.ws, &snap.analysis, snap.file, snap.offset(pos));
    Some(
        hs.into_iter()
            .map(|(r, access)| DocumentHighlight {
                range: snap.range(r),
                kind: Some(match access {
                    navigation::Access::Write => DocumentHighlightKind::WRITE,
                    navigation::Access::Read => DocumentHighlightKind::READ,
                }),
            })
            .collect(),
    )
}

fn refused(message: String) -> Error {
    Error {
        code: ErrorCode::ServerError(-32803),
        message: message.into(),
        data: None,
    }
}

pub fn prepare_rename(snap: &Snap, pos: Position) -> Option<Result<PrepareRenameResponse, Error>> {
    Some(
        match rename::prepare_rename(snap.ws, &snap.analysis, snap.file, snap.offset(pos)) {
            Ok((range, placeholder)) => Ok(PrepareRenameResponse::RangeWithPlaceholder {
                range: snap.range(range),
                placeholder,
            }),
            Err(msg) => Err(refused(msg)),
        },
    )
}

pub fn rename(snap: &Snap, params: &RenameParams) -> Option<Result<WorkspaceEdit, Error>> {
    let offset = snap.offset(params.text_document_position.position);
    Some(
        match rename::rename(snap.ws, &snap.analysis, snap.file, offset, &params.new_name) {
            Ok(edits) => Ok(super::code_actions::workspace_edit(snap, &edits)),
            Err(msg) => Err(Error {
                code: ErrorCode::InvalidParams,
                message: msg.into(),
                data: None,
            }),
        },
    )
}

/// Edits grouped by file. (`Uri` hashes its text, which never changes:
/// clippy's interior-mutability worry does not apply.)
#[allow(clippy::mutable_key_type)]
pub fn group(snap: &Snap, edits: &[orgplan_analysis::rules::Edit]) -> HashMap<Uri, Vec<TextEdit>> {
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for e in edits {
        if let Some(loc) = snap.location(e.loc) {
            changes.entry(loc.uri).or_default().push(TextEdit {
                range: loc.range,
                new_text: e.new_text.clone(),
            });
        }
    }
    changes
}

//! What the server tells the client it can do.

use crate::convert;
use orgplan_analysis::position::Encoding;
use tower_lsp_server::lsp_types::*;

pub fn server_capabilities(enc: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(convert::encoding_kind(enc)),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                will_save: None,
                will_save_wait_until: None,
                save: None,
            },
        )),
        ..ServerCapabilities::default()
    }
}

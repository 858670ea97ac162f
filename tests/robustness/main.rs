//! Robustness of `orgplan lsp` (docs/robustness.md): the server never dies,
//! never corrupts a document and never reads outside the workspace.

mod support;

mod incremental;
mod lifecycle;
mod pathological;
mod protocol;
mod protocol_catalog;
mod security;

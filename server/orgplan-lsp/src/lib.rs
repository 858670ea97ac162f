//! The orgplan language server.

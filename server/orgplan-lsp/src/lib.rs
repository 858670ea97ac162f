//! The orgplan language server: a thin LSP layer over `orgplan-analysis`.

/// Runs the language server over stdin/stdout until the client exits.
/// Returns the process exit code (0 after `shutdown` then `exit`, 1 otherwise).
pub fn run_stdio() -> i32 {
    eprintln!("orgplan lsp: not implemented yet");
    1
}

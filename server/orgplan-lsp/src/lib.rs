//! The orgplan language server: a thin LSP layer over `orgplan-analysis`.
//!
//! Only this crate knows LSP. It keeps each file's text in a rope, applies
//! the editor's changes to the rope and (incrementally) to the analysis
//! workspace, publishes diagnostics, and answers requests by converting
//! positions, calling `orgplan_analysis::ide`, and converting back.

mod capabilities;
mod convert;
mod diagnostics;
mod handlers;
mod server;
mod session;
mod transport;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tower_lsp_server::{LspService, Server};

/// Runs the language server over stdin/stdout until the client exits.
/// Returns the process exit code (0 after `shutdown` then `exit`, 1 otherwise).
pub fn run_stdio() -> i32 {
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("orgplan lsp: cannot start the runtime: {e}");
            return 1;
        }
    };
    let shutdown = Arc::new(AtomicBool::new(false));
    let flag = shutdown.clone();
    runtime.block_on(async move {
        let mut builder = LspService::build(move |client| server::Backend::new(client, flag));
        if std::env::var_os("ORGPLAN_LSP_TEST_HOOKS").is_some() {
            // Requests that only the end-to-end tests send.
            builder = builder
                .custom_method("orgplan/test/panic", server::Backend::test_panic)
                .custom_method("orgplan/test/text", server::Backend::test_text);
        }
        let (service, socket) = builder.finish();
        let (input, output, writer) = transport::guard(tokio::io::stdin(), tokio::io::stdout());
        Server::new(input, output, socket).serve(service).await;
        // Let the last frames reach stdout.
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), writer).await;
    });
    // Stdin may still be blocked in a read: do not wait for it.
    runtime.shutdown_background();
    let code = if shutdown.load(Ordering::SeqCst) {
        0
    } else {
        1
    };
    tracing::info!("exiting with {code}");
    code
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("ORGPLAN_LOG")
        .unwrap_or_else(|_| EnvFilter::new("orgplan_lsp=info,warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

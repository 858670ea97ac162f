//! The orgplan language server: a thin LSP layer over `orgplan-analysis`.
//!
//! Only this crate knows LSP. It applies the editor's changes, in the
//! order they were sent, to the analysis workspace (which keeps the one
//! copy of each file's text, and updates its analysis incrementally),
//! publishes diagnostics, and answers requests on snapshots by converting
//! positions, calling `orgplan_analysis::ide`, and converting back.

mod capabilities;
mod convert;
mod diagnostics;
mod handlers;
mod markup;
mod memo;
mod opened;
mod platform;
pub use platform::{canonicalize, enter_start_folder};
mod publication;
mod ranges;
mod server;
mod session;
pub mod settings;
#[cfg(not(target_family = "wasm"))]
mod stdout;
mod sync;
mod transport;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tower_lsp_server::{LspService, Server};

/// Runs the language server over stdin/stdout until the client exits.
/// Returns the process exit code (0 after `shutdown` then `exit`, 1 otherwise).
pub fn run_stdio() -> i32 {
    malloc_arenas();
    init_tracing();
    let runtime = match platform::runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("orgplan lsp: cannot start the runtime: {e}");
            return 1;
        }
    };
    let shutdown = Arc::new(AtomicBool::new(false));
    let flag = shutdown.clone();
    let (stdin, stdout) = platform::stdio();
    // The binary serves with no test hooks: no client, setting or
    // environment can turn them on.
    platform::block_on(&runtime, serve(stdin, stdout, flag, TestHooks::default()));
    platform::finish_output();
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

/// Makes glibc's malloc use two arenas for all threads. With one per
/// thread, memory freed on other threads (the blocking pool's, the
/// parsers') is not reused by the others: on a 100k-line plan that cost
/// about 10% more peak memory and, through lock contention between
/// arenas, about a quarter of a keystroke's time. With one, a large file
/// parsed on two threads (`chunks::parse`) took longer than on one: both
/// threads allocate all the time, and waited for each other's lock.
fn malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets a tuning parameter; it is called before
    // any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        // Blocks of a megabyte or more (the text of a plan opened whole,
        // its JSON, a publication) are mapped on their own and given back
        // when freed. Without a fixed threshold glibc raises it after the
        // first such block is freed, and the next ones stay in the heap.
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        // Fixing that threshold also fixes the one past which free memory
        // at the top of the heap is given back, at 128 KiB: each keystroke
        // would give back and fault in again the room of its publication.
        libc::mallopt(libc::M_TRIM_THRESHOLD, 8 << 20);
    }
}

/// Gives the memory malloc holds free back to the system, in every arena
/// and also below the top of each heap (what parsing a whole file leaves
/// behind in the second arena, in particular). It walks the heaps, so it
/// is called only after a file's whole text was set.
pub(crate) fn give_back_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only returns free pages to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// What the end-to-end tests can switch on in a session in process
/// (and only there: `orgplan lsp` serves with none, whatever its
/// client or environment says).
#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TestHooks {
    /// Answer the test-only requests `orgplan/test/*`: `panic` (a
    /// handler that panics), `text` (the server's copy of a document),
    /// `slow` and `releaseSlow` (a request that computes until
    /// released), `releaseLoad`.
    pub requests: bool,
    /// Loading the workspace waits for `orgplan/test/releaseLoad`, so
    /// that a test can act while it loads (with `requests` only).
    pub hold_load: bool,
}

/// One session over `input` and `output`, until the client exits or the
/// input ends; `flag` is set when the client asked for a shutdown. Only a
/// session in process ([`fuzzing::in_process_with`]) has `hooks` on.
async fn serve(
    input: impl tokio::io::AsyncRead + Unpin + Send + 'static,
    output: impl transport::Output,
    flag: Arc<AtomicBool>,
    hooks: TestHooks,
) {
    let (frames, own) = transport::frames();
    let documents = sync::Documents {
        state: Arc::default(),
        publish: Arc::default(),
        texts: Arc::default(),
    };
    let shared = server::Shared {
        frames: frames.clone(),
        documents: documents.clone(),
        shutdown: flag,
        hold_load: hooks.requests && hooks.hold_load,
    };
    let caps = Arc::new(capabilities::InitializeCapabilities::default());
    let kept = caps.clone();
    let mut builder = LspService::build(move |client| server::Backend::new(client, shared, kept))
        .custom_method(handlers::graph::METHOD, server::Backend::graph)
        .custom_method(handlers::checklist::METHOD, server::Backend::checklist);
    if hooks.requests {
        // Requests that only the end-to-end tests send.
        builder = builder
            .custom_method("orgplan/test/panic", server::Backend::test_panic)
            .custom_method("orgplan/test/text", server::Backend::test_text)
            .custom_method(
                "orgplan/test/releaseLoad",
                server::Backend::test_release_load,
            )
            .custom_method("orgplan/test/slow", server::Backend::test_slow)
            .custom_method(
                "orgplan/test/releaseSlow",
                server::Backend::test_release_slow,
            );
    }
    let (service, socket) = builder.finish();
    let (input, output, writer) =
        transport::guard(input, output, own, documents.texts.clone(), caps);
    // Requests wait on snapshots off this task ([`server::Inner::compute`]),
    // so many can be under way: a slow request must not keep a
    // `$/cancelRequest` (queued with them) from being read.
    Server::new(input, output, socket)
        .concurrency_level(64)
        .serve(sync::Ordered::new(service, documents, frames))
        .await;
    // Let the last frames reach stdout.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), writer).await;
}

/// Entry points for fuzzing and in-process tests: not an API.
#[cfg(not(target_family = "wasm"))]
#[doc(hidden)]
pub mod fuzzing {
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Serves one whole session read from `input`, in process, and returns
    /// what the server wrote. Bounded: a session that has not ended after
    /// `limit` is cut off (the caller decides whether that is a hang).
    pub fn serve_bytes(input: Vec<u8>, limit: Duration) -> Vec<u8> {
        // The binary's own runtime, so that what the fuzzer finds is what
        // the server does.
        let runtime = crate::platform::runtime().expect("a runtime");
        let out = runtime.block_on(async move {
            let (writer, mut reader) = tokio::io::duplex(1 << 16);
            let collect = tokio::spawn(async move {
                let mut out = Vec::new();
                let _ = reader.read_to_end(&mut out).await;
                out
            });
            let session = super::serve(
                std::io::Cursor::new(input),
                writer,
                Arc::new(AtomicBool::new(false)),
                TestHooks::default(),
            );
            let _ = tokio::time::timeout(limit, session).await;
            tokio::time::timeout(Duration::from_secs(5), collect)
                .await
                .ok()
                .and_then(Result::ok)
                .unwrap_or_default()
        });
        // Nothing here blocks on a real stdin: wait for the tasks to end, so
        // that no memory is left behind (the fuzzer checks for leaks).
        runtime.shutdown_timeout(Duration::from_secs(5));
        out
    }

    /// A session served in process, on a thread of its own, over in-memory
    /// pipes (`tokio::io::duplex`) instead of stdin and stdout: what the
    /// end-to-end tests drive where the process and its stdio are not what
    /// they test. Everything else is the server's own path (the input
    /// guard, the ordered service, the output writer).
    pub struct InProcess {
        /// What the server reads; dropping it ends the input.
        pub input: Box<dyn std::io::Write + Send>,
        /// What the server writes; it ends when the session does.
        pub output: Box<dyn std::io::Read + Send>,
        /// Ends with the session: the status `orgplan lsp` would exit with
        /// (0 after `shutdown` then `exit`, 1 otherwise).
        pub session: std::thread::JoinHandle<i32>,
    }

    pub use super::TestHooks;

    /// Starts a session in process (see [`InProcess`]), with no test hooks.
    pub fn in_process() -> InProcess {
        in_process_with(TestHooks::default())
    }

    /// Starts a session in process with `hooks`.
    pub fn in_process_with(hooks: TestHooks) -> InProcess {
        let runtime = crate::platform::runtime().expect("a runtime");
        let handle = runtime.handle().clone();
        let (client_in, server_in) = tokio::io::duplex(1 << 16);
        let (server_out, client_out) = tokio::io::duplex(1 << 16);
        let session = std::thread::spawn(move || {
            let flag = Arc::new(AtomicBool::new(false));
            runtime.block_on(super::serve(server_in, server_out, flag.clone(), hooks));
            runtime.shutdown_background();
            if flag.load(std::sync::atomic::Ordering::SeqCst) {
                0
            } else {
                1
            }
        });
        InProcess {
            input: Box::new(Blocking {
                handle: handle.clone(),
                io: client_in,
            }),
            output: Box::new(Blocking {
                handle,
                io: client_out,
            }),
            session,
        }
    }

    /// The client's end of a pipe, read and written from plain threads
    /// (the test clients are synchronous), blocking on the runtime's handle.
    struct Blocking {
        handle: tokio::runtime::Handle,
        io: tokio::io::DuplexStream,
    }

    impl std::io::Read for Blocking {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.handle.block_on(self.io.read(buf))
        }
    }

    impl std::io::Write for Blocking {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.handle.block_on(self.io.write(buf))
        }

        fn flush(&mut self) -> std::io::Result<()> {
            self.handle.block_on(self.io.flush())
        }
    }

    /// The input guard alone: the bytes it hands tower-lsp, and the error
    /// answers it writes back.
    pub fn guard_bytes(input: &[u8]) -> (Vec<u8>, Vec<serde_json::Value>) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(super::transport::filter(input))
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use serde_json::json;

        fn frame(v: serde_json::Value) -> Vec<u8> {
            let body = v.to_string();
            format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
        }

        #[test]
        fn a_session_in_process_answers_and_ends() {
            let mut input = frame(
                json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
            );
            input.extend(b"Content-Length: 3\r\n\r\n{x}");
            input.extend(frame(
                json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
            ));
            // No `exit`: the end of input ends the session, after the answers.
            let out = String::from_utf8(serve_bytes(input, Duration::from_secs(20))).unwrap();
            assert!(
                out.contains("\"id\":1") && out.contains("capabilities"),
                "{out}"
            );
            assert!(out.contains("-32700"), "{out}");
            assert!(out.contains("\"id\":2"), "{out}");
        }

        #[test]
        fn the_guard_alone_splits_and_answers() {
            let (passed, answers) = guard_bytes(b"Content-Length: 2\r\n\r\n[]Content-Length: 40\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"initialized\"}");
            assert_eq!(answers.len(), 1);
            assert_eq!(answers[0]["error"]["code"], -32600);
            assert!(String::from_utf8(passed)
                .unwrap()
                .ends_with("\"initialized\"}"));
        }
    }
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

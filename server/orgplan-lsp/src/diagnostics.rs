//! The diagnostics publisher: one task that, when woken, collects the
//! diagnostics that changed from the current state of the session and sends
//! them in order. Collecting from the current state (never from a snapshot
//! taken by an edit) and checking each file's version just before sending
//! means no diagnostics for a stale version go out.
//!
//! For a client that pulls diagnostics (`ClientSupport::pull_diagnostics`)
//! nothing is pushed: the task only notes what changed, and asks the client
//! to pull again (`workspace/diagnostic/refresh`) when the findings of a
//! file changed that the client would not pull by itself (an edit in one
//! file changed the findings of another). The pulls are answered in
//! `server.rs` from the same publications ([`Session::pull_document`]).
//!
//! A publication is written as JSON text straight from the findings
//! ([`crate::publication::publication_body`]) and sent as a frame of the
//! server's own ([`crate::transport::Frames`]), not through tower-lsp's
//! client, which would build a JSON value of every diagnostic first.

use crate::server::panic_message;
use crate::session::Session;
use crate::transport::Frames;
use parking_lot::Mutex;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use tokio::sync::Notify;

pub fn spawn_publisher(
    frames: Frames,
    client: tower_lsp_server::Client,
    state: Arc<Mutex<Session>>,
    wake: Arc<Notify>,
) {
    tokio::spawn(async move {
        loop {
            wake.notified().await;
            // No debounce: it would only add its delay to every keystroke.
            // Edits that arrive while diagnostics are computed or sent wake
            // us once more and are published together. Yielding first lets
            // changes already queued be applied before the analysis runs.
            tokio::task::yield_now().await;
            // For a client that pulls: what changed is noted as what the
            // client has been told of (under the same lock, so that a pull
            // never sees the project clean but the notes behind), and
            // whether it must be asked to pull again.
            let batch = {
                let mut s = state.lock();
                let collected = catch_unwind(AssertUnwindSafe(|| {
                    let batch = s.collect_diagnostics();
                    if !s.support.pull_diagnostics {
                        return Some(batch);
                    }
                    let refresh = batch.iter().any(|p| s.needs_refresh(p));
                    for p in &batch {
                        s.record(p);
                    }
                    if refresh {
                        ask_for_a_pull(&client);
                    }
                    None
                }));
                match collected {
                    Ok(Some(b)) => b,
                    Ok(None) => {
                        drop(s);
                        give_back_after_whole_text(&state);
                        continue;
                    }
                    Err(p) => {
                        tracing::error!("collecting diagnostics panicked: {}", panic_message(&p));
                        continue;
                    }
                }
            };
            for p in batch {
                {
                    let mut s = state.lock();
                    if !s.is_current(&p) {
                        // A newer version arrived; it has woken us again.
                        continue;
                    }
                    s.record(&p);
                }
                // Waits while the client does not read (a few frames queue).
                if frames.send(p.body).await.is_err() {
                    return; // the output is gone
                }
            }
            if state.lock().has_put_off() {
                // Another round for what was put off.
                wake.notify_one();
            }
            give_back_after_whole_text(&state);
        }
    });
}

/// Asks the client to pull diagnostics again, without waiting for its
/// answer (a client slow to answer must not hold up what follows).
fn ask_for_a_pull(client: &tower_lsp_server::Client) {
    let client = client.clone();
    tokio::spawn(async move {
        if let Err(e) = client.workspace_diagnostic_refresh().await {
            tracing::warn!("workspace/diagnostic/refresh failed: {e}");
        }
    });
}

/// After a whole file was parsed, not before its diagnostics.
fn give_back_after_whole_text(state: &Mutex<Session>) {
    if std::mem::take(&mut state.lock().text_replaced) {
        crate::give_back_free_memory();
    }
}

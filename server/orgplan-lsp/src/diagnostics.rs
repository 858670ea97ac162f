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
//! file changed the findings of another), once edits pause, as files put
//! off go out to a client that does not pull ([`PAUSE`]). The pulls are
//! answered in
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
use std::time::{Duration, Instant};
use tokio::sync::Notify;

pub fn spawn_publisher(
    frames: Frames,
    client: tower_lsp_server::Client,
    state: Arc<Mutex<Session>>,
    wake: Arc<Notify>,
) {
    tokio::spawn(async move {
        // When files were first put off, while they still are.
        let mut put_off_since: Option<Instant> = None;
        // When a client that pulls was first owed a request to pull again,
        // while it still is: asked once edits pause, as files put off go out.
        let mut pull_owed_since: Option<Instant> = None;
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
            let collected = {
                let mut s = state.lock();
                catch_unwind(AssertUnwindSafe(|| {
                    let batch = s.collect_diagnostics();
                    if !s.support.pull_diagnostics {
                        return Ok(batch);
                    }
                    let refresh = batch.iter().any(|p| s.needs_refresh(p));
                    for p in &batch {
                        s.record(p);
                    }
                    Err(refresh)
                }))
            };
            let batch = match collected {
                Ok(Ok(b)) => b,
                Ok(Err(refresh)) => {
                    ask_for_a_pull_once_paused(&client, &wake, refresh, &mut pull_owed_since).await;
                    give_back_after_whole_text(&state);
                    continue;
                }
                Err(p) => {
                    tracing::error!("collecting diagnostics panicked: {}", panic_message(&p));
                    continue;
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
            round_for_what_was_put_off(&state, &wake, &mut put_off_since).await;
            give_back_after_whole_text(&state);
        }
    });
}

/// After a round for a client that does not pull: when files were put
/// off, another round once edits pause (or at once for an edit that came).
async fn round_for_what_was_put_off(
    state: &Mutex<Session>,
    wake: &Notify,
    put_off_since: &mut Option<Instant>,
) {
    if !state.lock().has_put_off() {
        *put_off_since = None;
        return;
    }
    let since = *put_off_since.get_or_insert_with(Instant::now);
    // Paused or not, a round: the files, or the edit that came.
    let _ = wait_for_a_pause(wake).await;
    if since.elapsed() >= PUT_OFF_AT_MOST {
        // Edits that keep coming faster than rounds would put the files
        // off for ever.
        state.lock().put_off_due = true;
    }
    wake.notify_one();
}

/// After a round for a client that pulls: asks it to pull again (if the
/// round, or one before, found another file's findings changed) once
/// edits pause, or once that was owed for [`PUT_OFF_AT_MOST`].
async fn ask_for_a_pull_once_paused(
    client: &tower_lsp_server::Client,
    wake: &Notify,
    refresh: bool,
    owed_since: &mut Option<Instant>,
) {
    if refresh {
        owed_since.get_or_insert_with(Instant::now);
    }
    let Some(since) = *owed_since else { return };
    let paused = wait_for_a_pause(wake).await;
    if paused || since.elapsed() >= PUT_OFF_AT_MOST {
        ask_for_a_pull(client);
        *owed_since = None;
    }
    if !paused {
        // An edit came: its round.
        wake.notify_one();
    }
}

/// How long edits must pause before the files put off are published. Those
/// are other files whose findings an edit changed, or only moved: a line
/// typed in a file that ten others' findings point into changes all ten
/// publications, a thousand diagnostics each. Sent at each keystroke, they
/// were 4 MB in the pipe ahead of the next keystroke's diagnostics, which
/// the client then read 45–80 ms late (BENCHMARKS.md, "6 Dec (twentieth
/// session)"). Sent once the typing pauses, they go out once.
///
/// Not on WebAssembly: its runtime, idle, parks in a blocking read of
/// standard input ([`crate::platform`]), where no timer would wake it.
#[cfg(not(target_family = "wasm"))]
const PAUSE: Option<Duration> = Some(Duration::from_millis(200));
#[cfg(target_family = "wasm")]
const PAUSE: Option<Duration> = None;

/// The longest files stay put off while edits keep coming without a pause:
/// then each round sends one of them, in turn, after the documents it
/// answers ([`Session::collect_diagnostics`]).
const PUT_OFF_AT_MOST: Duration = Duration::from_secs(2);

/// Returns `true` once edits paused for [`PAUSE`]; `false` at once when an
/// edit came: its own round goes first, and what waits is put off again
/// (once due, [`PUT_OFF_AT_MOST`], one file of it goes out with that
/// round). Not cut short when what waits falls due: a round then, with no
/// edit to answer, sent every file put off at once, megabytes ahead of the
/// next keystroke's diagnostics (BENCHMARKS.md, "6 Dec (twenty-first
/// session)").
async fn wait_for_a_pause(wake: &Notify) -> bool {
    let Some(pause) = PAUSE else { return true };
    tokio::time::timeout(pause, wake.notified()).await.is_err()
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

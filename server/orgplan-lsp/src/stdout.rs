//! Standard output written by a thread of its own (native targets).
//!
//! Replaces: tokio's `Stdout`, which hands every write to its blocking
//! pool and makes the writing task wait until that thread has written it.
//! Why: a publication of a thousand diagnostics (about 450 KB) went out
//! as seven writes of a pipe's 64 KiB, each a round trip between a
//! runtime worker and a blocking thread, with the scheduler's wake-ups in
//! between (a quarter of the publishing thread's samples were the
//! kernel's task switches). Here a whole frame is handed over once, and
//! the writing thread waits on the pipe alone.
//! Shown by: BENCHMARKS.md, "3 Dec (evening): standard output written by a
//! thread of its own", measured with `orgplan-bench lsp`.
//!
//! Frames keep their order (one queue, one writer). The queue is bounded
//! by bytes: a client that stops reading holds up the writing task once
//! [`MAX_QUEUED`] bytes wait, rather than letting memory grow. A frame
//! buffer is freed once written, so nothing large stays resident.

use std::collections::VecDeque;
use std::io::Write;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};
use tokio::io::AsyncWrite;

/// Bytes handed over and not yet written, past which a flush waits.
const MAX_QUEUED: usize = 8 << 20;

#[derive(Default)]
struct State {
    queue: VecDeque<Vec<u8>>,
    queued: usize,
    /// The task waiting for room in the queue.
    waker: Option<Waker>,
    /// No more frames will come (the [`Stdout`] was dropped).
    closed: bool,
    /// The thread has written everything and ended.
    done: bool,
    /// Writing failed (the client went away): every later write fails.
    failed: bool,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The writer of the process's standard output, once made.
static WRITER: OnceLock<Arc<Shared>> = OnceLock::new();

/// Standard output as an [`AsyncWrite`]: what is written is kept until a
/// flush hands it to the writing thread whole.
pub struct Stdout {
    pending: Vec<u8>,
    shared: Arc<Shared>,
    /// Without a thread (it could not be started), flushes write here.
    inline: bool,
}

impl Stdout {
    /// Standard output, with its writing thread started. Made once per
    /// process (by [`crate::platform::stdio`]): dropping it closes the
    /// queue for good.
    pub fn new() -> Stdout {
        widen_pipe(1);
        let shared = WRITER.get_or_init(|| Arc::new(Shared::default())).clone();
        Stdout::over(shared, sink)
    }

    /// A writer whose thread writes into what `sink` makes (there).
    fn over<W: Write>(shared: Arc<Shared>, sink: impl FnOnce() -> W + Send + 'static) -> Stdout {
        let theirs = shared.clone();
        let started = std::thread::Builder::new()
            .name("orgplan-stdout".into())
            .spawn(move || write_queue(&theirs, &mut sink()));
        if started.is_err() {
            // Nothing to wait for at the end: flushes write inline.
            shared.lock().done = true;
        }
        Stdout {
            pending: Vec::new(),
            shared,
            inline: started.is_err(),
        }
    }
}

impl crate::transport::Output for Stdout {
    /// Hands `bytes` to the writing thread as they are: what was written
    /// before goes first, as a frame of its own, then `bytes`, uncopied.
    async fn put(&mut self, bytes: Vec<u8>) -> std::io::Result<()> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_flush(cx)).await?;
        self.pending = bytes;
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_flush(cx)).await
    }
}

/// Where the writing thread writes: standard output's file itself (a
/// duplicate of its descriptor or handle), so that a frame goes to the
/// operating system as it is. The standard library's handle passes every
/// write through a line buffer, which searches the whole frame for its
/// last line break (none in a publication's 450 KB of JSON: two fifths of
/// the writing thread's samples, BENCHMARKS.md, "5 Dec (twelfth session)").
/// That handle is the fallback when the duplicate cannot be made.
fn sink() -> Box<dyn Write> {
    #[cfg(unix)]
    let own = {
        use std::os::fd::AsFd;
        std::io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .map(std::fs::File::from)
    };
    #[cfg(windows)]
    let own = {
        use std::os::windows::io::AsHandle;
        std::io::stdout()
            .as_handle()
            .try_clone_to_owned()
            .map(std::fs::File::from)
    };
    #[cfg(not(any(unix, windows)))]
    let own: std::io::Result<std::fs::File> = Err(std::io::ErrorKind::Unsupported.into());
    match own {
        Ok(file) => Box::new(file),
        Err(_) => Box::new(std::io::stdout().lock()),
    }
}

/// When standard output (`fd`) is a pipe, asks for room for a whole publication
/// in it (1 MiB, the most an unprivileged process may ask for by default;
/// Linux gives a pipe 64 KiB). A publication of a thousand diagnostics
/// then goes out as one write that does not wait for the client to read
/// the pieces before it, rather than seven, each a pair of task switches
/// between this process and the client's reader. Nothing changes when it
/// is refused or when the output is no pipe.
/// Returns the capacity set, if one was.
fn widen_pipe(fd: i32) -> Option<usize> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `F_SETPIPE_SZ` only sets the capacity of the pipe behind
    // `fd`; on anything else it fails, and nothing changes.
    unsafe {
        usize::try_from(libc::fcntl(fd, libc::F_SETPIPE_SZ, PIPE_ROOM)).ok()
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        let _ = fd;
        None
    }
}

/// The room asked for in the output pipe.
#[cfg_attr(not(all(target_os = "linux", target_env = "gnu")), allow(dead_code))]
const PIPE_ROOM: i32 = 1 << 20;

/// The writing thread: frames in their order, until the queue is closed
/// and empty.
fn write_queue(shared: &Shared, out: &mut impl Write) {
    loop {
        let frame = {
            let mut state = shared.lock();
            loop {
                if let Some(frame) = state.queue.pop_front() {
                    break Some(frame);
                }
                if state.closed {
                    break None;
                }
                state = shared
                    .changed
                    .wait(state)
                    .unwrap_or_else(|p| p.into_inner());
            }
        };
        let Some(frame) = frame else { break };
        let ok = out.write_all(&frame).and_then(|()| out.flush()).is_ok();
        let len = frame.len();
        drop(frame);
        let mut state = shared.lock();
        state.queued -= len;
        if !ok {
            state.failed = true;
            state.queue.clear();
            state.queued = 0;
        }
        if let Some(w) = state.waker.take() {
            w.wake();
        }
    }
    shared.lock().done = true;
    shared.changed.notify_all();
}

/// Waits up to `limit` for the frames handed over to be written (called
/// once the session has ended, before the process exits).
pub fn finish(limit: Duration) {
    let Some(shared) = WRITER.get() else { return };
    let until = Instant::now() + limit;
    let mut state = shared.lock();
    state.closed = true;
    shared.changed.notify_all();
    while !state.done {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        state = shared
            .changed
            .wait_timeout(state, left)
            .unwrap_or_else(|p| p.into_inner())
            .0;
    }
}

fn broken() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::BrokenPipe, "standard output is closed")
}

impl AsyncWrite for Stdout {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        // A caller that never flushes still hands its bytes over in time.
        if self.pending.len() >= MAX_QUEUED {
            match self.as_mut().poll_flush(cx) {
                Poll::Ready(Ok(())) => {}
                other => return other.map(|r| r.map(|()| 0)),
            }
        }
        self.pending.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        if self.pending.is_empty() {
            return Poll::Ready(if self.shared.lock().failed {
                Err(broken())
            } else {
                Ok(())
            });
        }
        if self.inline {
            let frame = std::mem::take(&mut self.pending);
            let mut out = std::io::stdout().lock();
            return Poll::Ready(out.write_all(&frame).and_then(|()| out.flush()));
        }
        let shared = self.shared.clone();
        let mut state = shared.lock();
        if state.failed || state.closed {
            return Poll::Ready(Err(broken()));
        }
        if state.queued >= MAX_QUEUED && !state.queue.is_empty() {
            state.waker = Some(cx.waker().clone());
            return Poll::Pending;
        }
        let frame = std::mem::take(&mut self.pending);
        state.queued += frame.len();
        state.queue.push_back(frame);
        drop(state);
        shared.changed.notify_all();
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl Drop for Stdout {
    fn drop(&mut self) {
        let frame = std::mem::take(&mut self.pending);
        let mut state = self.shared.lock();
        if !frame.is_empty() && !state.failed && !state.closed && !self.inline {
            state.queued += frame.len();
            state.queue.push_back(frame);
        }
        state.closed = true;
        drop(state);
        self.shared.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    /// A sink that records what it is given, perhaps slowly, perhaps
    /// failing after some bytes; and the most bytes ever queued.
    #[derive(Clone, Default)]
    struct Sink {
        got: Arc<Mutex<Vec<u8>>>,
        delay: Duration,
        fail_after: Option<usize>,
    }

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            std::thread::sleep(self.delay);
            let mut got = self.got.lock().unwrap();
            if self.fail_after.is_some_and(|n| got.len() >= n) {
                return Err(std::io::ErrorKind::BrokenPipe.into());
            }
            got.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn frames(seed: u64, n: usize) -> Vec<Vec<u8>> {
        // Sizes from a byte to a few megabytes, each frame its own bytes.
        let mut x = seed;
        (0..n)
            .map(|i| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let len = match x >> 62 {
                    0 => 1 + (x >> 40) as usize % 16,
                    1 => (x >> 40) as usize % 70_000,
                    2 => (x >> 40) as usize % 600_000,
                    _ => (x >> 40) as usize % (3 << 20),
                };
                (0..len).map(|j| (i + j) as u8).collect()
            })
            .collect()
    }

    async fn write_all(out: &mut Stdout, frames: &[Vec<u8>]) -> std::io::Result<()> {
        for f in frames {
            // As the transport writes: in pieces, then a flush.
            for piece in f.chunks(64 << 10) {
                out.write_all(piece).await?;
            }
            out.flush().await?;
        }
        Ok(())
    }

    fn wait_done(shared: &Shared) {
        let mut state = shared.lock();
        while !state.done {
            state = shared.changed.wait(state).unwrap();
        }
    }

    #[tokio::test]
    async fn frames_come_out_whole_and_in_order() {
        for seed in 0..6 {
            let sink = Sink {
                delay: Duration::from_micros(seed * 50),
                ..Sink::default()
            };
            let shared = Arc::new(Shared::default());
            let mut out = Stdout::over(shared.clone(), {
                let sink = sink.clone();
                move || sink
            });
            let frames = frames(seed, 40);
            write_all(&mut out, &frames).await.unwrap();
            drop(out);
            wait_done(&shared);
            assert_eq!(*sink.got.lock().unwrap(), frames.concat(), "seed {seed}");
            assert_eq!(shared.lock().queued, 0);
        }
    }

    #[tokio::test]
    async fn a_slow_reader_holds_the_writer_up_instead_of_memory_growing() {
        let sink = Sink {
            delay: Duration::from_millis(50),
            ..Sink::default()
        };
        let shared = Arc::new(Shared::default());
        let mut out = Stdout::over(shared.clone(), {
            let sink = sink.clone();
            move || sink
        });
        let big = vec![7u8; 3 << 20];
        let mut most = 0;
        for _ in 0..8 {
            write_all(&mut out, std::slice::from_ref(&big))
                .await
                .unwrap();
            most = most.max(shared.lock().queued);
        }
        assert!(most > 0 && most <= MAX_QUEUED + big.len(), "{most}");
        drop(out);
        wait_done(&shared);
        assert_eq!(sink.got.lock().unwrap().len(), 8 * big.len());
    }

    #[tokio::test]
    async fn once_the_output_fails_every_write_fails() {
        let sink = Sink {
            fail_after: Some(100),
            ..Sink::default()
        };
        let shared = Arc::new(Shared::default());
        let mut out = Stdout::over(shared.clone(), {
            let sink = sink.clone();
            move || sink
        });
        let frames = frames(3, 200);
        let mut failed = false;
        for f in &frames {
            if write_all(&mut out, std::slice::from_ref(f)).await.is_err() {
                failed = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert!(failed, "the writes went on after the output failed");
        let e = write_all(&mut out, &frames[..1]).await.unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe);
    }

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn a_pipe_gets_room_for_a_publication_and_a_file_is_left_alone() {
        let mut fds = [0i32; 2];
        // SAFETY: a pipe of this test's own, closed at the end.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        let before = unsafe { libc::fcntl(fds[1], libc::F_GETPIPE_SZ) };
        assert!(before < PIPE_ROOM, "a new pipe has less room: {before}");
        match widen_pipe(fds[1]) {
            Some(room) => {
                assert_eq!(room, PIPE_ROOM as usize);
                let after = unsafe { libc::fcntl(fds[0], libc::F_GETPIPE_SZ) };
                assert_eq!(after, PIPE_ROOM, "both ends see the one pipe's room");
            }
            // Refused only where the system allows less.
            None => {
                let max = std::fs::read_to_string("/proc/sys/fs/pipe-max-size").unwrap();
                assert!(max.trim().parse::<i32>().unwrap() < PIPE_ROOM, "{max}");
            }
        }
        unsafe {
            libc::close(fds[0]);
            libc::close(fds[1]);
        }
        let file = a_regular_file();
        use std::os::fd::AsRawFd;
        assert_eq!(widen_pipe(file.as_raw_fd()), None);
    }

    /// A regular file (this test binary itself, read only).
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn a_regular_file() -> std::fs::File {
        std::fs::File::open(std::env::current_exe().unwrap()).unwrap()
    }
}

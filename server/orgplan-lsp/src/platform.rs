//! What differs between targets, in one place: the runtime, standard input
//! and output, and work that blocks.
//!
//! - Native: a current-thread runtime, tokio's stdin, standard output
//!   written by a thread of its own ([`crate::stdout`]), blocking work (a
//!   folder scan, a request computed on its snapshot) on tokio's blocking
//!   pool. The tasks (the publisher, the input and output pumps) run on
//!   the thread that applies the edits: a keystroke's publication reads
//!   its findings where the analysis just wrote them, in that core's
//!   caches, instead of on a worker thread woken for it, which read each
//!   of them from the other core's. BENCHMARKS.md, "5 Dec (sixteenth
//!   session)": on the 100k plan, server keystroke → diagnostics p50
//!   2.41–3.59 → 2.01–2.63 ms in six A/B pairs, server CPU a keystroke
//!   lower in each; in ten files no difference the machine can show.
//! - WebAssembly (`wasm32-wasip1`, no threads): a current-thread runtime;
//!   a folder scan and a request's computation run inline; standard output is written synchronously;
//!   standard input is read by a real blocking read, done only when the
//!   runtime has nothing else to do and a task waits for input. An idle
//!   server sits in that read and uses no CPU; nothing polls.
//!
//!   "Nothing else to do" is decided in the runtime's park hook, which
//!   tokio also calls while tasks that yielded (`yield_now`, or out of
//!   budget) wait to be woken after it. So the hook first wakes the task
//!   that waits for input, without input, and counts task polls (a task
//!   hook, which needs `--cfg tokio_unstable`, set for this target in
//!   `.cargo/config.toml`): at the next park, if that task was the only
//!   one polled, every yielded task had run and none yielded again, and
//!   the hook blocks in the read.

#[cfg(not(target_family = "wasm"))]
mod imp {
    pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    }

    pub fn block_on<F: std::future::Future>(
        runtime: &tokio::runtime::Runtime,
        f: F,
    ) -> Option<F::Output> {
        Some(runtime.block_on(f))
    }

    pub fn stdio() -> (tokio::io::Stdin, crate::stdout::Stdout) {
        (tokio::io::stdin(), crate::stdout::Stdout::new())
    }

    /// Waits (a while at most) until what was handed to standard output
    /// is written.
    pub fn finish_output() {
        crate::stdout::finish(std::time::Duration::from_secs(2));
    }

    /// Runs `f` where blocking is allowed; `None` if it panicked.
    pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        tokio::task::spawn_blocking(f).await.ok()
    }
}

#[cfg(target_family = "wasm")]
mod imp {
    use std::io::{ErrorKind, Read, Write};
    use std::pin::Pin;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Mutex;
    use std::task::{Context, Poll, Waker};
    use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

    #[cfg(not(tokio_unstable))]
    compile_error!("the WebAssembly server needs `--cfg tokio_unstable` (see .cargo/config.toml)");

    /// Task polls so far.
    static POLLS: AtomicU64 = AtomicU64::new(0);

    pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .on_before_task_poll(|_| {
                POLLS.fetch_add(1, Ordering::Relaxed);
            })
            .on_thread_park(read_stdin_if_idle)
            .build()
    }

    /// Runs `f` to its end as a task of its own (so that its polls are
    /// counted too).
    pub fn block_on<F>(runtime: &tokio::runtime::Runtime, f: F) -> Option<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        runtime.block_on(async { tokio::spawn(f).await }).ok()
    }

    pub fn stdio() -> (Stdin, Stdout) {
        // A host may hand over non-blocking descriptors (Node gives a child
        // process socket pairs): make them blocking, so that reading waits
        // in the host's read. Waiting on one with poll is the fallback.
        for fd in [0, 1] {
            // SAFETY: fcntl on the standard descriptors, which stay open.
            unsafe {
                let flags = libc::fcntl(fd, libc::F_GETFL);
                if flags >= 0 && flags & libc::O_NONBLOCK != 0 {
                    libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
                }
            }
        }
        (Stdin, Stdout)
    }

    /// Runs `f` here: there is no other thread to run it on.
    pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
    }

    /// Bytes read from standard input and not yet taken, who waits for
    /// more, and the count of task polls when the park hook last woke it
    /// without input.
    struct Input {
        bytes: Vec<u8>,
        taken: usize,
        ended: bool,
        waiting: Option<Waker>,
        probed_at: Option<u64>,
    }

    static INPUT: Mutex<Input> = Mutex::new(Input {
        bytes: Vec::new(),
        taken: 0,
        ended: false,
        waiting: None,
        probed_at: None,
    });

    fn input() -> std::sync::MutexGuard<'static, Input> {
        INPUT.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The runtime's park hook (see the module's doc): wakes the task that
    /// waits for input, after a blocking read of it once nothing else ran
    /// since the last probe.
    fn read_stdin_if_idle() {
        let mut input = input();
        if input.ended || input.taken < input.bytes.len() {
            return;
        }
        let Some(waiting) = input.waiting.take() else {
            input.probed_at = None;
            return;
        };
        let polls = POLLS.load(Ordering::Relaxed);
        tracing::trace!("park: {polls} polls, last probe at {:?}", input.probed_at);
        // One poll since the probe: the woken task's own.
        if input.probed_at.map(|at| at + 1) != Some(polls) {
            input.probed_at = Some(polls);
            waiting.wake();
            return;
        }
        input.probed_at = None;
        input.waiting = Some(waiting);
        input.bytes.resize(64 * 1024, 0);
        input.taken = 0;
        let n = loop {
            match fd(0).read(&mut input.bytes) {
                Ok(n) => break n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => wait(0, libc::POLLIN),
                Err(e) => {
                    tracing::error!("cannot read standard input: {e}");
                    break 0;
                }
            }
        };
        input.bytes.truncate(n);
        input.ended = n == 0;
        tracing::trace!("read {n} bytes of standard input");
        if let Some(w) = input.waiting.take() {
            w.wake();
        }
    }

    /// Descriptor `n` itself, unbuffered (a partial write leaves nothing
    /// behind in a buffer), never closed.
    fn fd(n: i32) -> std::mem::ManuallyDrop<std::fs::File> {
        use std::os::fd::FromRawFd;
        // SAFETY: standard input and output stay open for the life of the
        // process, and the `File` is never dropped, so never closed.
        std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(n) })
    }

    /// Waits until descriptor `fd` is ready for `events` (poll, which WASI
    /// hosts implement with `poll_oneoff`); where the host cannot wait on
    /// it, sleeps a moment instead.
    fn wait(fd: i32, events: i16) {
        let mut p = libc::pollfd {
            fd,
            events,
            revents: 0,
        };
        // SAFETY: one valid pollfd, its count, no timeout.
        if unsafe { libc::poll(&mut p, 1, -1) } < 0 {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    /// Standard input, filled by the runtime's park hook.
    pub struct Stdin;

    impl AsyncRead for Stdin {
        fn poll_read(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<std::io::Result<()>> {
            let mut input = input();
            let Input { bytes, taken, .. } = &mut *input;
            if *taken < bytes.len() {
                let n = buf.remaining().min(bytes.len() - *taken);
                buf.put_slice(&bytes[*taken..*taken + n]);
                *taken += n;
                return Poll::Ready(Ok(()));
            }
            if input.ended {
                return Poll::Ready(Ok(()));
            }
            input.waiting = Some(cx.waker().clone());
            Poll::Pending
        }
    }

    /// Standard output is written synchronously: nothing waits.
    pub fn finish_output() {}

    /// Standard output, written synchronously (whole writes, waiting where
    /// the host made it non-blocking).
    pub struct Stdout;

    impl crate::transport::Output for Stdout {}

    impl AsyncWrite for Stdout {
        fn poll_write(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<std::io::Result<usize>> {
            loop {
                match fd(1).write(buf) {
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(e) if e.kind() == ErrorKind::WouldBlock => wait(1, libc::POLLOUT),
                    done => return Poll::Ready(done),
                }
            }
        }

        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }

        fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            self.poll_flush(cx)
        }
    }
}

pub use imp::{block_on, blocking, finish_output, runtime, stdio};

/// `std::fs::canonicalize`, also on WASI (kept with the walker, which
/// needs it too).
pub use orgplan_files::canonicalize;

/// Where a WASI host passes the folder the program was started in (as
/// `PWD`), makes it the current folder: WASI programs start in `/`.
pub fn enter_start_folder() {
    #[cfg(target_os = "wasi")]
    if let Some(pwd) = std::env::var_os("PWD") {
        let _ = std::env::set_current_dir(pwd);
    }
}

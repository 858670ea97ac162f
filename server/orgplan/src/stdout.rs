//! Writing a command's whole output to standard output, never silently cut.
//!
//! Every command builds its output first and writes it here in one go:
//! - an interrupted write is retried, and a write that would block (standard
//!   output left non-blocking by whoever started us, as under some WASI
//!   hosts and event loops) waits until the descriptor is writable and goes
//!   on, so piped output is never cut at the pipe's buffer size;
//! - a closed reader (`orgplan check | head`) ends the writing quietly, as
//!   Unix tools do: no message, and the exit status the command's result
//!   gives (the findings were all computed before the first byte was
//!   written; a reader that stops early does not change them);
//! - any other error (a full disk, a revoked terminal) is reported as
//!   `orgplan: error: cannot write to standard output: …`, exit status 2.

use crate::files::io_reason;
use crate::Failure;
use std::io::{ErrorKind, Write};

/// How writing ended when it did not fail.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    /// Every byte was written.
    All,
    /// The reader went away before the end (a closed pipe).
    Closed,
}

/// Writes all of `bytes` to standard output (see the module's doc).
pub fn write_all(bytes: &[u8]) -> Result<Written, Failure> {
    // Nothing else of ours writes to standard output, but flush Rust's
    // buffer anyway so that the order of bytes can never change.
    let _ = std::io::stdout().flush();
    let mut out = raw::stdout();
    let mut rest = bytes;
    while !rest.is_empty() {
        match out.write(rest) {
            Ok(0) => {
                return Err(Failure::new(
                    "cannot write to standard output: it accepts no more bytes",
                ))
            }
            Ok(n) => rest = &rest[n..],
            Err(e) => {
                if let Some(end) = after_error(e)? {
                    return Ok(end);
                }
            }
        }
    }
    loop {
        match out.flush() {
            Ok(()) => return Ok(Written::All),
            Err(e) => {
                if let Some(end) = after_error(e)? {
                    return Ok(end);
                }
            }
        }
    }
}

/// What a failed write means: try again (`None`, after waiting if it
/// would block), stop quietly, or fail.
fn after_error(e: std::io::Error) -> Result<Option<Written>, Failure> {
    match e.kind() {
        ErrorKind::Interrupted => Ok(None),
        ErrorKind::WouldBlock => {
            raw::wait_writable();
            Ok(None)
        }
        ErrorKind::BrokenPipe => Ok(Some(Written::Closed)),
        _ => Err(Failure::new(format!(
            "cannot write to standard output: {}",
            io_reason(&e)
        ))),
    }
}

#[cfg(any(unix, target_os = "wasi"))]
mod raw {
    use std::fs::File;
    use std::mem::ManuallyDrop;
    use std::os::fd::FromRawFd;

    /// Descriptor 1 itself, unbuffered (Rust's `Stdout` buffers lines,
    /// which makes a partial write's state hard to reason about); never
    /// closed.
    pub fn stdout() -> ManuallyDrop<File> {
        // SAFETY: descriptor 1 stays open for the life of the process and
        // the `File` is never dropped, so it is never closed.
        ManuallyDrop::new(unsafe { File::from_raw_fd(1) })
    }

    /// Blocks until descriptor 1 is writable again (a real wait, not a
    /// spin); where the host cannot wait on it, sleeps a moment instead.
    pub fn wait_writable() {
        let mut fd = libc::pollfd {
            fd: 1,
            events: libc::POLLOUT,
            revents: 0,
        };
        loop {
            // SAFETY: one valid pollfd, its count, no timeout.
            let n = unsafe { libc::poll(&mut fd, 1, -1) };
            if n >= 0 {
                return;
            }
            if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
                std::thread::sleep(std::time::Duration::from_millis(1));
                return;
            }
        }
    }
}

#[cfg(not(any(unix, target_os = "wasi")))]
mod raw {
    /// Standard output (Windows has no non-blocking console or pipe handle
    /// that a program inherits; a would-block error is not expected there).
    pub fn stdout() -> std::io::Stdout {
        std::io::stdout()
    }

    pub fn wait_writable() {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

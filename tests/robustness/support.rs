//! A raw client for `orgplan lsp` over stdio: it frames and sends whatever
//! the test says (also malformed bytes), reads and parses every frame the
//! server writes, answers the server's own requests, and keeps the latest
//! diagnostics per URI.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long any single answer may take before a test calls the server hung.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

pub use orgplan_e2e::orgplan_bin;
pub use orgplan_test_client::{frame, Connection, Incoming};
// Requests and notifications are named by their types.
pub use orgplan_test_client::lsp_types::notification::*;
pub use orgplan_test_client::lsp_types::request::*;

/// A folder under the system's temporary directory, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicU64 = AtomicU64::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!(
            "orgplan-robustness-{tag}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a temporary folder");
        // Canonical, so that URIs match what the server reports.
        TempDir(std::fs::canonicalize(&dir).expect("canonical temporary folder"))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.0.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::write(&p, text).expect("write a file");
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `file://` URI of an absolute path (the tests' paths need no escaping
/// beyond spaces).
pub fn file_uri(p: &Path) -> String {
    format!("file://{}", p.to_string_lossy().replace(' ', "%20"))
}

/// Options of a server start.
#[derive(Clone, Default)]
pub struct Start {
    /// The workspace folder; none means no folder.
    pub root: Option<PathBuf>,
    /// Position encodings the client offers (`utf-8`, `utf-16`, `utf-32`); empty means the default.
    pub encodings: Vec<&'static str>,
    /// Extra environment variables.
    pub env: Vec<(String, String)>,
    /// Serve the session in process with these test hooks, rather than
    /// spawning the binary (which has none).
    pub in_process: Option<orgplan_lsp::fuzzing::TestHooks>,
}

pub struct Lsp {
    /// The server's process; none for a session in process.
    pub child: Option<Child>,
    stdin: Option<Box<dyn Write + Send>>,
    rx: Receiver<Incoming>,
    next_id: i64,
    stderr: Arc<Mutex<Vec<u8>>>,
    /// Latest `publishDiagnostics` per URI: (version, diagnostics).
    pub diagnostics: HashMap<String, (Option<i64>, Value)>,
    /// Every message received, in order (server requests and notifications
    /// included), as JSON text: for checks that something never appears.
    pub transcript: Vec<String>,
    /// Messages received but not yet consumed by `recv`.
    pending: Vec<Value>,
    pub eof: bool,
    pub garbage: Vec<String>,
}

impl Lsp {
    /// Starts `orgplan lsp` (or a session in process, see
    /// [`Start::in_process`]) without initializing it.
    pub fn spawn(start: &Start) -> Lsp {
        let conn = match start.in_process {
            Some(hooks) => {
                let s = orgplan_lsp::fuzzing::in_process_with(hooks);
                // The session ends when its input does (on drop).
                drop(s.session);
                Connection::over(s.input, s.output)
            }
            None => {
                let mut cmd = Command::new(orgplan_bin());
                cmd.arg("lsp").env("ORGPLAN_LOG", "warn");
                cmd.envs(start.env.iter().map(|(k, v)| (k, v)));
                Connection::spawn(cmd)
                    .unwrap_or_else(|e| panic!("cannot start {}: {e}", orgplan_bin().display()))
            }
        };
        Lsp {
            child: conn.child,
            stdin: Some(conn.input),
            rx: conn.incoming,
            next_id: 1_000_000,
            stderr: conn.stderr,
            diagnostics: HashMap::new(),
            transcript: Vec::new(),
            pending: Vec::new(),
            eof: false,
            garbage: Vec::new(),
        }
    }

    /// Starts and initializes a server (`initialize`, then `initialized`).
    pub fn start(start: &Start) -> Lsp {
        let mut lsp = Lsp::spawn(start);
        let resp = lsp.request_as::<Initialize>(initialize_params(start));
        assert!(
            resp.get("result").is_some(),
            "initialize failed: {resp}\n{}",
            lsp.stderr()
        );
        lsp.notify_as::<Initialized>(json!({}));
        lsp
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("a server process").id()
    }

    fn process(&mut self) -> &mut Child {
        self.child
            .as_mut()
            .expect("a server process, not one in process")
    }

    /// What the server wrote to stderr (its last 64 KiB or so).
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// Writes raw bytes to the server's stdin; false if the pipe is closed.
    pub fn send_raw(&mut self, bytes: &[u8]) -> bool {
        match self.stdin.as_mut() {
            Some(w) => w.write_all(bytes).and_then(|_| w.flush()).is_ok(),
            None => false,
        }
    }

    pub fn send(&mut self, msg: &Value) -> bool {
        self.send_raw(&frame(msg.to_string().as_bytes()))
    }

    /// Closes the server's stdin (end of input).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    pub fn fresh_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    /// Sends the notification `N`, its params written as JSON (they must
    /// read as `N::Params`).
    pub fn notify_as<N: Notification>(&mut self, params: Value) -> bool {
        self.send(&orgplan_test_client::notification_json::<N>(params))
    }

    /// Sends the request `R`, its params written as JSON (they must read as
    /// `R::Params`), and waits for its response (the whole response
    /// object; a result must read as `R::Result`).
    pub fn request_as<R: Request>(&mut self, params: Value) -> Value {
        let id = self.send_request_as::<R>(params);
        let response = self
            .response_to(&json!(id), ANSWER_TIMEOUT)
            .unwrap_or_else(|| {
                panic!(
                    "no answer to {} (id {id})\nstderr:\n{}",
                    R::METHOD,
                    self.stderr()
                )
            });
        if response.get("result").is_some() {
            let _ = orgplan_test_client::result::<R>(&response);
        }
        response
    }

    /// Sends the request `R` (params as JSON, as [`Self::request_as`])
    /// without waiting; returns its id.
    pub fn send_request_as<R: Request>(&mut self, params: Value) -> i64 {
        let id = self.fresh_id();
        self.send(&orgplan_test_client::request_json::<R>(id, params));
        id
    }

    /// Waits for the response with this id; other messages are kept.
    pub fn response_to(&mut self, id: &Value, timeout: Duration) -> Option<Value> {
        self.wait_for(timeout, |m| {
            m.get("method").is_none() && m.get("id") == Some(id)
        })
    }

    /// Waits for the first message (already received or new) matching `pred`
    /// and removes it from the pending ones.
    pub fn wait_for(
        &mut self,
        timeout: Duration,
        mut pred: impl FnMut(&Value) -> bool,
    ) -> Option<Value> {
        if let Some(i) = self.pending.iter().position(&mut pred) {
            return Some(self.pending.remove(i));
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let m = self.recv(left)?;
            if pred(&m) {
                return Some(m);
            }
            self.pending.push(m);
            if self.pending.len() > 10_000 {
                self.pending.drain(..5_000);
            }
        }
    }

    /// Takes the pending messages received so far (and whatever arrives
    /// within `quiet` of silence).
    pub fn drain(&mut self, quiet: Duration) -> Vec<Value> {
        while let Some(m) = self.recv(quiet) {
            self.pending.push(m);
        }
        std::mem::take(&mut self.pending)
    }

    /// The next message from the server, answering its requests on the way.
    fn recv(&mut self, timeout: Duration) -> Option<Value> {
        if self.eof {
            return None;
        }
        let got = match self.rx.recv_timeout(timeout) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => return None,
            Err(RecvTimeoutError::Disconnected) => Incoming::Eof,
        };
        match got {
            Incoming::Eof => {
                self.eof = true;
                None
            }
            Incoming::Garbage(g) => {
                self.garbage.push(g.clone());
                Some(json!({"garbage": g}))
            }
            Incoming::Msg(m) => {
                self.transcript.push(m.to_string());
                if self.transcript.len() > 200_000 {
                    self.transcript.drain(..100_000);
                }
                self.observe(&m);
                Some(m)
            }
        }
    }

    fn observe(&mut self, m: &Value) {
        if orgplan_test_client::is::<PublishDiagnostics>(m) {
            let p = &m["params"];
            let uri = p["uri"].as_str().unwrap_or_default().to_string();
            self.diagnostics
                .insert(uri, (p["version"].as_i64(), p["diagnostics"].clone()));
            return;
        }
        if m.get("method").is_some_and(Value::is_string) && m.get("id").is_some() {
            // A request from the server: answer it as a plain client would.
            let answer = orgplan_test_client::answer_server_request(m, &Value::Null);
            self.send(&answer);
        }
    }

    /// Whether the server still answers: a request to a method that does
    /// not exist must come back (as an error) in time.
    pub fn alive(&mut self) -> bool {
        self.alive_within(ANSWER_TIMEOUT)
    }

    pub fn alive_within(&mut self, timeout: Duration) -> bool {
        match self.ping() {
            Some(id) => self.response_to(&json!(id), timeout).is_some(),
            None => false,
        }
    }

    /// Sends a request to a method no server defines (so spelled out: no
    /// type names it), which any live server answers with an error;
    /// returns its id, or none when the input is closed.
    pub fn ping(&mut self) -> Option<i64> {
        let id = self.fresh_id();
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": "orgplan/ping", "params": {}}))
            .then_some(id)
    }

    /// Waits until the diagnostics of `uri` for `version` arrive, or until
    /// nothing new has come for `quiet` (the server sends nothing when the
    /// diagnostics did not change). Returns the latest diagnostics.
    pub fn settled_diagnostics(
        &mut self,
        uri: &str,
        version: Option<i64>,
        quiet: Duration,
    ) -> Value {
        let deadline = Instant::now() + ANSWER_TIMEOUT;
        loop {
            if let Some((v, d)) = self.diagnostics.get(uri) {
                if version.is_none() || *v == version {
                    return d.clone();
                }
            }
            match self.recv(quiet) {
                Some(m) => self.pending.push(m),
                None => break,
            }
            if Instant::now() > deadline {
                break;
            }
        }
        self.diagnostics
            .get(uri)
            .map(|(_, d)| d.clone())
            .unwrap_or(Value::Null)
    }

    /// `shutdown`, then `exit`; returns the exit status.
    pub fn shutdown_and_exit(&mut self) -> Option<ExitStatus> {
        let resp = self.request_as::<Shutdown>(Value::Null);
        assert!(resp.get("error").is_none(), "shutdown failed: {resp}");
        self.notify_as::<Exit>(Value::Null);
        self.wait_exit(Duration::from_secs(20))
    }

    /// Waits for the process to end.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(s)) = self.process().try_wait() {
                return Some(s);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Resident set size of the server, in KiB (Linux only).
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }
}

impl Drop for Lsp {
    fn drop(&mut self) {
        self.stdin = None;
        if self.child.is_some() && self.wait_exit(Duration::from_secs(2)).is_none() {
            let _ = self.process().kill();
            let _ = self.process().wait();
        }
    }
}

/// A request named by its type, for the tests that run a list of them:
/// its method (to name it in messages) and how to send it.
#[derive(Clone, Copy)]
pub struct Typed {
    pub method: &'static str,
    /// Sends it and waits for the whole response ([`Lsp::request_as`]).
    pub request: fn(&mut Lsp, Value) -> Value,
    /// Sends it without waiting; returns its id ([`Lsp::send_request_as`]).
    pub send: fn(&mut Lsp, Value) -> i64,
}

/// The request `R`, for a list of them.
pub fn typed<R: Request>() -> Typed {
    Typed {
        method: R::METHOD,
        request: Lsp::request_as::<R>,
        send: Lsp::send_request_as::<R>,
    }
}

/// The parameters of `initialize` for a start.
pub fn initialize_params(start: &Start) -> Value {
    let mut caps = json!({
        "textDocument": {
            "publishDiagnostics": { "relatedInformation": true, "versionSupport": true },
            "synchronization": { "dynamicRegistration": false }
        },
        "workspace": { "workspaceFolders": true, "configuration": false }
    });
    if !start.encodings.is_empty() {
        caps["general"] = json!({ "positionEncodings": start.encodings });
    }
    let (root_uri, folders) = match &start.root {
        Some(r) => {
            let uri = file_uri(r);
            (json!(uri), json!([{ "uri": uri, "name": "root" }]))
        }
        None => (Value::Null, Value::Null),
    };
    json!({
        "processId": std::process::id(),
        "rootUri": root_uri,
        "workspaceFolders": folders,
        "capabilities": caps,
        "clientInfo": { "name": "orgplan-robustness" }
    })
}

/// A small deterministic random generator (xorshift64*), so failures
/// replay from the printed seed.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// The seed of a randomized test: `$ORGPLAN_SEED`, or one from the clock
/// (printed, so that a failure can be replayed).
pub fn seed(test: &str) -> u64 {
    let seed = std::env::var("ORGPLAN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    eprintln!("{test}: ORGPLAN_SEED={seed}");
    seed
}

/// The client's model of a document: what its text must be after an LSP
/// change, written independently of the server's code. Lines end at
/// `\n`, `\r\n` or `\r`; a column past a line's end means the line's end
/// (the LSP specification); a position inside a character (a surrogate
/// pair, a UTF-8 sequence) means that character's start; a line past the
/// last means the end of the text; an end before the start means the start.
pub fn apply_change(
    text: &str,
    range: Option<((u64, u64), (u64, u64))>,
    new_text: &str,
    enc: &str,
) -> String {
    let Some((start, end)) = range else {
        return new_text.to_string();
    };
    let s = offset_of(text, start, enc);
    let e = offset_of(text, end, enc).max(s);
    format!("{}{}{}", &text[..s], new_text, &text[e..])
}

/// Byte offsets of the starts of lines and the ends of their contents.
pub fn lines_of(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                out.push((start, i));
                start = i + 1;
            }
            b'\r' => {
                out.push((start, i));
                if b.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push((start, b.len()));
    out
}

/// The byte offset of an LSP position under the rules of [`apply_change`].
pub fn offset_of(text: &str, (line, col): (u64, u64), enc: &str) -> usize {
    let lines = lines_of(text);
    let Some(&(start, end)) = lines.get(line as usize) else {
        return text.len();
    };
    let mut units = 0u64;
    for (i, ch) in text[start..end].char_indices() {
        let w = match enc {
            "utf-8" => ch.len_utf8() as u64,
            "utf-32" => 1,
            _ => ch.len_utf16() as u64,
        };
        if units + w > col {
            return start + i;
        }
        units += w;
    }
    end
}

/// The LSP position (in `enc` units) of a byte offset on a character boundary.
pub fn position_of(text: &str, offset: usize, enc: &str) -> (u64, u64) {
    let lines = lines_of(text);
    let line = lines.iter().rposition(|&(s, _)| s <= offset).unwrap_or(0);
    let (start, end) = lines[line];
    let upto = &text[start..offset.min(end)];
    let col = match enc {
        "utf-8" => upto.len(),
        "utf-32" => upto.chars().count(),
        _ => upto.encode_utf16().count(),
    };
    (line as u64, col as u64)
}

/// An LSP range as JSON.
pub fn lsp_range((sl, sc): (u64, u64), (el, ec): (u64, u64)) -> Value {
    json!({"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}})
}

/// Diagnostics reduced to what must match between two servers: sorted
/// (range, code, severity, message) tuples.
pub fn diagnostic_keys(d: &Value) -> Vec<String> {
    let mut keys: Vec<String> = d
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    format!(
                        "{} {} {} {}",
                        d["range"], d["code"], d["severity"], d["message"]
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    keys.sort();
    keys
}

/// The diagnostics a fresh server publishes for `text` opened as `rel`
/// under a new workspace folder holding nothing else.
pub fn fresh_diagnostics(text: &str, rel: &str, encodings: &[&'static str]) -> Vec<String> {
    let dir = TempDir::new("fresh");
    let path = dir.path().join(rel);
    let mut lsp = Lsp::start(&Start {
        root: Some(dir.path().to_path_buf()),
        encodings: encodings.to_vec(),
        ..Start::default()
    });
    let uri = file_uri(&path);
    lsp.notify_as::<DidOpenTextDocument>(
        json!({"textDocument": {"uri": uri, "languageId": "orgplan", "version": 1, "text": text}}),
    );
    let d = lsp.settled_diagnostics(&uri, Some(1), Duration::from_secs(5));
    diagnostic_keys(&d)
}

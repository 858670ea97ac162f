//! An end-to-end benchmark of `orgplan lsp`: spawns the server over stdio the
//! way an editor does (Content-Length framed JSON-RPC), opens a generated
//! plan, types into it and asks it questions, timing each answer.

use crate::generate::{self, Options as GenOptions};
use orgplan_analysis::{TextRange, Workspace};
use orgplan_test_client::ext;
use orgplan_test_client::lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Exit, Initialized,
    Notification, PublishDiagnostics,
};
use orgplan_test_client::lsp_types::request::{
    Completion, DocumentDiagnosticRequest, Formatting, GotoDefinition, HoverRequest, Initialize,
    PrepareRenameRequest, RangeFormatting, References, Rename, Request,
    SemanticTokensFullDeltaRequest, SemanticTokensFullRequest, SemanticTokensRangeRequest,
    Shutdown,
};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    pub lines: usize,
    /// How many files the plan is split into.
    pub files: usize,
    pub edits: usize,
    pub server: PathBuf,
    pub seed: u64,
    /// Whether the plan keeps its few syntax errors.
    pub syntax_errors: bool,
    /// Violations relative to the realistic default ([`GenOptions`]).
    pub violations: f64,
    /// Repetitions of each request (completion, hover …).
    pub requests: usize,
    /// Fresh spawns for spawn → initialize.
    pub spawns: usize,
    /// Re-opens of the plan for open → diagnostics.
    pub opens: usize,
    /// How long to wait for any one answer.
    pub timeout: Duration,
    /// How long to wait for the diagnostics of one keystroke.
    pub keystroke_timeout: Duration,
    /// Only the in-process floor (no server): the analysis's own cost,
    /// repeatable under load with its CPU time or under callgrind.
    pub floor_only: bool,
    /// A plan on disk (a file, or a folder of `.orgplan` files) to use
    /// instead of a generated one.
    pub plan: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lines: 100_000,
            files: 1,
            edits: 500,
            server: PathBuf::from("target/release/orgplan"),
            seed: 7,
            syntax_errors: true,
            violations: 1.0,
            requests: 100,
            spawns: 10,
            opens: 5,
            timeout: Duration::from_secs(20),
            keystroke_timeout: Duration::from_secs(2),
            floor_only: false,
            plan: None,
        }
    }
}

/// Timings of one measured operation.
#[derive(Clone, Debug, Default)]
pub struct Series {
    pub name: String,
    pub samples: Vec<Duration>,
    /// Answers that never came (within the time-out) or came as errors.
    pub missing: usize,
    /// The target, as text, and whether the p-value it names is met.
    pub target: Option<(String, bool)>,
}

impl Series {
    pub(crate) fn new(name: &str) -> Series {
        Series {
            name: name.to_string(),
            ..Series::default()
        }
    }

    pub fn percentile(&self, p: f64) -> Option<Duration> {
        if self.samples.is_empty() {
            return None;
        }
        let mut s = self.samples.clone();
        s.sort();
        let i = ((p / 100.0) * (s.len() - 1) as f64).round() as usize;
        Some(s[i.min(s.len() - 1)])
    }

    fn judge(&mut self, p: f64, limit_ms: f64) {
        let label = if p >= 100.0 {
            "max".to_string()
        } else {
            format!("p{p}")
        };
        let met = self.percentile(p).is_some_and(|d| ms(d) <= limit_ms) && self.missing == 0;
        let text = format!("{label} ≤ {limit_ms} ms");
        self.target = Some(match self.target.take() {
            Some((t, m)) => (format!("{t}, {text}"), m && met),
            None => (text, met),
        });
    }
}

/// Everything one run measured.
#[derive(Debug, Default)]
pub struct Report {
    pub lines: usize,
    pub bytes: usize,
    pub series: Vec<Series>,
    /// Peak RSS (VmHWM) after loading and opening the plan, in bytes.
    pub peak_rss: Option<u64>,
    /// Peak RSS (VmHWM) at the end of the run: after typing, semantic
    /// tokens, formatting, rename and the rest.
    pub peak_rss_end: Option<u64>,
    /// How many files the plan is in.
    pub files: usize,
    /// VmHWM after each phase of the run (it only grows: the phase that
    /// raised it is the one that holds the most at once).
    pub peaks: Vec<(String, Option<u64>)>,
    /// VmHWM of the server that formats a plan without syntax errors,
    /// before and after formatting it.
    pub clean_format_peaks: (Option<u64>, Option<u64>),
    /// RSS after the run, the plan loaded and the server idle.
    pub idle_rss_loaded: Option<u64>,
    /// RSS of a server with an empty workspace, after initialize.
    pub idle_rss_empty: Option<u64>,
    /// With several files: the keystroke in the workspace against its
    /// first file alone.
    pub alone: Option<Alone>,
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The server's output, noting when bytes last came: a message arrived
/// when its last bytes did, not when the client had finished parsing it
/// (a whole file's semantic tokens are a million numbers to parse).
struct Stamped<R> {
    inner: R,
    last: Instant,
}

impl<R: std::io::Read> std::io::Read for Stamped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.last = Instant::now();
        }
        Ok(n)
    }
}

/// A server process and the messages it sends.
pub(crate) struct Server {
    child: Child,
    stdin: Arc<Mutex<ChildStdin>>,
    rx: Receiver<(Instant, Value)>,
    /// Messages received but not yet consumed.
    pending: VecDeque<(Instant, Value)>,
    next_id: i64,
    timeout: Duration,
}

/// Writes a frame made beforehand: the clock of what it asks for starts
/// when its first bytes go out, not while the client serialises it (a
/// plan opened whole is a 2.8 MB string to escape), as it stops when the
/// answer's last bytes arrive, not when the client has parsed them.
fn send_to(stdin: &Mutex<ChildStdin>, frame: &[u8]) -> std::io::Result<()> {
    let mut w = stdin.lock().expect("stdin lock");
    w.write_all(frame)?;
    w.flush()
}

impl Server {
    fn spawn(path: &Path, timeout: Duration) -> std::io::Result<Server> {
        let mut command = Command::new(path);
        command.arg("lsp");
        Server::start(command, timeout)
    }

    /// Starts any language server over stdio (its errors are not kept).
    pub(crate) fn start(mut command: Command, timeout: Duration) -> std::io::Result<Server> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdin = Arc::new(Mutex::new(child.stdin.take().expect("piped stdin")));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = channel();
        let replies = stdin.clone();
        std::thread::spawn(move || {
            let mut r = BufReader::new(Stamped {
                inner: stdout,
                last: Instant::now(),
            });
            loop {
                let msg = match orgplan_test_client::read(&mut r) {
                    orgplan_test_client::Incoming::Msg(msg) => msg,
                    orgplan_test_client::Incoming::Garbage(_) => continue,
                    orgplan_test_client::Incoming::Eof => return,
                };
                let now = r.get_ref().last;
                // Requests from the server: answer at once, as an editor would.
                if msg.get("method").is_some() && msg.get("id").is_some() {
                    let answer = orgplan_test_client::answer_server_request(&msg, &Value::Null);
                    let _ = send_to(&replies, &orgplan_test_client::frame_json(&answer));
                    continue;
                }
                if tx.send((now, msg)).is_err() {
                    return;
                }
            }
        });
        Ok(Server {
            child,
            stdin,
            rx,
            pending: VecDeque::new(),
            next_id: 1,
            timeout,
        })
    }

    /// Sends the notification `N`; when.
    pub(crate) fn notify<N: Notification>(&mut self, params: Value) -> Instant {
        let frame =
            orgplan_test_client::frame_json(&orgplan_test_client::notification_json::<N>(params));
        let t = Instant::now();
        let _ = send_to(&self.stdin, &frame);
        t
    }

    /// Sends the request `R` without waiting: its id, and when.
    fn request_async<R: Request>(&mut self, params: Value) -> (i64, Instant) {
        let id = self.next_id;
        self.next_id += 1;
        let frame =
            orgplan_test_client::frame_json(&orgplan_test_client::request_json::<R>(id, params));
        let t = Instant::now();
        let _ = send_to(&self.stdin, &frame);
        (id, t)
    }

    /// The first message (buffered or new) that `pred` accepts, and when it
    /// arrived; others are kept for later.
    pub(crate) fn wait_for(
        &mut self,
        mut pred: impl FnMut(&Value) -> bool,
    ) -> Option<(Instant, Value)> {
        if let Some(i) = self.pending.iter().position(|(_, m)| pred(m)) {
            return self.pending.remove(i);
        }
        let deadline = Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok((t, m)) => {
                    if pred(&m) {
                        return Some((t, m));
                    }
                    self.pending.push_back((t, m));
                    if self.pending.len() > 10_000 {
                        self.pending.pop_front();
                    }
                }
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                    return None
                }
            }
        }
    }

    /// Sends the request `R` and waits for its response: (latency,
    /// result), the result `None` for an error response or none at all. A
    /// result that is no `R::Result` fails the run.
    pub(crate) fn request<R: Request>(&mut self, params: Value) -> (Duration, Option<Value>) {
        let (id, t) = self.request_async::<R>(params);
        match self.response(id) {
            Some((at, m)) => match orgplan_test_client::result::<R>(&m) {
                Ok(_) => (at - t, Some(m["result"].clone())),
                Err(_) => (at - t, None),
            },
            None => (self.timeout, None),
        }
    }

    /// Waits for the response to request `id`: when it arrived, and it.
    pub(crate) fn response(&mut self, id: i64) -> Option<(Instant, Value)> {
        self.wait_for(|m| {
            m.get("id").and_then(Value::as_i64) == Some(id) && m.get("method").is_none()
        })
    }

    /// Drops what was received so far, after a short quiet spell.
    pub(crate) fn drain(&mut self, quiet: Duration) {
        self.pending.clear();
        while self.rx.recv_timeout(quiet).is_ok() {}
    }

    pub(crate) fn status(&self, field: &str) -> Option<u64> {
        proc_status(self.child.id(), field)
    }

    pub(crate) fn shutdown(mut self) {
        let _ = self.request::<Shutdown>(Value::Null);
        self.notify::<Exit>(Value::Null);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A field of /proc/PID/status in bytes (`VmHWM`, `VmRSS`).
fn proc_status(pid: u32, field: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

pub(crate) fn file_uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

pub(crate) fn initialize_params(root: &Path) -> Value {
    json!({
        "processId": std::process::id(),
        "rootUri": file_uri(root),
        "workspaceFolders": [{"uri": file_uri(root), "name": "bench"}],
        "capabilities": {
            "general": {"positionEncodings": ["utf-16"]},
            "workspace": {"configuration": true, "workspaceFolders": true},
            "textDocument": {
                "synchronization": {"dynamicRegistration": false},
                "publishDiagnostics": {"versionSupport": true, "relatedInformation": true},
                "completion": {"completionItem": {"snippetSupport": true}},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "rename": {"prepareSupport": true},
                "semanticTokens": {
                    "requests": {"full": {"delta": true}, "range": true},
                    "tokenTypes": [], "tokenModifiers": [], "formats": ["relative"]
                }
            }
        }
    })
}

/// Line and UTF-16 column of a byte offset (the plans are ASCII, but stay exact).
pub(crate) fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let col: usize = text[start..offset].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": col})
}

/// The places to type at, spread over the whole file: inside `scope`
/// strings, at the end of ids in `teams:` lists, and at the end of the id a
/// `team` declares (renaming it), a third each.
fn edit_places(text: &str, n: usize) -> Vec<(usize, bool)> {
    let mut strings = Vec::new();
    let mut ids = Vec::new();
    let mut decls = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(i) = line.find("scope: \"") {
            strings.push(offset + i + "scope: \"".len() + 2);
        }
        if let Some(i) = line.find("teams: ") {
            let rest = &line[i + 7..];
            let end = rest.find([',', '\n', ' ']).unwrap_or(rest.len());
            ids.push(offset + i + 7 + end);
        }
        if let Some(rest) = line.strip_prefix("team ") {
            let end = rest.find([' ', '\n', '{']).unwrap_or(rest.len());
            decls.push(offset + 5 + end);
        }
        offset += line.len();
    }
    let mut out = Vec::new();
    for k in 0..n {
        let (list, is_id) = match k % 3 {
            0 => (&strings, false),
            1 => (&decls, true),
            _ => (&ids, true),
        };
        if list.is_empty() {
            continue;
        }
        out.push((list[(k * 7919 + k / 3) % list.len()], is_id));
    }
    out.sort();
    out.dedup();
    out
}

/// One keystroke: replace `range` of the text with `insert`.
#[derive(Clone, Debug)]
struct Keystroke {
    range: TextRange,
    insert: &'static str,
}

/// The keystrokes to send: ten characters typed into a string, or an id (a
/// reference or a declaration) extended by two characters and then
/// shortened back.
fn keystrokes(text: &str, edits: usize) -> Vec<Keystroke> {
    let places = edit_places(text, edits.div_ceil(6).max(1) * 2);
    let mut out = Vec::new();
    // Later places first, so that earlier offsets stay valid.
    for &(at, is_id) in places.iter().rev() {
        if out.len() >= edits {
            break;
        }
        if is_id {
            for (k, c) in ["x", "y"].into_iter().enumerate() {
                out.push(Keystroke {
                    range: TextRange::empty(at + k),
                    insert: c,
                });
            }
            for k in (0..2).rev() {
                out.push(Keystroke {
                    range: TextRange::new(at + k, at + k + 1),
                    insert: "",
                });
            }
        } else {
            for (k, c) in ["n", "e", "w", " ", "s", "c", "o", "p", "e", " "]
                .into_iter()
                .enumerate()
            {
                out.push(Keystroke {
                    range: TextRange::empty(at + k),
                    insert: c,
                });
            }
        }
    }
    out.truncate(edits.max(1));
    out
}

/// Blocks drafted by [`drafting`], one at each place: typed in full, as
/// someone drafts without an editor that closes braces and quotes.
const DRAFTS: [&str; 2] = [
    "team drafted-one \"Drafted One\" {\n  reports_to: nobody\n  roles: engineer\n  depends_on payments {\n    owner: x\n  }\n}",
    "initiative drafted-two \"Drafted Two\" {\n  leader: nobody\n  scope: \"new scope\"\n  teams: drafted-one, x\n}",
];

/// New blocks typed character by character, each on a line of its own
/// opened first (one more keystroke) before a team declared a third and
/// two thirds into `text`. Some keystrokes of a draft add an entity (a
/// kind word given its id), and each new line moves every line after it:
/// the keystrokes of [`keystrokes`] do neither.
fn drafting(text: &str) -> Vec<Keystroke> {
    let starts: Vec<usize> = text
        .match_indices("\nteam ")
        .map(|(at, _)| at + 1)
        .collect();
    let places = [starts.len() / 3, starts.len() * 2 / 3]
        .map(|k| starts.get(k).copied().unwrap_or(text.len()));
    let mut out = Vec::new();
    // Later places first, so that earlier offsets stay valid.
    for (&at, draft) in places.iter().zip(DRAFTS).rev() {
        out.push(Keystroke {
            range: TextRange::empty(at),
            insert: "\n",
        });
        for (i, c) in draft.char_indices() {
            out.push(Keystroke {
                range: TextRange::empty(at + i),
                insert: &draft[i..i + c.len_utf8()],
            });
        }
    }
    out
}

fn apply(text: &mut String, k: &Keystroke) {
    text.replace_range(k.range.start()..k.range.end(), k.insert);
}

/// A reference to a team in a `teams:` list near the middle of the file, and
/// a place after `reports_to: ` to complete at.
/// The id of the first initiative declared in `text` (for the focused graph).
fn first_initiative(text: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix("initiative "))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or("")
        .to_string()
}

fn probe_places(text: &str) -> (usize, usize) {
    let mid = text.len() / 2;
    let team = mid
        + text[mid..]
            .find("teams: ")
            .map_or(0, |i| i + "teams: ".len() + 1);
    let complete = mid
        + text[mid..]
            .find("reports_to: ")
            .map_or(0, |i| i + "reports_to: ".len());
    (team, complete)
}

/// Runs the benchmark.
pub fn run(opts: &Options) -> Result<Report, String> {
    if opts.floor_only {
        return floor_only(opts);
    }
    let server_path = std::fs::canonicalize(&opts.server)
        .map_err(|e| format!("cannot find the server at {}: {e}", opts.server.display()))?;
    let plan = plan_of(opts)?;
    let base = std::env::temp_dir().join(format!("orgplan-bench-{}", std::process::id()));
    let root = base.join("plan");
    let empty = base.join("empty");
    plan.write_to(&root)
        .map_err(|e| format!("cannot write the plan: {e}"))?;
    std::fs::create_dir_all(&empty).map_err(|e| e.to_string())?;
    let result = run_in(opts, &server_path, &plan, &root, &empty);
    let _ = std::fs::remove_dir_all(&base);
    result
}

/// What every phase of a run reads: the options, the server, the plan and
/// the two workspaces (the plan's and an empty one).
struct Bench<'a> {
    opts: &'a Options,
    server_path: &'a Path,
    root: &'a Path,
    empty: &'a Path,
    /// The plan's first file: the one opened, typed into and asked about.
    uri: String,
    text: &'a str,
    /// How many files the plan has.
    files: usize,
}

impl Bench<'_> {
    fn spawn(&self) -> Result<Server, String> {
        Server::spawn(self.server_path, self.opts.timeout)
            .map_err(|e| format!("cannot start the server: {e}"))
    }

    /// A server on the plan's workspace with the plan open, its first
    /// diagnostics received and what follows them drained.
    fn start_with_plan_open(&self) -> Result<Server, String> {
        let uri = self.uri.as_str();
        let (mut s, _) = self.start(self.root)?;
        s.notify::<DidOpenTextDocument>(
            json!({"textDocument": {"uri": uri, "languageId": "orgplan", "version": 1, "text": self.text}}),
        );
        if s.wait_for(|m| is_publish_for(uri, m) && m["params"]["version"] == 1)
            .is_none()
        {
            s.shutdown();
            return Err("the server published no diagnostics for the opened plan".into());
        }
        s.drain(Duration::from_millis(300));
        Ok(s)
    }

    /// A server initialized on `folder`, its initialized notification sent
    /// (when, returned).
    fn start(&self, folder: &Path) -> Result<(Server, Instant), String> {
        let mut s = self.spawn()?;
        if s.request::<Initialize>(initialize_params(folder))
            .1
            .is_none()
        {
            return Err("the server did not answer initialize".into());
        }
        let t = s.notify::<Initialized>(json!({}));
        Ok((s, t))
    }
}

/// Whether `m` publishes diagnostics for `uri`.
fn is_publish_for(uri: &str, m: &Value) -> bool {
    orgplan_test_client::is::<PublishDiagnostics>(m) && m["params"]["uri"].as_str() == Some(uri)
}

/// The server on the plan's workspace, with the plan open in it: what the
/// typing and request phases share.
struct Session {
    server: Server,
    /// The version of the open document.
    version: i64,
    /// The open document's text, as the server has it.
    text: String,
}

/// The phases, in order; each adds its series (and peaks) to the report.
/// A new phase is one more function here.
fn run_in(
    opts: &Options,
    server_path: &Path,
    plan: &generate::Plan,
    root: &Path,
    empty: &Path,
) -> Result<Report, String> {
    let (name, text) = &plan.files[0];
    let bench = Bench {
        opts,
        server_path,
        root,
        empty,
        uri: file_uri(&root.join(name)),
        text,
        files: plan.files.len(),
    };
    let mut report = Report::of(plan);
    spawn_phase(&bench, &mut report)?;
    cold_open_phase(&bench, &mut report)?;
    let mut session = open_phase(&bench, &mut report)?;
    let script = typing_phase(&bench, &mut session, &mut report);
    requests_phase(&bench, &mut session, &mut report);
    token_and_format_phase(&bench, &mut session, &mut report);
    std::thread::sleep(Duration::from_millis(500));
    report.idle_rss_loaded = session.server.status("VmRSS");
    report.peak_rss_end = session.server.status("VmHWM");
    session.server.shutdown();
    pull_typing_phase(&bench, &script, &mut report)?;
    whole_text_phase(&bench, &script, &mut report)?;
    drafting_phase(&bench, &mut report)?;
    floor_phase(plan, root, &script, &mut report);
    clean_formatting_phase(&bench, &mut report)?;
    Ok(report)
}

/// Spawn → initialize response, in an empty workspace; and the idle RSS of
/// a server with nothing to hold.
fn spawn_phase(bench: &Bench, report: &mut Report) -> Result<(), String> {
    let mut spawn = Series::new("spawn → initialize");
    for _ in 0..bench.opts.spawns.max(1) {
        let t = Instant::now();
        let mut s = bench.spawn()?;
        let (id, _) = s.request_async::<Initialize>(initialize_params(bench.empty));
        match s.wait_for(|m| m.get("id").and_then(Value::as_i64) == Some(id)) {
            Some((at, _)) => spawn.samples.push(at - t),
            None => spawn.missing += 1,
        }
        s.notify::<Initialized>(json!({}));
        std::thread::sleep(Duration::from_millis(50));
        report.idle_rss_empty = s.status("VmRSS");
        s.shutdown();
    }
    spawn.judge(100.0, 20.0);
    report.series.push(spawn);
    Ok(())
}

/// A plan the server has not read: opened whole in a folder where it is not
/// on disk, so that the whole text is parsed and analysed while the user
/// waits (as for a plan opened from outside every folder).
fn cold_open_phase(bench: &Bench, report: &mut Report) -> Result<(), String> {
    let mut cold = Series::new("didOpen of an unread plan → diagnostics");
    let (mut s, _) = bench.start(bench.empty)?;
    s.drain(Duration::from_millis(200));
    let cold_uri = file_uri(&bench.empty.join("opened.orgplan"));
    for version in 1..=bench.opts.opens.max(1) as i64 {
        let t = s.notify::<DidOpenTextDocument>(
            json!({"textDocument": {"uri": cold_uri, "languageId": "orgplan", "version": version, "text": bench.text}}),
        );
        match s.wait_for(|m| {
            is_publish_for(&cold_uri, m) && m["params"]["version"].as_i64() == Some(version)
        }) {
            Some((at, _)) => cold.samples.push(at - t),
            None => cold.missing += 1,
        }
        s.notify::<DidCloseTextDocument>(json!({"textDocument": {"uri": cold_uri}}));
        s.drain(Duration::from_millis(200));
    }
    s.shutdown();
    cold.judge(100.0, 150.0);
    report.series.push(cold);
    Ok(())
}

/// The plan's workspace: initialize, let it load (→ its first diagnostics),
/// then open the plan, closing and re-opening it `opens` times.
fn open_phase(bench: &Bench, report: &mut Report) -> Result<Session, String> {
    let uri = bench.uri.as_str();
    let (mut s, t_init) = bench.start(bench.root)?;
    let mut load = Series::new("workspace load → diagnostics");
    match s.wait_for(|m| is_publish_for(uri, m)) {
        Some((at, _)) => load.samples.push(at - t_init),
        None => load.missing += 1,
    }
    report.series.push(load);
    s.drain(Duration::from_millis(300));
    // Before any didOpen: what the load alone holds at most.
    report.peaks.push(("load".into(), s.status("VmHWM")));

    let mut open = Series::new("didOpen → diagnostics");
    let mut version = 0i64;
    for k in 0..bench.opts.opens.max(1) {
        if k > 0 {
            s.notify::<DidCloseTextDocument>(json!({"textDocument": {"uri": uri}}));
            s.drain(Duration::from_millis(200));
        }
        version += 1;
        let t = s.notify::<DidOpenTextDocument>(
            json!({"textDocument": {"uri": uri, "languageId": "orgplan", "version": version, "text": bench.text}}),
        );
        let v = version;
        match s.wait_for(|m| {
            is_publish_for(uri, m) && m["params"]["version"].as_i64().is_none_or(|x| x >= v)
        }) {
            Some((at, _)) => open.samples.push(at - t),
            None => open.missing += 1,
        }
    }
    open.judge(100.0, 200.0);
    report.series.push(open);
    s.drain(Duration::from_millis(300));
    report.peak_rss = s.status("VmHWM");
    report
        .peaks
        .push(("load and opening".into(), report.peak_rss));
    Ok(Session {
        server: s,
        version,
        text: bench.text.to_string(),
    })
}

/// Keystrokes → their diagnostics. Returns the keystrokes typed (the floor
/// phase types them again).
fn typing_phase(bench: &Bench, session: &mut Session, report: &mut Report) -> Vec<Keystroke> {
    let opts = bench.opts;
    let uri = bench.uri.as_str();
    let s = &mut session.server;
    let mut typing = Series::new("keystroke → diagnostics");
    let script = keystrokes(&session.text, opts.edits);
    let pid = s.child.id().to_string();
    let cpu = cpu_time_of(&pid);
    for k in &script {
        session.version += 1;
        let current = &mut session.text;
        let range = json!({"start": position(current, k.range.start()), "end": position(current, k.range.end())});
        apply(current, k);
        let t = s.notify::<DidChangeTextDocument>(json!({
            "textDocument": {"uri": uri, "version": session.version},
            "contentChanges": [{"range": range, "text": k.insert}]
        }));
        let v = session.version;
        // A server that publishes nothing when the diagnostics did not
        // change leaves nothing to wait for: after a few misses, wait less.
        s.timeout = if typing.missing >= 3 && typing.samples.len() < typing.missing {
            Duration::from_millis(250)
        } else {
            opts.keystroke_timeout
        };
        match s.wait_for(|m| is_publish_for(uri, m) && m["params"]["version"].as_i64() == Some(v)) {
            Some((at, _)) => typing.samples.push(at - t),
            None => typing.missing += 1,
        }
    }
    s.timeout = opts.timeout;
    // The server's CPU time a keystroke, all its threads: set beside the
    // floor's, it says how much the server adds in work, not in waiting.
    if let Some(cpu) = cpu.zip(cpu_time_of(&pid)).map(|(a, b)| b.saturating_sub(a)) {
        typing.name = format!(
            "{} [server CPU {:.2} ms a keystroke]",
            typing.name,
            ms(cpu) / script.len().max(1) as f64
        );
    }
    typing.judge(50.0, 3.0);
    typing.judge(99.0, 10.0);
    report.series.push(typing);
    s.drain(Duration::from_millis(300));
    report.peaks.push(("typing".into(), s.status("VmHWM")));
    script
}

/// The typing phase's keystrokes again, in a server of their own whose
/// client pulls diagnostics, as VS Code and Neovim (0.10 and later) do:
/// each `didChange` is followed by `textDocument/diagnostic` with the
/// result id of the pull before, timed from the change to the answer
/// ("unchanged" when the file's diagnostics are what the client has).
fn pull_typing_phase(
    bench: &Bench,
    script: &[Keystroke],
    report: &mut Report,
) -> Result<(), String> {
    let uri = bench.uri.as_str();
    let mut s = bench.spawn()?;
    let mut params = initialize_params(bench.root);
    params["capabilities"]["textDocument"]["diagnostic"] = json!({"dynamicRegistration": false});
    params["capabilities"]["workspace"]["diagnostics"] = json!({"refreshSupport": true});
    if s.request::<Initialize>(params).1.is_none() {
        return Err("the server did not answer initialize".into());
    }
    s.notify::<Initialized>(json!({}));
    s.notify::<DidOpenTextDocument>(
        json!({"textDocument": {"uri": uri, "languageId": "orgplan", "version": 1, "text": bench.text}}),
    );
    // The first pull waits for the workspace to load.
    let (_, first) = s.request::<DocumentDiagnosticRequest>(json!({"textDocument": {"uri": uri}}));
    let mut previous = first
        .as_ref()
        .and_then(|r| r["resultId"].as_str().map(String::from));
    if previous.is_none() {
        s.shutdown();
        return Err("the server answered no first pull of diagnostics".into());
    }
    s.drain(Duration::from_millis(300));
    let mut text = bench.text.to_string();
    let mut pulled = Series::new("keystroke → pulled diagnostics");
    // Each kind of answer on its own too: an "unchanged" one is a few
    // bytes, a full one the file's whole report.
    let (mut same, mut full) = (Series::new("unchanged"), Series::new("full"));
    for (k, key) in script.iter().enumerate() {
        let range = json!({"start": position(&text, key.range.start()), "end": position(&text, key.range.end())});
        apply(&mut text, key);
        let t = s.notify::<DidChangeTextDocument>(json!({
            "textDocument": {"uri": uri, "version": k + 2},
            "contentChanges": [{"range": range, "text": key.insert}]
        }));
        let (id, _) = s.request_async::<DocumentDiagnosticRequest>(
            json!({"textDocument": {"uri": uri}, "previousResultId": previous}),
        );
        let report = s.response(id).and_then(|(at, m)| {
            orgplan_test_client::result::<DocumentDiagnosticRequest>(&m).ok()?;
            Some((at, m["result"].clone()))
        });
        match report {
            Some((at, r)) if r["resultId"].is_string() => {
                pulled.samples.push(at - t);
                let kind = if r["kind"] == "unchanged" {
                    &mut same
                } else {
                    &mut full
                };
                kind.samples.push(at - t);
                previous = r["resultId"].as_str().map(String::from);
            }
            _ => pulled.missing += 1,
        }
    }
    let p50 = |s: &Series| s.percentile(50.0).map_or(f64::NAN, ms);
    pulled.name = format!(
        "{} [{} of {} unchanged, p50 {:.2} ms; full p50 {:.2} ms]",
        pulled.name,
        same.samples.len(),
        pulled.samples.len(),
        p50(&same),
        p50(&full),
    );
    pulled.judge(50.0, 3.0);
    pulled.judge(99.0, 10.0);
    report.series.push(pulled);
    s.shutdown();
    Ok(())
}

/// How many of the script's keystrokes [`whole_text_phase`] sends.
const WHOLE_TEXT_KEYSTROKES: usize = 40;

/// The first keystrokes of the typing phase again, in a server of their
/// own, each sent as the whole new text (as a client that syncs whole
/// texts sends it): the server finds the edit by comparing the texts.
/// Timed from the first byte sent to the diagnostics of that version; the
/// client's framing of the text is done before.
fn whole_text_phase(
    bench: &Bench,
    script: &[Keystroke],
    report: &mut Report,
) -> Result<(), String> {
    let uri = bench.uri.as_str();
    let mut s = bench.start_with_plan_open()?;
    let mut text = bench.text.to_string();
    let mut whole = Series::new("keystroke sent as the whole text → diagnostics");
    for (k, key) in script.iter().take(WHOLE_TEXT_KEYSTROKES).enumerate() {
        apply(&mut text, key);
        let v = k as i64 + 2;
        let t = s.notify::<DidChangeTextDocument>(json!({
            "textDocument": {"uri": uri, "version": v},
            "contentChanges": [{"text": text}]
        }));
        match s.wait_for(|m| is_publish_for(uri, m) && m["params"]["version"].as_i64() == Some(v)) {
            Some((at, _)) => whole.samples.push(at - t),
            None => whole.missing += 1,
        }
    }
    report.series.push(whole);
    s.shutdown();
    Ok(())
}

/// [`drafting`]'s keystrokes, in a server of their own on the workspace:
/// each waits for its version's diagnostics.
fn drafting_phase(bench: &Bench, report: &mut Report) -> Result<(), String> {
    let uri = bench.uri.as_str();
    let mut s = bench.start_with_plan_open()?;
    let mut text = bench.text.to_string();
    let mut series = Series::new("keystroke drafting a new block → diagnostics");
    let script = drafting(&text);
    // Which keystroke of the script each sample timed.
    let mut timed = Vec::new();
    let pid = s.child.id().to_string();
    let cpu = cpu_time_of(&pid);
    for (k, key) in script.iter().enumerate() {
        let range = json!({"start": position(&text, key.range.start()), "end": position(&text, key.range.end())});
        apply(&mut text, key);
        let v = k as i64 + 2;
        let t = s.notify::<DidChangeTextDocument>(json!({
            "textDocument": {"uri": uri, "version": v},
            "contentChanges": [{"range": range, "text": key.insert}]
        }));
        match s.wait_for(|m| is_publish_for(uri, m) && m["params"]["version"].as_i64() == Some(v)) {
            Some((at, _)) => {
                series.samples.push(at - t);
                timed.push((k, at - t));
            }
            None => series.missing += 1,
        }
    }
    if let Some(cpu) = cpu.zip(cpu_time_of(&pid)).map(|(a, b)| b.saturating_sub(a)) {
        series.name = format!(
            "{} [server CPU {:.2} ms a keystroke]",
            series.name,
            ms(cpu) / script.len().max(1) as f64
        );
    }
    series.name = format!("{} [slowest: {}]", series.name, slowest(&script, timed));
    // The issue's targets: p99 ≤ 10 ms in one file, ≤ 16 ms in a workspace
    // of many.
    series.judge(99.0, if bench.files > 1 { 16.0 } else { 10.0 });
    report.series.push(series);
    s.shutdown();
    Ok(())
}

/// The three slowest keystrokes of `script` (`timed`: each keystroke's
/// index and time), slowest first: which one and what it typed.
fn slowest(script: &[Keystroke], mut timed: Vec<(usize, Duration)>) -> String {
    timed.sort_by_key(|&(_, d)| std::cmp::Reverse(d));
    let shown: Vec<String> = timed
        .iter()
        .take(3)
        .map(|&(k, d)| format!("#{k} {:?} {:.1} ms", script[k].insert, ms(d)))
        .collect();
    shown.join(", ")
}

/// One kind of request the requests phase times.
struct RequestCase {
    name: &'static str,
    /// Sends the request (by its type) and waits for its answer.
    send: fn(&mut Server, Value) -> (Duration, Option<Value>),
    params: Value,
    /// Asked a fifth as often (full tokens, formatting, graphs).
    heavy: bool,
    /// The percentile judged (none when ≤ 0) and its limit in ms.
    p: f64,
    limit: f64,
}

/// The name of whole formatting's series, without and with syntax errors
/// in the plan (which is then not formatted: the answer is the refusal).
const FORMATTING: [&str; 2] = ["formatting", "formatting (refused: syntax errors)"];

/// A case of the request `R`.
fn case<R: Request>(name: &'static str, params: Value, p: f64, limit: f64) -> RequestCase {
    let heavy = [
        SemanticTokensFullRequest::METHOD,
        Formatting::METHOD,
        ext::Graph::METHOD,
    ]
    .contains(&R::METHOD);
    RequestCase {
        name,
        send: Server::request::<R>,
        params,
        heavy,
        p,
        limit,
    }
}

/// The requests asked of the large plan, at a team reference and at a place
/// to complete near its middle. References and rename reach every file:
/// issue 16 holds them to 50 ms (p99) in a workspace of several, 20 in one.
fn request_cases(uri: &str, current: &str, syntax_errors: bool, files: usize) -> Vec<RequestCase> {
    let formatting = FORMATTING[usize::from(syntax_errors)];
    let across = if files > 1 { 50.0 } else { 20.0 };
    let (team_at, complete_at) = probe_places(current);
    let doc = json!({"uri": uri});
    let at_team = json!({"textDocument": doc, "position": position(current, team_at)});
    let at_complete = json!({"textDocument": doc, "position": position(current, complete_at)});
    vec![
        case::<Completion>("completion", at_complete, 99.0, 5.0),
        case::<HoverRequest>("hover", at_team.clone(), 99.0, 5.0),
        case::<GotoDefinition>("definition", at_team.clone(), 99.0, 5.0),
        case::<References>(
            "references",
            json!({"textDocument": doc, "position": position(current, team_at), "context": {"includeDeclaration": true}}),
            99.0,
            across,
        ),
        case::<PrepareRenameRequest>("prepareRename", at_team, 99.0, 20.0),
        case::<Rename>(
            "rename",
            json!({"textDocument": doc, "position": position(current, team_at), "newName": "renamed-team"}),
            99.0,
            across,
        ),
        // The first is the file's first (nothing kept): the max judges it.
        case::<SemanticTokensFullRequest>(
            "semantic tokens (full)",
            json!({"textDocument": doc}),
            100.0,
            20.0,
        ),
        // The 100 ms is the 100k-line plan's picture (the org graph's
        // issue). The overview of a workspace of several files pictures
        // all of them (ten files: ten times the nodes, a 19 MB SVG), and
        // no issue sets it a target: shown, not judged.
        case::<ext::Graph>(
            "graph: overview (SVG)",
            json!({"textDocument": doc, "format": "svg", "overview": true}),
            if files > 1 { -1.0 } else { 95.0 },
            100.0,
        ),
        case::<ext::Graph>(
            "graph: one initiative, depth 2 (SVG)",
            json!({"textDocument": doc, "format": "svg", "focus": first_initiative(current)}),
            95.0,
            100.0,
        ),
        case::<Formatting>(
            formatting,
            json!({"textDocument": doc, "options": {"tabSize": 2, "insertSpaces": true}}),
            -1.0,
            0.0,
        ),
    ]
}

/// Requests on the large plan, each asked `requests` times (a fifth as many
/// for the heavy ones: full tokens, formatting, graphs).
fn requests_phase(bench: &Bench, session: &mut Session, report: &mut Report) {
    let s = &mut session.server;
    for case in request_cases(
        &bench.uri,
        &session.text,
        bench.opts.syntax_errors,
        bench.files,
    ) {
        let mut series = Series::new(case.name);
        let n = if case.heavy {
            bench.opts.requests.div_ceil(5).max(1)
        } else {
            bench.opts.requests.max(1)
        };
        for _ in 0..n {
            let (d, r) = (case.send)(s, case.params.clone());
            match r {
                Some(Value::Null) | None => series.missing += 1,
                Some(_) => series.samples.push(d),
            }
        }
        if case.p > 0.0 {
            series.judge(case.p, case.limit);
        }
        report.series.push(series);
        report
            .peaks
            .push((case.name.to_string(), s.status("VmHWM")));
    }
}

/// The plan the options describe.
fn plan_of(opts: &Options) -> Result<generate::Plan, String> {
    if let Some(path) = &opts.plan {
        return generate::Plan::read(path);
    }
    Ok(generate::generate(&GenOptions {
        lines: opts.lines,
        files: opts.files.max(1),
        seed: opts.seed,
        syntax_errors: opts.syntax_errors,
        violations: opts.violations,
    }))
}

/// The floor alone, on the keystrokes the typing phase would type, with
/// the CPU time of the process spent on the keystrokes (user + system).
/// A target's verdict; "not measured" when the run had no server to
/// measure (`--floor-only`), rather than a miss it did not see.
fn verdict(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "met",
        Some(false) => "MISSED",
        None => "not measured",
    }
}

fn floor_only(opts: &Options) -> Result<Report, String> {
    let plan = plan_of(opts)?;
    let mut report = Report::of(&plan);
    let script = keystrokes(&plan.files[0].1, opts.edits);
    floor_phase(&plan, Path::new("/plan"), &script, &mut report);
    Ok(report)
}

impl Report {
    /// An empty report on `plan`.
    fn of(plan: &generate::Plan) -> Report {
        Report {
            lines: plan.lines(),
            bytes: plan.bytes(),
            files: plan.files.len(),
            ..Report::default()
        }
    }
}

/// The floor: the same keystrokes in-process, edit + analysis. Then the
/// cold floor: the same again on a fresh workspace, with [`COLD_BYTES`]
/// written before each keystroke, as a server finds its caches after the
/// client has read and parsed a publication. A keystroke walks megabytes
/// of the analysis (places shifted after the edit), so the warm floor, its
/// data in the caches from the keystroke before, flatters the analysis:
/// the cold one is what the server's keystroke pays for it.
fn floor_phase(plan: &generate::Plan, root: &Path, script: &[Keystroke], report: &mut Report) {
    let (mut floor, cpu) = typed_in_process(plan, root, script, None);
    if let Some(cpu) = cpu {
        floor.name = format!(
            "{} [CPU {:.2} ms a keystroke]",
            floor.name,
            ms(cpu) / script.len().max(1) as f64
        );
    }
    let alone = (plan.files.len() > 1).then(|| alone_phase(plan, root, script, &floor));
    report.series.push(floor);
    if let Some((alone, by_itself)) = alone {
        report.series.push(by_itself);
        report.alone = Some(alone);
    }
    let draft = drafting(&plan.files[0].1);
    let (mut drafted, cpu) = typed_in_process(plan, root, &draft, None);
    if let Some(cpu) = cpu {
        drafted.name = format!(
            "floor: drafting a new block (in-process) [CPU {:.2} ms a keystroke]",
            ms(cpu) / draft.len().max(1) as f64
        );
    }
    report.series.push(drafted);
    let mut junk = vec![0u8; COLD_BYTES];
    let (mut cold, _) = typed_in_process(plan, root, script, Some(&mut junk));
    cold.name = format!(
        "cold floor: the same, {} MiB written before each keystroke",
        COLD_BYTES >> 20
    );
    report.series.push(cold);
}

/// Rounds of [`alone_phase`]: each types the keystrokes into the workspace
/// and into its first file alone, one after the other.
const ALONE_ROUNDS: usize = 3;

/// The floor's keystrokes typed into the first file of a workspace of
/// several, loaded by itself: what a keystroke costs in one file, against
/// `floor`, what it costs beside the others (issue 16: the same). The two
/// alternate, [`ALONE_ROUNDS`] times (`floor` the workspace's first), so
/// that a drift of the machine reaches both; each round's ratio of p50s is
/// kept. The file alone's samples of every round make the series returned.
fn alone_phase(
    plan: &generate::Plan,
    root: &Path,
    script: &[Keystroke],
    floor: &Series,
) -> (Alone, Series) {
    let first = generate::Plan {
        files: plan.files[..1].to_vec(),
        teams: 0,
        initiatives: 0,
        leaders: 0,
    };
    let mut pooled = Series::new("alone: the same keystrokes, the file by itself (in-process)");
    let mut alone = Alone::default();
    let mut workspace = floor.percentile(50.0);
    for round in 0..ALONE_ROUNDS {
        if round > 0 {
            workspace = typed_in_process(plan, root, script, None)
                .0
                .percentile(50.0);
        }
        let (by_itself, _) = typed_in_process(&first, root, script, None);
        if let (Some(w), Some(b)) = (workspace, by_itself.percentile(50.0)) {
            alone.rounds.push((w, b));
        }
        pooled.samples.extend(by_itself.samples);
    }
    (alone, pooled)
}

/// A workspace's keystroke against its first file's alone ([`alone_phase`]).
#[derive(Clone, Debug, Default)]
pub struct Alone {
    /// Per round: the p50 of the keystrokes in the workspace, and in its
    /// first file by itself.
    pub rounds: Vec<(Duration, Duration)>,
}

impl Alone {
    /// Each round's p50 in the workspace over the file alone's.
    pub fn ratios(&self) -> Vec<f64> {
        self.rounds
            .iter()
            .map(|&(w, b)| ms(w) / ms(b).max(1e-6))
            .collect()
    }

    /// The median of [`Alone::ratios`] (of an even count, the lower).
    pub fn median(&self) -> Option<f64> {
        let mut r = self.ratios();
        r.sort_by(f64::total_cmp);
        r.get(r.len().saturating_sub(1) / 2).copied()
    }

    /// The table's line.
    fn line(&self, files: usize) -> String {
        let rounds: Vec<String> = self
            .rounds
            .iter()
            .zip(self.ratios())
            .map(|(&(w, b), r)| format!("{:.3}/{:.3} = {r:.2}x", ms(w), ms(b)))
            .collect();
        format!(
            "a keystroke in {files} files against the same in the first file alone (in-process p50, alternating rounds): {}; median {} (issue 16: the same)\n",
            rounds.join(", "),
            self.median().map_or("-".into(), |m| format!("{m:.2}x")),
        )
    }
}

/// Written before each keystroke of the cold floor: twice the last-level
/// cache (32 MiB) of the machine it was set for. A virtual machine may
/// report a larger shared one (one has reported 300 MiB); there the
/// cold floor is hardly colder than the warm one (BENCHMARKS.md, "6 Dec
/// (seventeenth session)").
const COLD_BYTES: usize = 64 << 20;

/// The keystrokes of `script` typed into a workspace of `plan`, each timed
/// from the edit to its analysis (not the loading before them, nor the
/// writing of `junk`, when given, before each); and the process's CPU
/// time over the keystrokes (with the writing).
fn typed_in_process(
    plan: &generate::Plan,
    root: &Path,
    script: &[Keystroke],
    mut junk: Option<&mut Vec<u8>>,
) -> (Series, Option<Duration>) {
    let mut floor = Series::new("floor: edit_file + analysis (in-process)");
    let mut ws = Workspace::new();
    // As the server: the findings a client is shown capped.
    ws.set_max_findings_per_file(Some(orgplan_analysis::MAX_FINDINGS_SHOWN));
    let (name, text) = &plan.files[0];
    let id = ws.set_file(&file_uri(&root.join(name)), text.as_str());
    for (other, text) in &plan.files[1..] {
        ws.set_file(&file_uri(&root.join(other)), text.as_str());
    }
    ws.analysis();
    let cpu = cpu_time();
    for k in script {
        if let Some(junk) = junk.as_deref_mut() {
            // One write a cache line.
            for i in (0..junk.len()).step_by(64) {
                junk[i] = junk[i].wrapping_add(1);
            }
            std::hint::black_box(&junk);
        }
        let t = Instant::now();
        ws.edit_file(id, k.range, k.insert);
        ws.analysis();
        floor.samples.push(t.elapsed());
    }
    let cpu = cpu.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a));
    (floor, cpu)
}

/// The process's CPU time so far (user + system, from `/proc/self/stat`).
fn cpu_time() -> Option<Duration> {
    cpu_time_of("self")
}

/// The CPU time so far (user + system, all threads) of the process `pid`
/// (a number, or `self`).
fn cpu_time_of(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after.split(' ').collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // The kernel's USER_HZ is 100 on every Linux this runs on.
    Some(Duration::from_millis(ticks * 10))
}

/// The line of the first line starting with `prefix` at or after the
/// middle of `text`, and that line's start.
fn middle_line(text: &str, prefix: &str) -> (usize, usize) {
    let mid = text.len() / 2;
    let at = mid
        + text[mid..]
            .find(&format!("\n{prefix}"))
            .map_or(0, |i| i + 1);
    (text[..at].matches('\n').count(), at)
}

/// Semantic tokens of one screen, deltas after keystrokes, and the range
/// formatting of one block, on the open plan.
fn token_and_format_phase(bench: &Bench, session: &mut Session, report: &mut Report) {
    let (line, _) = middle_line(&session.text, "team ");
    let n = bench.opts.requests.max(1);
    let doc = json!({"uri": bench.uri});
    let s = &mut session.server;
    let mut range = Series::new("semantic tokens (range, 60 lines)");
    for _ in 0..n {
        let screen = json!({"start": {"line": line, "character": 0}, "end": {"line": line + 60, "character": 0}});
        let (d, r) =
            s.request::<SemanticTokensRangeRequest>(json!({"textDocument": doc, "range": screen}));
        match r {
            Some(r) if r["data"].is_array() => range.samples.push(d),
            _ => range.missing += 1,
        }
    }
    range.judge(50.0, 2.0);
    report.series.push(range);
    report
        .peaks
        .push(("semantic tokens (range)".into(), s.status("VmHWM")));
    delta_phase(bench, session, report);
    let s = &mut session.server;
    let mut ranged = Series::new("range formatting (one block)");
    for _ in 0..n {
        let block = json!({"start": {"line": line, "character": 0}, "end": {"line": line + 1, "character": 0}});
        let (d, r) = s.request::<RangeFormatting>(json!({"textDocument": doc, "range": block, "options": {"tabSize": 2, "insertSpaces": true}}),
        );
        match r {
            Some(r) if r.is_array() => ranged.samples.push(d),
            _ => ranged.missing += 1,
        }
    }
    ranged.judge(50.0, 5.0);
    report.series.push(ranged);
    report
        .peaks
        .push(("range formatting".into(), s.status("VmHWM")));
}

/// Deltas of semantic tokens: a character typed into a scope string and
/// taken out again, the diagnostics of each version awaited, then the
/// delta from the last result asked for.
fn delta_phase(bench: &Bench, session: &mut Session, report: &mut Report) {
    let uri = bench.uri.as_str();
    let doc = json!({"uri": uri});
    let mut delta = Series::new("semantic tokens (delta after a keystroke)");
    let (_, whole) = session
        .server
        .request::<SemanticTokensFullRequest>(json!({"textDocument": doc}));
    let mut previous = whole.and_then(|r| r["resultId"].as_str().map(str::to_string));
    let (_, at) = middle_line(&session.text, "  scope: \"");
    let at = at + "  scope: \"".len();
    for k in 0..bench.opts.requests.max(1) {
        let Some(id) = previous.take() else {
            delta.missing += 1;
            break;
        };
        let stroke = if k % 2 == 0 {
            Keystroke {
                range: TextRange::empty(at),
                insert: "x",
            }
        } else {
            Keystroke {
                range: TextRange::new(at, at + 1),
                insert: "",
            }
        };
        session.version += 1;
        let edit = json!({"start": position(&session.text, stroke.range.start()), "end": position(&session.text, stroke.range.end())});
        apply(&mut session.text, &stroke);
        let s = &mut session.server;
        s.notify::<DidChangeTextDocument>(json!({"textDocument": {"uri": uri, "version": session.version}, "contentChanges": [{"range": edit, "text": stroke.insert}]}),
        );
        let v = session.version;
        s.wait_for(|m| is_publish_for(uri, m) && m["params"]["version"].as_i64() == Some(v));
        let (d, r) = s.request::<SemanticTokensFullDeltaRequest>(
            json!({"textDocument": doc, "previousResultId": id}),
        );
        match r {
            Some(r) if r["edits"].is_array() => {
                delta.samples.push(d);
                previous = r["resultId"].as_str().map(str::to_string);
            }
            _ => delta.missing += 1,
        }
    }
    delta.judge(50.0, 5.0);
    report.series.push(delta);
    report.peaks.push((
        "semantic tokens (delta)".into(),
        session.server.status("VmHWM"),
    ));
}

/// Formatting a whole plan that parses (the run's plan has syntax errors
/// unless `--no-syntax-errors`, and a plan with errors is not formatted),
/// in a server of its own: opened unformatted, formatted again and again.
/// The plan is the size of one file of the run (a tenth of the lines with
/// `--files 10`): formatting is asked of one file.
fn clean_formatting_phase(bench: &Bench, report: &mut Report) -> Result<(), String> {
    let opts = bench.opts;
    let plan = generate::generate(&GenOptions {
        lines: opts.lines / opts.files.max(1),
        files: 1,
        seed: opts.seed,
        syntax_errors: false,
        violations: opts.violations,
    });
    let text = &plan.files[0].1;
    let (mut s, uri) = open_alone(bench, "clean.orgplan", text)?;
    let before = s.status("VmHWM");
    let mut series = Series::new("formatting a plan without syntax errors");
    for _ in 0..opts.requests.div_ceil(5).max(1) {
        let (d, r) = s.request::<Formatting>(
            json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
        );
        match r {
            Some(Value::Array(edits)) if !edits.is_empty() => series.samples.push(d),
            _ => series.missing += 1,
        }
    }
    series.judge(50.0, 50.0);
    report.series.push(series);
    report.clean_format_peaks = (before, s.status("VmHWM"));
    s.shutdown();
    formatted_plan_phase(bench, text, report)
}

/// A server of its own with `text` open as `name` (outside any workspace
/// folder), its diagnostics received; and the document's URI.
fn open_alone(bench: &Bench, name: &str, text: &str) -> Result<(Server, String), String> {
    let (mut s, _) = bench.start(bench.empty)?;
    let uri = file_uri(&bench.empty.join(name));
    s.notify::<DidOpenTextDocument>(
        json!({"textDocument": {"uri": uri, "languageId": "orgplan", "version": 1, "text": text}}),
    );
    s.wait_for(|m| is_publish_for(&uri, m));
    s.drain(Duration::from_millis(300));
    Ok((s, uri))
}

/// Format on save, in its steady state: the plan already in its canonical
/// layout, a space typed at the end of a line (which formatting removes)
/// before each request for the whole plan.
fn formatted_plan_phase(bench: &Bench, plan: &str, report: &mut Report) -> Result<(), String> {
    let opts = bench.opts;
    let mut text = orgplan_analysis::format::format(plan);
    let (mut s, uri) = open_alone(bench, "formatted.orgplan", &text)?;
    // Line ends spread over the plan, a different one each time.
    let ends: Vec<usize> = text.match_indices("}\n").map(|(i, _)| i + 1).collect();
    let n = opts.requests.div_ceil(5).max(2);
    let mut series = Series::new("formatting a formatted plan after a keystroke");
    for k in 0..n {
        let Some(&at) = ends.get((k * 7919) % ends.len().max(1)) else {
            break;
        };
        let pos = position(&text, at);
        s.notify::<DidChangeTextDocument>(json!({
            "textDocument": {"uri": uri, "version": 2 * k as i64 + 2},
            "contentChanges": [{"range": {"start": pos, "end": pos}, "text": " "}]
        }));
        text.insert(at, ' ');
        let (d, r) = s.request::<Formatting>(
            json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
        );
        // The editor applies the answer: the space goes, and the plan is in
        // its canonical layout again (so the places in `ends` stay right).
        let after = position(&text, at + 1);
        s.notify::<DidChangeTextDocument>(json!({
            "textDocument": {"uri": uri, "version": 2 * k as i64 + 3},
            "contentChanges": [{"range": {"start": pos, "end": after}, "text": ""}]
        }));
        text.remove(at);
        match r {
            // The first request reads the plan whole; the others are
            // the steady state.
            Some(Value::Array(edits)) if !edits.is_empty() && k > 0 => series.samples.push(d),
            Some(Value::Array(edits)) if !edits.is_empty() => {}
            _ => series.missing += 1,
        }
    }
    series.judge(50.0, 50.0);
    report.series.push(series);
    s.shutdown();
    Ok(())
}

fn fmt_ms(d: Option<Duration>) -> String {
    d.map_or("-".into(), |d| format!("{:.2}", ms(d)))
}

fn fmt_mb(b: Option<u64>) -> String {
    b.map_or("-".into(), |b| format!("{:.1} MB", b as f64 / 1e6))
}

impl Report {
    /// The in-process floor measured in the same run (edit + analysis).
    fn floor(&self) -> Option<&Series> {
        self.series.iter().find(|s| s.name.starts_with("floor"))
    }

    /// `s`'s percentile `p` as a multiple of the floor's: what the server
    /// costs beyond the analysis, robust to the machine's drift (both are
    /// measured in the same run).
    fn ratio(&self, s: &Series, p: f64) -> Option<f64> {
        let floor = self.floor()?.percentile(p)?;
        Some(ms(s.percentile(p)?) / ms(floor).max(1e-6))
    }

    /// VmHWM after each phase, and in the server that formats a plan.
    fn phase_peaks(&self) -> String {
        let phases: Vec<String> = self
            .peaks
            .iter()
            .map(|(name, b)| format!("{name} {}", fmt_mb(*b)))
            .collect();
        format!(
            "VmHWM after each phase: {}\nVmHWM of a server formatting a plan without syntax errors: {} after opening it, {} after formatting it\n",
            phases.join(", "),
            fmt_mb(self.clean_format_peaks.0),
            fmt_mb(self.clean_format_peaks.1)
        )
    }

    /// A plain-text table.
    pub fn table(&self) -> String {
        let mut out = format!(
            "plan: {} lines, {} bytes, {} file(s)\n\n{:<42} {:>5} {:>5} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8}  target\n",
            self.lines,
            self.bytes,
            self.files,
            "operation (ms)",
            "n",
            "miss",
            "min",
            "p50",
            "p95",
            "p99",
            "max",
            "p50/fl",
            "p99/fl"
        );
        let x = |r: Option<f64>| r.map_or("-".into(), |r| format!("{r:.1}x"));
        for s in &self.series {
            let min = s.samples.iter().min().copied();
            out.push_str(&format!(
                "{:<42} {:>5} {:>5} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8}  {}\n",
                s.name,
                s.samples.len(),
                s.missing,
                fmt_ms(min),
                fmt_ms(s.percentile(50.0)),
                fmt_ms(s.percentile(95.0)),
                fmt_ms(s.percentile(99.0)),
                fmt_ms(s.percentile(100.0)),
                x(self.ratio(s, 50.0)),
                x(self.ratio(s, 99.0)),
                s.target.as_ref().map_or(String::new(), |(t, met)| format!(
                    "{t}: {}",
                    verdict(Some(*met))
                )),
            ));
        }
        out.push_str(
            "(p50/fl, p99/fl: the figure divided by the in-process floor's of the same run)\n",
        );
        if let Some(alone) = &self.alone {
            out.push_str(&alone.line(self.files));
        }
        let per_byte = |b: Option<u64>| b.map(|p| p as f64 / self.bytes.max(1) as f64);
        let end = per_byte(self.peak_rss_end);
        out.push_str(&format!(
            "\npeak RSS at the end of the run (VmHWM): {} = {} bytes per byte of source (target ≤ 20: {})\n",
            fmt_mb(self.peak_rss_end),
            end.map_or("-".into(), |x| format!("{x:.1}")),
            verdict(end.map(|x| x <= 20.0)),
        ));
        out.push_str(&format!(
            "peak RSS after load and opening (VmHWM): {} = {} bytes per byte of source\n",
            fmt_mb(self.peak_rss),
            per_byte(self.peak_rss).map_or("-".into(), |x| format!("{x:.1}")),
        ));
        out.push_str(&self.phase_peaks());
        out.push_str(&format!(
            "idle RSS (VmRSS), empty workspace: {} (target ≤ 15 MB: {})\n",
            fmt_mb(self.idle_rss_empty),
            verdict(self.idle_rss_empty.map(|b| b <= 15_000_000)),
        ));
        out.push_str(&format!(
            "idle RSS (VmRSS), plan loaded: {}\n",
            fmt_mb(self.idle_rss_loaded)
        ));
        out
    }

    /// Machine-readable output.
    pub fn json(&self) -> Value {
        let d = |d: Option<Duration>| d.map(ms);
        json!({
            "lines": self.lines,
            "bytes": self.bytes,
            "files": self.files,
            "peak_rss_bytes": self.peak_rss,
            "peak_rss_end_bytes": self.peak_rss_end,
            "clean_format_peak_rss_bytes": [self.clean_format_peaks.0, self.clean_format_peaks.1],
            "peak_rss_after": self.peaks.iter().map(|(n, b)| json!({"phase": n, "bytes": b})).collect::<Vec<_>>(),
            "idle_rss_empty_bytes": self.idle_rss_empty,
            "idle_rss_loaded_bytes": self.idle_rss_loaded,
            "alone": self.alone.as_ref().map(|a| json!({
                "rounds_p50_ms": a.rounds.iter().map(|&(w, b)| [ms(w), ms(b)]).collect::<Vec<_>>(),
                "ratios": a.ratios(),
                "median_ratio": a.median(),
            })),
            "series": self.series.iter().map(|s| json!({
                "name": s.name,
                "n": s.samples.len(),
                "missing": s.missing,
                "min_ms": d(s.samples.iter().min().copied()),
                "p50_ms": d(s.percentile(50.0)),
                "p95_ms": d(s.percentile(95.0)),
                "p99_ms": d(s.percentile(99.0)),
                "max_ms": d(s.percentile(100.0)),
                "p50_over_floor": self.ratio(s, 50.0),
                "p99_over_floor": self.ratio(s, 99.0),
                "target": s.target.as_ref().map(|(t, _)| t.clone()),
                "met": s.target.as_ref().map(|(_, m)| *m),
            })).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The drafting phase names its slowest keystrokes, slowest first, with
    /// what each typed.
    #[test]
    fn the_slowest_keystrokes_are_named_slowest_first() {
        let at = TextRange::empty(0);
        let script = [
            Keystroke {
                range: at,
                insert: "a",
            },
            Keystroke {
                range: at,
                insert: "\n",
            },
            Keystroke {
                range: at,
                insert: "b",
            },
            Keystroke {
                range: at,
                insert: "c",
            },
        ];
        let ms = |n: u64| Duration::from_millis(n);
        let timed = vec![(0, ms(2)), (1, ms(9)), (2, ms(1)), (3, ms(4))];
        assert_eq!(
            super::slowest(&script, timed),
            r#"#1 "\n" 9.0 ms, #3 "c" 4.0 ms, #0 "a" 2.0 ms"#
        );
    }

    /// References and rename reach every file: a workspace of several is
    /// held to issue 16's 50 ms, one file to 20 ms; the other requests keep
    /// their limits, but the overview of several files is not judged.
    #[test]
    fn requests_across_files_are_judged_by_the_workspace_target() {
        let case = |files: usize, name: &str| {
            super::request_cases("file:///p.orgplan", "team a \"A\" { }\n", false, files)
                .into_iter()
                .find(|c| c.name == name)
        };
        let limit = |files: usize, name: &str| case(files, name).map(|c| c.limit);
        for name in ["references", "rename"] {
            assert_eq!(limit(1, name), Some(20.0), "{name}");
            assert_eq!(limit(10, name), Some(50.0), "{name}");
        }
        assert_eq!(limit(10, "prepareRename"), Some(20.0));
        assert_eq!(limit(10, "hover"), Some(5.0));
        // The overview pictures every file: judged in one file only.
        let judged = |files: usize, name: &str| case(files, name).map(|c| c.p > 0.0);
        assert_eq!(judged(1, "graph: overview (SVG)"), Some(true));
        assert_eq!(judged(10, "graph: overview (SVG)"), Some(false));
        assert_eq!(
            judged(10, "graph: one initiative, depth 2 (SVG)"),
            Some(true)
        );
    }

    /// The workspace against its first file alone: each round's ratio, the
    /// median of the rounds (not of the pooled samples), and the table's
    /// line, shown only for a run of several files.
    #[test]
    fn a_workspace_keystroke_is_judged_against_its_file_alone_round_by_round() {
        let us = |n: u64| Duration::from_micros(n);
        let alone = super::Alone {
            rounds: vec![(us(900), us(450)), (us(300), us(250)), (us(2_000), us(500))],
        };
        let r = alone.ratios();
        assert_eq!(r.len(), 3);
        assert!(
            (r[0] - 2.0).abs() < 1e-9 && (r[1] - 1.2).abs() < 1e-9 && (r[2] - 4.0).abs() < 1e-9
        );
        assert_eq!(alone.median(), Some(2.0));
        assert_eq!(super::Alone::default().median(), None);
        let report = Report {
            files: 10,
            alone: Some(alone),
            ..Report::default()
        };
        let table = report.table();
        assert!(
            table.contains("in 10 files against the same in the first file alone (in-process p50, alternating rounds): 0.900/0.450 = 2.00x, 0.300/0.250 = 1.20x, 2.000/0.500 = 4.00x; median 2.00x"),
            "{table}"
        );
        assert_eq!(
            report.json()["alone"]["median_ratio"],
            serde_json::json!(2.0)
        );
        assert!(!Report::default().table().contains("first file alone"));
    }

    /// A run of the floor alone measures no server: its table says so of
    /// the memory targets instead of calling them missed.
    #[test]
    fn a_floor_only_table_misses_no_target_it_did_not_measure() {
        let table = Report::default().table();
        assert!(!table.contains("MISSED"), "{table}");
        assert!(table.contains("(target ≤ 20: not measured)"), "{table}");
        let measured = Report {
            bytes: 1_000,
            peak_rss_end: Some(30_000),
            idle_rss_empty: Some(10_000_000),
            ..Report::default()
        }
        .table();
        assert!(measured.contains("(target ≤ 20: MISSED)"), "{measured}");
        assert!(measured.contains("(target ≤ 15 MB: met)"), "{measured}");
    }
}

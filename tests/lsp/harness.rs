//! A language-server client for tests: speaks JSON-RPC with
//! `Content-Length` framing to the server and answers the server's own
//! requests (configuration, registration, progress).
//!
//! The server runs in process by default, its session served over
//! in-memory pipes (`orgplan_lsp::fuzzing::in_process`). A test of what
//! the process itself does (its environment, stderr, exit status) sets
//! [`Init::process`] and drives the real `orgplan` binary over its
//! stdin/stdout; it must be built first: `cargo build -p orgplan` (or point
//! `ORGPLAN_BIN` at one).

use orgplan_test_client as wire;
use orgplan_test_client::lsp_types::notification::{
    DidOpenTextDocument, Exit, Initialized, Notification, PublishDiagnostics,
};
use orgplan_test_client::lsp_types::request::{Initialize, Request, Shutdown};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub const TIMEOUT: Duration = Duration::from_secs(20);

/// The `orgplan` binary under test (`$ORGPLAN_BIN`, or the debug build).
pub fn binary() -> PathBuf {
    orgplan_e2e::orgplan_bin()
}

/// Writes `files` (path → text) under a new temporary folder.
pub fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

pub fn file_uri(path: &Path) -> String {
    let mut s = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                s.push(b as char)
            }
            _ => s.push_str(&format!("%{b:02X}")),
        }
    }
    s
}

/// Options for the `initialize` request.
pub struct Init {
    pub root: Option<PathBuf>,
    /// The workspace folder's URI as the client spells it (default: the
    /// file URI of `root`, as [`file_uri`] writes it).
    pub root_uri: Option<String>,
    pub encodings: Vec<&'static str>,
    pub settings: Value,
    /// `initializationOptions`.
    pub init_options: Value,
    pub dynamic_watch: bool,
    pub progress: bool,
    pub env: Vec<(&'static str, &'static str)>,
    /// `textDocument.publishDiagnostics.relatedInformation`.
    pub related_information: bool,
    /// `textDocument.completion.completionItem.snippetSupport`.
    pub snippets: bool,
    /// Changes to the client capabilities: each JSON pointer set to its
    /// value (`null` takes the capability away).
    pub caps: Vec<(&'static str, Value)>,
    /// Drive the `orgplan` binary over stdio rather than the server in
    /// process (also when `env` is set: the environment is the process's).
    pub process: bool,
    /// The test-only requests and switches (in process only: the binary
    /// has none).
    pub hooks: orgplan_lsp::fuzzing::TestHooks,
}

/// The test-only requests on (in process).
pub fn hooks() -> orgplan_lsp::fuzzing::TestHooks {
    orgplan_lsp::fuzzing::TestHooks {
        requests: true,
        hold_load: false,
    }
}

impl Default for Init {
    fn default() -> Self {
        Init {
            root: None,
            root_uri: None,
            encodings: vec!["utf-16"],
            settings: Value::Null,
            init_options: Value::Null,
            dynamic_watch: true,
            progress: true,
            env: Vec::new(),
            related_information: true,
            snippets: true,
            caps: Vec::new(),
            process: false,
            hooks: Default::default(),
        }
    }
}

/// What serves the session: the binary, or the server in process.
enum Server {
    Process(Child),
    InProcess(Option<JoinHandle<i32>>),
}

pub struct Client {
    server: Server,
    stdin: Option<Box<dyn Write + Send>>,
    rx: Receiver<wire::Incoming>,
    next_id: i64,
    /// Every notification the server sent, in order.
    pub notifications: Vec<Value>,
    /// Every request the server sent, in order.
    pub server_requests: Vec<Value>,
    /// Responses read while waiting for another one.
    responses: std::collections::HashMap<i64, Value>,
    pub settings: Arc<Mutex<Value>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    pub root_uri: Option<String>,
    pub initialize_result: Value,
}

impl Client {
    pub fn spawn(init: Init) -> Client {
        let hooked = init.hooks.requests || init.hooks.hold_load;
        let (server, conn) = if init.process || !init.env.is_empty() {
            assert!(!hooked, "the test hooks are only in process");
            let mut cmd = Command::new(binary());
            cmd.arg("lsp").envs(init.env.iter().copied());
            let mut conn = wire::Connection::spawn(cmd).expect("spawn orgplan lsp");
            (Server::Process(conn.child.take().unwrap()), conn)
        } else {
            let s = orgplan_lsp::fuzzing::in_process_with(init.hooks);
            let conn = wire::Connection::over(s.input, s.output);
            (Server::InProcess(Some(s.session)), conn)
        };
        let stdin = Some(conn.input);
        let root_uri = init
            .root_uri
            .clone()
            .or_else(|| init.root.as_ref().map(|r| file_uri(r)));
        let mut c = Client {
            server,
            stdin,
            rx: conn.incoming,
            next_id: 1,
            notifications: Vec::new(),
            server_requests: Vec::new(),
            responses: std::collections::HashMap::new(),
            settings: Arc::new(Mutex::new(init.settings.clone())),
            stderr: conn.stderr,
            root_uri: root_uri.clone(),
            initialize_result: Value::Null,
        };
        let folders = match &root_uri {
            Some(u) => json!([{ "uri": u, "name": "root" }]),
            None => Value::Null,
        };
        let mut capabilities = json!({
            "general": { "positionEncodings": init.encodings },
            "window": { "workDoneProgress": init.progress },
            "workspace": {
                "applyEdit": true,
                "configuration": true,
                "didChangeConfiguration": { "dynamicRegistration": false },
                "didChangeWatchedFiles": { "dynamicRegistration": init.dynamic_watch },
                "workspaceFolders": true,
                "inlayHint": { "refreshSupport": true },
                "codeLens": { "refreshSupport": true }
            },
            "experimental": { "commands": { "commands": [
                "orgplan.explainRule", "orgplan.showChecklist", "orgplan.showReferences"
            ] } },
            "textDocument": {
                "hover": { "contentFormat": ["markdown", "plaintext"] },
                "completion": { "completionItem": {
                    "snippetSupport": init.snippets,
                    "labelDetailsSupport": true,
                    "documentationFormat": ["markdown", "plaintext"]
                }, "completionItemKind": { "valueSet": (1..=25).collect::<Vec<u32>>() } },
                "codeAction": {
                    "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix"] } },
                    "isPreferredSupport": true
                },
                "documentSymbol": {
                    "hierarchicalDocumentSymbolSupport": true,
                    "symbolKind": { "valueSet": (1..=26).collect::<Vec<u32>>() }
                },
                "rename": { "prepareSupport": true },
                "publishDiagnostics": { "relatedInformation": init.related_information, "versionSupport": true }
            }
        });
        for (pointer, value) in &init.caps {
            set_pointer(&mut capabilities, pointer, value.clone());
        }
        let result = c
            .request_as::<Initialize>(json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": folders,
                "initializationOptions": init.init_options,
                "capabilities": capabilities,
            }))
            .expect("initialize succeeds");
        c.initialize_result = result;
        c.notify_as::<Initialized>(json!({}));
        c
    }

    pub fn send(&mut self, msg: &Value) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(&wire::frame_json(msg)).unwrap();
        stdin.flush().unwrap();
    }

    /// Sends the request `R` and waits for its answer, read into its
    /// result type (or the error object).
    pub fn req<R: Request>(&mut self, params: R::Params) -> Result<R::Result, Value> {
        let id = self.send_req::<R>(params);
        self.resp::<R>(id)
    }

    /// Sends the request `R` without waiting; returns its id.
    pub fn send_req<R: Request>(&mut self, params: R::Params) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&wire::request::<R>(id, params));
        id
    }

    /// The answer to the request `R` sent with `id`.
    pub fn resp<R: Request>(&mut self, id: i64) -> Result<R::Result, Value> {
        let answer = match self.response(id) {
            Ok(result) => json!({ "result": result }),
            Err(error) => json!({ "error": error }),
        };
        wire::result::<R>(&answer)
    }

    /// Sends the notification `N`.
    pub fn note<N: Notification>(&mut self, params: N::Params) {
        self.send(&wire::notification::<N>(params));
    }

    /// Sends the request `R`, its params written as JSON (they must read as
    /// `R::Params`), and waits for its answer: the result as JSON once it
    /// has read as `R::Result` (for snapshots of what the server wrote), or
    /// the error object.
    pub fn request_as<R: Request>(&mut self, params: Value) -> Result<Value, Value> {
        let id = self.send_request_as::<R>(params);
        let answer = self.response(id);
        if let Ok(result) = &answer {
            let _ = wire::result::<R>(&json!({ "result": result }));
        }
        answer
    }

    /// Sends the request `R` (params as JSON) without waiting; returns its id.
    pub fn send_request_as<R: Request>(&mut self, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&wire::request_json::<R>(id, params));
        id
    }

    /// Sends the notification `N`, its params written as JSON (they must
    /// read as `N::Params`).
    pub fn notify_as<N: Notification>(&mut self, params: Value) {
        self.send(&wire::notification_json::<N>(params));
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// Sends a request by its method's name and waits for its response:
    /// `Ok(result)` or `Err(error)`. Only for what no typed request can
    /// send: a method no server defines, params that are no `R::Params`.
    pub fn request_unchecked(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.response(id)
    }

    pub fn response(&mut self, id: i64) -> Result<Value, Value> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(msg) = self.responses.remove(&id) {
                return match msg.get("error") {
                    Some(e) => Err(e.clone()),
                    None => Ok(msg["result"].clone()),
                };
            }
            if self.next_message(deadline).is_none() {
                panic!("no response to request {id}; stderr:\n{}", self.stderr())
            }
        }
    }

    /// Whether the response to request `id` has arrived (reading what is
    /// there to read, without waiting).
    pub fn has_response(&mut self, id: i64) -> bool {
        while self.next_message(Instant::now()).is_some() {}
        self.responses.contains_key(&id)
    }

    /// The next message, answering the server's requests and recording its
    /// notifications and the responses to the client's requests on the
    /// way (a response read while waiting for something else is kept for
    /// [`Self::response`]); returns every message it reads.
    fn next_message(&mut self, deadline: Instant) -> Option<Value> {
        let now = Instant::now();
        let wait = deadline.saturating_duration_since(now);
        // A server that writes anything but well-formed frames of JSON
        // fails the test.
        let msg = match self.rx.recv_timeout(wait) {
            Ok(wire::Incoming::Msg(m)) => m,
            Ok(wire::Incoming::Garbage(g)) => panic!("the server wrote no LSP frame: {g}"),
            Ok(wire::Incoming::Eof) | Err(_) => return None,
        };
        if msg.get("method").is_some_and(Value::is_string) {
            if msg.get("id").is_some() {
                self.server_requests.push(msg.clone());
                let settings = self.settings.lock().unwrap().clone();
                self.send(&wire::answer_server_request(&msg, &settings));
            } else {
                self.notifications.push(msg.clone());
            }
        } else if let Some(n) = msg["id"].as_i64() {
            self.responses.insert(n, msg.clone());
        }
        Some(msg)
    }

    /// Reads messages until `pred` holds for the recorded notifications.
    pub fn wait_until(&mut self, what: &str, mut pred: impl FnMut(&[Value]) -> bool) {
        let deadline = Instant::now() + TIMEOUT;
        while !pred(&self.notifications) {
            if self.next_message(deadline).is_none() {
                panic!(
                    "timed out waiting for {what}; notifications: {:#?}\nstderr:\n{}",
                    self.notifications,
                    self.stderr()
                );
            }
        }
    }

    /// Reads whatever arrives within `d`.
    pub fn drain(&mut self, d: Duration) {
        let deadline = Instant::now() + d;
        while self.next_message(deadline).is_some() {}
    }

    /// The diagnostics last published for `uri`, if any.
    pub fn diagnostics(&self, uri: &str) -> Option<Value> {
        self.publications(uri).last().cloned()
    }

    /// Every `publishDiagnostics` for `uri`, in order.
    pub fn publications(&self, uri: &str) -> Vec<Value> {
        self.notifications
            .iter()
            .filter(|n| wire::is::<PublishDiagnostics>(n) && n["params"]["uri"] == uri)
            .map(|n| n["params"].clone())
            .collect()
    }

    /// Waits until diagnostics for `uri` were published and satisfy `pred`.
    pub fn wait_diagnostics(&mut self, uri: &str, mut pred: impl FnMut(&Value) -> bool) -> Value {
        let u = uri.to_string();
        self.wait_until(&format!("diagnostics for {uri}"), |ns| {
            ns.iter()
                .rev()
                .find(|n| wire::is::<PublishDiagnostics>(n) && n["params"]["uri"] == u.as_str())
                .is_some_and(|n| pred(&n["params"]))
        });
        self.diagnostics(uri).unwrap()
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify_as::<DidOpenTextDocument>(
            json!({ "textDocument": { "uri": uri, "languageId": "orgplan", "version": 1, "text": text } }),
        );
    }

    pub fn uri(&self, rel: &str) -> String {
        format!(
            "{}/{}",
            self.root_uri.as_ref().expect("a workspace root"),
            rel
        )
    }

    /// The server's copy of the text of `uri` (a test hook:
    /// [`Init::hooks`] must have `requests` on).
    pub fn text(&mut self, uri: &str) -> String {
        let params = wire::ext::TextParams {
            uri: uri.parse().expect("a URI"),
        };
        self.req::<wire::ext::TestText>(params)
            .expect("the text")
            .unwrap_or_else(|| panic!("no document {uri}"))
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// Sends `shutdown` then `exit`; returns the exit code.
    pub fn shutdown(mut self) -> i32 {
        let r = self.request_as::<Shutdown>(Value::Null);
        assert_eq!(r, Ok(Value::Null));
        self.exit()
    }

    /// Sends `exit` (closing stdin after it); returns the exit code.
    pub fn exit(mut self) -> i32 {
        self.note::<Exit>(());
        self.stdin.take();
        self.wait_exit()
    }

    pub fn wait_exit(mut self) -> i32 {
        self.stdin.take();
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let code = match &mut self.server {
                Server::Process(child) => child.try_wait().unwrap().map(|s| s.code().unwrap_or(-1)),
                Server::InProcess(session) => session
                    .take_if(|s| s.is_finished())
                    .map(|s| s.join().expect("the session ends without a panic")),
            };
            if let Some(code) = code {
                return code;
            }
            if Instant::now() > deadline {
                panic!("the server did not exit; stderr:\n{}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // In process, the end of the input ends the session.
        if let Server::Process(child) = &mut self.server {
            if let Ok(None) = child.try_wait() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

/// Sets the value at a JSON `pointer` (creating objects on the way);
/// `null` removes it.
pub fn set_pointer(v: &mut Value, pointer: &str, value: Value) {
    let mut parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    let last = parts.pop().expect("a pointer");
    let mut at = v;
    for p in parts {
        if !at[p].is_object() {
            at[p] = json!({});
        }
        at = &mut at[p];
    }
    let obj = at.as_object_mut().expect("an object");
    if value.is_null() {
        obj.remove(last);
    } else {
        obj.insert(last.to_string(), value);
    }
}

/// Replaces the workspace's URI (and path) by stable placeholders, for snapshots.
pub fn redact(v: &Value, root: &Path) -> Value {
    let uri = file_uri(root);
    let path = root.to_string_lossy().into_owned();
    let canon = std::fs::canonicalize(root)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| path.clone());
    let canon_uri = file_uri(Path::new(&canon));
    match v {
        Value::String(s) => Value::String(
            s.replace(&canon_uri, "file:///WORKSPACE")
                .replace(&uri, "file:///WORKSPACE")
                .replace(&canon, "/WORKSPACE")
                .replace(&path, "/WORKSPACE"),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|x| redact(x, root)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| {
                    let k = k
                        .replace(&canon_uri, "file:///WORKSPACE")
                        .replace(&uri, "file:///WORKSPACE");
                    (k, redact(x, root))
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `(line, character)` of the `$0` marker in `text`, and the text without it.
pub fn cursor(text: &str) -> (String, Value) {
    let at = text.find("$0").expect("a $0 marker");
    let before = &text[..at];
    let line = before.matches('\n').count();
    let col: usize = before.rsplit('\n').next().unwrap().encode_utf16().count();
    (
        text.replacen("$0", "", 1),
        json!({ "line": line, "character": col }),
    )
}

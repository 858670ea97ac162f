//! What every LSP client of the project's tests and benchmark shares: the
//! wire (`Content-Length` framing, read leniently so that a test can see
//! what a broken server wrote) and typed messages (requests and
//! notifications named by their `lsp_types` type, results read back into
//! its result type), so that no test spells a method name or a result's
//! shape by hand.
//!
//! The clients themselves (`tests/lsp`'s harness, `tests/robustness`'s raw
//! client, the benchmark's server handle) differ in what they keep of a
//! session; they read and write through this crate, and the tests' two
//! reach their server through one [`Connection`].

use lsp_types::notification::Notification;
use lsp_types::request::Request;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};

pub use lsp_types;

/// One message as a frame: `Content-Length`, a blank line, the body.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// A JSON message as a frame.
pub fn frame_json(msg: &Value) -> Vec<u8> {
    frame(&serde_json::to_vec(msg).expect("JSON values serialise"))
}

/// What one read of the server's output found.
#[derive(Debug)]
pub enum Incoming {
    Msg(Value),
    /// What no well-behaved server writes: a header line without a colon,
    /// a frame without `Content-Length`, a body that is not JSON.
    Garbage(String),
    /// The end of the output (or of a frame cut short).
    Eof,
}

/// Reads the next frame. A bad header line is reported and reading goes
/// on with the frame; a frame without a length or with a body that is not
/// JSON is reported in its place.
pub fn read(r: &mut impl BufRead) -> Incoming {
    let mut len: Option<usize> = None;
    let mut line = String::new();
    loop {
        line.clear();
        match r.read_line(&mut line) {
            Ok(0) | Err(_) => return Incoming::Eof,
            Ok(_) => {}
        }
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            break;
        }
        match l.split_once(':') {
            Some((k, v)) if k.eq_ignore_ascii_case("content-length") => len = v.trim().parse().ok(),
            Some(_) => {}
            None => return Incoming::Garbage(format!("header line {l:?}")),
        }
    }
    let Some(len) = len else {
        return Incoming::Garbage("a frame without Content-Length".into());
    };
    let mut body = vec![0u8; len];
    if r.read_exact(&mut body).is_err() {
        return Incoming::Eof;
    }
    match serde_json::from_slice(&body) {
        Ok(v) => Incoming::Msg(v),
        Err(e) => Incoming::Garbage(format!("{e}: {}", String::from_utf8_lossy(&body))),
    }
}

/// A language server as its client holds it: where to write, the frames
/// it writes (read on a thread of their own, in order, ending with
/// [`Incoming::Eof`]), what it wrote to stderr (its last 64 KiB) and its
/// process, if it has one.
pub struct Connection {
    pub input: Box<dyn Write + Send>,
    pub incoming: Receiver<Incoming>,
    pub stderr: Arc<Mutex<Vec<u8>>>,
    pub child: Option<Child>,
}

impl Connection {
    /// Starts `command` (a server over stdio) with its stdin, stdout and
    /// stderr piped.
    pub fn spawn(mut command: Command) -> std::io::Result<Connection> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = stderr.clone();
        let mut pipe = child.stderr.take().expect("piped stderr");
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n @ 1..) = pipe.read(&mut buf) {
                let mut s = sink.lock().unwrap_or_else(|e| e.into_inner());
                s.extend_from_slice(&buf[..n]);
                if s.len() > 1 << 17 {
                    let cut = s.len() - (1 << 16);
                    s.drain(..cut);
                }
            }
        });
        let mut c = Connection::over(Box::new(stdin), Box::new(stdout));
        c.stderr = stderr;
        c.child = Some(child);
        Ok(c)
    }

    /// A server reached over `input` and `output` (one in process).
    pub fn over(input: Box<dyn Write + Send>, output: Box<dyn Read + Send>) -> Connection {
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(output);
            loop {
                let got = read(&mut r);
                let end = matches!(got, Incoming::Eof);
                if tx.send(got).is_err() || end {
                    return;
                }
            }
        });
        Connection {
            input,
            incoming,
            stderr: Arc::default(),
            child: None,
        }
    }

    /// What the server wrote to stderr, as text.
    pub fn stderr(&self) -> String {
        let s = self.stderr.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&s).into_owned()
    }
}

/// The request `R` with `id` and `params`.
pub fn request<R: Request>(id: i64, params: R::Params) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "method": R::METHOD, "params": params })
}

/// The notification `N` with `params`.
pub fn notification<N: Notification>(params: N::Params) -> Value {
    json!({ "jsonrpc": "2.0", "method": N::METHOD, "params": params })
}

/// Panics, naming the method, when `params` (written as JSON) are no `P`:
/// a test's mistake fails where it is made, not as the server's "invalid
/// params".
fn check_params<P: serde::de::DeserializeOwned>(method: &str, params: &Value) {
    if let Err(e) = serde_json::from_value::<P>(params.clone()) {
        panic!(
            "the params of {method} are no {}: {e}\n{params:#}",
            std::any::type_name::<P>()
        );
    }
}

/// The request `R` with `id` and `params` written as JSON, which must read
/// as `R::Params`.
pub fn request_json<R: Request>(id: i64, params: Value) -> Value {
    check_params::<R::Params>(R::METHOD, &params);
    json!({ "jsonrpc": "2.0", "id": id, "method": R::METHOD, "params": params })
}

/// The notification `N` with `params` written as JSON, which must read as
/// `N::Params`.
pub fn notification_json<N: Notification>(params: Value) -> Value {
    check_params::<N::Params>(N::METHOD, &params);
    json!({ "jsonrpc": "2.0", "method": N::METHOD, "params": params })
}

/// orgplan's own requests, typed as `lsp_types`' are.
pub mod ext {
    use lsp_types::request::Request;
    use serde_json::Value;

    /// `orgplan/graph`: the graph of a plan (SVG or DOT), whole or around
    /// one entity.
    pub enum Graph {}

    impl Request for Graph {
        type Params = Value;
        type Result = Value;
        const METHOD: &'static str = "orgplan/graph";
    }

    /// `orgplan/checklist`: the checklist of the initiative at a place.
    pub enum Checklist {}

    impl Request for Checklist {
        type Params = Value;
        type Result = Value;
        const METHOD: &'static str = "orgplan/checklist";
    }

    /// Declares a test-only request: answered only by a session in
    /// process with its test hooks on (`orgplan_lsp::TestHooks`), never by
    /// `orgplan lsp`.
    macro_rules! test_request {
        ($(#[$doc:meta])* $name:ident, $method:literal, $params:ty, $result:ty) => {
            $(#[$doc])*
            pub enum $name {}

            impl Request for $name {
                type Params = $params;
                type Result = $result;
                const METHOD: &'static str = $method;
            }
        };
    }

    /// The params of `orgplan/test/text`: the document asked for.
    #[derive(serde::Serialize, serde::Deserialize)]
    pub struct TextParams {
        pub uri: lsp_types::Uri,
    }

    /// The params of `orgplan/test/slow`: the document it works on.
    #[derive(serde::Serialize, serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct SlowParams {
        pub text_document: lsp_types::TextDocumentIdentifier,
    }

    test_request!(
        /// A handler that panics: the session must answer an internal
        /// error and live on.
        TestPanic, "orgplan/test/panic", Value, Value
    );
    test_request!(
        /// The server's copy of a document's text (checked against its
        /// analysis on the way).
        TestText, "orgplan/test/text", TextParams, Option<String>
    );
    test_request!(
        /// A request on a snapshot that computes until released by a
        /// [`TestReleaseSlow`]; answers the version it saw.
        TestSlow, "orgplan/test/slow", SlowParams, Option<i32>
    );
    test_request!(
        /// Lets one [`TestSlow`] go.
        TestReleaseSlow, "orgplan/test/releaseSlow", Value, ()
    );
    test_request!(
        /// Lets a load held by the test hooks go on.
        TestReleaseLoad, "orgplan/test/releaseLoad", Value, ()
    );
}

/// Whether `msg` is the notification `N`.
pub fn is<N: Notification>(msg: &Value) -> bool {
    msg.get("id").is_none() && msg["method"] == N::METHOD
}

/// Whether `msg` is the server's request `R`.
pub fn is_request<R: Request>(msg: &Value) -> bool {
    msg.get("id").is_some() && msg["method"] == R::METHOD
}

/// The answer to a request `R`: its result, read into `R::Result`, or the
/// error object. A result of another shape is a failure of the server,
/// and panics with what was sent.
pub fn result<R: Request>(response: &Value) -> Result<R::Result, Value> {
    if let Some(e) = response.get("error") {
        return Err(e.clone());
    }
    let result = response.get("result").cloned().unwrap_or(Value::Null);
    let typed: R::Result = serde_json::from_value(result.clone()).unwrap_or_else(|e| {
        panic!(
            "the answer to {} is no {}: {e}\n{result:#}",
            R::METHOD,
            std::any::type_name::<R::Result>()
        )
    });
    Ok(typed)
}

/// The answer to a server's request, as a plain client gives it:
/// `workspace/configuration` gets `settings` for each item asked for,
/// `workspace/applyEdit` is applied, anything else gets `null`.
pub fn answer_server_request(msg: &Value, settings: &Value) -> Value {
    let result = match msg["method"].as_str() {
        Some("workspace/configuration") => {
            let n = msg["params"]["items"].as_array().map_or(1, Vec::len);
            Value::Array(vec![settings.clone(); n])
        }
        Some("workspace/applyEdit") => json!({ "applied": true }),
        _ => Value::Null,
    };
    json!({ "jsonrpc": "2.0", "id": msg["id"], "result": result })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::request::HoverRequest;

    #[test]
    fn frames_read_back_and_garbage_is_named() {
        let msg = json!({"jsonrpc": "2.0", "id": 1, "result": null});
        let mut bytes = frame_json(&msg);
        bytes.extend(b"Content-Type: x\r\n\r\n");
        bytes.extend(frame(b"{not json"));
        let mut r = std::io::Cursor::new(bytes);
        assert!(matches!(read(&mut r), Incoming::Msg(v) if v == msg));
        assert!(matches!(read(&mut r), Incoming::Garbage(g) if g.contains("Content-Length")));
        assert!(matches!(read(&mut r), Incoming::Garbage(g) if g.contains("not json")));
        assert!(matches!(read(&mut r), Incoming::Eof));
    }

    #[test]
    fn a_connection_hands_on_every_frame_in_order_then_the_end() {
        let msg = json!({"jsonrpc": "2.0", "method": "x"});
        let mut bytes = frame_json(&msg);
        bytes.extend(frame(b"{not json"));
        bytes.extend(frame_json(&msg));
        let c = Connection::over(
            Box::new(std::io::sink()),
            Box::new(std::io::Cursor::new(bytes)),
        );
        let got: Vec<Incoming> = c.incoming.iter().collect();
        assert!(
            matches!(&got[..], [
            Incoming::Msg(a),
            Incoming::Garbage(_),
            Incoming::Msg(b),
            Incoming::Eof
        ] if *a == msg && *b == msg),
            "{got:?}"
        );
    }

    #[test]
    fn json_params_are_checked_against_the_type() {
        let params =
            json!({"textDocument": {"uri": "file:///a"}, "position": {"line": 0, "character": 1}});
        let msg = request_json::<HoverRequest>(3, params.clone());
        assert_eq!(
            (msg["id"].clone(), msg["method"].clone()),
            (json!(3), json!("textDocument/hover"))
        );
        assert_eq!(msg["params"], params);
        let bad =
            std::panic::catch_unwind(|| request_json::<HoverRequest>(4, json!({"nonsense": true})));
        let message = *bad.unwrap_err().downcast::<String>().unwrap();
        assert!(message.contains("textDocument/hover"), "{message}");
    }

    #[test]
    fn results_are_typed_and_errors_kept() {
        let ok = json!({"id": 1, "result": {"contents": "hi"}});
        let hover = result::<HoverRequest>(&ok).unwrap().unwrap();
        assert_eq!(
            hover.contents,
            lsp_types::HoverContents::Scalar(lsp_types::MarkedString::String("hi".into()))
        );
        let err = json!({"id": 1, "error": {"code": -32801, "message": "changed"}});
        assert_eq!(result::<HoverRequest>(&err).unwrap_err()["code"], -32801);
    }
}

//! The wire, guarded: frames read and written here, in front of tower-lsp.
//!
//! Replaces: tower-lsp's own reading of stdin (its `LspCodec`), which stops
//! for good at the first frame it cannot decode, and would parse each body
//! into a `serde_json::Value`. Why: a server must answer a malformed message
//! and carry on (JSON-RPC 2.0), and a plan opened whole is a body of
//! megabytes that is best neither copied nor turned into a value tree.
//! Shown by: BENCHMARKS.md, "Open a plan the server has not read" (the
//! guard reading 64 KiB at a time, a body straight into its own buffer:
//! medians of eight opens 219 → 182 ms) and "Peak memory" (a body neither
//! copied nor parsed into a JSON value: part of 104 → 66 MB), measured with
//! `orgplan-bench lsp`. Held equal to serde_json: a property test below
//! checks that the guard refuses exactly the bodies serde_json cannot parse.
//!
//! So this module reads stdin itself and hands tower-lsp
//! only well-formed JSON-RPC messages. Everything else gets the answer
//! JSON-RPC 2.0 prescribes, written between tower-lsp's own frames on
//! stdout:
//!
//! - a frame that cannot be read (no, several or a bad `Content-Length`, a
//!   header block over 8 KiB, a body over 64 MiB, garbage between frames)
//!   or a body that is not JSON: `-32700 Parse error`, id `null`; reading
//!   resumes at the next `Content-Length` header;
//! - JSON that is no JSON-RPC 2.0 message: `-32600 Invalid request`, with
//!   its id when it has a usable one;
//! - a request for an unknown `$/` method (which tower-lsp would drop
//!   silently): `-32601 Method not found`.
//!
//! The server may also send messages of its own through a [`Frames`]
//! sender; each is framed and written whole, between tower-lsp's:
//! diagnostics are published that way ([`crate::publication`]).

use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;

use crate::capabilities::InitializeCapabilities;
use crate::opened::{self, OpenTexts};

/// Large results written as JSON text by their handler, waiting for the
/// response that names them ([`stash_raw`], [`take_raw`]).
static RAW: std::sync::Mutex<Vec<Stashed>> = std::sync::Mutex::new(Vec::new());

/// A result waiting for its response, and when it was stashed.
struct Stashed {
    key: u64,
    at: std::time::Instant,
    text: Vec<u8>,
}

/// How long a stashed result waits for its response: one whose response
/// never came (its request was cancelled, or its document changed and the
/// answer was dropped) goes at the next stash after that.
const RAW_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
static RAW_NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
/// What a response carries as the `resultId` of a stashed result.
const RAW_MARK: &str = "orgplan-raw:";
/// Stashed results kept at most: a response never written (a request
/// cancelled as it finished) leaves its result behind.
const RAW_KEPT: usize = 4;

/// Keeps `result` (a response's body up to its id, [`raw_result`]) for the response
/// its handler is about to give, and returns the placeholder that response
/// carries instead as its `resultId`, alone or beside empty arrays only (a
/// semantic tokens result's shape, so that the handler's type holds it; the
/// graph's answer is the `resultId` alone). [`crate::sync::Ordered`] writes the
/// stashed text in its place: a large result (a whole file's semantic
/// tokens, a million numbers) is then written once, as text, instead of
/// being built by tower-lsp into a JSON value tree first, which held some
/// fifteen times the text's size at once.
pub fn stash_raw(result: Vec<u8>) -> String {
    let n = RAW_NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut raw = RAW.lock().unwrap_or_else(|e| e.into_inner());
    raw.retain(|r| r.at.elapsed() < RAW_WAIT);
    if raw.len() >= RAW_KEPT {
        raw.remove(0);
    }
    raw.push(Stashed {
        key: n,
        at: std::time::Instant::now(),
        text: result,
    });
    format!("{RAW_MARK}{n}")
}

/// What a response's `result` holds, as far as stashed results go.
pub enum Raw {
    /// No placeholder: the result as it is.
    Not,
    /// The text a placeholder stands for (taken: it is written once).
    Text(Vec<u8>),
    /// A placeholder whose text is gone (dropped as too old): the result
    /// must not go out as it is (it would be empty).
    Gone,
}

/// What `result` holds: a placeholder of [`stash_raw`] or not.
pub fn take_raw(result: &Value) -> Raw {
    let Some(n) = placeholder_key(result) else {
        return Raw::Not;
    };
    let mut raw = RAW.lock().unwrap_or_else(|e| e.into_inner());
    match raw.iter().position(|r| r.key == n) {
        Some(i) => Raw::Text(raw.remove(i).text),
        None => Raw::Gone,
    }
}

/// The placeholder of a list of text edits (a formatting result) written
/// as text: one edit of nothing at the start, whose new text is the
/// placeholder `mark` of [`stash_raw`].
pub fn raw_edit(mark: String) -> tower_lsp_server::lsp_types::TextEdit {
    tower_lsp_server::lsp_types::TextEdit {
        range: Default::default(),
        new_text: mark,
    }
}

/// The placeholder of a list of code lenses written as text: one lens at
/// the start, with nothing to run, whose `data` is the placeholder `mark`
/// of [`stash_raw`].
pub fn raw_lens(mark: String) -> tower_lsp_server::lsp_types::CodeLens {
    tower_lsp_server::lsp_types::CodeLens {
        range: Default::default(),
        command: None,
        data: Some(Value::String(mark)),
    }
}

/// The key of the stashed text `result` stands for, if it is a
/// placeholder: its `resultId` is one, beside which there are only empty
/// arrays (the shape's `data`, `edits` or `items`) and a full diagnostic
/// report's `kind`; or it is the one edit of [`raw_edit`] or the one lens
/// of [`raw_lens`].
fn placeholder_key(result: &Value) -> Option<u64> {
    if let Some([one]) = result.as_array().map(Vec::as_slice) {
        let start = json!({"line": 0, "character": 0});
        let mark = one
            .get("newText")
            .or_else(|| one.get("data"))?
            .as_str()?
            .strip_prefix(RAW_MARK)?;
        let at_start = one.get("range")? == &json!({"start": start, "end": start});
        return (at_start && one.as_object()?.len() == 2)
            .then(|| mark.parse().ok())
            .flatten();
    }
    let obj = result.as_object()?;
    let n = obj
        .get("resultId")?
        .as_str()?
        .strip_prefix(RAW_MARK)?
        .parse()
        .ok()?;
    let empty = |v: &Value| v.as_array().is_some_and(Vec::is_empty);
    obj.iter()
        .all(|(k, v)| k == "resultId" || (k == "kind" && v == "full") || empty(v))
        .then_some(n)
}

/// The start of a response's body, for a handler to write its result
/// after (with `room` for it): the text stashed is the body but for the
/// id, which [`response_body`] adds, so that the result is never copied.
pub fn raw_result(room: usize) -> Vec<u8> {
    let mut body = Vec::with_capacity(room + 64);
    body.extend_from_slice(RESULT_START);
    body
}

const RESULT_START: &[u8] = br#"{"jsonrpc":"2.0","result":"#;

/// The body of a successful response to request `id`: the text of
/// [`raw_result`] with a result written after it.
pub fn response_body(id: &tower_lsp_server::jsonrpc::Id, mut body: Vec<u8>) -> Vec<u8> {
    let id = serde_json::to_string(id).unwrap_or_else(|_| "null".into());
    body.extend_from_slice(br#","id":"#);
    body.extend_from_slice(id.as_bytes());
    body.push(b'}');
    body
}

/// The result a placeholder stands for, read back (for tests).
#[cfg(test)]
pub fn raw_result_of(placeholder: &Value) -> Option<Value> {
    let Raw::Text(text) = take_raw(placeholder) else {
        return None;
    };
    let id = tower_lsp_server::jsonrpc::Id::Number(0);
    let body: Value = serde_json::from_slice(&response_body(&id, text)).ok()?;
    Some(body["result"].clone())
}

/// Appends `n` as JSON writes it. Most numbers of a result (a token's
/// column delta, length and type; a column) have a digit or two: those
/// are pushed as bytes, not copied from a formatter's buffer by a call
/// each (a whole file's semantic tokens are a million numbers; see
/// BENCHMARKS.md, "4 Dec (third session)").
pub fn write_u32(out: &mut Vec<u8>, n: u32) {
    match n {
        0..=9 => out.push(b'0' + n as u8),
        10..=99 => out.extend([b'0' + (n / 10) as u8, b'0' + (n % 10) as u8]),
        _ => out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes()),
    }
}

/// Text written into a JSON string, escaped as serde_json escapes it.
pub struct JsonString<'a>(pub &'a mut Vec<u8>);

impl std::fmt::Write for JsonString<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let out = &mut *self.0;
        let bytes = s.as_bytes();
        let mut from = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let short: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0x08 => b"\\b",
                0x0c => b"\\f",
                0..=0x1f => b"",
                _ => continue,
            };
            out.extend_from_slice(&bytes[from..i]);
            from = i + 1;
            if short.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.extend_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
            } else {
                out.extend_from_slice(short);
            }
        }
        out.extend_from_slice(&bytes[from..]);
        Ok(())
    }
}

/// The largest body accepted.
pub const MAX_BODY: usize = 64 << 20;
/// The largest header block accepted.
pub const MAX_HEADERS: usize = 8 << 10;
/// Answers to bad frames waiting to be written: past this many (a client
/// that writes garbage and never reads), more are dropped, not queued.
const MAX_PENDING_ANSWERS: usize = 1024;

/// Frames of the server's own waiting to be written: a sender waits past
/// this many, so that a client that does not read holds the publisher up
/// (and its edits coalesce) instead of filling the server's memory.
const MAX_PENDING_FRAMES: usize = 4;

/// Sends message bodies to the output, framed and written between
/// tower-lsp's frames.
///
/// A body is shared: a publication's stays with the publication's memo
/// ([`crate::memo`]) after it is written.
pub type Frames = mpsc::Sender<std::sync::Arc<Vec<u8>>>;

/// The receiving end of [`Frames`], handed to [`guard`].
pub type FrameQueue = mpsc::Receiver<std::sync::Arc<Vec<u8>>>;

/// A channel for frames of the server's own.
pub fn frames() -> (Frames, FrameQueue) {
    mpsc::channel(MAX_PENDING_FRAMES)
}

// The JSON-RPC 2.0 error codes the guard answers with.
const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;

/// `$/` methods tower-lsp handles.
const KNOWN_DOLLAR: &[&str] = &["$/cancelRequest", "$/setTrace", "$/logTrace", "$/progress"];

/// Buffered bytes of the input, with the reads the parser needs.
struct Input<R> {
    r: R,
    buf: Vec<u8>,
    eof: bool,
}

impl<R: AsyncRead + Unpin> Input<R> {
    /// Reads more; false at the end of input.
    async fn fill(&mut self) -> bool {
        if self.eof {
            return false;
        }
        // Into the buffer's room (a large body's is made exactly, so that
        // the text keeps no spare room); when full, 64 KiB more.
        if self.buf.len() == self.buf.capacity() {
            self.buf.reserve(64 << 10);
        }
        match self.r.read_buf(&mut self.buf).await {
            Ok(0) | Err(_) => {
                self.eof = true;
                false
            }
            Ok(_) => true,
        }
    }

    /// Drops leading line breaks and spaces between frames.
    async fn skip_blank(&mut self) -> bool {
        loop {
            let n = self
                .buf
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n' | b' ' | b'\t'))
                .count();
            self.buf.drain(..n);
            if !self.buf.is_empty() {
                return true;
            }
            if !self.fill().await {
                return false;
            }
        }
    }

    /// Whether the buffer starts with a header we know (case-insensitive).
    async fn starts_with_header(&mut self) -> bool {
        for name in [&b"content-length"[..], &b"content-type"[..]] {
            while self.buf.len() < name.len() && !self.eof {
                let starts = self
                    .buf
                    .iter()
                    .zip(name)
                    .all(|(a, b)| a.eq_ignore_ascii_case(b));
                if !starts || !self.fill().await {
                    break;
                }
            }
            if self.buf.len() >= name.len() && self.buf[..name.len()].eq_ignore_ascii_case(name) {
                return true;
            }
        }
        false
    }

    /// Discards input up to the next `Content-Length` (or everything).
    async fn resync(&mut self) {
        const NEEDLE: &[u8] = b"content-length";
        let mut from = 0;
        loop {
            if let Some(i) = (from..self.buf.len().saturating_sub(NEEDLE.len() - 1))
                .find(|&i| self.buf[i..i + NEEDLE.len()].eq_ignore_ascii_case(NEEDLE))
            {
                self.buf.drain(..i);
                return;
            }
            from = self.buf.len().saturating_sub(NEEDLE.len());
            if !self.fill().await {
                self.buf.clear();
                return;
            }
        }
    }

    /// The header block up to the blank line (without it); `Err` if too long.
    async fn header_block(&mut self) -> Option<Result<Vec<u8>, ()>> {
        loop {
            let end = find(&self.buf, b"\r\n\r\n")
                .map(|i| (i, 4))
                .into_iter()
                .chain(find(&self.buf, b"\n\n").map(|i| (i, 2)))
                .min();
            if let Some((i, sep)) = end {
                if i > MAX_HEADERS {
                    return Some(Err(()));
                }
                let block = self.buf[..i].to_vec();
                self.buf.drain(..i + sep);
                return Some(Ok(block));
            }
            if self.buf.len() > MAX_HEADERS {
                return Some(Err(()));
            }
            if !self.fill().await {
                return None;
            }
        }
    }

    /// The next `len` bytes. The buffer that held them goes with them, so
    /// that a large message (a plan opened whole) leaves no large buffer
    /// behind, and is not copied.
    async fn body(&mut self, len: usize) -> Option<Vec<u8>> {
        self.buf.reserve_exact(len.saturating_sub(self.buf.len()));
        while self.buf.len() < len {
            if !self.fill().await {
                return None;
            }
        }
        let rest = self.buf.split_off(len);
        Some(std::mem::replace(&mut self.buf, rest))
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The body length a header block declares, if it is well-formed.
fn content_length(block: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(block).ok()?;
    let mut len = None;
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        let (name, value) = line.split_once(':')?;
        let (name, value) = (name.trim(), value.trim());
        if name.eq_ignore_ascii_case("content-length") {
            if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) || len.is_some() {
                return None;
            }
            len = Some(value.parse::<usize>().ok()?);
        } else if name.is_empty() {
            return None;
        }
    }
    len.filter(|&n| n > 0 && n <= MAX_BODY)
}

fn error(id: Value, code: i64, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

/// A usable id: a string or a whole number.
fn usable_id(id: &Value) -> bool {
    id.is_string() || id.is_i64() || id.is_u64()
}

/// Any JSON value, read as strictly as a [`Value`] is (valid UTF-8 and
/// escapes, serde_json's nesting limit) but kept nowhere: the params of a
/// `didOpen` can be the text of a whole plan, and the guard only needs to
/// know that tower-lsp will read them.
struct Checked;

impl<'de> serde::Deserialize<'de> for Checked {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Checked, D::Error> {
        d.deserialize_any(CheckedVisitor { top: false })
            .map(|_| Checked)
    }
}

/// Visits any JSON value; for an object at the top (`top`), keeps the
/// members that say what a message is ([`ENVELOPE`]) and notes the others
/// as present. Below the top, nothing is kept.
struct CheckedVisitor {
    top: bool,
}

/// The members read from a message; the others are only checked.
const ENVELOPE: [&str; 3] = ["jsonrpc", "id", "method"];

impl<'de> serde::de::Visitor<'de> for CheckedVisitor {
    /// The members of an object; `None` for any other value.
    type Value = Option<serde_json::Map<String, Value>>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(None)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        if !self.top {
            while map.next_key::<Checked>()?.is_some() {
                map.next_value::<Checked>()?;
            }
            return Ok(None);
        }
        let mut members = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = if ENVELOPE.contains(&key.as_str()) {
                map.next_value::<Value>()?
            } else {
                map.next_value::<Checked>()?;
                // Present; what it holds is not needed here.
                Value::Bool(true)
            };
            // A member given twice counts with its last value, as in a `Value`.
            members.insert(key, value);
        }
        Ok(Some(members))
    }
}

/// The members of a message that say what it is.
fn envelope(body: &[u8]) -> Result<serde_json::Map<String, Value>, Value> {
    use serde::Deserializer;
    let mut de = serde_json::Deserializer::from_slice(body);
    let parsed = de
        .deserialize_any(CheckedVisitor { top: true })
        .and_then(|members| de.end().map(|()| members));
    match parsed {
        Ok(Some(members)) => Ok(members),
        Ok(None) => Err(error(
            Value::Null,
            INVALID_REQUEST,
            "Invalid request: not a JSON-RPC 2.0 object",
        )),
        Err(e) => Err(error(
            Value::Null,
            PARSE_ERROR,
            &format!("Parse error: {e}"),
        )),
    }
}

/// What to do with a body: pass it on (the method of a request or
/// notification, `None` for a response), or answer it.
fn check(body: &[u8]) -> Result<Option<String>, Value> {
    let obj = envelope(body)?;
    let id = obj.get("id");
    let reply_id = id.filter(|i| usable_id(i)).cloned().unwrap_or(Value::Null);
    let invalid = |why: &str| {
        Err(error(
            reply_id.clone(),
            INVALID_REQUEST,
            &format!("Invalid request: {why}"),
        ))
    };
    if obj.get("jsonrpc") != Some(&json!("2.0")) {
        return invalid("`jsonrpc` must be \"2.0\"");
    }
    if let Some(id) = id {
        // A response to a request whose id the client could not read has a null id.
        let null_response = id.is_null() && obj.get("method").is_none();
        if !(usable_id(id) || null_response) {
            return invalid("`id` must be a string or a whole number");
        }
    }
    match obj.get("method") {
        Some(Value::String(m)) => {
            if id.is_some() && m.starts_with("$/") && !KNOWN_DOLLAR.contains(&m.as_str()) {
                return Err(error(
                    reply_id,
                    METHOD_NOT_FOUND,
                    &format!("Method not found: {m}"),
                ));
            }
            Ok(Some(m.clone()))
        }
        Some(_) => invalid("`method` must be a string"),
        None if id.is_some() && (obj.contains_key("result") || obj.contains_key("error")) => {
            Ok(None)
        }
        None => invalid("neither a request nor a response"),
    }
}

async fn write_frame(out: &mut (impl AsyncWrite + Unpin), body: &[u8]) -> std::io::Result<()> {
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    out.write_all(header.as_bytes()).await?;
    write_in_pieces(out, body).await?;
    out.flush().await
}

/// A frame of the server's own, its body handed over whole when it is
/// large ([`Output::put`]): a whole file's semantic tokens or formatting
/// is not copied on its way out.
async fn write_own_frame(
    out: &mut impl Output,
    body: std::sync::Arc<Vec<u8>>,
) -> std::io::Result<()> {
    if body.len() < PUT_WHOLE {
        return write_frame(out, &body).await;
    }
    // Held nowhere else (a whole file's semantic tokens): handed over
    // without a copy.
    let body = std::sync::Arc::try_unwrap(body).unwrap_or_else(|shared| (*shared).clone());
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    out.write_all(header.as_bytes()).await?;
    out.put(body).await
}

/// From this size on, a frame's body is handed to the output whole (and
/// written after its header, not with it): below, one buffer for both is
/// one write, which a publication of diagnostics is better off with.
const PUT_WHOLE: usize = 1 << 20;

/// Where the server's frames are written.
pub trait Output: AsyncWrite + Unpin + Send + Sized + 'static {
    /// Writes `bytes` (after what was written before) and flushes. An
    /// output that can keep them as they are takes them without a copy
    /// ([`crate::stdout::Stdout`]); the others write them in pieces.
    fn put(
        &mut self,
        bytes: Vec<u8>,
    ) -> impl std::future::Future<Output = std::io::Result<()>> + Send {
        async move {
            write_in_pieces(self, &bytes).await?;
            self.flush().await
        }
    }
}

impl Output for DuplexStream {}

/// The most handed to the output in one write: a pipe's buffer. tokio's
/// standard output (which tests and other outputs may still be) copies
/// each write into a buffer of its own (up to 2 MiB), which it keeps:
/// written whole, one large result (a whole file's semantic tokens) left
/// 2 MiB of resident memory behind for good (BENCHMARKS.md, "Peak memory
/// at the end"). The native server's own output ([`crate::stdout`]) only
/// gathers the pieces until the frame's flush.
const WRITE_PIECE: usize = 64 << 10;

async fn write_in_pieces(out: &mut (impl AsyncWrite + Unpin), bytes: &[u8]) -> std::io::Result<()> {
    for piece in bytes.chunks(WRITE_PIECE) {
        out.write_all(piece).await?;
    }
    Ok(())
}

/// Reads frames from `input` and hands the good ones to tower-lsp. The
/// text of a `didOpen` is taken out into `texts` ([`opened`]) once the
/// server is initialized (before, tower-lsp drops the notification) and
/// until it is shut down.
async fn pump_input(
    input: impl AsyncRead + Unpin,
    mut to_server: DuplexStream,
    answers: mpsc::Sender<Value>,
    texts: &OpenTexts,
    caps: &InitializeCapabilities,
) {
    let mut initialized = false;
    let mut inp = Input {
        r: input,
        buf: Vec::new(),
        eof: false,
    };
    loop {
        let body = match inp.next_frame(&answers).await {
            Frame::End => break,
            Frame::Skipped => continue,
            Frame::Body(body) => body,
        };
        // The text of a didOpen is taken out (and checked) first: checking
        // it as part of the message would unescape a copy of it.
        let body = if initialized {
            opened::take_text(body, texts).unwrap_or_else(|body| body)
        } else {
            body
        };
        match check(&body) {
            Ok(method) => {
                match method.as_deref() {
                    Some("initialize") => caps.keep(&body),
                    Some("initialized") => initialized = true,
                    Some("shutdown") => initialized = false,
                    _ => {}
                }
                if write_frame(&mut to_server, &body).await.is_err() {
                    break;
                }
            }
            Err(answer) => {
                tracing::error!("refused a message: {}", answer["error"]["message"]);
                let _ = answers.try_send(answer);
            }
        }
    }
    let _ = to_server.shutdown().await;
}

/// What reading the next frame gave.
enum Frame {
    Body(Vec<u8>),
    /// A frame that could not be read, answered and skipped.
    Skipped,
    /// The end of the input.
    End,
}

impl<R: AsyncRead + Unpin> Input<R> {
    /// The body of the next frame. A frame that cannot be read is
    /// answered (a parse error, on `answers`) and skipped: reading resumes
    /// at the next `Content-Length` header.
    async fn next_frame(&mut self, answers: &mpsc::Sender<Value>) -> Frame {
        if !self.skip_blank().await {
            return Frame::End;
        }
        let why = if !self.starts_with_header().await {
            tracing::error!("garbage between messages was skipped");
            "Parse error: expected a Content-Length header"
        } else {
            match self.header_block().await {
                None => return Frame::End,
                Some(Err(())) => "Parse error: header block too long",
                Some(Ok(block)) => match content_length(&block) {
                    Some(len) => {
                        return match self.body(len).await {
                            Some(body) => Frame::Body(body),
                            None => Frame::End,
                        }
                    }
                    None => {
                        tracing::error!("a message with a bad Content-Length was skipped");
                        "Parse error: missing or invalid Content-Length"
                    }
                },
            }
        };
        let _ = answers.try_send(error(Value::Null, PARSE_ERROR, why));
        self.resync().await;
        Frame::Skipped
    }
}

/// Copies tower-lsp's frames to `out` whole, and writes the answers of
/// [`pump_input`] and the server's own frames between them.
async fn pump_output(
    mut from_server: DuplexStream,
    mut answers: mpsc::Receiver<Value>,
    mut own: FrameQueue,
    mut out: impl Output,
) {
    let mut inp = Input {
        r: &mut from_server,
        buf: Vec::new(),
        eof: false,
    };
    let mut answers_open = true;
    let mut own_open = true;
    loop {
        tokio::select! {
            biased;
            a = answers.recv(), if answers_open => match a {
                Some(v) => {
                    if write_frame(&mut out, v.to_string().as_bytes()).await.is_err() {
                        return;
                    }
                }
                None => answers_open = false,
            },
            f = own.recv(), if own_open => match f {
                Some(f) => {
                    if write_own_frame(&mut out, f).await.is_err() {
                        return;
                    }
                }
                None => own_open = false,
            },
            more = inp.fill() => {
                if !more {
                    break;
                }
                // Forward every complete frame in the buffer.
                while let Some(i) = find(&inp.buf, b"\r\n\r\n") {
                    let len = content_length(&inp.buf[..i]).unwrap_or(0);
                    if inp.buf.len() < i + 4 + len {
                        break;
                    }
                    let frame: Vec<u8> = inp.buf.drain(..i + 4 + len).collect();
                    if write_in_pieces(&mut out, &frame).await.is_err() || out.flush().await.is_err() {
                        return;
                    }
                }
            }
        }
    }
    while let Ok(v) = answers.try_recv() {
        let _ = write_frame(&mut out, v.to_string().as_bytes()).await;
    }
    while let Ok(f) = own.try_recv() {
        let _ = write_own_frame(&mut out, f).await;
    }
}

/// Runs the input side over `input` alone: the bytes handed on, and the
/// answers (for fuzzing).
#[cfg(not(target_family = "wasm"))] // for fuzzing (native only)
pub async fn filter(input: &[u8]) -> (Vec<u8>, Vec<Value>) {
    let (to_server, mut server_in) = tokio::io::duplex(1 << 16);
    let (tx, mut rx) = mpsc::channel(MAX_PENDING_ANSWERS);
    let mut passed = Vec::new();
    let texts = OpenTexts::default();
    let caps = InitializeCapabilities::default();
    let ((), _) = tokio::join!(
        pump_input(input, to_server, tx, &texts, &caps),
        server_in.read_to_end(&mut passed)
    );
    let mut answers = Vec::new();
    while let Ok(v) = rx.try_recv() {
        answers.push(v);
    }
    (passed, answers)
}

/// Wraps stdin and stdout: returns the streams to give tower-lsp, and the
/// task that writes to stdout (await it after the server stops, so that
/// the last frames get out). Frames sent to `own` go out between
/// tower-lsp's; the texts of opened documents are left in `texts`.
pub fn guard(
    input: impl AsyncRead + Unpin + Send + 'static,
    output: impl Output,
    own: FrameQueue,
    texts: std::sync::Arc<OpenTexts>,
    caps: std::sync::Arc<InitializeCapabilities>,
) -> (DuplexStream, DuplexStream, tokio::task::JoinHandle<()>) {
    let (to_server, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, from_server) = tokio::io::duplex(1 << 16);
    let (tx, rx) = mpsc::channel(MAX_PENDING_ANSWERS);
    tokio::spawn(async move { pump_input(input, to_server, tx, &texts, &caps).await });
    let writer = tokio::spawn(pump_output(from_server, rx, own, output));
    (server_in, server_out, writer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    proptest::proptest! {
        /// Any text, written in any pieces, reads back as itself and is
        /// escaped byte for byte as serde_json escapes it.
        #[test]
        fn strings_are_escaped_as_serde_json_escapes_them(
            s in "(.|[\u{0}-\u{1f}\"\\\\\u{7f}\u{2028}])*",
            cuts in proptest::collection::vec(0usize..64, 0..6),
        ) {
            let mut out = b"\"".to_vec();
            let mut rest = s.as_str();
            for cut in cuts {
                let mut at = cut.min(rest.len());
                while !rest.is_char_boundary(at) {
                    at -= 1;
                }
                let (piece, tail) = rest.split_at(at);
                JsonString(&mut out).write_str(piece).unwrap();
                rest = tail;
            }
            JsonString(&mut out).write_str(rest).unwrap();
            out.push(b'"');
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&s).unwrap());
        }
    }

    #[test]
    fn a_stashed_result_replaces_its_placeholder_once() {
        let mut text = raw_result(0);
        text.extend_from_slice(br#"{"resultId":"7","data":[1,2,3]}"#);
        let mark = stash_raw(text);
        let placeholder = json!({ "resultId": mark, "data": [] });
        let Raw::Text(raw) = take_raw(&placeholder) else {
            panic!("not stashed");
        };
        let id = tower_lsp_server::jsonrpc::Id::Number(4);
        let body: Value = serde_json::from_slice(&response_body(&id, raw)).unwrap();
        assert_eq!(
            body,
            json!({"jsonrpc": "2.0", "id": 4, "result": {"resultId": "7", "data": [1, 2, 3]}})
        );
        // Once only (then gone); a real result id, or more than the
        // placeholder, is no placeholder.
        assert!(matches!(take_raw(&placeholder), Raw::Gone));
        assert!(matches!(take_raw(&json!({ "resultId": "7" })), Raw::Not));
        let mark = stash_raw(b"[]".to_vec());
        assert!(matches!(
            take_raw(&json!({ "resultId": mark, "data": [1] })),
            Raw::Not
        ));
    }

    /// The placeholders of a formatting result and of code lenses, as
    /// tower-lsp serializes them, are read as such; a lens or an edit like
    /// them but for one more field, or with another range, is not.
    #[test]
    fn one_edit_or_one_lens_holding_the_mark_is_a_placeholder() {
        for make in [
            (|m: String| json!([raw_edit(m)])) as fn(String) -> Value,
            |m: String| json!([raw_lens(m)]),
        ] {
            let mark = stash_raw(b"[1]".to_vec());
            assert!(matches!(take_raw(&make(mark)), Raw::Text(t) if t == b"[1]"));
            let mark = stash_raw(b"[2]".to_vec());
            let mut moved = make(mark.clone());
            moved[0]["range"]["start"]["line"] = json!(1);
            assert!(matches!(take_raw(&moved), Raw::Not));
            let mut more = make(mark);
            more[0]["command"] = json!({ "title": "t", "command": "" });
            assert!(matches!(take_raw(&more), Raw::Not));
        }
    }

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    async fn run(input: &[u8]) -> (String, Vec<Value>) {
        let (to_server, mut server_in) = tokio::io::duplex(1 << 16);
        let (tx, mut rx) = mpsc::channel(MAX_PENDING_ANSWERS);
        pump_input(
            input,
            to_server,
            tx,
            &OpenTexts::default(),
            &InitializeCapabilities::default(),
        )
        .await;
        let mut passed = String::new();
        server_in.read_to_string(&mut passed).await.unwrap();
        let mut answers = Vec::new();
        while let Ok(v) = rx.try_recv() {
            answers.push(v);
        }
        (passed, answers)
    }

    fn codes(answers: &[Value]) -> Vec<(Value, i64)> {
        answers
            .iter()
            .map(|a| (a["id"].clone(), a["error"]["code"].as_i64().unwrap()))
            .collect()
    }

    const OK: &str = "Content-Length: 40\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"initialized\"}";

    #[tokio::test]
    async fn good_frames_pass_and_bad_ones_are_answered() {
        let mut input = String::from("Content-Length: 9\r\n\r\n{not json");
        input += &framed("[]");
        input += "garbage\r\n\r\n";
        input += &framed(r#"{"id":7,"x":1}"#);
        input += "Content-Type: x\r\n\r\n{\"id\":1}";
        input += "Content-Length: 5\r\nContent-Length: 7\r\n\r\n{}{}{}";
        input += &framed(r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#);
        input += &framed(r#"{"jsonrpc":"2.0","id":4}"#);
        input += &framed(r#"{"jsonrpc":"2.0","id":5,"method":"$/orgplan/nope"}"#);
        input += OK;
        let (passed, answers) = run(input.as_bytes()).await;
        assert_eq!(passed, OK);
        assert_eq!(
            codes(&answers),
            vec![
                (Value::Null, -32700),
                (Value::Null, -32600),
                (Value::Null, -32700),
                (json!(7), -32600),
                (Value::Null, -32700),
                (Value::Null, -32700),
                (Value::Null, -32600),
                (json!(4), -32600),
                (json!(5), -32601),
            ]
        );
    }

    #[test]
    fn params_are_checked_as_strictly_as_a_json_value() {
        let verdict = |body: &str| {
            check(body.as_bytes())
                .map(|_| ())
                .map_err(|e| e["error"]["code"].clone())
        };
        let ok = r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"text":"团\u00e9\ud83d\ude00"}}"#;
        assert_eq!(verdict(ok), Ok(()));
        // What tower-lsp's parser refuses must not reach it.
        for bad in [
            r#"{"jsonrpc":"2.0","method":"x","params":{"text":"\ud800"}}"#,
            r#"{"jsonrpc":"2.0","method":"x","params":{"text":"\q"}}"#,
            r#"{"jsonrpc":"2.0","method":"x","params":[1,]}"#,
            r#"{"jsonrpc":"2.0","method":"x"} {}"#,
        ] {
            assert_eq!(verdict(bad), Err(json!(PARSE_ERROR)), "{bad}");
        }
        let deep = format!(
            r#"{{"jsonrpc":"2.0","method":"x","params":{}{}}}"#,
            "[".repeat(500),
            "]".repeat(500)
        );
        assert_eq!(verdict(&deep), Err(json!(PARSE_ERROR)));
        // Valid JSON that is no object; a member given twice counts last.
        assert_eq!(verdict("[1]"), Err(json!(INVALID_REQUEST)));
        assert_eq!(
            verdict(r#"{"jsonrpc":"1.0","jsonrpc":"2.0","method":"x"}"#),
            Ok(())
        );
        assert_eq!(
            verdict(r#"{"jsonrpc":"2.0","jsonrpc":"1.0","method":"x"}"#),
            Err(json!(INVALID_REQUEST))
        );
        // A response with a null result is still a response.
        assert_eq!(verdict(r#"{"jsonrpc":"2.0","id":3,"result":null}"#), Ok(()));
    }

    #[tokio::test]
    async fn the_text_of_an_open_document_is_taken_out_once_initialized() {
        let open = |version: i32, text: &str| {
            framed(&format!(
                r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"file:///a","languageId":"orgplan","version":{version},"text":"{text}"}}}}}}"#
            ))
        };
        let input = [
            open(1, "before"),
            OK.to_string(),
            open(2, r"team a {\n}\u00e9"),
            open(3, r"lone \ud800"),
        ]
        .concat();
        let texts = OpenTexts::default();
        let (to_server, mut server_in) = tokio::io::duplex(1 << 16);
        let (tx, mut rx) = mpsc::channel(MAX_PENDING_ANSWERS);
        pump_input(
            input.as_bytes(),
            to_server,
            tx,
            &texts,
            &InitializeCapabilities::default(),
        )
        .await;
        let mut passed = String::new();
        server_in.read_to_string(&mut passed).await.unwrap();
        // Before `initialized`, the message goes on whole; after, without
        // its text; a text that is no valid string is refused as before.
        let stub = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument":
            {"uri": "file:///a", "languageId": "orgplan", "version": 2, "text": ""}}});
        let stub = serde_json::to_string(&stub).unwrap();
        assert_eq!(
            passed,
            [open(1, "before"), OK.to_string(), framed(&stub)].concat()
        );
        let uri: tower_lsp_server::lsp_types::Uri = "file:///a".parse().unwrap();
        assert_eq!(texts.take(&uri, 2).as_deref(), Some("team a {\n}é"));
        assert_eq!(
            codes(&[rx.try_recv().unwrap()]),
            vec![(Value::Null, -32700)]
        );
    }

    #[tokio::test]
    async fn enormous_lengths_are_refused_not_awaited() {
        let input: &[u8] = b"Content-Length: 18446744073709551616\r\n\r\n{}\
Content-Length: 40\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"initialized\"}";
        let (passed, answers) = run(input).await;
        assert_eq!(passed, OK);
        assert_eq!(codes(&answers), vec![(Value::Null, -32700)]);
    }

    /// Messages, then the same with a few pieces of JSON syntax put in,
    /// taken out or put in their place.
    fn bodies() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        const MESSAGES: [&str; 4] = [
            r#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{"position":{"line":0,"character":3}}}"#,
            r#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"contentChanges":[{"text":"team a {\n}\u00e9"}]}}"#,
            r#"{"jsonrpc":"2.0","id":"x","result":[1.5e3,-0,true,null]}"#,
            r#"{"jsonrpc":"2.0","id":2,"method":"$/cancelRequest","params":{"id":1}}"#,
        ];
        const PIECES: [&str; 22] = [
            "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\u00e9", "\\q", "0", "-",
            "1e", ".5", "null", "tru", " ", "\u{1}", "é", r#""id":"#,
        ];
        let edit = (
            any::<proptest::sample::Index>(),
            0..3u8,
            proptest::sample::select(&PIECES[..]),
        );
        (
            proptest::sample::select(&MESSAGES[..]),
            proptest::collection::vec(edit, 0..4),
        )
            .prop_map(|(message, edits)| {
                let mut body = message.to_string();
                for (at, how, piece) in edits {
                    let mut i = at.index(body.len() + 1);
                    while !body.is_char_boundary(i) {
                        i -= 1;
                    }
                    let end = body[i..].chars().next().map_or(i, |c| i + c.len_utf8());
                    match how {
                        0 => body.insert_str(i, piece),
                        1 => body.replace_range(i..end, ""),
                        _ => body.replace_range(i..end, piece),
                    }
                }
                body
            })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// The guard refuses as a parse error exactly what serde_json cannot
        /// parse (tower-lsp's parser), and passes on the method it names.
        #[test]
        fn the_guard_parses_as_serde_json_does(body in bodies()) {
            let parsed = serde_json::from_str::<Value>(&body);
            let verdict = check(body.as_bytes());
            let code = verdict.as_ref().err().map(|e| e["error"]["code"].clone());
            match parsed {
                Err(_) => proptest::prop_assert_eq!(code, Some(json!(PARSE_ERROR))),
                Ok(value) => {
                    proptest::prop_assert_ne!(code.clone(), Some(json!(PARSE_ERROR)));
                    if !value.is_object() {
                        proptest::prop_assert_eq!(code, Some(json!(INVALID_REQUEST)));
                    }
                    if let Ok(Some(method)) = &verdict {
                        proptest::prop_assert_eq!(value["method"].as_str(), Some(method.as_str()));
                    }
                }
            }
        }
    }
}

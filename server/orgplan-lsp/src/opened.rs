//! The text of a `didOpen`, and the whole text of a `didChange` that
//! sends one, taken out of its message where it lies.
//!
//! Replaces: serde_json's unescaping of the `text` string of a `didOpen`
//! (and tower-lsp's handing it on). Why: memory, below. Shown by:
//! BENCHMARKS.md, "Peak memory, this round" (peak RSS of the 100k-line
//! plan opened, 67.1 → 59.8 → 56.8 MB), measured with `orgplan-bench lsp`.
//! Held equal to serde_json: property tests below decode any text, escaped
//! anywhere, as serde_json decodes it.
//!
//! A plan opened whole arrives as one JSON string of megabytes. Through
//! tower-lsp it would be copied four times (its read buffer, which keeps
//! its size afterwards, serde's scratch for unescaping, a buffered value,
//! the params' string) before the session sees it. Instead, the input
//! guard unescapes the string inside the message's own buffer, keeps that
//! buffer as the text ([`OpenTexts`]) and hands tower-lsp the same
//! notification with an empty text. The handler takes the text back by
//! the document's URI and version.
//!
//! A client that syncs whole texts sends the whole plan at each keystroke,
//! as one change without a range. Through tower-lsp that text was unescaped
//! twice and copied through serde's buffered content: more than half of
//! such a keystroke's time in the server (BENCHMARKS.md, "6 Dec
//! (nineteenth session)"). It is taken out the same way, when it is the
//! change's only member and the message is large enough to be worth it.
//!
//! Order is kept: texts are queued in the order their notifications are
//! handed on, and tower-lsp hands notifications to the server in the
//! order it reads them. A text queued ahead of the one asked for belongs
//! to a notification tower-lsp dropped, and is let go.

use std::collections::VecDeque;

use parking_lot::Mutex;
use serde::Deserialize;
use serde_json::value::RawValue;
use tower_lsp_server::lsp_types::Uri;

/// Texts waiting for their handler past this many (tower-lsp dropping
/// every notification, say after a failed `initialize`): the oldest go.
const MAX_WAITING: usize = 256;

/// Texts of `didOpen` notifications, waiting for their handler.
#[derive(Default)]
pub struct OpenTexts(Mutex<VecDeque<OpenText>>);

struct OpenText {
    method: &'static str,
    uri: String,
    version: i32,
    text: String,
}

impl OpenTexts {
    fn push(&self, method: &'static str, uri: String, version: i32, text: String) {
        let mut waiting = self.0.lock();
        if waiting.len() >= MAX_WAITING {
            tracing::warn!("the text of a document's notification was never asked for: let go");
            waiting.pop_front();
        }
        waiting.push_back(OpenText {
            method,
            uri,
            version,
            text,
        });
    }

    /// The text of the `didOpen` of `uri` at `version`, if the guard took
    /// it out of the message.
    pub fn take(&self, uri: &Uri, version: i32) -> Option<String> {
        self.take_of(DID_OPEN, uri, version)
    }

    /// The whole text of the `didChange` of `uri` to `version`, if the
    /// guard took it out of the message.
    pub fn take_change(&self, uri: &Uri, version: i32) -> Option<String> {
        self.take_of(DID_CHANGE, uri, version)
    }

    fn take_of(&self, method: &str, uri: &Uri, version: i32) -> Option<String> {
        let mut waiting = self.0.lock();
        let i = waiting
            .iter()
            .position(|t| t.method == method && t.version == version && t.uri == uri.as_str())?;
        // Those before it were handed on earlier and never reached the server.
        waiting.drain(..i);
        waiting.pop_front().map(|t| t.text)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.lock().len()
    }
}

#[derive(Deserialize)]
struct Message<P> {
    jsonrpc: String,
    method: String,
    /// A notification has none.
    id: Option<serde::de::IgnoredAny>,
    params: P,
}

/// The methods whose text is taken out.
const DID_OPEN: &str = "textDocument/didOpen";
const DID_CHANGE: &str = "textDocument/didChange";

/// A `didChange` smaller than this is handed on whole: taking its text
/// out saves nothing worth reading the message twice.
const LARGE_CHANGE: usize = 16 << 10;

/// The params of a `didChange` with one change that is a whole text.
#[derive(Deserialize)]
struct ChangeParams<'a> {
    #[serde(rename = "textDocument")]
    text_document: Versioned,
    #[serde(borrow, rename = "contentChanges")]
    content_changes: Vec<WholeText<'a>>,
}

#[derive(Deserialize)]
struct Versioned {
    uri: Uri,
    version: i32,
}

/// A change that is only a text: one with a range (or any other member)
/// is no whole text, and its message is handed on as it is.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WholeText<'a> {
    #[serde(borrow)]
    text: &'a RawValue,
}

#[derive(Deserialize)]
struct Params<'a> {
    #[serde(borrow, rename = "textDocument")]
    text_document: Item<'a>,
}

#[derive(Deserialize)]
struct Item<'a> {
    uri: Uri,
    #[serde(rename = "languageId")]
    language_id: String,
    version: i32,
    #[serde(borrow)]
    text: &'a RawValue,
}

/// Takes the text out of the body of a `didOpen` notification, or of a
/// large `didChange` whose one change is a whole text: queues it in
/// `texts`, and returns the notification to hand on, with an empty text
/// and the members the server reads. Any other body, or one whose text is
/// no valid JSON string, is returned as it is (`Err`), for the guard to
/// judge. The text is checked as strictly as serde_json reads a string:
/// reading the message checks its UTF-8, control characters and escapes,
/// and [`escapes_are_valid`] what that leaves to a string's decoding (no
/// lone surrogate). Members the server does not read are only checked to
/// be JSON.
pub fn take_text(body: Vec<u8>, texts: &OpenTexts) -> Result<Vec<u8>, Vec<u8>> {
    // Either method's name may be in the other's text: a body that is no
    // open is looked at as a change.
    let body = match memchr::memmem::find(&body, DID_OPEN.as_bytes()) {
        Some(_) => match take_open_text(body, texts) {
            Ok(stub) => return Ok(stub),
            Err(body) => body,
        },
        None => body,
    };
    if body.len() >= LARGE_CHANGE && memchr::memmem::find(&body, DID_CHANGE.as_bytes()).is_some() {
        return take_whole_change(body, texts);
    }
    Err(body)
}

fn take_open_text(body: Vec<u8>, texts: &OpenTexts) -> Result<Vec<u8>, Vec<u8>> {
    let message = match serde_json::from_slice::<Message<Params>>(&body) {
        Ok(m) if m.jsonrpc == "2.0" && m.method == DID_OPEN && m.id.is_none() => m,
        _ => return Err(body),
    };
    let item = message.params.text_document;
    let stub = serde_json::json!({
        "jsonrpc": "2.0",
        "method": DID_OPEN,
        "params": {"textDocument": {
            "uri": item.uri,
            "languageId": item.language_id,
            "version": item.version,
            "text": "",
        }},
    });
    let at = (item.uri.as_str().to_string(), item.version);
    match string_span(&body, item.text) {
        Some(span) => Ok(take_string(body, span, DID_OPEN, at, &stub, texts)),
        None => Err(body),
    }
}

fn take_whole_change(body: Vec<u8>, texts: &OpenTexts) -> Result<Vec<u8>, Vec<u8>> {
    let message = match serde_json::from_slice::<Message<ChangeParams>>(&body) {
        Ok(m)
            if m.jsonrpc == "2.0"
                && m.method == DID_CHANGE
                && m.id.is_none()
                && m.params.content_changes.len() == 1 =>
        {
            m
        }
        _ => return Err(body),
    };
    let doc = message.params.text_document;
    let stub = serde_json::json!({
        "jsonrpc": "2.0",
        "method": DID_CHANGE,
        "params": {
            "textDocument": {"uri": doc.uri, "version": doc.version},
            "contentChanges": [{"text": ""}],
        },
    });
    let at = (doc.uri.as_str().to_string(), doc.version);
    match string_span(&body, message.params.content_changes[0].text) {
        Some(span) => Ok(take_string(body, span, DID_CHANGE, at, &stub, texts)),
        None => Err(body),
    }
}

/// Where the contents of the JSON string `raw` (which lies in `body`)
/// are in `body`, without the quotes; `None` when the string is not one
/// serde_json would decode.
fn string_span(body: &[u8], raw: &RawValue) -> Option<(usize, usize)> {
    let raw = raw.get().as_bytes();
    let start = raw.as_ptr() as usize - body.as_ptr() as usize + 1;
    let end = start + raw.len().saturating_sub(2);
    // Reading the message checked every escape but what a `\u` decodes
    // to: a text with no `\u` anywhere needs no walk from escape to
    // escape (a plan has one at each line break and quote, and that walk
    // was a quarter of taking a large plan's text out).
    let contents = &body[start..end];
    let unicode = memchr::memmem::find(contents, b"\\u").is_some();
    (raw.first() == Some(&b'"') && (!unicode || escapes_are_valid(contents)))
        .then_some((start, end))
}

/// Queues the string contents `body[start..end]`, decoded in `body`'s own
/// buffer, as the text of `method` for (URI, version) `at`, and gives
/// `stub` to hand on.
fn take_string(
    mut body: Vec<u8>,
    (start, end): (usize, usize),
    method: &'static str,
    (uri, version): (String, i32),
    stub: &serde_json::Value,
    texts: &OpenTexts,
) -> Vec<u8> {
    let len = unescape_to_front(&mut body, start, end);
    body.truncate(len);
    // Valid: the string was UTF-8 and every escape decodes to a scalar value.
    let text = String::from_utf8(body)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    texts.push(method, uri, version, text);
    serde_json::to_vec(stub).expect("a JSON value serializes")
}

/// The four hex digits at `at`, as a number.
fn hex4(s: &[u8], at: usize) -> Option<u32> {
    let digits = s.get(at..at + 4)?;
    let text = std::str::from_utf8(digits).ok()?;
    if !digits.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u32::from_str_radix(text, 16).ok()
}

/// The escape at `s[i]` (a backslash): what it stands for, and its length.
fn escape(s: &[u8], i: usize) -> Option<(char, usize)> {
    let &c = s.get(i + 1)?;
    if let Some(byte) = one_byte_escape(c) {
        return Some((char::from(byte), 2));
    }
    if c != b'u' {
        return None;
    }
    let hi = hex4(s, i + 2)?;
    if (0xD800..0xDC00).contains(&hi) {
        // A high surrogate must be followed by an escaped low one.
        if s.get(i + 6..i + 8) != Some(b"\\u") {
            return None;
        }
        let lo = hex4(s, i + 8)?;
        if !(0xDC00..0xE000).contains(&lo) {
            return None;
        }
        let c = char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?;
        return Some((c, 12));
    }
    char::from_u32(hi).map(|c| (c, 6))
}

/// Whether every backslash in `s` starts an escape JSON allows that
/// decodes to a Unicode scalar value (no lone surrogate).
fn escapes_are_valid(s: &[u8]) -> bool {
    let mut i = 0;
    while let Some(j) = memchr::memchr(b'\\', &s[i..]) {
        match escape(s, i + j) {
            Some((_, n)) => i += j + n,
            None => return false,
        }
    }
    true
}

/// The byte a two-byte escape (a backslash, then `c`) stands for: all
/// but `\u`.
fn one_byte_escape(c: u8) -> Option<u8> {
    Some(match c {
        b'"' => b'"',
        b'\\' => b'\\',
        b'/' => b'/',
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        _ => return None,
    })
}

/// Decodes the JSON string contents `buf[start..end]` (escapes checked by
/// [`escapes_are_valid`]) into `buf[..len]` and returns `len`. Every escape
/// is at least as long as what it decodes to, so the output never
/// overtakes the input.
fn unescape_to_front(buf: &mut [u8], start: usize, end: usize) -> usize {
    let (mut read, mut write) = (start, 0);
    while read < end {
        let run = memchr::memchr(b'\\', &buf[read..end]).unwrap_or(end - read);
        buf.copy_within(read..read + run, write);
        write += run;
        read += run;
        if read == end {
            break;
        }
        // The escapes of a line break and a quote, and the other one-byte
        // ones, are most of a plan's: written without decoding a `char`.
        if let Some(byte) = one_byte_escape(buf[read + 1]) {
            buf[write] = byte;
            write += 1;
            read += 2;
            continue;
        }
        let (c, n) = escape(&buf[..end], read).expect("escapes were checked");
        let mut utf8 = [0u8; 4];
        let bytes = c.encode_utf8(&mut utf8).as_bytes();
        buf[write..write + bytes.len()].copy_from_slice(bytes);
        write += bytes.len();
        read += n;
    }
    write
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    fn open(uri: &str, version: i32, text: &str) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": uri, "languageId": "orgplan", "version": version, "text": text}},
        }))
        .unwrap()
    }

    fn uri(s: &str) -> Uri {
        s.parse().unwrap()
    }

    #[test]
    fn the_text_is_taken_out_and_the_rest_handed_on() {
        let texts = OpenTexts::default();
        let text = "team a {\n\tname: \"Ünï \\\"quoted\\\"\" // 团队 😀\r\n}\n";
        let stub = take_text(open("file:///p/a%20b.orgplan", 3, text), &texts).unwrap();
        let stub: Value = serde_json::from_slice(&stub).unwrap();
        assert_eq!(
            stub,
            serde_json::from_slice::<Value>(&open("file:///p/a%20b.orgplan", 3, "")).unwrap()
        );
        assert_eq!(texts.take(&uri("file:///p/a%20b.orgplan"), 2), None);
        assert_eq!(
            texts.take(&uri("file:///p/a%20b.orgplan"), 3).as_deref(),
            Some(text)
        );
        assert_eq!(texts.len(), 0);
    }

    fn change(uri: &str, version: i32, changes: Value) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "jsonrpc": "2.0",
            "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes},
        }))
        .unwrap()
    }

    /// A large `didChange` whose one change is a whole text has it taken
    /// out; one with a range, with two changes, with another member, or
    /// too small to be worth it is handed on as it is.
    #[test]
    fn the_whole_text_of_a_large_change_is_taken_out() {
        let texts = OpenTexts::default();
        let text = "team a \"Ü \\\"q\\\"\" {\r\n\t}\n".repeat(1000);
        let stub = take_text(change("file:///a", 7, json!([{"text": text}])), &texts).unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&stub).unwrap(),
            serde_json::from_slice::<Value>(&change("file:///a", 7, json!([{"text": ""}])))
                .unwrap()
        );
        // Not the text of an open of the same document and version.
        assert_eq!(texts.take(&uri("file:///a"), 7), None);
        assert!(texts.take_change(&uri("file:///a"), 7).as_deref() == Some(text.as_str()));
        // A text that names the other method is taken all the same.
        let named = format!("# textDocument/didOpen\n{text}");
        take_text(change("file:///b", 2, json!([{"text": named}])), &texts).unwrap();
        assert!(texts.take_change(&uri("file:///b"), 2) == Some(named));
        let range =
            json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
        for changes in [
            json!([{"range": range, "text": text}]),
            json!([{"text": text}, {"text": text}]),
            json!([{"text": text, "rangeLength": 0}]),
            json!([{"text": "short"}]),
            json!([]),
        ] {
            let body = change("file:///a", 8, changes);
            assert!(take_text(body.clone(), &texts) == Err(body));
        }
        let mut request =
            serde_json::from_slice::<Value>(&change("file:///a", 9, json!([{"text": text}])))
                .unwrap();
        request["id"] = json!(1);
        let body = serde_json::to_vec(&request).unwrap();
        assert!(take_text(body.clone(), &texts) == Err(body));
        assert_eq!(texts.len(), 0);
    }

    #[test]
    fn texts_queued_ahead_of_the_one_asked_for_are_let_go() {
        let texts = OpenTexts::default();
        for (u, v) in [("file:///a", 1), ("file:///b", 1), ("file:///a", 2)] {
            take_text(open(u, v, u), &texts).unwrap();
        }
        assert_eq!(
            texts.take(&uri("file:///b"), 1).as_deref(),
            Some("file:///b")
        );
        assert_eq!(texts.len(), 1);
        assert_eq!(texts.take(&uri("file:///a"), 1), None);
        assert_eq!(
            texts.take(&uri("file:///a"), 2).as_deref(),
            Some("file:///a")
        );
    }

    #[test]
    fn what_is_no_open_notification_is_handed_on_as_it_is() {
        let texts = OpenTexts::default();
        for body in [
            r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{}}"#,
            r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a","languageId":"x","version":1,"text":7}}}"#,
            r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a","languageId":"x","version":1.5,"text":""}}}"#,
            r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a","languageId":"x","version":1,"text":"a","text":"b"}}}"#,
            r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a","languageId":"x","version":1,"text":"\ud800"}}}"#,
            "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"file:///a\",\"languageId\":\"x\",\"version\":1,\"text\":\"a\tb\"}}}",
            r#"{"jsonrpc":"1.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a","languageId":"x","version":1,"text":""}}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a","languageId":"x","version":1,"text":""}}}"#,
            r#"{"jsonrpc":"2.0","method":"textDocument/didClose","params":{"textDocument":{"uri":"file:///a","languageId":"x","version":1,"text":"textDocument/didOpen"}}}"#,
            r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a","languageId":"x","version":1,"text":""}}} {}"#,
        ] {
            assert_eq!(
                take_text(body.as_bytes().to_vec(), &texts),
                Err(body.as_bytes().to_vec()),
                "{body}"
            );
        }
        let mut not_utf8 = open("file:///a", 1, "ab");
        let at = not_utf8.windows(4).position(|w| w == b"\"ab\"").unwrap();
        not_utf8[at + 1] = 0xff;
        assert_eq!(take_text(not_utf8.clone(), &texts), Err(not_utf8));
        assert_eq!(texts.len(), 0);
    }

    #[test]
    fn every_escape_decodes_as_serde_json_decodes_it() {
        for raw in [
            r#"\"\\\/\b\f\n\r\t"#,
            r#"\u0000\u001f\u00e9\u56e2\uffff"#,
            r#"\ud83d\ude00x\uD83D\uDE00"#,
            r#"plain"#,
            r#""#,
        ] {
            let body = format!(
                r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"file:///a","languageId":"x","version":1,"text":"{raw}"}}}}}}"#
            );
            let expected: String = serde_json::from_str(&format!("\"{raw}\"")).unwrap();
            let texts = OpenTexts::default();
            take_text(body.into_bytes(), &texts).unwrap();
            assert_eq!(texts.take(&uri("file:///a"), 1).unwrap(), expected, "{raw}");
        }
        // A lone surrogate is refused whole, also after escapes that
        // need no walk; an escaped backslash before `u` is no `\u`.
        for (raw, ok) in [
            (r#"a\nb\"c\ud800x"#, false),
            (r#"a\n\udc00"#, false),
            (r#"a\\ud800"#, true),
        ] {
            let body = format!(
                r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"file:///b","languageId":"x","version":1,"text":"{raw}"}}}}}}"#
            );
            let texts = OpenTexts::default();
            let taken = take_text(body.clone().into_bytes(), &texts);
            assert_eq!(taken.is_ok(), ok, "{raw}");
            if !ok {
                assert_eq!(taken, Err(body.into_bytes()), "{raw}");
            }
        }
        for bad in [
            r#"\x"#,
            r#"\u12"#,
            r#"\ud800x"#,
            r#"\udc00"#,
            r#"\ud800\u0041"#,
            r#"\"#,
        ] {
            assert!(!escapes_are_valid(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn too_many_waiting_texts_let_the_oldest_go() {
        let texts = OpenTexts::default();
        for v in 0..MAX_WAITING as i32 + 3 {
            take_text(open("file:///a", v, "x"), &texts).unwrap();
        }
        assert_eq!(texts.len(), MAX_WAITING);
        assert_eq!(texts.take(&uri("file:///a"), 2), None);
        assert_eq!(texts.take(&uri("file:///a"), 3).as_deref(), Some("x"));
    }

    /// `c` as JSON writes it with `\\u` escapes only.
    fn u_escaped(c: char) -> String {
        let mut units = [0u16; 2];
        c.encode_utf16(&mut units)
            .iter()
            .map(|u| format!("\\u{u:04X}"))
            .collect()
    }

    proptest! {
        #[test]
        fn escapes_anywhere_decode_as_serde_json_decodes_them(
            chars in proptest::collection::vec((any::<char>(), any::<bool>()), 0..64)
        ) {
            let raw: String = chars
                .iter()
                .map(|&(c, esc)| match c {
                    '"' | '\\' | '\0'..='\u{1f}' => u_escaped(c),
                    _ if esc => u_escaped(c),
                    _ => c.to_string(),
                })
                .collect();
            let body = format!(
                r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"file:///a","languageId":"x","version":1,"text":"{raw}"}}}}}}"#
            );
            let texts = OpenTexts::default();
            prop_assert!(take_text(body.into_bytes(), &texts).is_ok());
            let expected: String = chars.iter().map(|&(c, _)| c).collect();
            prop_assert_eq!(texts.take(&uri("file:///a"), 1), Some(expected));
        }

        #[test]
        fn any_text_comes_back_whole(text in any::<String>(), ascii in "[ -~\t\r\n]{0,200}") {
            for t in [&text, &ascii] {
                let texts = OpenTexts::default();
                take_text(open("file:///a", 1, t), &texts).unwrap();
                prop_assert_eq!(texts.take(&uri("file:///a"), 1), Some(t.clone()));
            }
        }
    }
}

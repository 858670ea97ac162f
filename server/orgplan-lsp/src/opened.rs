//! The text of a `didOpen`, taken out of its message where it lies.
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
    uri: String,
    version: i32,
    text: String,
}

impl OpenTexts {
    fn push(&self, uri: String, version: i32, text: String) {
        let mut waiting = self.0.lock();
        if waiting.len() >= MAX_WAITING {
            tracing::warn!("the text of an opened document was never asked for: let go");
            waiting.pop_front();
        }
        waiting.push_back(OpenText { uri, version, text });
    }

    /// The text of the `didOpen` of `uri` at `version`, if the guard took
    /// it out of the message.
    pub fn take(&self, uri: &Uri, version: i32) -> Option<String> {
        let mut waiting = self.0.lock();
        let i = waiting
            .iter()
            .position(|t| t.version == version && t.uri == uri.as_str())?;
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
struct Message<'a> {
    jsonrpc: String,
    method: String,
    /// A notification has none.
    id: Option<serde::de::IgnoredAny>,
    #[serde(borrow)]
    params: Params<'a>,
}

/// The method whose text is taken out.
const DID_OPEN: &str = "textDocument/didOpen";

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

/// Takes the text out of the body of a `didOpen` notification: queues it
/// in `texts`, and returns the notification to hand on, with an empty text
/// and the members the server reads. Any other body, or one whose text is
/// no valid JSON string, is returned as it is (`Err`), for the guard to
/// judge. The text is checked as strictly as serde_json reads a string:
/// reading the message checks its UTF-8, control characters and escapes,
/// and [`escapes_are_valid`] what that leaves to a string's decoding (no
/// lone surrogate). Members the server does not read are only checked to
/// be JSON.
pub fn take_text(mut body: Vec<u8>, texts: &OpenTexts) -> Result<Vec<u8>, Vec<u8>> {
    if memchr::memmem::find(&body, DID_OPEN.as_bytes()).is_none() {
        return Err(body);
    }
    let message = match serde_json::from_slice::<Message>(&body) {
        Ok(m) if m.jsonrpc == "2.0" && m.method == DID_OPEN && m.id.is_none() => m,
        _ => return Err(body),
    };
    let item = message.params.text_document;
    let raw = item.text.get().as_bytes();
    // The string's contents, without its quotes, as offsets into the body.
    let start = raw.as_ptr() as usize - body.as_ptr() as usize + 1;
    let end = start + raw.len().saturating_sub(2);
    // Reading the message checked every escape but what a `\u` decodes
    // to: a text with no `\u` anywhere needs no walk from escape to
    // escape (a plan has one at each line break and quote, and that walk
    // was a quarter of taking a large plan's text out).
    let contents = &body[start..end];
    let unicode = memchr::memmem::find(contents, b"\\u").is_some();
    if raw.first() != Some(&b'"') || (unicode && !escapes_are_valid(contents)) {
        return Err(body);
    }
    let stub = serde_json::json!({
        "jsonrpc": "2.0",
        "method": "textDocument/didOpen",
        "params": {"textDocument": {
            "uri": item.uri,
            "languageId": item.language_id,
            "version": item.version,
            "text": "",
        }},
    });
    let (uri, version) = (item.uri.as_str().to_string(), item.version);
    let len = unescape_to_front(&mut body, start, end);
    body.truncate(len);
    // Valid: the string was UTF-8 and every escape decodes to a scalar value.
    let text = String::from_utf8(body)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    texts.push(uri, version, text);
    Ok(serde_json::to_vec(&stub).expect("a JSON value serializes"))
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

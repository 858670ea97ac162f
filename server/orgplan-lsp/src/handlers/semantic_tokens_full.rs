//! textDocument/semanticTokens/full: every token of the document, typed by
//! what it names (`crate::convert::semantic_tokens_legend`).
//!
//! A whole file's tokens are many (a 100k-line plan has about 200,000:
//! a million numbers), so they are kept between requests chunk by chunk
//! (`semantic_tokens_kept`: a keystroke encodes one chunk's again; a chunk
//! is encoded in one pass over its text, positions counted on from token
//! to token, not looked up), and the result is written as JSON text and
//! carried out in place of the response's placeholder
//! ([`crate::transport::stash_raw`]) rather than built into a JSON value
//! tree. For clients that ask for deltas (`semanticTokens/full/delta`),
//! what a later delta needs is kept under the result's id ([`remember`]):
//! the length and a hash of the tokens of each chunk.

use super::semantic_tokens_kept::{placed, with_chunk_tokens, FileTokens};
use super::Snap;
use orgplan_analysis::ide::semantic_tokens::{for_each_semantic_token, SemanticToken, TokenKind};
use orgplan_analysis::position::{Cursor, LineCol};
use orgplan_analysis::TextRange;
use parking_lot::Mutex;
use tower_lsp_server::lsp_types::{SemanticTokens, SemanticTokensParams, SemanticTokensResult};

pub fn semantic_tokens_full(snap: &Snap, _: &SemanticTokensParams) -> Option<SemanticTokensResult> {
    // About a byte of JSON per byte of text: room for it at once.
    let room = snap.ws.text(snap.file).map_or(0, |t| t.len());
    let mut text = crate::transport::raw_result(room);
    let segments = with_chunk_tokens(snap, &snap.kept_tokens.files, |chunks| {
        let placed = placed(chunks);
        let mut numbers = Numbers::new();
        text.extend_from_slice(br#"{"data":["#);
        for p in &placed {
            p.for_each(|token| {
                for n in token {
                    numbers.write(&mut text, n);
                }
            });
        }
        text.push(b']');
        placed.iter().map(|p| p.segment()).collect()
    });
    if let Some(id) = remember(snap, segments) {
        text.extend_from_slice(br#","resultId":""#);
        text.extend_from_slice(id.as_bytes());
        text.push(b'"');
    }
    text.push(b'}');
    Some(SemanticTokensResult::Tokens(placeholder(text)))
}

/// Numbers written one after another into a JSON array.
pub(super) struct Numbers {
    first: bool,
}

impl Numbers {
    pub(super) fn new() -> Numbers {
        Numbers { first: true }
    }

    pub(super) fn write(&mut self, out: &mut Vec<u8>, n: u32) {
        if !self.first {
            out.push(b',');
        }
        self.first = false;
        crate::transport::write_u32(out, n);
    }
}

/// The result the handler gives for a result written as `text`: the
/// output writes the text in its place.
pub(super) fn placeholder(text: Vec<u8>) -> SemanticTokens {
    SemanticTokens {
        result_id: Some(crate::transport::stash_raw(text)),
        data: Vec::new(),
    }
}

/// A file's tokens as the protocol encodes them (five numbers each, placed
/// relative to the token before).
pub(super) struct Encoded {
    pub data: Vec<u32>,
}

/// A run of numbers in a result: how many, and a hash of them (the
/// tokens of one chunk of the file, `semantic_tokens_kept`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Segment {
    pub len: u32,
    pub hash: u64,
}

/// The tokens of the file (those `within` a range, if given) as the
/// protocol encodes them, afresh (a range's; the whole file's are kept
/// chunk by chunk, `semantic_tokens_kept`).
pub(super) fn encode(snap: &Snap, within: Option<TextRange>) -> Encoded {
    let mut data = Vec::new();
    for_each_encoded(snap, within, |token, _| data.extend_from_slice(&token));
    Encoded { data }
}

/// Calls `f` with each token of the file (those `within` a range, if
/// given), placed relative to the one before as the protocol encodes
/// them, and whether it starts a segment. A token the client could not
/// show (one spanning lines, or empty) is left out.
fn for_each_encoded(snap: &Snap, within: Option<TextRange>, mut f: impl FnMut([u32; 5], bool)) {
    let text = snap.lines.text();
    let mut cursor: Option<Cursor> = None;
    let mut prev = (0, 0);
    // A segment starts at its first token the client is given.
    let mut starts = false;
    for_each_semantic_token(
        snap.ws,
        &snap.analysis.model,
        snap.file,
        within,
        |t, first| {
            starts |= first;
            let c = cursor.get_or_insert_with(|| Cursor::new(text, t.range.start(), snap.enc));
            let ends = (c.advance(t.range.start()), c.advance(t.range.end()));
            let Some((token, at)) = place(ends, &t, prev) else {
                return;
            };
            f(token, std::mem::take(&mut starts));
            prev = at;
        },
    );
}

/// Token `t`'s five numbers, placed relative to the token before it at
/// (line, column) `prev`, and its own (line, column), given where its
/// start and its end are; `None` for a token the client could not show
/// (one spanning lines, or empty).
pub(super) fn place(
    (s, e): (LineCol, LineCol),
    t: &SemanticToken,
    (prev_line, prev_col): (u32, u32),
) -> Option<([u32; 5], (u32, u32))> {
    if s.line != e.line || e.col <= s.col {
        return None;
    }
    let delta_line = s.line - prev_line;
    let delta_start = if delta_line == 0 {
        s.col - prev_col
    } else {
        s.col
    };
    let kind = TokenKind::ALL.iter().position(|k| *k == t.kind);
    let token = [
        delta_line,
        delta_start,
        e.col - s.col,
        kind.unwrap_or(0) as u32,
        u32::from(t.declaration),
    ];
    Some((token, (s.line, s.col)))
}

/// Writes `numbers` as a JSON array.
#[cfg(test)]
pub(super) fn write_array(out: &mut Vec<u8>, numbers: &[u32]) {
    let mut w = Numbers::new();
    out.push(b'[');
    for &n in numbers {
        w.write(out, n);
    }
    out.push(b']');
}

/// What a delta is computed against: a result given for a document.
struct Kept {
    id: String,
    uri: String,
    segments: Vec<Segment>,
}

/// The last results a session gave a client that asks for deltas (a few:
/// a client asks for the delta from the result it was given last). Each
/// session has its own (the session holds it, its snapshots share it):
/// two servers in one process never evict each other's.
#[derive(Default)]
pub struct KeptTokens {
    results: Mutex<Vec<Kept>>,
    /// The tokens of the last documents asked for, chunk by chunk.
    pub(super) files: Mutex<Vec<FileTokens>>,
}
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
/// Results kept per document, and in all.
const KEPT_PER_DOCUMENT: usize = 2;
const KEPT_IN_ALL: usize = 8;

/// Keeps `segments` under a new result id and returns it, if the client
/// asks for deltas; `None` (and nothing kept) otherwise.
pub(super) fn remember(snap: &Snap, segments: Vec<Segment>) -> Option<String> {
    if !snap.support.semantic_tokens_delta {
        return None;
    }
    let uri = snap.uri()?.to_string();
    let id = NEXT_ID
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        .to_string();
    let mut kept = snap.kept_tokens.results.lock();
    if kept.iter().filter(|k| k.uri == uri).count() >= KEPT_PER_DOCUMENT {
        let oldest = kept.iter().position(|k| k.uri == uri);
        kept.remove(oldest.unwrap_or(0));
    }
    if kept.len() >= KEPT_IN_ALL {
        kept.remove(0);
    }
    kept.push(Kept {
        id: id.clone(),
        uri,
        segments,
    });
    Some(id)
}

/// The segments of result `id`, if it was given for this document and is
/// still kept.
pub(super) fn recall(snap: &Snap, id: &str) -> Option<Vec<Segment>> {
    let uri = snap.uri()?.to_string();
    let kept = snap.kept_tokens.results.lock();
    let k = kept.iter().find(|k| k.id == id && k.uri == uri)?;
    Some(k.segments.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use orgplan_analysis::ide::semantic_tokens::semantic_tokens;
    use orgplan_analysis::position::Encoding;

    /// The tokens as they were encoded before [`encode`]: each token's
    /// range converted on its own.
    fn one_by_one(snap: &Snap, within: Option<TextRange>) -> Vec<u32> {
        let mut data = Vec::new();
        let (mut prev_line, mut prev_col) = (0, 0);
        for t in semantic_tokens(snap.ws, &snap.analysis.model, snap.file, within) {
            let r = snap.range(t.range);
            if r.start.line != r.end.line || r.end.character <= r.start.character {
                continue;
            }
            let delta_line = r.start.line - prev_line;
            let delta_start = if delta_line == 0 {
                r.start.character - prev_col
            } else {
                r.start.character
            };
            let kind = TokenKind::ALL.iter().position(|k| *k == t.kind).unwrap() as u32;
            data.extend([
                delta_line,
                delta_start,
                r.end.character - r.start.character,
                kind,
                u32::from(t.declaration),
            ]);
            (prev_line, prev_col) = (r.start.line, r.start.character);
        }
        data
    }

    /// (line, start, length, type, modifiers) of each token.
    fn absolute(data: &[u32]) -> Vec<[u32; 5]> {
        let (mut line, mut col) = (0, 0);
        data.chunks_exact(5)
            .map(|t| {
                line += t[0];
                col = if t[0] == 0 { col + t[1] } else { t[1] };
                [line, col, t[2], t[3], t[4]]
            })
            .collect()
    }

    proptest::proptest! {
        /// Numbers of every size are written as serde_json writes them
        /// (one and two digits pushed as bytes, the rest formatted).
        #[test]
        fn numbers_are_written_as_serde_json_writes_them(
            numbers in proptest::collection::vec(
                proptest::prop_oneof![0u32..10, 10u32..100, 100u32..1000, proptest::prelude::any::<u32>()],
                0..40,
            ),
        ) {
            let mut out = Vec::new();
            write_array(&mut out, &numbers);
            proptest::prop_assert_eq!(out, serde_json::to_vec(&numbers).unwrap());
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
        /// Encoded in one pass, the tokens are those converted one by one;
        /// the segments cover them; a range's tokens are the whole file's
        /// that lie on its lines; and the text written is the JSON that
        /// serde_json writes for the same tokens.
        #[test]
        fn one_pass_encodes_as_one_by_one(
            text in super::super::test_texts(),
            a in proptest::prelude::any::<proptest::sample::Index>(),
            b in proptest::prelude::any::<proptest::sample::Index>(),
        ) {
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                let fs = super::super::test_snapshot(&text, enc);
                let snap = fs.view().unwrap();
                let encoded = encode(&snap, None);
                proptest::prop_assert_eq!(&encoded.data, &one_by_one(&snap, None));

                let mut bounds = [a.index(text.len() + 1), b.index(text.len() + 1)];
                bounds.sort();
                let [from, to] = bounds.map(|i| (0..=i).rev().find(|&i| text.is_char_boundary(i)).unwrap());
                let within = TextRange::new(from, to);
                let range = encode(&snap, Some(within)).data;
                proptest::prop_assert_eq!(&range, &one_by_one(&snap, Some(within)));
                let full = absolute(&encoded.data);
                let (first, last) = (snap.range(within).start.line, snap.range(within).end.line);
                for t in absolute(&range) {
                    proptest::prop_assert!(full.contains(&t));
                    proptest::prop_assert!(t[0] >= first && t[0] <= last);
                }

                let mut written = Vec::new();
                write_array(&mut written, &encoded.data);
                let tokens = SemanticTokens {
                    result_id: None,
                    data: one_by_one_tokens(&encoded.data),
                };
                let want = serde_json::to_value(&tokens).unwrap();
                let got: serde_json::Value = serde_json::from_slice(&written).unwrap();
                proptest::prop_assert_eq!(&got, &want["data"]);

                // The handler, which writes the tokens kept chunk by chunk,
                // gives the same numbers, and keeps segments that cover them.
                let result = crate::transport::raw_result_of(&serde_json::to_value(
                    match semantic_tokens_full(&snap, &params()) {
                        Some(SemanticTokensResult::Tokens(p)) => p,
                        _ => panic!("no tokens"),
                    },
                ).unwrap()).unwrap();
                proptest::prop_assert_eq!(&result["data"], &want["data"]);
                let id = result["resultId"].as_str().unwrap();
                let covered: u32 = recall(&snap, id).unwrap().iter().map(|s| s.len).sum();
                proptest::prop_assert_eq!(covered as usize, encoded.data.len());
            }
        }
    }

    fn one_by_one_tokens(data: &[u32]) -> Vec<tower_lsp_server::lsp_types::SemanticToken> {
        data.chunks_exact(5)
            .map(|t| tower_lsp_server::lsp_types::SemanticToken {
                delta_line: t[0],
                delta_start: t[1],
                length: t[2],
                token_type: t[3],
                token_modifiers_bitset: t[4],
            })
            .collect()
    }

    fn params() -> SemanticTokensParams {
        SemanticTokensParams {
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
            text_document: tower_lsp_server::lsp_types::TextDocumentIdentifier {
                uri: "file:///t.orgplan".parse().unwrap(),
            },
        }
    }

    /// A file of more chunks than one thread encodes alone
    /// (`semantic_tokens_kept::SPLIT_FROM`): the handler's result, its
    /// chunks encoded on two threads, is the tokens converted one by one,
    /// in each encoding, across every kind of line break.
    #[test]
    fn a_file_of_thousands_of_chunks_encodes_as_one_by_one() {
        // Ids of every length, so that no run of chunks is like another.
        let text: String = (0..3000)
            .map(|i| match i % 4 {
                0 => format!("leader l{i} \"Jane 😀\" {{\n  title: \"Director, 団体\"\n}}\n"),
                1 => format!(
                    "team t{i} \"T\" {{\r\n  reports_to: l{}\r\n  roles: qa\r\n}}\r\n",
                    i - 1
                ),
                2 => format!(
                    "initiative i{i} \"I\" {{\r  leader: l{}\r  teams: t{}, x{i}\r}}\r",
                    i - 2,
                    i - 1
                ),
                _ => format!("# a comment é {i}\n"),
            })
            .collect();
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let fs = super::super::test_snapshot(&text, enc);
            let snap = fs.view().unwrap();
            let chunks = snap.ws.file(snap.file).unwrap().parsed.chunks.len();
            assert!(
                chunks > 2 * super::super::semantic_tokens_kept::SPLIT_FROM,
                "{chunks}"
            );
            let Some(SemanticTokensResult::Tokens(placeholder)) =
                semantic_tokens_full(&snap, &params())
            else {
                panic!("no tokens");
            };
            let result =
                crate::transport::raw_result_of(&serde_json::to_value(&placeholder).unwrap())
                    .expect("written as text");
            assert_eq!(
                result["data"],
                serde_json::json!(one_by_one(&snap, None)),
                "{enc:?}"
            );
        }
    }

    #[test]
    fn the_whole_result_is_written_as_json_text_with_its_id() {
        let fs = super::super::test_snapshot("leader jane \"Jane\" {}\n# note\n", Encoding::Utf16);
        let snap = fs.view().unwrap();
        let params = SemanticTokensParams {
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
            text_document: tower_lsp_server::lsp_types::TextDocumentIdentifier {
                uri: "file:///t.orgplan".parse().unwrap(),
            },
        };
        let Some(SemanticTokensResult::Tokens(placeholder)) = semantic_tokens_full(&snap, &params)
        else {
            panic!("no tokens");
        };
        let value = serde_json::to_value(&placeholder).unwrap();
        let result = crate::transport::raw_result_of(&value).expect("written as text");
        let result: SemanticTokens = serde_json::from_value(result).unwrap();
        assert_eq!(result.data, one_by_one_tokens(&one_by_one(&snap, None)));
        assert!(recall(&snap, result.result_id.as_deref().unwrap()).is_some());
    }
}

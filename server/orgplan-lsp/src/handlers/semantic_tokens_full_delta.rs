//! textDocument/semanticTokens/full/delta: the document's tokens as one
//! edit of the result the client has (`previousResultId`), offered to
//! clients that ask for it (`ClientSupport::semantic_tokens_delta`).
//!
//! The tokens are those kept chunk by chunk (`semantic_tokens_kept`: only
//! the chunks whose text, or what their names resolve to, changed are
//! encoded again), compared with the previous result a chunk at a time:
//! the chunks at either end whose tokens are the same (length and hash) are
//! kept, and the one edit replaces the tokens between them. A keystroke
//! changes one chunk's tokens, so the edit is about one chunk's numbers,
//! not a million, and only those are decoded and written. A previous result no longer kept (or of
//! another document) gets the whole result instead, as the protocol allows.

use super::semantic_tokens_full::{placeholder, recall, remember, Numbers, Segment};
use super::semantic_tokens_kept::{placed, with_chunk_tokens, Placed};
use super::Snap;
use tower_lsp_server::lsp_types::{
    SemanticTokensDelta, SemanticTokensDeltaParams, SemanticTokensFullDeltaResult,
};

pub fn semantic_tokens_full_delta(
    snap: &Snap,
    params: &SemanticTokensDeltaParams,
) -> Option<SemanticTokensFullDeltaResult> {
    let previous = recall(snap, &params.previous_result_id);
    let mut text = crate::transport::raw_result(0);
    let whole = previous.is_none();
    let segments = with_chunk_tokens(snap, &snap.kept_tokens.files, |chunks| {
        let placed = placed(chunks);
        let segments: Vec<Segment> = placed.iter().map(|p| p.segment()).collect();
        let Some(old) = previous else {
            text.extend_from_slice(br#"{"data":"#);
            write_numbers(&mut text, &placed, 0..usize::MAX);
            return segments;
        };
        let Edit {
            start,
            delete,
            data,
        } = edit(&old, &segments);
        text.extend_from_slice(br#"{"edits":["#);
        if delete > 0 || !data.is_empty() {
            text.extend_from_slice(
                format!(r#"{{"start":{start},"deleteCount":{delete},"data":"#).as_bytes(),
            );
            write_numbers(&mut text, &placed, data);
            text.push(b'}');
        }
        text.push(b']');
        segments
    });
    let id = remember(snap, segments).unwrap_or_default();
    text.extend_from_slice(br#","resultId":""#);
    text.extend_from_slice(id.as_bytes());
    text.extend_from_slice(b"\"}");
    let placeholder = placeholder(text);
    if whole {
        return Some(SemanticTokensFullDeltaResult::Tokens(placeholder));
    }
    Some(SemanticTokensFullDeltaResult::TokensDelta(
        SemanticTokensDelta {
            result_id: placeholder.result_id,
            edits: Vec::new(),
        },
    ))
}

/// Writes, as a JSON array, the numbers of the placed chunks that lie in
/// `range` of the numbers (which starts and ends between chunks).
fn write_numbers(out: &mut Vec<u8>, placed: &[Placed], range: std::ops::Range<usize>) {
    let mut numbers = Numbers::new();
    let mut at = 0;
    out.push(b'[');
    for p in placed {
        if at >= range.end {
            break;
        }
        if at >= range.start {
            p.for_each(|token| {
                for n in token {
                    numbers.write(out, n);
                }
            });
        }
        at += p.chunk.numbers() as usize;
    }
    out.push(b']');
}

/// One edit of the previous data: from `start`, `delete` numbers replaced
/// by the new data's `data`.
#[derive(Debug, PartialEq, Eq)]
struct Edit {
    start: usize,
    delete: usize,
    data: std::ops::Range<usize>,
}

/// The edit that turns the data of segments `old` into that of `new`:
/// the segments alike at both ends are kept.
fn edit(old: &[Segment], new: &[Segment]) -> Edit {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let total = |s: &[Segment]| s.iter().map(|s| s.len as usize).sum::<usize>();
    let start = total(&old[..prefix]);
    let delete = total(&old[prefix..old.len() - suffix]);
    let inserted = total(&new[prefix..new.len() - suffix]);
    Edit {
        start,
        delete,
        data: start..start + inserted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(len: u32, hash: u64) -> Segment {
        Segment { len, hash }
    }

    #[test]
    fn the_edit_spans_the_segments_that_differ() {
        let old = [seg(5, 1), seg(10, 2), seg(5, 3)];
        // One block's tokens changed.
        let new = [seg(5, 1), seg(15, 9), seg(5, 3)];
        assert_eq!(
            edit(&old, &new),
            Edit {
                start: 5,
                delete: 10,
                data: 5..20
            }
        );
        // A block added at the end; the same again; all gone.
        let more = [seg(5, 1), seg(10, 2), seg(5, 3), seg(5, 4)];
        assert_eq!(
            edit(&old, &more),
            Edit {
                start: 20,
                delete: 0,
                data: 20..25
            }
        );
        assert_eq!(
            edit(&old, &old),
            Edit {
                start: 20,
                delete: 0,
                data: 20..20
            }
        );
        assert_eq!(
            edit(&old, &[]),
            Edit {
                start: 0,
                delete: 20,
                data: 0..0
            }
        );
        // Alike at both ends, overlapping: each segment counts once.
        let twice = [seg(5, 1), seg(5, 1)];
        assert_eq!(
            edit(&twice, &twice[..1]),
            Edit {
                start: 5,
                delete: 5,
                data: 5..5
            }
        );
    }
}

#[cfg(test)]
mod delta_tests {
    use super::super::semantic_tokens_full::{encode, semantic_tokens_full};
    use super::*;
    use orgplan_analysis::position::Encoding;
    use orgplan_analysis::TextRange;
    use tower_lsp_server::lsp_types::{SemanticTokensParams, SemanticTokensResult};

    /// The whole result the handler gives: its numbers and its id.
    fn whole(snap: &Snap) -> (Vec<u32>, String) {
        let params = SemanticTokensParams {
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
            text_document: tower_lsp_server::lsp_types::TextDocumentIdentifier {
                uri: "file:///t.orgplan".parse().unwrap(),
            },
        };
        let Some(SemanticTokensResult::Tokens(p)) = semantic_tokens_full(snap, &params) else {
            panic!("no tokens");
        };
        let value = crate::transport::raw_result_of(&serde_json::to_value(p).unwrap()).unwrap();
        let data = serde_json::from_value(value["data"].clone()).unwrap();
        (data, value["resultId"].as_str().unwrap().to_string())
    }

    /// `data` with the handler's delta from result `id` applied, and the
    /// new result's id.
    fn apply_delta(snap: &Snap, id: &str, mut data: Vec<u32>) -> (Vec<u32>, String) {
        let params = SemanticTokensDeltaParams {
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
            text_document: tower_lsp_server::lsp_types::TextDocumentIdentifier {
                uri: "file:///t.orgplan".parse().unwrap(),
            },
            previous_result_id: id.into(),
        };
        let Some(SemanticTokensFullDeltaResult::TokensDelta(p)) =
            semantic_tokens_full_delta(snap, &params)
        else {
            panic!("no delta");
        };
        let value = crate::transport::raw_result_of(&serde_json::to_value(p).unwrap()).unwrap();
        for e in value["edits"].as_array().unwrap() {
            let start = e["start"].as_u64().unwrap() as usize;
            let delete = e["deleteCount"].as_u64().unwrap() as usize;
            let new: Vec<u32> = serde_json::from_value(e["data"].clone()).unwrap();
            data.splice(start..start + delete, new);
        }
        (data, value["resultId"].as_str().unwrap().to_string())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
        /// After edits to the document and to another file of the
        /// workspace (which declare and remove the names the document's
        /// references resolve to), the previous tokens with the handler's
        /// delta applied, and the handler's whole result, both from the
        /// tokens it kept, are the tokens encoded afresh.
        #[test]
        fn the_previous_tokens_edited_are_the_new_ones(
            text in crate::handlers::test_texts(),
            other in crate::handlers::test_texts(),
            edits in proptest::collection::vec((
                proptest::prelude::any::<bool>(),
                crate::handlers::test_texts(),
                proptest::prelude::any::<proptest::sample::Index>(),
                proptest::prelude::any::<proptest::sample::Index>(),
            ), 1..4),
        ) {
            let mut fs = crate::handlers::test_snapshot(&text, Encoding::Utf16);
            let elsewhere = fs.ws.set_file("/u.orgplan", other.as_str());
            fs.analysis = fs.ws.analysis();
            let (mut data, mut id) = whole(&fs.view().unwrap());
            for (here, insert, a, b) in edits {
                let file = if here { fs.file } else { elsewhere };
                let text = fs.ws.text(file).unwrap().slice(..).into_owned();
                let mut bounds = [a.index(text.len() + 1), b.index(text.len() + 1)];
                bounds.sort();
                let [from, to] = bounds.map(|i| (0..=i).rev().find(|&i| text.is_char_boundary(i)).unwrap());
                // Edited as the server edits a file: incrementally.
                fs.ws.edit_file(file, TextRange::new(from, to), &insert);
                fs.analysis = fs.ws.analysis();
                let snap = fs.view().unwrap();
                let fresh = encode(&snap, None).data;
                (data, id) = apply_delta(&snap, &id, data);
                proptest::prop_assert_eq!(&data, &fresh);
                proptest::prop_assert_eq!(&whole(&snap).0, &fresh);
            }
        }
    }

    #[test]
    fn a_delta_from_an_unknown_result_is_the_whole_result() {
        let fs = crate::handlers::test_snapshot("leader jane \"Jane\" {}\n", Encoding::Utf16);
        let snap = fs.view().unwrap();
        let params = SemanticTokensDeltaParams {
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
            text_document: tower_lsp_server::lsp_types::TextDocumentIdentifier {
                uri: "file:///t.orgplan".parse().unwrap(),
            },
            previous_result_id: "nope".into(),
        };
        let Some(SemanticTokensFullDeltaResult::Tokens(placeholder)) =
            semantic_tokens_full_delta(&snap, &params)
        else {
            panic!("not the whole result");
        };
        let value = serde_json::to_value(&placeholder).unwrap();
        let whole = crate::transport::raw_result_of(&value).expect("written as text");
        assert_eq!(whole["data"].as_array().unwrap().len(), 15);
        // Then a delta from it: nothing changed, no edit.
        let params = SemanticTokensDeltaParams {
            previous_result_id: whole["resultId"].as_str().unwrap().into(),
            ..params
        };
        let Some(SemanticTokensFullDeltaResult::TokensDelta(placeholder)) =
            semantic_tokens_full_delta(&snap, &params)
        else {
            panic!("no delta");
        };
        let value = serde_json::to_value(&placeholder).unwrap();
        let delta = crate::transport::raw_result_of(&value).expect("written as text");
        assert_eq!(delta["edits"], serde_json::json!([]));
    }
}

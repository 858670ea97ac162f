//! textDocument/semanticTokens/full/delta: the document's tokens as one
//! edit of the result the client has (`previousResultId`), offered to
//! clients that ask for it (`ClientSupport::semantic_tokens_delta`).
//!
//! The tokens are encoded afresh ([`super::semantic_tokens_full::encode`]:
//! a reference's type depends on what it names, anywhere in the
//! workspace), then compared with the previous result a top-level block at
//! a time: the blocks at either end whose tokens are the same (length and
//! hash) are kept, and the one edit replaces the tokens between them. A
//! keystroke changes one block's tokens, so the edit is about one block's
//! numbers, not a million. A previous result no longer kept (or of
//! another document) gets the whole result instead, as the protocol allows.

use super::semantic_tokens_full::{encode, placeholder, recall, remember, write_array, Segment};
use super::Snap;
use tower_lsp_server::lsp_types::{
    SemanticTokensDelta, SemanticTokensDeltaParams, SemanticTokensFullDeltaResult,
};

pub fn semantic_tokens_full_delta(
    snap: &Snap,
    params: &SemanticTokensDeltaParams,
) -> Option<SemanticTokensFullDeltaResult> {
    let previous = recall(snap, &params.previous_result_id);
    let encoded = encode(snap, None);
    let edit = previous.map(|old| edit(&old, &encoded.segments));
    let id = remember(snap, encoded.segments).unwrap_or_default();
    let mut text = crate::transport::raw_result(0);
    text.extend_from_slice(br#"{"resultId":""#);
    text.extend_from_slice(id.as_bytes());
    text.extend_from_slice(b"\",");
    let Some(Edit {
        start,
        delete,
        data,
    }) = edit
    else {
        text.extend_from_slice(br#""data":"#);
        write_array(&mut text, &encoded.data);
        text.push(b'}');
        return Some(SemanticTokensFullDeltaResult::Tokens(placeholder(text)));
    };
    text.extend_from_slice(br#""edits":["#);
    let inserted = &encoded.data[data];
    if delete > 0 || !inserted.is_empty() {
        text.extend_from_slice(
            format!(r#"{{"start":{start},"deleteCount":{delete},"data":"#).as_bytes(),
        );
        write_array(&mut text, inserted);
        text.push(b'}');
    }
    text.extend_from_slice(b"]}");
    let placeholder = placeholder(text);
    Some(SemanticTokensFullDeltaResult::TokensDelta(
        SemanticTokensDelta {
            result_id: placeholder.result_id,
            edits: Vec::new(),
        },
    ))
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
    use super::*;
    use orgplan_analysis::position::Encoding;
    use orgplan_analysis::TextRange;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
        /// After any edit, the previous tokens with the delta's edit
        /// applied are the new tokens.
        #[test]
        fn the_previous_tokens_edited_are_the_new_ones(
            text in crate::handlers::test_texts(),
            insert in crate::handlers::test_texts(),
            a in proptest::prelude::any::<proptest::sample::Index>(),
            b in proptest::prelude::any::<proptest::sample::Index>(),
        ) {
            let mut bounds = [a.index(text.len() + 1), b.index(text.len() + 1)];
            bounds.sort();
            let [from, to] = bounds.map(|i| (0..=i).rev().find(|&i| text.is_char_boundary(i)).unwrap());
            let mut fs = crate::handlers::test_snapshot(&text, Encoding::Utf16);
            let old = encode(&fs.view().unwrap(), None);
            // Edited as the server edits a file: incrementally.
            fs.ws.edit_file(fs.file, TextRange::new(from, to), &insert);
            fs.analysis = fs.ws.analysis();
            let new = encode(&fs.view().unwrap(), None);
            let e = edit(&old.segments, &new.segments);
            let mut applied = old.data.clone();
            applied.splice(e.start..e.start + e.delete, new.data[e.data].iter().copied());
            proptest::prop_assert_eq!(applied, new.data);
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
